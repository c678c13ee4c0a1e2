// The conformance harness: calls any my.* API with recording callbacks, so that a test
// can assert the exact order of callbacks and their exact payloads. Runs survive a page
// change (sessionStorage), so navigation callbacks can be read on the next page.
(function () {
  "use strict";
  var KEY = "__probe_runs__";
  var runs = JSON.parse(sessionStorage.getItem(KEY) || "{}");
  var tasks = {};

  function b64(buffer) {
    var bytes = new Uint8Array(buffer), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin);
  }

  // A JSON copy of a payload; an ArrayBuffer becomes {"$arraybuffer": base64}.
  function snapshot(v) {
    if (v === undefined) return null;
    return JSON.parse(JSON.stringify(v, function (k, x) {
      return x instanceof ArrayBuffer ? { $arraybuffer: b64(x) } : x;
    }));
  }

  // {"$bytes": [1, 2]} in options becomes an ArrayBuffer (JSON cannot carry one).
  function revive(v) {
    if (v && typeof v === "object" && Array.isArray(v.$bytes)) return new Uint8Array(v.$bytes).buffer;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      var out = {};
      for (var k in v) out[k] = revive(v[k]);
      return out;
    }
    return v;
  }

  function save() {
    sessionStorage.setItem(KEY, JSON.stringify(runs));
    render();
  }

  function recorder(id) {
    var run = runs[id] = { log: [], done: false, startedAt: performance.now() };
    return function (kind) {
      return function (payload) {
        run.log.push([kind, snapshot(payload)]);
        if (kind === "complete") run.completedAfterMs = Math.round(performance.now() - run.startedAt);
        save();
        // Anything called twice would show up within this settle time.
        if (kind === "complete") setTimeout(function () { run.done = true; save(); }, 250);
      };
    };
  }

  /** Calls my[api](options) with recording success/fail/complete and records the Promise. */
  window.start = function (id, api, options, extra) {
    var note = recorder(id);
    var o = revive(options || {});
    o.success = note("success");
    o.fail = note("fail");
    o.complete = note("complete");
    var ret = my[api](o);
    if (extra && extra.headersReceived) ret.onHeadersReceived(note("headersReceived"));
    if (ret && typeof ret.then === "function") ret.then(note("resolve"), note("reject"));
    tasks[id] = ret;
    save();
  };

  /** task.abort() of run `id`, its own callbacks recorded as run `id + ":abort"`. */
  window.abortRun = function (id) {
    var note = recorder(id + ":abort");
    tasks[id].abort({ success: note("success"), fail: note("fail"), complete: note("complete") });
  };

  window.runOf = function (id) { return runs[id] || null; };
  window.isDone = function (id) { return !!(runs[id] && runs[id].done); };
  window.clearRuns = function () { runs = {}; save(); };

  var taps = 0;
  function render() {
    var list = document.getElementById("runs");
    if (!list) return;
    list.textContent = "";
    Object.keys(runs).forEach(function (id) {
      var li = document.createElement("li");
      var name = document.createElement("b");
      name.textContent = id;
      var calls = document.createElement("code");
      calls.textContent = runs[id].log.map(function (e) { return e[0] + " " + JSON.stringify(e[1]); }).join("\n");
      li.appendChild(name);
      li.appendChild(calls);
      list.appendChild(li);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    render();
    var here = document.getElementById("here");
    if (here) here.textContent = location.pathname + location.search;
    var tap = document.getElementById("tap");
    if (tap) tap.addEventListener("click", function () { taps += 1; document.getElementById("taps").textContent = String(taps); });
  });
})();
