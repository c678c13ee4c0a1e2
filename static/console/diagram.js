// The sequence diagram: lanes across the top, one row per event as the server built it
// (arrow, loop or note; lanes, numbers, offsets and kinds all come from the server).
// Rows are keyed, so a live update only adds the new ones and an open row stays open.
(function () {
  "use strict";
  var TPS = window.TPS;
  var el = TPS.el;
  var KIND_TAGS = { retry: "↻ retry", fault: "✕ fault", note: "note" };

  function lanePosition(index, count) { return ((index + 0.5) * 100) / count; }

  function headersTable(headers) {
    var keys = Object.keys(headers || {});
    if (!keys.length) return null;
    return el("table", { className: "headers" }, keys.map(function (k) {
      return el("tr", {}, [el("th", { text: k }), el("td", { className: "mono", text: String(headers[k]) })]);
    }));
  }

  function httpSide(title, testid, first, headers, body) {
    return el("div", { className: "http-side", "data-testid": testid }, [
      el("div", { className: "http-side-head" }, [el("span", { className: "eyebrow", text: title }), el("span", { className: "mono", text: first })]),
      headersTable(headers),
      body !== undefined ? TPS.json(body) : el("p", { className: "muted small", text: "No body." }),
    ]);
  }

  function detail(row) {
    var box = el("div", { className: "row-detail", "data-testid": "row-detail" });
    var ids = Object.keys(row.ids || {}).map(function (k) {
      return el("span", { className: "id-pair" }, [el("span", { className: "muted", text: k + " " }), el("span", { className: "mono", text: row.ids[k] })]);
    });
    box.appendChild(el("div", { className: "detail-head" }, [
      el("strong", { text: row.summary }),
      el("span", { className: "muted small", text: [row.actor, row.app && "recorded by " + row.app, row.at].filter(Boolean).join(" · ") }),
    ]));
    if (ids.length) box.appendChild(el("div", { className: "detail-ids" }, ids));
    var http = row.http;
    if (http) {
      var status = http.status != null ? String(http.status) : (http.error ? "no answer" : "");
      if (http.elapsedMs != null) status += " · " + Math.round(http.elapsedMs) + " ms";
      box.appendChild(el("div", { className: "http" }, [
        httpSide("Request", "http-request", http.method + " " + http.url, http.requestHeaders, http.requestBody),
        httpSide("Response", "http-response", status, http.responseHeaders, http.responseBody),
      ]));
      if (http.error) box.appendChild(el("p", { className: "error-line", text: http.error }));
    }
    if (row.details) box.appendChild(el("div", { className: "details" }, [el("div", { className: "eyebrow", text: "Details" }), TPS.json(row.details)]));
    return box;
  }

  // A folded poll: how many times, and until when ("×4 · last +2.31 s").
  function countTag(row) {
    if (!(row.count > 1)) return null;
    var text = "×" + row.count;
    return el("span", { className: "tag tag-count", "data-testid": "row-count", text: text,
      title: "recorded " + row.count + " times" + (row.lastOffset ? ", the last at " + row.lastOffset : "") +
        (row.apps && row.apps.length > 1 ? " (by " + row.apps.join(" and ") + ")" : "") });
  }

  function figure(row, lanes) {
    var n = lanes.length;
    var from = lanePosition(row.source, n), to = lanePosition(row.target, n);
    var tag = KIND_TAGS[row.kind] && row.shape !== "note" ? el("span", { className: "tag tag-" + row.kind, text: KIND_TAGS[row.kind] }) : null;
    // Where the row goes, in words: shown instead of the lanes on a narrow screen.
    var route = el("span", { className: "route", "data-testid": "row-route",
      text: row.sourceLabel + (row.shape === "arrow" ? " \u2192 " + row.targetLabel : "") });
    var sub = el("span", { className: "sub" }, [
      tag,
      countTag(row),
      row.kind === "pending" ? null : el("span", { className: "summary", text: row.summary }),
      row.httpLabel ? el("span", { className: "chip mono", text: row.httpLabel }) : null,
    ]);
    if (row.shape === "note") {
      return el("div", { className: "note", style: "left:" + from + "%" }, [
        route,
        el("span", { className: "note-title", text: row.summary }),
        countTag(row),
        row.httpLabel ? el("span", { className: "chip mono", text: row.httpLabel }) : null,
      ]);
    }
    if (row.shape === "self") {
      var flip = row.source > (n - 1) / 2; // text goes where there is room
      return el("div", { className: "self" + (flip ? " flip" : ""), style: "--at:" + from + "%" }, [
        el("span", { className: "loop" }),
        el("span", { className: "self-text" }, [route, el("span", { className: "label", text: row.title }), sub]),
      ]);
    }
    var left = Math.min(from, to), width = Math.abs(to - from);
    return el("div", { className: "arrow " + (to > from ? "dir-right" : "dir-left"), style: "left:" + left + "%;width:" + width + "%" }, [
      route,
      el("span", { className: "label", text: row.title }),
      el("span", { className: "line" }),
      sub,
    ]);
  }

  function rowNode(row, lanes, open, onToggle) {
    var node = el("div", {
      className: "row kind-" + row.kind + " shape-" + row.shape + " lane-" + row.source,
      "data-testid": "diagram-row", "data-key": row.key, "data-step": row.step || "", "data-kind": row.kind,
      "data-count": String(row.count || 1),
    });
    var head = el("div", { className: "row-main", role: row.kind === "pending" ? null : "button", tabindex: row.kind === "pending" ? null : "0",
      "aria-expanded": row.kind === "pending" ? null : String(!!open) }, [
      el("div", { className: "gutter" }, [
        el("span", { className: "num", "data-testid": "step-number", text: row.step ? String(row.step) : "·" }),
        el("span", { className: "offset mono", text: row.offset }),
      ]),
      el("div", { className: "track" }, [figure(row, lanes)]),
    ]);
    node.appendChild(head);
    if (row.kind !== "pending") {
      var toggle = function () { onToggle(row, node); };
      head.addEventListener("click", toggle);
      head.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
      if (open) node.appendChild(detail(row));
    }
    return node;
  }

  // A diagram bound to its section: render(model, {animate}) reconciles rows by key.
  TPS.Diagram = function (section) {
    var lanesHead = section.querySelector(".lanes-head");
    var rowsBox = section.querySelector(".rows");
    var nodes = {}, open = {}, laneKey = "";

    function toggle(row, node) {
      var box = node.querySelector(".row-detail");
      if (box) { box.remove(); delete open[row.key]; }
      else { node.appendChild(detail(row)); open[row.key] = true; }
      node.querySelector(".row-main").setAttribute("aria-expanded", String(!box));
    }

    function drawLanes(lanes) {
      var key = lanes.map(function (l) { return l.id; }).join("|");
      if (key === laneKey) return;
      laneKey = key;
      lanesHead.textContent = "";
      lanesHead.appendChild(el("div", { className: "gutter-head", text: "Step" }));
      lanes.forEach(function (lane, i) {
        lanesHead.appendChild(el("div", { className: "lane-head lane-" + i, "data-lane": lane.id }, [
          el("span", { className: "lane-icon" }), el("span", { text: lane.label }),
        ]));
      });
      var lines = el("div", { className: "lifelines" }, lanes.map(function (_, i) { return el("span", { className: "lifeline lane-" + i }); }));
      rowsBox.textContent = "";
      nodes = {};
      rowsBox.appendChild(lines);
    }

    return {
      render: function (model, opts) {
        var animate = opts && opts.animate;
        drawLanes(model.lanes);
        var next = {}, fresh = [];
        var anchor = rowsBox.querySelector(".lifelines");
        model.rows.forEach(function (row) {
          var node = nodes[row.key];
          if (node && node.getAttribute("data-count") !== String(row.count || 1)) {
            node.remove(); // a folded poll counted again: draw it anew, open if it was
            node = null;
          }
          if (!node) {
            node = rowNode(row, model.lanes, open[row.key], toggle);
            if (animate && row.kind !== "pending") { node.classList.add("enter"); fresh.push(node); }
          }
          next[row.key] = node;
          if (anchor.nextSibling !== node) rowsBox.insertBefore(node, anchor.nextSibling);
          anchor = node;
        });
        Object.keys(nodes).forEach(function (key) { if (!next[key]) nodes[key].remove(); });
        nodes = next;
        return fresh;
      },
      reset: function () { laneKey = ""; open = {}; },
    };
  };
})();
