/*
 * tradepay-sim `my` shim, core: the global `my` and the callback contract every API
 * keeps. /my.js is this file followed by one file per family of APIs
 * (static/miniprogram/my/*.js), each registering its functions with `define`.
 *
 * The contract, after Alipay's docs and the official declarations (npm @mini-types/my):
 * an API takes {success, fail, complete}; exactly one of success or fail is called, then
 * complete with the same payload, each exactly once; the API also returns a Promise of
 * the same outcome. A failure is {error: <number>, errorMessage: <string>}.
 *
 * The shim emulates the container only: no business rule lives here.
 */
(function (global) {
  "use strict";
  if (global.my && global.my.__tradepaySim) return;

  function isFn(f) { return typeof f === "function"; }

  // A page's callback that throws must not break the container, but must still show up
  // as the page's error (as in a real container's console).
  function callSafely(fn, arg) {
    if (!isFn(fn)) return;
    try { fn(arg); } catch (e) { setTimeout(function () { throw e; }); }
  }

  function error(code, message) { return { error: code, errorMessage: message }; }

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  // Runs `work(ok, ko)`: the first of ok/ko wins; success or fail, then complete, are
  // called once each with its payload, and the returned Promise settles the same way.
  function invoke(options, work) {
    if (options == null) options = {};
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
      if (!isObject(options)) return ko(error(2, "the argument must be an object"));
      try { work(ok, ko); } catch (e) { ko(error(3, String((e && e.message) || e))); }
    });
    // Callback-style callers never see an unhandled rejection.
    if (isObject(options) && (isFn(options.success) || isFn(options.fail) || isFn(options.complete))) {
      promise.catch(function () {});
    }
    return promise;
  }

  // The client's steps of the journey, reported to the container's journal. Best effort:
  // the journey never depends on it.
  function report(event) {
    try {
      fetch("/_sim/events", {
        method: "POST",
        keepalive: true,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(event)
      }).catch(function () {});
    } catch (e) { /* best effort */ }
  }

  var my = {};
  Object.defineProperty(my, "__tradepaySim", { value: true });

  var shim = {
    config: global.__TRADEPAY_SIM_CONFIG__ || {},
    my: my,
    isFn: isFn,
    isObject: isObject,
    error: error,
    invoke: invoke,
    report: report,
    define: function (name, fn) { my[name] = fn; }
  };
  // Shared with the other parts of /my.js; not part of the `my` API.
  Object.defineProperty(global, "__tradepaySimShim", { value: shim });

  // my.canIUse("request"), my.canIUse("tradePay.object.paymentUrl"): the API exists.
  shim.define("canIUse", function (name) {
    return typeof name === "string" && isFn(my[name.split(".")[0]]);
  });

  global.my = my;
})(window);
