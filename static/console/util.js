// Small helpers shared by the console's scripts: DOM building (text only, never HTML),
// JSON requests to the console's own API, toasts, and JSON pretty-printing.
(function () {
  "use strict";
  var TPS = (window.TPS = window.TPS || {});

  TPS.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value == null || value === false) return;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child == null || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  TPS.testid = function (id, root) {
    return (root || document).querySelector('[data-testid="' + id + '"]');
  };

  // JSON in, JSON out; rejects with the API's own error message.
  TPS.api = function (method, path, body) {
    var options = { method: method, headers: { Accept: "application/json" } };
    if (method !== "GET") {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    return fetch(path, options).then(function (resp) {
      return resp.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : {}; } catch (e) { data = null; }
        if (!resp.ok) {
          var message = data && data.error ? (data.error.message || data.error.code || data.error) : "HTTP " + resp.status;
          var err = new Error(typeof message === "string" ? message : JSON.stringify(message));
          err.status = resp.status;
          throw err;
        }
        return data;
      });
    });
  };

  TPS.toast = function (message, tone) {
    var box = TPS.testid("toasts");
    var item = TPS.el("div", { className: "toast " + (tone || "ok"), "data-testid": "toast", "data-tone": tone || "ok", text: message });
    box.appendChild(item);
    setTimeout(function () { item.classList.add("leaving"); }, 3600);
    setTimeout(function () { item.remove(); }, 4000);
  };

  // At most one call per ``ms``, the last request always honoured: a steady flow of
  // events (a poll every 200 ms) must not postpone the refresh for ever.
  TPS.throttle = function (fn, ms) {
    var timer = null, again = false;
    function fire() {
      timer = null;
      if (again) { again = false; fn(); timer = setTimeout(fire, ms); }
    }
    return function () {
      if (timer) { again = true; return; }
      fn();
      timer = setTimeout(fire, ms);
    };
  };

  // Pretty JSON as coloured spans (strings, keys, numbers, literals); text nodes only.
  var TOKEN = /("(?:\\u[a-fA-F0-9]{4}|\\[^u]|[^\\"])*"(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+\-]?\d+)?)/g;
  TPS.json = function (value) {
    var text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    var pre = TPS.el("pre", { className: "json" });
    var last = 0;
    text.replace(TOKEN, function (match, str, colon, offset) {
      if (offset > last) pre.appendChild(document.createTextNode(text.slice(last, offset)));
      var cls = str ? (colon ? "k" : "s") : /true|false|null/.test(match) ? "l" : "n";
      pre.appendChild(TPS.el("span", { className: "j-" + cls, text: match }));
      last = offset + match.length;
      return match;
    });
    if (last < text.length) pre.appendChild(document.createTextNode(text.slice(last)));
    return pre;
  };

  // One formatter for every time shown: toLocaleTimeString with options builds a new one
  // per call (~0.2 ms each), and the journey list formats a time per card at each render.
  var CLOCK = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  TPS.time = function (iso) {
    if (!iso) return "";
    return CLOCK.format(new Date(iso));
  };
})();
