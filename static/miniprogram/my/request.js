/*
 * my.request: the container performs it natively (POST /__container/request on the mini
 * program server), so the server-domain allow-list applies, no CORS is involved, and the
 * container keeps the cookies servers set (page code never sees them).
 *
 * success({data, status, headers, statusCode, header}) for a 2xx or 3xx reply;
 * fail({error: 19, errorMessage: "http status error", status, headers, data}) for an HTTP
 * status of 400 or above; otherwise fail({error, errorMessage}): 2 invalid argument,
 * 9 stopped by task.abort(), 11 origin not on the allow-list, 12 network error,
 * 13 timeout (at most 60 s), 14 the body is not what dataType asks for, 19 a reply that
 * is not a usable HTTP response. dataType "base64" gives a data URI.
 * Returns the Promise with the RequestTask methods: abort, onHeadersReceived, offHeadersReceived.
 * Sources: docs/my-shim.md, docs/fidelity.md.
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var error = shim.error;
  var METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT"];
  var DATA_TYPES = ["json", "text", "base64", "arraybuffer"];
  var DEFAULT_TIMEOUT_MS = 30000;
  var MAX_TIMEOUT_MS = 60000;  // "上限为 60s": a longer timeout is cut to 60 s
  var DEVICE_KEY = "__tradepay_sim_device__";
  // The container applies the timeout natively and answers 13 itself; this backstop only
  // fires if the container does not answer at all.
  var BACKSTOP_MS = 3000;

  function toQuery(data) {
    return Object.keys(data).map(function (k) {
      var v = data[k];
      var text = v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
      return encodeURIComponent(k) + "=" + encodeURIComponent(text);
    }).join("&");
  }

  function bytesToB64(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(bin);
  }

  function b64ToBytes(b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  function binary(data) {
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return null;
  }

  // The call as the container receives it, or {error: 2} when an argument is wrong.
  function build(o) {
    var url = o.url;
    var method = typeof o.method === "string" ? o.method.toUpperCase() : o.method == null ? "GET" : null;
    var dataType = typeof o.dataType === "string" ? o.dataType.toLowerCase() : o.dataType == null ? "json" : null;
    var timeout = o.timeout == null ? DEFAULT_TIMEOUT_MS : o.timeout;
    if (typeof url !== "string" || !/^https?:\/\/[^/?#]+/i.test(url)) return error(2, "url must be an absolute http(s) URL");
    if (METHODS.indexOf(method) < 0) return error(2, "method must be one of " + METHODS.join(", "));
    if (DATA_TYPES.indexOf(dataType) < 0) return error(2, "dataType must be json, text, base64 or arraybuffer");
    if (typeof timeout !== "number" || !(timeout > 0) || !isFinite(timeout)) {
      return error(2, "timeout must be a positive number of milliseconds");
    }
    var headers = {};
    var given = [o.header, o.headers];
    for (var g = 0; g < given.length; g++) {
      if (given[g] == null) continue;
      if (!shim.isObject(given[g])) return error(2, "headers must be an object");
      for (var k in given[g]) {
        var v = given[g][k];
        if (v !== null && typeof v === "object") return error(2, "header " + k + " must be a string");
        headers[k.toLowerCase()] = String(v);
      }
    }
    if (!headers["content-type"]) headers["content-type"] = "application/json";
    var data = o.data;
    var body = null;
    var bytes = binary(data);
    if (method === "GET" || method === "HEAD") {
      if (bytes) return error(2, "an ArrayBuffer cannot be sent with " + method);
      if (data != null && data !== "") {
        if (typeof data !== "string" && !shim.isObject(data)) return error(2, "data must be a string or an object");
        url += (url.indexOf("?") >= 0 ? "&" : "?") + (typeof data === "string" ? data : toQuery(data));
      }
    } else if (bytes) {
      body = bytesToB64(bytes);
    } else if (data != null) {
      var text;
      if (typeof data === "string") text = data;
      else if (headers["content-type"].indexOf("application/x-www-form-urlencoded") === 0 && shim.isObject(data)) text = toQuery(data);
      else text = JSON.stringify(data);
      body = bytesToB64(new TextEncoder().encode(text));
    }
    return { url: url, method: method, headers: headers, body: body, timeout: Math.min(timeout, MAX_TIMEOUT_MS),
             dataType: dataType };
  }

  // This browser profile is one phone: its cookie jar in the container is its own.
  // Kept beside storage, but not in it (my.clearStorage leaves the cookies).
  function device() {
    try {
      var id = localStorage.getItem(DEVICE_KEY);
      if (!id) { id = randomId(); localStorage.setItem(DEVICE_KEY, id); }
      return id;
    } catch (e) { return ""; }
  }

  function charsetOf(headers) {
    var m = /charset\s*=\s*"?([^";\s]+)/i.exec(headers["content-type"] || "");
    return m ? m[1] : "utf-8";
  }

  // "data:image/png;base64,iVBOR..." as Alipay's example shows: the media type of the
  // reply's Content-Type (application/octet-stream without one).
  function dataUri(b64, headers) {
    var type = (headers["content-type"] || "").split(";")[0].trim().toLowerCase();
    return "data:" + (type || "application/octet-stream") + ";base64," + b64;
  }

  function textOf(bytes, headers) {
    var decoder;
    try { decoder = new TextDecoder(charsetOf(headers)); } catch (e) { decoder = new TextDecoder("utf-8"); }
    return decoder.decode(bytes);
  }

  // The body as dataType asks, or throws the declared 14.
  function decode(b64, dataType, headers) {
    if (dataType === "base64") return dataUri(b64, headers);
    var bytes = b64ToBytes(b64);
    if (dataType === "arraybuffer") return bytes.buffer;
    if (dataType === "text") return textOf(bytes, headers);
    if (!bytes.length) return "";  // 204, HEAD, an empty body: nothing to parse
    try { return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)); }
    catch (e) { throw error(14, "JSON parse data error"); }
  }

  // An error reply's body: as dataType asks where it can be, else its text.
  function decodeLeniently(b64, dataType, headers) {
    try { return decode(b64, dataType, headers); } catch (e) { return textOf(b64ToBytes(b64), headers); }
  }

  function randomId() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function request(options) {
    var task = { abort: null, headerListeners: [] };
    var promise = shim.invoke(options, function (ok, ko) {
      var spec = build(options);
      if (spec.error) return ko(spec);
      var requestId = randomId();
      var controller = new AbortController();
      var finished = false;
      var backstop = setTimeout(function () {
        controller.abort();
        finish(ko, error(13, "request timed out after " + spec.timeout + " ms"));
      }, spec.timeout + BACKSTOP_MS);
      function finish(fn, value) {
        if (finished) return;
        finished = true;
        clearTimeout(backstop);
        fn(value);
      }
      task.abort = function () {
        if (finished) return;
        controller.abort();
        fetch("/__container/request/abort", {
          method: "POST", keepalive: true, headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ requestId: requestId })
        }).catch(function () {});
        finish(ko, error(9, "request:fail abort"));
      };
      fetch("/__container/request", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        signal: controller.signal,
        body: JSON.stringify({ url: spec.url, method: spec.method, headers: spec.headers, body: spec.body,
                               timeout: spec.timeout, requestId: requestId, device: device() })
      })
        .then(function (resp) {
          if (resp.status === 413) throw error(2, "data is larger than the container accepts");
          return resp.json();
        })
        .then(function (r) {
          if (finished) return;
          if (!r.ok && r.status == null) return finish(ko, error(r.error, r.errorMessage));
          var headers = r.headers || {};
          task.headerListeners.slice().forEach(function (cb) {
            try { cb({ headers: headers }); } catch (e) { setTimeout(function () { throw e; }); }
          });
          if (!r.ok) {  // an HTTP status of 400 or above: 19, with the reply
            return finish(ko, { error: r.error, errorMessage: r.errorMessage, status: r.status, headers: headers,
                                data: decodeLeniently(r.body || "", spec.dataType, headers) });
          }
          var data;
          try { data = decode(r.body || "", spec.dataType, headers); } catch (e) { return finish(ko, e); }
          finish(ok, { data: data, status: r.status, headers: headers, statusCode: r.status, header: headers });
        })
        .catch(function (e) {
          finish(ko, e && e.error ? e : error(12, "network error: the container could not be reached"));
        });
    });
    // RequestTask.abort(): stops the request (its fail gets 9); succeeds even if it had ended.
    promise.abort = function (object) {
      return shim.invoke(object || {}, function (ok) {
        if (task.abort) task.abort();
        ok({ success: true });
      });
    };
    promise.onHeadersReceived = function (cb) { if (shim.isFn(cb)) task.headerListeners.push(cb); };
    promise.offHeadersReceived = function (cb) {
      task.headerListeners = cb ? task.headerListeners.filter(function (f) { return f !== cb; }) : [];
    };
    return promise;
  }

  shim.define("request", request);
})(window);
