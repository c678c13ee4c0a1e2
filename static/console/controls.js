// The controls drawer: forms that call the wallet's control API through the console's
// relay (/api/control/wallet/...), and reset (/api/reset). The wallet decides; this
// page only sends what was chosen and shows what came back.
(function () {
  "use strict";
  var TPS = window.TPS;
  var el = TPS.el;
  var WALLET = "/api/control/wallet/";

  function options(select, values) {
    select.textContent = "";
    values.forEach(function (v) { select.appendChild(el("option", { value: v, text: v === "*" ? "every endpoint" : v })); });
  }

  function formBody(form) {
    var body = {};
    new FormData(form).forEach(function (value, key) {
      if (value === "") return;
      var type = form.elements[key].type;
      body[key] = type === "number" ? Number(value) : (type === "checkbox" ? true : value.trim());
    });
    return body;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many || one + "s"); }

  // Whom an entry is for: "of <paymentRequestId>", "for <clientId>", or nothing (anyone).
  function scopeText(item) {
    return (item.clientId ? " · merchant " + item.clientId : "") + (item.paymentRequestId ? " · payment " + item.paymentRequestId : "");
  }

  // A queue as chips, each with its own remove button; an earlier run's entries marked.
  function chips(list, items, describe, path) {
    list.textContent = "";
    if (!items.length) list.appendChild(el("li", { className: "chip-empty", text: "None" }));
    items.forEach(function (item) {
      list.appendChild(el("li", { className: "chip" + (item.leftOver ? " left-over" : ""), "data-testid": "queued-entry", "data-left-over": String(!!item.leftOver) }, [
        el("span", { className: "chip-body" }, [
          el("span", { className: "chip-text", text: describe(item) }),
          scopeText(item) ? el("span", { className: "chip-scope", text: scopeText(item).replace(/^ · /, ""), title: scopeText(item).replace(/^ · /, "") }) : null,
        ]),
        item.leftOver ? el("span", { className: "chip-mark", text: "earlier run", title: "queued before the wallet last started: a run that stopped may have left it" }) : null,
        el("button", { type: "button", className: "chip-remove", "data-testid": "queued-remove", "aria-label": "Remove", title: "Remove this entry", text: "×",
          onclick: function () { send("DELETE", WALLET + path + "/" + item.id, {}, function () { return "Removed"; }); } }),
      ]));
    });
  }

  function accounts(list, items) {
    list.textContent = "";
    items.forEach(function (a) {
      list.appendChild(el("li", { className: "account" + (a.locked ? " locked" : ""), "data-testid": "account", "data-login": a.loginId }, [
        el("span", { className: "account-login mono", text: a.loginId }),
        el("span", { className: "account-state", text: a.locked ? "locked" : (a.failedPasswordTries ? a.failedPasswordTries + " wrong" : "") }),
        a.locked || a.failedPasswordTries ? el("button", { type: "button", className: "btn small", "data-testid": "account-unlock", text: "Unlock",
          onclick: function () { send("POST", WALLET + "accounts/" + encodeURIComponent(a.loginId) + "/unlock", {}, function () { return a.loginId + " unlocked"; }); } }) : null,
      ]));
    });
  }

  // "What was already queued": the wallet says which entries act before the new one.
  function queuedNote(data) {
    if (data.replaced && data.replaced.length) return " (replacing " + plural(data.replaced.length, "entry", "entries") + ")";
    if (data.alreadyQueued && data.alreadyQueued.length) return " (after " + plural(data.alreadyQueued.length, "entry", "entries") + " already queued for it)";
    return "";
  }

  // Entries an earlier run left: a button in the top bar says so on every page load.
  TPS.checkLeftOver = function () {
    var paths = ["outcomes", "faults", "notifications/faults"];
    Promise.all(paths.map(function (p) { return TPS.api("GET", WALLET + p).catch(function () { return {}; }); })).then(function (lists) {
      var n = lists.reduce(function (sum, d) { return sum + (d.leftOver || 0); }, 0);
      var button = TPS.testid("left-over");
      button.hidden = !n;
      button.textContent = n ? plural(n, "entry", "entries") + " queued by an earlier run" : "";
    });
  };

  function refresh() {
    TPS.api("GET", WALLET + "outcomes").then(function (data) {
      if (data.available && data.available.length) {
        var select = TPS.testid("outcome-select"), keep = select.value;
        options(select, data.available);
        if (keep && data.available.indexOf(keep) >= 0) select.value = keep;
      }
      chips(TPS.testid("outcome-queue"), data.outcomes || [], function (o) {
        return o.outcome + " · next " + plural(o.remaining, "payment");
      }, "outcomes");
    }).catch(function (err) { chips(TPS.testid("outcome-queue"), [], null); TPS.testid("outcome-queue").firstChild.textContent = err.message; });
    TPS.api("GET", WALLET + "faults").then(function (data) {
      chips(TPS.testid("fault-list"), data.faults || [], function (f) {
        return f.kind + (f.delayMs ? " " + f.delayMs + " ms" : "") + " on " + (f.endpoint === "*" ? "every endpoint" : f.endpoint) + " · " + plural(f.remaining != null ? f.remaining : f.count, "call");
      }, "faults");
    }).catch(function () {});
    TPS.api("GET", WALLET + "notifications/faults").then(function (data) {
      chips(TPS.testid("notify-fault-list"), data.faults || [], function (f) {
        return f.kind + (f.delayMs ? " " + f.delayMs + " ms" : "") + " · " + plural(f.remaining != null ? f.remaining : f.count, "delivery", "deliveries");
      }, "notifications/faults");
    }).catch(function () {});
    TPS.api("GET", WALLET + "accounts").then(function (data) { accounts(TPS.testid("account-list"), data.accounts || []); }).catch(function () {});
    TPS.checkLeftOver();
    TPS.api("GET", WALLET + "clock").then(function (data) {
      var offset = Math.round(data.offsetSeconds || 0);
      TPS.testid("clock-now").textContent = TPS.time(data.now) + (offset ? "  (+" + offset + " s ahead)" : "  (real time)");
    }).catch(function () { TPS.testid("clock-now").textContent = "unavailable"; });
  }

  function send(method, path, body, done) {
    return TPS.api(method, path, body).then(function (data) {
      TPS.toast(done(data), "ok");
      refresh();
      if (TPS.onControl) TPS.onControl();
      return data;
    }).catch(function (err) { TPS.toast(err.message, "bad"); });
  }

  function open(show) {
    var drawer = TPS.testid("controls-drawer");
    drawer.hidden = !show;
    TPS.testid("controls-scrim").hidden = !show;
    TPS.testid("controls-open").setAttribute("aria-expanded", String(show));
    if (show) refresh();
  }

  TPS.setupControls = function (cfg) {
    options(TPS.testid("outcome-select"), cfg.outcomes);
    options(TPS.testid("fault-endpoint"), cfg.faultEndpoints);
    options(TPS.testid("fault-kind"), cfg.faultKinds);
    options(TPS.testid("notify-fault-kind"), cfg.notificationFaultKinds);

    TPS.testid("controls-open").addEventListener("click", function () { open(TPS.testid("controls-drawer").hidden); });
    TPS.testid("left-over").addEventListener("click", function () { open(true); });
    TPS.checkLeftOver();
    TPS.testid("controls-close").addEventListener("click", function () { open(false); });
    TPS.testid("controls-scrim").addEventListener("click", function () { open(false); });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") open(false); });

    TPS.testid("outcome-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var body = formBody(e.target);
      send("POST", WALLET + "outcomes", body, function (data) { return body.outcome + " forced for the next " + plural(body.count || 1, "payment") + scopeText(data) + queuedNote(data); });
    });
    TPS.testid("fault-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var body = formBody(e.target);
      send("POST", WALLET + "faults", body, function (data) { return body.kind + " fault armed on " + (body.endpoint === "*" ? "every endpoint" : body.endpoint) + scopeText(data) + queuedNote(data); });
    });
    TPS.testid("notify-fault-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var body = formBody(e.target);
      send("POST", WALLET + "notifications/faults", body, function (data) { return body.kind + " armed for the next " + plural(body.count || 1, "notification") + scopeText(data) + queuedNote(data); });
    });
    document.querySelectorAll("[data-clear]").forEach(function (button) {
      button.addEventListener("click", function () {
        send("DELETE", WALLET + button.getAttribute("data-clear"), {}, function () { return "Cleared"; });
      });
    });
    document.querySelectorAll('[data-testid="clock-advance"]').forEach(function (button) {
      button.addEventListener("click", function () {
        var seconds = Number(button.getAttribute("data-seconds"));
        send("POST", WALLET + "clock/advance", { seconds: seconds }, function () { return "Clock advanced by " + button.textContent; });
      });
    });

    var confirmBox = TPS.testid("reset-confirm-box");
    TPS.testid("reset-button").addEventListener("click", function () { confirmBox.hidden = false; });
    TPS.testid("reset-cancel").addEventListener("click", function () { confirmBox.hidden = true; });
    TPS.testid("reset-confirm").addEventListener("click", function () {
      confirmBox.hidden = true;
      send("POST", "/api/reset", {}, function () { return "The simulator was reset"; }).then(function (data) {
        if (data && TPS.onReset) TPS.onReset();
      });
    });
  };

  // A journey's own actions (settle, expire, resend), as the server listed them.
  TPS.renderActions = function (box, actions) {
    box.textContent = "";
    actions.forEach(function (a) {
      box.appendChild(el("button", {
        type: "button", className: "btn " + (a.tone || ""), "data-testid": "action-button", "data-action": a.id, text: a.label,
        onclick: function (e) {
          e.currentTarget.disabled = true;
          send(a.method, a.path, a.body, function () { return a.label + ": done"; });
        },
      }));
    });
  };
})();
