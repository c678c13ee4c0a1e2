/*
 * my.tradePay: opens the wallet's cashier (the wallet's own page, on the wallet's origin)
 * in a frame over the page, without unloading it, and returns its resultCode:
 * success({resultCode}) for 9000, 8000, 4000, 6001, 6002, 6004; fail({error: 2}) for a
 * missing or malformed argument, fail({error: 3}) while another cashier is open.
 *
 * The result crosses back by postMessage and is accepted only if it comes from the
 * wallet's origin, from the very frame this call opened, and carries the nonce this call
 * gave that frame (in the URL fragment, which no other origin can read). Anything else
 * is ignored. A cashier that never says "ready" is a lost connection: 6002.
 *
 * The wallet lets its cashier be framed only by the origins the simulator serves
 * (simulator/core/origins.py). A page reached at another address (a forwarded port, a
 * name the simulator was not told with --public-host) would get a blank frame: it is
 * told so at once, with what to do, and the call ends with 6002 when the notice is closed.
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var error = shim.error;
  var config = shim.config;
  var RESULT_CODES = ["9000", "8000", "4000", "6001", "6002", "6004"];
  var TRADE_NO = /^[0-9A-Za-z_-]{1,64}$/;
  var READY_TIMEOUT_MS = config.cashierReadyTimeoutMs || 10000;
  var cashierOpen = false;

  // The cashier URL this call opens, or {error: 2}.
  function cashierUrl(o) {
    var hasUrl = o.paymentUrl != null, hasTradeNo = o.tradeNO != null;
    if (o.orderStr != null && !hasUrl && !hasTradeNo) {
      return error(2, "orderStr is not supported by this wallet: pass paymentUrl or tradeNO");
    }
    if (hasUrl && hasTradeNo) return error(2, "pass paymentUrl or tradeNO, not both");
    if (!hasUrl && !hasTradeNo) return error(2, "paymentUrl or tradeNO is required");
    var url;
    if (hasTradeNo) {
      if (typeof o.tradeNO !== "string" || !TRADE_NO.test(o.tradeNO)) {
        return error(2, "tradeNO must be the wallet's payment id (letters, digits, _ or -, at most 64)");
      }
      url = new URL(config.walletUrl + "/cashier?tradeNO=" + encodeURIComponent(o.tradeNO));
    } else {
      if (typeof o.paymentUrl !== "string") return error(2, "paymentUrl must be a string");
      try { url = new URL(o.paymentUrl); } catch (e) { return error(2, "paymentUrl is not a valid URL"); }
      if (!/^https?:$/.test(url.protocol)) return error(2, "paymentUrl must be an http(s) URL");
    }
    if ((config.walletOrigins || []).indexOf(url.origin) < 0) {
      return error(2, "paymentUrl is not a cashier of this wallet (" + url.origin + ")");
    }
    return url;
  }

  function tradePay(options) {
    return shim.invoke(options, function (ok, ko) {
      var url = cashierUrl(options || {});
      if (url.error) return ko(url);
      if (cashierOpen) return ko(error(3, "a cashier is already open: wait for its result"));
      cashierOpen = true;
      var homes = config.containerOrigins || [];
      if (homes.length && homes.indexOf(location.origin) < 0) return refuseHere(homes, ok);
      openCashier(url, ok);
    });
  }

  // This page's address is not one the wallet frames its cashier in: say why and what to do.
  function refuseHere(homes, ok) {
    var here = location.origin;
    var host = location.hostname;
    var text = "This mini program was opened at " + here + ", an address the simulator was not told about, " +
      "so the wallet refuses to show its cashier inside it. Open it at " + homes[0] + location.pathname +
      " instead, or restart the simulator with --allowed-hosts " + host + " so that it serves this address" +
      " too (--public-host " + host + " to hand out this name in every URL).";
    if (global.console) global.console.warn("my.tradePay: " + text);
    shim.dialog({ title: "The cashier cannot open here", content: text }, [
      { text: "OK", value: true, primary: true, testid: "mp-dialog-ok" }
    ], function () {
      cashierOpen = false;
      shim.report({ step: 18, summary: "success({resultCode: '6002'}): the page's origin is not served",
                    details: { resultCode: "6002", origin: here } });
      ok({ resultCode: "6002" });
    });
  }

  function nonce() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function openCashier(url, ok) {
    var calledAt = new Date().toISOString();
    var secret = nonce();
    var ids = {};
    var step9Sent = false;
    var finished = false;
    var frame = null, readyTimer = null;

    function sendStep9() {
      if (step9Sent) return;
      step9Sent = true;
      shim.report({ step: 9, at: calledAt, summary: "my.tradePay opens the cashier", orderId: ids.orderId,
                    paymentRequestId: ids.paymentRequestId, paymentId: ids.paymentId,
                    details: { paymentUrl: url.origin + url.pathname.replace(/[^/]+$/, "\u2026") } });
    }

    function finish(resultCode) {
      if (finished) return;
      finished = true;
      clearTimeout(readyTimer);
      global.removeEventListener("message", onMessage);
      if (frame && frame.parentNode) frame.parentNode.removeChild(frame);
      cashierOpen = false;
      sendStep9();
      shim.report({ step: 18, summary: "success({resultCode: '" + resultCode + "'})", orderId: ids.orderId,
                    paymentRequestId: ids.paymentRequestId, paymentId: ids.paymentId,
                    details: { resultCode: resultCode } });
      ok({ resultCode: resultCode });
    }

    function onMessage(ev) {
      // Only the wallet's origin, only the frame this call opened, only with its nonce.
      if (!frame || ev.source !== frame.contentWindow || ev.origin !== url.origin) return;
      var d = ev.data;
      if (!shim.isObject(d) || d.source !== "tradepay-sim-cashier" || d.nonce !== secret) return;
      ["paymentId", "paymentRequestId", "orderId"].forEach(function (k) {
        if (typeof d[k] === "string" && d[k]) ids[k] = d[k];
      });
      if (d.type === "ready") {
        clearTimeout(readyTimer);
        sendStep9();
      } else if (d.type === "result" && RESULT_CODES.indexOf(String(d.resultCode)) >= 0) {
        finish(String(d.resultCode));
      }
    }

    global.addEventListener("message", onMessage);
    shim.whenChrome(function (c) {
      frame = document.createElement("iframe");
      frame.className = "mp-cashier";
      frame.setAttribute("data-testid", "cashier-frame");
      frame.setAttribute("title", "Wallet cashier");
      frame.setAttribute("allow", "payment");
      var src = new URL(url.href);
      src.hash = "origin=" + encodeURIComponent(location.origin) + "&nonce=" + secret;
      frame.src = src.href;
      c.overlay.appendChild(frame);
      readyTimer = setTimeout(function () { finish("6002"); }, READY_TIMEOUT_MS);
    });
  }

  shim.define("tradePay", tradePay);
})(window);
