/*
 * The device and the container: my.getSystemInfoSync / my.getSystemInfo (a simulated
 * phone: the frame drawn around the page), my.env, my.getExtConfigSync / my.getExtConfig
 * (the container's ext config: merchantUrl and walletUrl, then the developer's ext.json),
 * my.reportAnalytics (custom analytics; the event "tradepay_step" records one of the
 * client's steps of the journey in the container's journal), and the phone's own
 * features, shown and not performed: my.makePhoneCall (a sheet with the number; nothing
 * is dialled) and my.setClipboard / my.getClipboard (the simulated phone's clipboard,
 * kept in the browser profile; the computer's clipboard is never touched).
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var my = shim.my;
  var STATUS_BAR = 44, TITLE_BAR = 44;
  var CLIENT_VERSION = "10.5.0";
  var CLIPBOARD_KEY = "__tradepay_sim_clipboard__";  // beside storage, not in it

  function language() { return (navigator.language || "en").split("-")[0] === "zh" ? "zh-Hans" : "en"; }

  function getSystemInfoSync() {
    var device = document.querySelector("[data-mp-device]");
    var rect = device ? device.getBoundingClientRect() : { width: global.innerWidth, height: global.innerHeight };
    var w = Math.round(rect.width), h = Math.round(rect.height);
    var windowHeight = h - STATUS_BAR - TITLE_BAR;
    return {
      app: "tradepay-sim", brand: "SimPay", model: "Simulator", platform: "iOS", system: "17.0",
      version: CLIENT_VERSION, language: language(), pixelRatio: global.devicePixelRatio || 1,
      screenWidth: w, screenHeight: h, windowWidth: w, windowHeight: windowHeight,
      statusBarHeight: STATUS_BAR, titleBarHeight: TITLE_BAR, screen: { width: w, height: h },
      safeArea: { left: 0, right: w, top: STATUS_BAR, bottom: h, width: w, height: h - STATUS_BAR },
      fontSizeSetting: 16, storage: "64 GB", currentBattery: "100%", performance: "high",
      transparentTitle: false, isIphoneXSeries: false,
      albumAuthorized: false, cameraAuthorized: false, locationAuthorized: false, microphoneAuthorized: false,
      locationEnabled: false, wifiEnabled: true, bluetoothEnabled: false, bluetoothAuthorized: false,
      notificationAuthorized: false, notificationAlertAuthorized: false, notificationBadgeAuthorized: false,
      notificationSoundAuthorized: false, overlayAuthorized: false
    };
  }

  function getExtConfigSync() { return JSON.parse(JSON.stringify(shim.config.ext || {})); }

  shim.define("getSystemInfoSync", getSystemInfoSync);
  shim.define("getSystemInfo", function (options) {
    return shim.invoke(options, function (ok) { shim.whenChrome(function () { ok(getSystemInfoSync()); }); });
  });
  shim.define("getExtConfigSync", getExtConfigSync);
  shim.define("getExtConfig", function (options) {
    return shim.invoke(options, function (ok) { var ext = getExtConfigSync(); ok({ data: ext, extConfig: ext }); });
  });
  my.env = { USER_DATA_PATH: "https://usr", clientName: "tradepay-sim", clientVersion: CLIENT_VERSION,
             language: language(), platform: "iOS" };

  shim.define("reportAnalytics", function (eventName, data) {
    data = shim.isObject(data) ? data : {};
    var step = eventName === "tradepay_step" ? Number(data.step) : null;
    shim.report({ step: step, analytics: String(eventName), at: data.at, summary: data.summary || String(eventName),
                  orderId: data.orderId, paymentRequestId: data.paymentRequestId, paymentId: data.paymentId,
                  details: data.details });
  });

  // ---- the phone's own features, shown and not performed ---------------------------------

  function notice(testid, lines, ms) {
    shim.whenChrome(function (c) {
      var old = c.overlay.querySelector("[data-testid=" + testid + "]");
      if (old) old.parentNode.removeChild(old);
      var node = shim.el("div", "mp-notice");
      node.setAttribute("data-testid", testid);
      node.setAttribute("role", "status");
      lines.forEach(function (line, i) { node.appendChild(shim.el("div", i ? "mp-notice-text" : "mp-notice-title", line)); });
      var close = shim.el("button", "mp-notice-close", "Close");
      close.type = "button";
      close.setAttribute("data-testid", testid + "-close");
      close.addEventListener("click", function () { if (node.parentNode) node.parentNode.removeChild(node); });
      node.appendChild(close);
      c.overlay.appendChild(node);
      if (ms) setTimeout(function () { if (node.parentNode) node.parentNode.removeChild(node); }, ms);
    });
  }

  shim.define("makePhoneCall", function (options) {
    return shim.invoke(options, function (ok, ko) {
      var number = (options || {}).number;
      if (typeof number !== "string" || !number.trim()) return ko(shim.error(2, "number must be a non-empty string"));
      notice("mp-phone-call", ["Call " + number, "Simulated: nothing is dialled."]);
      ok({ success: true });
    });
  });

  shim.define("setClipboard", function (options) {
    return shim.invoke(options, function (ok, ko) {
      var text = (options || {}).text;
      if (typeof text !== "string") return ko(shim.error(2, "text must be a string"));
      try { localStorage.setItem(CLIPBOARD_KEY, text); } catch (e) { return ko(shim.error(3, "the clipboard is full")); }
      notice("mp-clipboard", ["Copied", "To the simulated phone's clipboard."], 1500);
      ok({ success: true });
    });
  });

  shim.define("getClipboard", function (options) {
    return shim.invoke(options, function (ok) {
      var text = null;
      try { text = localStorage.getItem(CLIPBOARD_KEY); } catch (e) { /* nothing copied */ }
      ok({ text: text || "" });
    });
  });
})(window);
