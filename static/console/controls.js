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
      body[key] = form.elements[key].type === "number" ? Number(value) : value;
    });
    return body;
  }

  function chips(list, items, describe) {
    list.textContent = "";
    if (!items.length) list.appendChild(el("li", { className: "chip-empty", text: "None" }));
    items.forEach(function (item) { list.appendChild(el("li", { className: "chip", text: describe(item) })); });
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many || one + "s"); }

  function refresh() {
    TPS.api("GET", WALLET + "outcomes").then(function (data) {
      if (data.available && data.available.length) {
        var select = TPS.testid("outcome-select"), keep = select.value;
        options(select, data.available);
        if (keep && data.available.indexOf(keep) >= 0) select.value = keep;
      }
      chips(TPS.testid("outcome-queue"), data.outcomes || [], function (o) {
        return o.outcome + " · next " + plural(o.remaining, "payment") + (o.paymentRequestId ? " of " + o.paymentRequestId : "");
      });
    }).catch(function (err) { chips(TPS.testid("outcome-queue"), [], null); TPS.testid("outcome-queue").firstChild.textContent = err.message; });
    TPS.api("GET", WALLET + "faults").then(function (data) {
      chips(TPS.testid("fault-list"), data.faults || [], function (f) {
        return f.kind + (f.delayMs ? " " + f.delayMs + " ms" : "") + " on " + (f.endpoint === "*" ? "every endpoint" : f.endpoint) + " · " + plural(f.remaining != null ? f.remaining : f.count, "call");
      });
    }).catch(function () {});
    TPS.api("GET", WALLET + "notifications/faults").then(function (data) {
      chips(TPS.testid("notify-fault-list"), data.faults || [], function (f) {
        return f.kind + (f.delayMs ? " " + f.delayMs + " ms" : "") + " · " + plural(f.remaining != null ? f.remaining : f.count, "delivery", "deliveries");
      });
    }).catch(function () {});
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
    TPS.testid("controls-close").addEventListener("click", function () { open(false); });
    TPS.testid("controls-scrim").addEventListener("click", function () { open(false); });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") open(false); });

    TPS.testid("outcome-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var body = formBody(e.target);
      send("POST", WALLET + "outcomes", body, function () { return body.outcome + " forced for the next " + plural(body.count || 1, "payment"); });
    });
    TPS.testid("fault-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var body = formBody(e.target);
      send("POST", WALLET + "faults", body, function () { return body.kind + " fault armed on " + (body.endpoint === "*" ? "every endpoint" : body.endpoint); });
    });
    TPS.testid("notify-fault-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var body = formBody(e.target);
      send("POST", WALLET + "notifications/faults", body, function () { return body.kind + " armed for the next " + plural(body.count || 1, "notification"); });
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
