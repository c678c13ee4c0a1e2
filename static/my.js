/*
 * tradepay-sim `my` shim: the mini program container's JS API, as the wallet app
 * provides it, for pages served in a browser. Follows Alipay's docs and the official
 * declarations (npm @mini-types/my): every API takes {success, fail, complete} and also
 * returns a Promise.
 *
 * It emulates the container only: no business rule lives here. my.request goes through
 * the container (the mini program server) as a native container does, so the platform's
 * server-domain allow-list applies and no CORS is involved. my.tradePay opens the
 * wallet's cashier over the page without unloading it, and accepts the result only from
 * the wallet's origin, from the cashier frame it opened, with the nonce it gave it.
 */
(function (global) {
  "use strict";
  if (global.my && global.my.__tradepaySim) return;

  var CONFIG = global.__TRADEPAY_SIM_CONFIG__ || {};
  var PAGE_STACK_LIMIT = 10;
  var STACK_KEY = "__tradepay_sim_page_stack__";
  var STORAGE_PREFIX = "__tradepay_sim_storage__:";
  var CASHIER_READY_TIMEOUT_MS = CONFIG.cashierReadyTimeoutMs || 10000;

  // ---- callbacks and promises -----------------------------------------------------

  function isFn(f) { return typeof f === "function"; }

  function callSafely(fn, arg) {
    if (!isFn(fn)) return;
    try { fn(arg); } catch (e) { setTimeout(function () { throw e; }); }
  }

  // Runs `work(resolve, reject)`; calls success/fail then complete exactly once, and
  // returns a Promise of the same outcome.
  function invoke(options, work) {
    options = options || {};
    var settled = false;
    var promise = new Promise(function (resolve, reject) {
      function ok(value) {
        if (settled) return;
        settled = true;
        callSafely(options.success, value);
        callSafely(options.complete, value);
        resolve(value);
      }
      function ko(err) {
        if (settled) return;
        settled = true;
        callSafely(options.fail, err);
        callSafely(options.complete, err);
        reject(err);
      }
      try { work(ok, ko); } catch (e) { ko(error(3, String(e && e.message || e))); }
    });
    // Callback-style callers never see an unhandled rejection.
    if (isFn(options.fail) || isFn(options.complete)) promise.catch(function () {});
    return promise;
  }

  function error(code, message) { return { error: code, errorMessage: message }; }

  // ---- the container chrome: a phone with a status bar and a navigation bar -------

  var chrome = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function ensureStyles() {
    if (!CONFIG.containerCss || document.querySelector("link[data-mp-css]")) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = CONFIG.containerCss;
    link.setAttribute("data-mp-css", "");
    (document.head || document.documentElement).appendChild(link);
  }
  ensureStyles();

  function ensureChrome() {
    if (chrome) return chrome;
    if (!document.body) return null;
    var device = document.querySelector("[data-mp-device]");
    if (!device) {
      device = el("div", "mp-device");
      device.setAttribute("data-mp-device", "");
      var status = el("div", "mp-statusbar");
      status.innerHTML = '<span class="mp-time"></span><span class="mp-icons">\u25CF\u25CF\u25CF\u25CF \u2301 \u25AE</span>';
      var nav = el("div", "mp-navbar");
      var back = el("button", "mp-back", "\u2039");
      back.type = "button";
      back.setAttribute("aria-label", "Back");
      back.setAttribute("data-testid", "mp-back");
      var title = el("div", "mp-title", document.title || "");
      title.setAttribute("data-testid", "mp-title");
      var capsule = el("div", "mp-capsule");
      capsule.innerHTML = "<span>\u00B7\u00B7\u00B7</span><i></i><span>\u25CE</span>";
      nav.appendChild(back);
      nav.appendChild(title);
      nav.appendChild(capsule);
      var page = el("div", "mp-page");
      page.setAttribute("data-mp-page", "");
      while (document.body.firstChild) page.appendChild(document.body.firstChild);
      var overlay = el("div", "mp-overlay");
      device.appendChild(status);
      device.appendChild(nav);
      device.appendChild(page);
      device.appendChild(overlay);
      document.body.appendChild(device);
      document.body.classList.add("mp-body");
      back.addEventListener("click", function () { my.navigateBack({}); });
    }
    chrome = {
      device: device,
      overlay: device.querySelector(".mp-overlay"),
      title: device.querySelector(".mp-title"),
      back: device.querySelector(".mp-back"),
      time: device.querySelector(".mp-time")
    };
    tickClock();
    setInterval(tickClock, 15000);
    chrome.back.hidden = readStack().length < 2;
    return chrome;
  }

  function tickClock() {
    if (!chrome || !chrome.time) return;
    var d = new Date();
    chrome.time.textContent = d.getHours() + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function whenChrome(fn) {
    var c = ensureChrome();
    if (c) return fn(c);
    document.addEventListener("DOMContentLoaded", function () { fn(ensureChrome()); });
  }

  // ---- journal: the client's steps, reported to the container ---------------------

  function report(event) {
    try {
      fetch("/_sim/events", {
        method: "POST",
        keepalive: true,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(event)
      }).catch(function () {});
    } catch (e) { /* reporting is best effort: the journey never depends on it */ }
  }

  // ---- my.request --------------------------------------------------------------------

  var METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT"];
  var DATA_TYPES = ["json", "text", "base64", "arraybuffer"];

  function toQuery(data) {
    var parts = [];
    for (var k in data) {
      if (Object.prototype.hasOwnProperty.call(data, k)) {
        var v = data[k];
        parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(typeof v === "object" ? JSON.stringify(v) : v));
      }
    }
    return parts.join("&");
  }

  function lowerKeys(headers) {
    var out = {};
    for (var k in headers || {}) out[k.toLowerCase()] = String(headers[k]);
    return out;
  }

  function b64ToBytes(b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  function request(options) {
    options = options || {};
    var controller = new AbortController();
    var aborted = false;
    var promise = invoke(options, function (ok, ko) {
      var url = options.url;
      var method = String(options.method || "GET").toUpperCase();
      var dataType = options.dataType || "json";
      var timeout = options.timeout == null ? 30000 : Number(options.timeout);
      if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return ko(error(2, "url must be an absolute http(s) URL"));
      if (METHODS.indexOf(method) < 0) return ko(error(2, "method " + method + " is not supported"));
      if (DATA_TYPES.indexOf(dataType) < 0) return ko(error(2, "dataType must be json, text, base64 or arraybuffer"));
      if (!(timeout > 0)) return ko(error(2, "timeout must be a positive number of milliseconds"));
      var headers = lowerKeys(options.headers || options.header);
      if (!headers["content-type"]) headers["content-type"] = "application/json";
      var body = null;
      var data = options.data;
      if (method === "GET" || method === "HEAD") {
        if (data != null && data !== "") {
          var q = typeof data === "string" ? data : toQuery(data);
          url += (url.indexOf("?") >= 0 ? "&" : "?") + q;
        }
      } else if (data != null) {
        if (typeof data === "string") body = data;
        else if (headers["content-type"].indexOf("application/x-www-form-urlencoded") === 0) body = toQuery(data);
        else body = JSON.stringify(data);
      }
      var timer = setTimeout(function () {
        controller.abort();
        ko(error(13, "request timed out after " + timeout + " ms"));
      }, timeout);
      fetch("/__container/request", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        signal: controller.signal,
        body: JSON.stringify({ url: url, method: method, headers: headers, body: body, timeout: timeout })
      })
        .then(function (resp) { return resp.json(); })
        .then(function (r) {
          clearTimeout(timer);
          if (!r.ok) return ko(error(r.error, r.errorMessage));
          var bytes = b64ToBytes(r.body || "");
          var out;
          if (dataType === "base64") out = r.body || "";
          else if (dataType === "arraybuffer") out = bytes.buffer;
          else {
            var text = new TextDecoder("utf-8").decode(bytes);
            if (dataType === "json") {
              try { out = text === "" ? "" : JSON.parse(text); }
              catch (e) { return ko(error(14, "JSON parse data error")); }
            } else out = text;
          }
          ok({ data: out, status: r.status, headers: r.headers, statusCode: r.status, header: r.headers });
        })
        .catch(function () {
          clearTimeout(timer);
          if (aborted) return ko(error(9, "request:fail abort"));
          ko(error(12, "network error: the container could not complete the request"));
        });
    });
    promise.abort = function () {
      aborted = true;
      controller.abort();
    };
    return promise;
  }

  // ---- my.tradePay -----------------------------------------------------------------

  var cashierOpen = false;

  function tradePay(options) {
    options = options || {};
    return invoke(options, function (ok, ko) {
      var url;
      if (options.paymentUrl != null) {
        if (typeof options.paymentUrl !== "string") return ko(error(2, "paymentUrl must be a string"));
        try { url = new URL(options.paymentUrl); } catch (e) { return ko(error(2, "paymentUrl is not a valid URL")); }
        if (!/^https?:$/.test(url.protocol)) return ko(error(2, "paymentUrl must be an http(s) URL"));
      } else if (options.tradeNO != null) {
        if (typeof options.tradeNO !== "string" || !/^[0-9A-Za-z_-]{1,64}$/.test(options.tradeNO)) {
          return ko(error(2, "tradeNO must be the wallet's payment id"));
        }
        url = new URL(CONFIG.walletUrl + "/cashier?tradeNO=" + encodeURIComponent(options.tradeNO));
      } else {
        return ko(error(2, "paymentUrl or tradeNO is required"));
      }
      var walletOrigins = CONFIG.walletOrigins || [];
      if (walletOrigins.indexOf(url.origin) < 0) {
        return ko(error(2, "paymentUrl is not a cashier of this wallet (" + url.origin + ")"));
      }
      if (cashierOpen) return ko(error(3, "a payment is already in progress"));
      cashierOpen = true;
      openCashier(url, ok);
    });
  }

  function randomNonce() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function openCashier(url, ok) {
    var calledAt = new Date().toISOString();
    var nonce = randomNonce();
    var ids = { paymentUrl: url.href };
    var step9Sent = false;
    var frame, readyTimer;

    function sendStep9() {
      if (step9Sent) return;
      step9Sent = true;
      report({ step: 9, at: calledAt, summary: "my.tradePay opens the cashier", orderId: ids.orderId,
               paymentRequestId: ids.paymentRequestId, paymentId: ids.paymentId,
               details: { paymentUrl: url.origin + url.pathname.replace(/[^/]+$/, "\u2026") } });
    }

    function finish(resultCode) {
      clearTimeout(readyTimer);
      window.removeEventListener("message", onMessage);
      if (frame && frame.parentNode) frame.parentNode.removeChild(frame);
      cashierOpen = false;
      sendStep9();
      report({ step: 18, summary: "success({resultCode: '" + resultCode + "'})", orderId: ids.orderId,
               paymentRequestId: ids.paymentRequestId, paymentId: ids.paymentId,
               details: { resultCode: resultCode } });
      ok({ resultCode: resultCode });
    }

    function onMessage(ev) {
      if (ev.origin !== url.origin || !frame || ev.source !== frame.contentWindow) return;
      var d = ev.data;
      if (!d || d.source !== "tradepay-sim-cashier" || d.nonce !== nonce) return;
      if (d.paymentId) ids.paymentId = d.paymentId;
      if (d.paymentRequestId) ids.paymentRequestId = d.paymentRequestId;
      if (d.orderId) ids.orderId = d.orderId;
      if (d.type === "ready") {
        clearTimeout(readyTimer);
        sendStep9();
      } else if (d.type === "result" && /^(9000|8000|4000|6001|6002|6004)$/.test(String(d.resultCode))) {
        finish(String(d.resultCode));
      }
    }

    window.addEventListener("message", onMessage);
    whenChrome(function (c) {
      frame = document.createElement("iframe");
      frame.className = "mp-cashier";
      frame.setAttribute("data-testid", "cashier-frame");
      frame.setAttribute("title", "Wallet cashier");
      frame.setAttribute("allow", "payment");
      var src = new URL(url.href);
      src.hash = "origin=" + encodeURIComponent(location.origin) + "&nonce=" + nonce;
      frame.src = src.href;
      c.overlay.appendChild(frame);
      // A wallet that never answers is a lost connection: 6002, nothing was paid.
      readyTimer = setTimeout(function () { finish("6002"); }, CASHIER_READY_TIMEOUT_MS);
    });
  }

  // ---- UI: dialogs, loading, toasts ---------------------------------------------------

  function dialog(title, content, buttons, done) {
    whenChrome(function (c) {
      var mask = el("div", "mp-mask");
      var box = el("div", "mp-dialog");
      box.setAttribute("role", "dialog");
      box.setAttribute("data-testid", "mp-dialog");
      if (title) box.appendChild(el("div", "mp-dialog-title", title));
      if (content) box.appendChild(el("div", "mp-dialog-content", content));
      var row = el("div", "mp-dialog-buttons");
      buttons.forEach(function (b) {
        var btn = el("button", "mp-dialog-btn" + (b.primary ? " primary" : ""), b.text);
        btn.type = "button";
        btn.setAttribute("data-testid", b.testid);
        btn.addEventListener("click", function () {
          c.overlay.removeChild(mask);
          done(b.value);
        });
        row.appendChild(btn);
      });
      box.appendChild(row);
      mask.appendChild(box);
      c.overlay.appendChild(mask);
    });
  }

  function alert(options) {
    options = options || {};
    return invoke(options, function (ok) {
      dialog(options.title, options.content, [
        { text: options.buttonText || "OK", primary: true, testid: "mp-alert-ok", value: null }
      ], function () { ok({}); });
    });
  }

  function confirm(options) {
    options = options || {};
    return invoke(options, function (ok) {
      dialog(options.title, options.content, [
        { text: options.cancelButtonText || "Cancel", testid: "mp-confirm-cancel", value: false },
        { text: options.confirmButtonText || "OK", primary: true, testid: "mp-confirm-ok", value: true }
      ], function (value) { ok({ confirm: value }); });
    });
  }

  var loading = null;

  function showLoading(options) {
    options = options || {};
    return invoke(options, function (ok) {
      hideLoadingNow();
      var state = { node: null, timer: null };
      loading = state;
      state.timer = setTimeout(function () {
        whenChrome(function (c) {
          if (loading !== state) return;
          var node = el("div", "mp-loading");
          node.setAttribute("data-testid", "mp-loading");
          var box = el("div", "mp-loading-box");
          box.appendChild(el("div", "mp-spinner"));
          if (options.content) box.appendChild(el("div", "mp-loading-text", options.content));
          node.appendChild(box);
          state.node = node;
          c.overlay.appendChild(node);
        });
      }, Math.max(0, Number(options.delay) || 0));
      ok({});
    });
  }

  function hideLoadingNow() {
    if (!loading) return;
    clearTimeout(loading.timer);
    if (loading.node && loading.node.parentNode) loading.node.parentNode.removeChild(loading.node);
    loading = null;
  }

  function hideLoading(options) {
    return invoke(options, function (ok) { hideLoadingNow(); ok({}); });
  }

  var TOAST_ICONS = { success: "\u2713", fail: "\u2715", exception: "!", none: "" };

  function showToast(options) {
    options = options || {};
    return invoke(options, function (ok) {
      var type = options.type || "none";
      whenChrome(function (c) {
        var old = c.overlay.querySelector(".mp-toast");
        if (old) old.parentNode.removeChild(old);
        var node = el("div", "mp-toast mp-toast-" + type);
        node.setAttribute("data-testid", "mp-toast");
        node.setAttribute("role", "status");
        if (TOAST_ICONS[type]) node.appendChild(el("div", "mp-toast-icon", TOAST_ICONS[type]));
        node.appendChild(el("div", "mp-toast-text", options.content || ""));
        c.overlay.appendChild(node);
        setTimeout(function () {
          if (node.parentNode) node.parentNode.removeChild(node);
          ok({});
        }, options.duration == null ? 2000 : Number(options.duration));
      });
    });
  }

  function hideToast(options) {
    return invoke(options, function (ok) {
      var node = document.querySelector(".mp-toast");
      if (node) node.parentNode.removeChild(node);
      ok({});
    });
  }

  // ---- navigation: a page stack of at most 10, like the platform's --------------------

  function readStack() {
    try {
      var s = JSON.parse(sessionStorage.getItem(STACK_KEY) || "[]");
      return Array.isArray(s) ? s : [];
    } catch (e) { return []; }
  }

  function writeStack(stack) { sessionStorage.setItem(STACK_KEY, JSON.stringify(stack)); }

  (function syncStack() {
    var here = location.pathname + location.search;
    var stack = readStack();
    if (!stack.length || stack[stack.length - 1] !== here) {
      var i = stack.lastIndexOf(here);
      stack = i >= 0 ? stack.slice(0, i + 1) : [here];
      writeStack(stack);
    }
  })();

  function pageUrl(url) {
    if (typeof url !== "string" || !url) return null;
    var u;
    try { u = new URL(url, location.href); } catch (e) { return null; }
    if (u.origin !== location.origin) return null;
    return u.pathname + u.search;
  }

  function navigateTo(options) {
    options = options || {};
    return invoke(options, function (ok, ko) {
      var target = pageUrl(options.url);
      if (!target) return ko(error(2, "url must be a page of this mini program"));
      var stack = readStack();
      if (stack.length >= PAGE_STACK_LIMIT) {
        return ko(error(3, "the page stack is full (" + PAGE_STACK_LIMIT + " pages): use redirectTo"));
      }
      stack.push(target);
      writeStack(stack);
      ok({});
      location.assign(target);
    });
  }

  function redirectTo(options) {
    options = options || {};
    return invoke(options, function (ok, ko) {
      var target = pageUrl(options.url);
      if (!target) return ko(error(2, "url must be a page of this mini program"));
      var stack = readStack();
      stack[Math.max(stack.length - 1, 0)] = target;
      writeStack(stack);
      ok({});
      location.replace(target);
    });
  }

  function navigateBack(options) {
    options = options || {};
    return invoke(options, function (ok) {
      var delta = Math.max(1, parseInt(options.delta, 10) || 1);
      var stack = readStack();
      if (stack.length < 2) return ok({});
      delta = Math.min(delta, stack.length - 1);
      writeStack(stack.slice(0, stack.length - delta));
      ok({});
      location.replace(stack[stack.length - delta - 1]);
    });
  }

  function reLaunch(options) {
    options = options || {};
    return invoke(options, function (ok, ko) {
      var target = pageUrl(options.url);
      if (!target) return ko(error(2, "url must be a page of this mini program"));
      writeStack([target]);
      ok({});
      location.replace(target);
    });
  }

  function setNavigationBar(options) {
    options = options || {};
    return invoke(options, function (ok) {
      whenChrome(function (c) {
        if (options.title != null) c.title.textContent = String(options.title);
        if (options.backgroundColor) c.device.querySelector(".mp-navbar").style.background = options.backgroundColor;
        ok({});
      });
    });
  }

  // ---- storage -------------------------------------------------------------------------

  function setStorageSync(arg) {
    if (!arg || typeof arg.key !== "string") return error(2, "key must be a string");
    localStorage.setItem(STORAGE_PREFIX + arg.key, JSON.stringify({ v: arg.data }));
    return { success: true };
  }
  function getStorageSync(arg) {
    if (!arg || typeof arg.key !== "string") return { data: null };
    var raw = localStorage.getItem(STORAGE_PREFIX + arg.key);
    if (raw == null) return { data: null };
    try { return { data: JSON.parse(raw).v }; } catch (e) { return { data: null }; }
  }
  function removeStorageSync(arg) {
    if (arg && typeof arg.key === "string") localStorage.removeItem(STORAGE_PREFIX + arg.key);
    return { success: true };
  }
  function clearStorageSync() {
    Object.keys(localStorage).forEach(function (k) {
      if (k.indexOf(STORAGE_PREFIX) === 0) localStorage.removeItem(k);
    });
    return { success: true };
  }
  function getStorageInfoSync() {
    var keys = Object.keys(localStorage).filter(function (k) { return k.indexOf(STORAGE_PREFIX) === 0; });
    var size = keys.reduce(function (n, k) { return n + localStorage.getItem(k).length; }, 0);
    return { keys: keys.map(function (k) { return k.slice(STORAGE_PREFIX.length); }),
             currentSize: Math.ceil(size / 1024), limitSize: 10240 };
  }
  function asyncOf(syncFn, needsKey) {
    return function (options) {
      options = options || {};
      return invoke(options, function (ok, ko) {
        if (needsKey && typeof options.key !== "string") return ko(error(2, "key must be a string"));
        ok(syncFn(options));
      });
    };
  }

  // ---- system info, analytics ----------------------------------------------------------

  function getSystemInfoSync() {
    var c = ensureChrome();
    var rect = c ? c.device.getBoundingClientRect() : { width: innerWidth, height: innerHeight };
    return {
      app: "tradepay-sim", brand: "SimPay", model: "Simulator", platform: "iOS", system: "17.0",
      version: "10.5.0", language: navigator.language || "en", pixelRatio: global.devicePixelRatio || 1,
      screenWidth: Math.round(rect.width), screenHeight: Math.round(rect.height),
      windowWidth: Math.round(rect.width), windowHeight: Math.round(rect.height) - 88,
      statusBarHeight: 44, titleBarHeight: 44
    };
  }

  // my.reportAnalytics(eventName, data): custom analytics. The event "tradepay_step"
  // records one of the client's steps in the journal; any other is kept as a note.
  function reportAnalytics(eventName, data) {
    data = data || {};
    var step = eventName === "tradepay_step" ? Number(data.step) : null;
    report({ step: step, analytics: eventName, at: data.at, summary: data.summary || eventName,
             orderId: data.orderId, paymentRequestId: data.paymentRequestId, paymentId: data.paymentId,
             details: data.details });
  }

  var my = {
    __tradepaySim: true,
    request: request,
    tradePay: tradePay,
    alert: alert,
    confirm: confirm,
    showLoading: showLoading,
    hideLoading: hideLoading,
    showToast: showToast,
    hideToast: hideToast,
    navigateTo: navigateTo,
    redirectTo: redirectTo,
    navigateBack: navigateBack,
    reLaunch: reLaunch,
    setNavigationBar: setNavigationBar,
    setStorageSync: setStorageSync,
    getStorageSync: getStorageSync,
    removeStorageSync: removeStorageSync,
    clearStorageSync: clearStorageSync,
    getStorageInfoSync: getStorageInfoSync,
    setStorage: asyncOf(setStorageSync, true),
    getStorage: asyncOf(function (o) { return getStorageSync(o); }, true),
    removeStorage: asyncOf(removeStorageSync, true),
    clearStorage: asyncOf(clearStorageSync, false),
    getStorageInfo: asyncOf(getStorageInfoSync, false),
    getSystemInfoSync: getSystemInfoSync,
    getSystemInfo: asyncOf(getSystemInfoSync, false),
    reportAnalytics: reportAnalytics,
    canIUse: function (name) { return typeof my[String(name).split(".")[0]] !== "undefined"; }
  };

  global.my = my;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ensureChrome);
  else ensureChrome();
})(window);
