/*
 * Storage, sync and async forms, kept per mini program in localStorage (it survives a
 * restart of the container, as the platform's does). Values go through JSON, as on the
 * platform; one value may take 200 KB, the whole storage 10 MB.
 * getStorageSync of a missing key is {data: null}. Async forms fail with error 2 for a
 * key that is not a string or a value too large.
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var error = shim.error;
  var PREFIX = "__tradepay_sim_storage__:";
  var ITEM_LIMIT = 200 * 1024;
  var LIMIT_KB = 10 * 1024;

  function ownKeys() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf(PREFIX) === 0) keys.push(k);
    }
    return keys;
  }

  function usedBytes() {
    return ownKeys().reduce(function (n, k) { return n + k.length + localStorage.getItem(k).length; }, 0);
  }

  function setStorageSync(o) {
    if (!shim.isObject(o) || typeof o.key !== "string") return { success: false, error: 2, errorMessage: "key must be a string" };
    var raw;
    try { raw = JSON.stringify({ v: o.data === undefined ? null : o.data }); } catch (e) { raw = null; }
    if (raw == null) return { success: false, error: 2, errorMessage: "data cannot be stored (not JSON)" };
    if (raw.length > ITEM_LIMIT) return { success: false, error: 2, errorMessage: "data is larger than 200 KB" };
    var old = localStorage.getItem(PREFIX + o.key);
    if (usedBytes() - (old ? old.length : 0) + raw.length > LIMIT_KB * 1024) {
      return { success: false, error: 3, errorMessage: "the storage is full (10 MB)" };
    }
    try { localStorage.setItem(PREFIX + o.key, raw); }
    catch (e) { return { success: false, error: 3, errorMessage: "the storage is full" }; }
    return { success: true };
  }

  function getStorageSync(o) {
    var raw = shim.isObject(o) && typeof o.key === "string" ? localStorage.getItem(PREFIX + o.key) : null;
    if (raw == null) return { data: null };
    try { return { data: JSON.parse(raw).v }; } catch (e) { return { data: null }; }
  }

  function removeStorageSync(o) {
    if (shim.isObject(o) && typeof o.key === "string") localStorage.removeItem(PREFIX + o.key);
    return { success: true };
  }

  function clearStorageSync() {
    ownKeys().forEach(function (k) { localStorage.removeItem(k); });
    return { success: true };
  }

  function getStorageInfoSync() {
    return { keys: ownKeys().map(function (k) { return k.slice(PREFIX.length); }),
             currentSize: Math.ceil(usedBytes() / 1024), limitSize: LIMIT_KB };
  }

  // The async form of a sync API: same result, through success/fail/complete.
  function asyncForm(syncFn, needsKey, shape) {
    return function (options) {
      return shim.invoke(options, function (ok, ko) {
        var o = options || {};
        if (needsKey && typeof o.key !== "string") return ko(error(2, "key must be a string"));
        var result = syncFn(o);
        if (result.success === false) return ko(error(result.error, result.errorMessage));
        ok(shape ? shape(result) : result);
      });
    };
  }

  shim.define("setStorageSync", setStorageSync);
  shim.define("getStorageSync", getStorageSync);
  shim.define("removeStorageSync", removeStorageSync);
  shim.define("clearStorageSync", clearStorageSync);
  shim.define("getStorageInfoSync", getStorageInfoSync);
  shim.define("setStorage", asyncForm(setStorageSync, true, function () { return {}; }));
  shim.define("getStorage", asyncForm(getStorageSync, true));
  shim.define("removeStorage", asyncForm(removeStorageSync, true));
  shim.define("clearStorage", asyncForm(clearStorageSync, false));
  shim.define("getStorageInfo", asyncForm(getStorageInfoSync, false));
})(window);
