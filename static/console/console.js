// The console page: follows the console's live stream (/api/stream), keeps the journey
// list current, and draws the selected journey's diagram from /api/journeys/{id}/diagram.
// Everything shown is what the server decided; this file only wires it to the page.
(function () {
  "use strict";
  var TPS = window.TPS;
  var el = TPS.el;
  var cfg = JSON.parse(document.getElementById("console-config").textContent);
  var state = { selected: cfg.selected || null, order: "step", known: {}, source: null, seq: 0 };
  var diagram = TPS.Diagram(TPS.testid("diagram"));
  var follow = TPS.testid("follow-newest");

  function setLive(kind, text) {
    var live = TPS.testid("console-live");
    live.setAttribute("data-state", kind);
    live.querySelector(".live-text").textContent = text;
  }

  // One pulse of the live dot for an event that arrived (restarted if one is running).
  function beat() {
    var dot = TPS.testid("console-live").querySelector(".live-dot");
    dot.classList.remove("beat");
    void dot.offsetWidth;
    dot.classList.add("beat");
  }

  function setApp(app, connected) {
    var link = document.querySelector('[data-testid="app-status"][data-app="' + app + '"]');
    if (link) {
      link.setAttribute("data-connected", String(connected));
      link.title = link.href + (connected ? "" : " — not answering");
    }
  }

  // --- the journey list -------------------------------------------------------------

  function showList(journeys) {
    journeys.forEach(function (j) { state.known[j.orderId] = true; });
    TPS.renderJourneys(journeys, state.selected, function (id) { select(id, true); });
  }

  var refreshList = TPS.throttle(function () {
    TPS.api("GET", "/api/journeys").then(function (data) { showList(data.journeys); }).catch(function () {});
  }, 250);

  // --- the selected journey -------------------------------------------------------------

  function showHead(data) {
    var s = data.summary;
    TPS.testid("journey-title").textContent = s.orderId;
    TPS.testid("journey-title").title = s.orderId; // cut with an ellipsis where it does not fit, never broken
    TPS.testid("journey-amount").textContent = s.amount || "";
    [["journey-status", s.statusBadge], ["journey-outcome", s.outcome && { label: s.outcome.code + " · " + s.outcome.label, tone: s.outcome.tone }]]
      .forEach(function (pair) {
        var node = TPS.testid(pair[0]);
        node.hidden = !pair[1];
        if (pair[1]) { node.className = "badge tone-" + pair[1].tone; node.textContent = pair[1].label; }
      });
    var profile = TPS.testid("journey-profile");
    profile.hidden = !s.apiProfile;
    profile.textContent = "";
    if (s.apiProfile) profile.appendChild(TPS.profileBadge(s.apiProfile, "journey-profile-badge"));
    var meta = [TPS.time(s.startedAt), data.diagram.duration && "took " + data.diagram.duration, s.stepCount + "/20 steps"];
    if (s.retries) meta.push(s.retries + (s.retries === 1 ? " retry" : " retries"));
    if (s.faults) meta.push(s.faults + (s.faults === 1 ? " fault" : " faults"));
    TPS.testid("journey-meta").textContent = meta.filter(Boolean).join("  ·  ");
    var ids = TPS.testid("journey-ids");
    ids.textContent = "";
    [["paymentRequestId", s.paymentRequestId], ["paymentId", s.paymentId]].forEach(function (pair) {
      if (pair[1]) ids.appendChild(el("div", {}, [el("dt", { text: pair[0] }), el("dd", { className: "mono", text: pair[1], title: pair[1] })]));
    });
    TPS.testid("export-json").href = "/api/journeys/" + encodeURIComponent(s.orderId) + "/export";
    TPS.renderActions(TPS.testid("journey-actions"), data.actions);
    showPayment(data.payment);
  }

  function showPayment(p) {
    var strip = TPS.testid("payment-strip");
    strip.textContent = "";
    if (!p) return;
    strip.appendChild(el("span", { className: "pill", "data-testid": "payment-status" }, [el("span", { className: "muted", text: "Wallet payment " }), p.status]));
    (p.notifications || []).forEach(function (n) {
      strip.appendChild(el("span", { className: "pill", "data-testid": "notification-status" }, [
        el("span", { className: "muted", text: n.api + " " }),
        n.status + " · " + n.attempts + (n.attempts === 1 ? " attempt" : " attempts"),
      ]));
    });
  }

  function showIntro(on) {
    TPS.testid("journey-intro").hidden = !on;
    TPS.testid("journey-head").hidden = on;
  }

  function loadDiagram(animate) {
    if (!state.selected) return;
    var seq = ++state.seq, id = state.selected;
    TPS.api("GET", "/api/journeys/" + encodeURIComponent(id) + "/diagram?order=" + state.order).then(function (data) {
      if (seq !== state.seq) return; // a newer request was sent meanwhile
      showIntro(false);
      showHead(data);
      var fresh = diagram.render(data.diagram, { animate: animate });
      if (fresh.length && follow.checked) fresh[fresh.length - 1].scrollIntoView({ block: "nearest", behavior: "smooth" });
    }).catch(function (err) {
      if (seq !== state.seq) return;
      if (err.status === 404) { showIntro(true); diagram.render(cfg.blueprint, {}); }
      else TPS.toast(err.message, "bad");
    });
  }
  var refreshDiagram = TPS.throttle(function () { loadDiagram(true); }, 150);

  function select(id, byUser) {
    if (id !== state.selected) {
      state.selected = id;
      diagram.reset();
      var path = "/journeys/" + encodeURIComponent(id);
      if (location.pathname !== path) history.pushState({ id: id }, "", path);
    }
    document.querySelectorAll('[data-testid="journey-item"]').forEach(function (li) {
      var on = li.getAttribute("data-order-id") === id;
      li.classList.toggle("active", on);
      if (on) li.setAttribute("aria-current", "true"); else li.removeAttribute("aria-current");
    });
    loadDiagram(!byUser);
  }

  // --- the live stream ----------------------------------------------------------------

  function connect() {
    if (state.source) state.source.close();
    var source = (state.source = new EventSource("/api/stream"));
    setLive("connecting", "Connecting");
    source.addEventListener("open", function () { setLive("live", "Live"); });
    source.addEventListener("error", function () { setLive("down", "Reconnecting"); });
    source.addEventListener("snapshot", function (msg) {
      var data = JSON.parse(msg.data);
      showList(data.journeys);
      if (!state.selected && data.journeys.length) select(data.journeys[0].orderId, true);
      else if (state.selected) loadDiagram(false);
    });
    source.addEventListener("app", function (msg) {
      var data = JSON.parse(msg.data);
      setApp(data.app, data.connected);
    });
    source.addEventListener("step", function (msg) {
      beat();
      var event = JSON.parse(msg.data);
      var id = event.orderId;
      if (id && !state.known[id]) {
        state.known[id] = true;
        if (follow.checked) select(id, false);
      }
      if (!id || id === state.selected) refreshDiagram();
      refreshList();
    });
  }

  TPS.onReset = function () {
    state.selected = null;
    state.known = {};
    history.pushState({}, "", "/");
    diagram.reset();
    diagram.render(cfg.blueprint, {});
    showIntro(true);
    connect();
  };
  TPS.onControl = function () { refreshDiagram(); };

  document.querySelectorAll("[data-order]").forEach(function (button) {
    button.addEventListener("click", function () {
      state.order = button.getAttribute("data-order");
      document.querySelectorAll("[data-order]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      loadDiagram(false);
    });
  });
  window.addEventListener("popstate", function () {
    var m = location.pathname.match(/^\/journeys\/(.+)$/);
    if (m) select(decodeURIComponent(m[1]), true);
  });
  var miniprogram = cfg.apps.filter(function (a) { return a.id === "miniprogram"; })[0];
  document.querySelectorAll('[data-app-link="miniprogram"]').forEach(function (a) { if (miniprogram) a.href = miniprogram.url; });

  TPS.setupControls(cfg.controls);
  diagram.render(cfg.blueprint, {});
  showIntro(!state.selected);
  connect();
})();
