// The console page: lists journeys and shows one journey's steps, reading the console's
// own JSON API (which gathers the apps' journals over HTTP).
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("console-config").textContent);
  var selected = null;

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }

  function pillClass(code) {
    if (code === "9000") return "ok";
    if (code === "8000" || code === "6004") return "warn";
    return code ? "bad" : "";
  }

  function loadJourneys() {
    fetch("/api/journeys").then(function (r) { return r.json(); }).then(function (data) {
      var list = document.getElementById("journey-list");
      list.textContent = "";
      if (!data.journeys.length) list.appendChild(el("li", "muted", "No journey yet: open the mini program and pay."));
      data.journeys.forEach(function (j) {
        var li = el("li", "j" + (j.orderId === selected ? " active" : ""));
        li.setAttribute("data-testid", "journey-item");
        li.appendChild(el("div", "j-id", j.orderId));
        var meta = el("div", "j-meta");
        meta.appendChild(el("span", "", new Date(j.startedAt).toLocaleTimeString()));
        if (j.amount) meta.appendChild(el("span", "", j.amount));
        if (j.status) meta.appendChild(el("span", "pill " + (j.status === "PAID" ? "ok" : "warn"), j.status));
        if (j.resultCode) meta.appendChild(el("span", "pill " + pillClass(j.resultCode), j.resultCode));
        meta.appendChild(el("span", "", j.steps.length + "/20 steps"));
        li.appendChild(meta);
        li.addEventListener("click", function () { selected = j.orderId; loadJourneys(); loadJourney(j.orderId); });
        list.appendChild(li);
      });
    });
  }

  function loadJourney(orderId) {
    fetch("/api/journeys/" + encodeURIComponent(orderId)).then(function (r) { return r.json(); }).then(function (data) {
      var detail = document.getElementById("detail");
      detail.textContent = "";
      detail.appendChild(el("h2", "", "Journey " + orderId));
      var table = el("table", "steps");
      var head = el("tr");
      ["#", "Actor", "What happened", "At"].forEach(function (h) { head.appendChild(el("th", "", h)); });
      table.appendChild(head);
      var seen = {};
      data.events.forEach(function (e) { if (e.step) seen[e.step] = true; });
      var rows = data.events.slice();
      cfg.steps.forEach(function (s) { if (!seen[s.number]) rows.push({ step: s.number, missing: true, actor: s.actor, summary: s.title }); });
      rows.sort(function (a, b) { return (a.step || 99) - (b.step || 99) || String(a.at).localeCompare(String(b.at)); });
      rows.forEach(function (e) {
        var tr = el("tr", (e.missing ? "missing " : "") + "kind-" + (e.kind || "step"));
        tr.setAttribute("data-testid", "journey-step");
        tr.setAttribute("data-step", e.step || "");
        tr.appendChild(el("td", "num", e.step || "\u00B7"));
        tr.appendChild(el("td", "actor", e.actor));
        var what = el("td", "", e.summary + (e.missing ? " (not recorded)" : ""));
        if (e.http) {
          var d = el("details");
          d.appendChild(el("summary", "", e.http.method + " " + e.http.url + (e.http.status ? " \u2192 " + e.http.status : "")));
          d.appendChild(el("pre", "", JSON.stringify(e.http, null, 2)));
          what.appendChild(d);
        }
        tr.appendChild(what);
        tr.appendChild(el("td", "actor", e.at ? new Date(e.at).toLocaleTimeString() : ""));
        table.appendChild(tr);
      });
      detail.appendChild(table);
    });
  }

  document.getElementById("reload").addEventListener("click", loadJourneys);
  loadJourneys();
  setInterval(function () { loadJourneys(); if (selected) loadJourney(selected); }, 3000);
})();
