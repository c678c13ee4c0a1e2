/*
 * tradepay-sim `my` shim, core: the global `my` and the callback contract every API
 * keeps. /my.js is this file followed by one file per family of APIs
 * (static/miniprogram/my/*.js), each registering its functions with `define`.
 *
 * The contract, after Alipay's docs and the official declarations (npm @mini-types/my):
 * an API takes {success, fail, complete}; exactly one of success or fail is called, then
 * complete with the same payload, each exactly once; the API also returns a Promise of
 * the same outcome. A failure is {error: <number>, errorMessage: <string>} (my.request adds
 * the reply to its HTTP status failure).
 *
 * A function the official declarations give `my` but the shim lacks (my.getLocation...)
 * exists all the same and fails with {error: 1} (the platform's "接口不存在", API not
 * available), a console warning and a note in the container's journal, so a test shows
 * what to stub; a name the declarations do not have stays undefined, as on the platform.
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

  // The APIs the shim implements; `my` itself is a view of it (below). A test's stubs,
  // set as `window.my = {getLocation: ...}` before the shim loads (an init script), are
  // kept and win over the shim's own.
  var apis = {};
  var stubbed = isObject(global.my) ? global.my : {};
  Object.keys(stubbed).forEach(function (name) { if (isFn(stubbed[name])) apis[name] = stubbed[name]; });
  Object.defineProperty(apis, "__tradepaySim", { value: true });

  var shim = {
    config: global.__TRADEPAY_SIM_CONFIG__ || {},
    isFn: isFn,
    isObject: isObject,
    error: error,
    invoke: invoke,
    report: report,
    declared: {},  // filled by declared.js: {"": [names of my.*], "ap": [...], ...}
    define: function (name, fn) { if (!isFn(stubbed[name])) apis[name] = fn; }
  };
  // Shared with the other parts of /my.js; not part of the `my` API.
  Object.defineProperty(global, "__tradepaySimShim", { value: shim });

  // ---- declared APIs the shim lacks ----------------------------------------------------

  var warned = {};
  var stubs = {};

  function notSupported(path) {
    var message = "my." + path + " is not supported by tradepay-sim: stub it in your page or test";
    if (!warned[path]) {  // once per API and page: a loop calling it must not flood the log
      warned[path] = true;
      if (global.console) console.warn("[tradepay-sim] " + message + " (docs/my-shim.md)");
      report({ step: null, summary: message, details: { api: "my." + path, unsupported: true } });
    }
    return error(1, message);
  }

  // What the platform's API of that name would be: a sync API returns the failure, a
  // listener (on*, off*) or a factory (create*) returns nothing, the others call fail.
  function stub(path) {
    if (stubs[path]) return stubs[path];
    var name = path.split(".").pop();
    var fn = /Sync$/.test(name) ? function () { return notSupported(path); }
      : /^(on|off|create)([A-Z]|$)/.test(name) ? function () { notSupported(path); }
      : function (options) {
        return invoke(isObject(options) ? options : {}, function (ok, ko) { ko(notSupported(path)); });
      };
    Object.defineProperty(fn, "__tradepaySimUnsupported", { value: true });
    return (stubs[path] = fn);
  }

  function declares(ns, name) {
    return typeof name === "string" && (shim.declared[ns] || []).indexOf(name) >= 0;
  }

  // `my` as page code sees it: what the shim implements (and what a page sets, such as a
  // stub of its own), then a declared API it lacks, then a declared namespace (my.ap).
  function facade(target, ns) {
    var namespaces = {};
    return new Proxy(target, {
      get: function (t, name, receiver) {
        if (typeof name !== "string" || name in t) return Reflect.get(t, name, receiver);
        if (declares(ns, name)) return stub(ns ? ns + "." + name : name);
        if (!ns && shim.declared[name]) return namespaces[name] || (namespaces[name] = facade({}, name));
        return undefined;
      },
      has: function (t, name) {
        return name in t || declares(ns, name) || (!ns && typeof name === "string" && !!shim.declared[name]);
      }
    });
  }

  var my = facade(apis, "");
  shim.my = my;

  // my.canIUse("request"), my.canIUse("tradePay.object.paymentUrl"): the shim implements it.
  shim.define("canIUse", function (name) {
    return typeof name === "string" && isFn(apis[name.split(".")[0]]);
  });

  global.my = my;
})(window);
