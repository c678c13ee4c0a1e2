// The journey list: one card per journey, newest first, as the server summarised it
// (status, amount, outcome and their tones, the steps recorded).
(function () {
  "use strict";
  var TPS = window.TPS;
  var el = TPS.el;
  var STEP_COUNT = 20;

  function badge(b, testid) {
    return b ? el("span", { className: "badge tone-" + b.tone, "data-testid": testid, text: b.label }) : null;
  }

  function progress(steps) {
    var have = {};
    steps.forEach(function (n) { have[n] = true; });
    var cells = [];
    for (var n = 1; n <= STEP_COUNT; n++) cells.push(el("i", { className: have[n] ? "on" : "" }));
    return el("span", { className: "progress", title: steps.length + " of " + STEP_COUNT + " steps recorded" }, cells);
  }

  function card(j, selected, onPick) {
    var outcome = j.outcome ? { label: j.outcome.code + " · " + j.outcome.label, tone: j.outcome.tone } : null;
    var marks = [];
    if (j.retries) marks.push(el("span", { className: "mark warn", title: "notification retries", text: "↻ " + j.retries }));
    if (j.faults) marks.push(el("span", { className: "mark bad", title: "faults", text: "✕ " + j.faults }));
    var li = el("li", {
      className: "journey" + (j.orderId === selected ? " active" : ""), "data-testid": "journey-item", "data-order-id": j.orderId,
      role: "button", tabindex: "0", "aria-current": j.orderId === selected ? "true" : null,
    }, [
      el("div", { className: "j-top" }, [
        badge(j.statusBadge, "journey-item-status") || el("span", { className: "badge tone-muted", text: "—" }),
        el("span", { className: "j-amount", text: j.amount || "" }),
        TPS.profileBadge(j.apiProfile, "journey-item-profile"),
        el("span", { className: "j-time", text: TPS.time(j.startedAt) }),
      ]),
      el("div", { className: "j-id mono", text: j.orderId, title: j.orderId }),
      el("div", { className: "j-bottom" }, [
        progress(j.steps),
        el("span", { className: "j-count", text: j.stepCount + "/" + STEP_COUNT }),
        badge(outcome, "journey-item-outcome"),
      ].concat(marks)),
    ]);
    li.addEventListener("click", function () { onPick(j.orderId); });
    li.addEventListener("keydown", function (e) { if (e.key === "Enter") onPick(j.orderId); });
    return li;
  }

  TPS.renderJourneys = function (journeys, selected, onPick) {
    var list = TPS.testid("journey-list");
    list.textContent = "";
    journeys.forEach(function (j) { list.appendChild(card(j, selected, onPick)); });
    TPS.testid("journey-list-empty").hidden = journeys.length > 0;
  };

  // The wallet API the journey spoke (docs/wallet-api.md, "API profiles").
  var PROFILE_LABELS = { alipayplus: "Alipay+", miniprogram: "Mini Program v2" };
  TPS.profileBadge = function (profile, testid) {
    if (!profile) return null;
    return el("span", {
      className: "badge tone-muted profile", "data-testid": testid, "data-profile": profile,
      title: "wallet API profile: " + profile, text: PROFILE_LABELS[profile] || profile,
    });
  };

  TPS.badge = badge;
})();
