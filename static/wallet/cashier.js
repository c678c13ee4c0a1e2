// The SimPay cashier page (the wallet app's own code, on the wallet's origin). It posts
// the user's choice to the wallet server and hands the resultCode back to the mini
// program container that opened it, by postMessage to that container's origin only.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("cashier-config").textContent);
  var hash = new URLSearchParams(location.hash.slice(1));
  var containerOrigin = hash.get("origin");
  var nonce = hash.get("nonce");
  var framed = window.parent !== window;
  // Report only to a container this wallet knows, and only with the nonce it was given.
  var canReport = framed && !!nonce && cfg.containerOrigins.indexOf(containerOrigin) >= 0;
  var RESULT_SCREEN_MS = 400;
  if (!framed) document.body.classList.add("standalone");

  function $(id) { return document.getElementById(id); }

  function post(type, extra) {
    if (!canReport) return;
    var msg = { source: "tradepay-sim-cashier", type: type, nonce: nonce };
    for (var k in extra) msg[k] = extra[k];
    window.parent.postMessage(msg, containerOrigin);
  }

  post("ready", { paymentId: cfg.paymentId });

  var finished = false;
  function deliver(resultCode) {
    post("result", {
      resultCode: resultCode,
      paymentId: cfg.paymentId,
      paymentRequestId: cfg.paymentRequestId,
      orderId: cfg.orderId
    });
  }

  // title: the wallet's reason when it gave one ("Insufficient balance"), else the
  // result code's own words ("Payment failed").
  function finish(resultCode, note, title) {
    if (finished) return;
    finished = true;
    var icon = $("result-icon");
    var ok = resultCode === "9000";
    var wait = resultCode === "8000" || resultCode === "6004";
    if (icon) {
      icon.textContent = ok ? "\u2713" : wait ? "\u2026" : "\u2715";
      icon.className = "result-icon" + (ok ? "" : wait ? " wait" : " fail");
      $("result-title").textContent = title || cfg.messages[resultCode] || resultCode;
      $("result-note").textContent = note || "";
      $("pay-view").hidden = true;
      $("result-view").hidden = false;
    }
    var sent = false;
    function back() {
      if (sent) return;
      sent = true;
      if (canReport) deliver(resultCode);
      else if (cfg.redirectUrl) location.href = cfg.redirectUrl;
    }
    var done = $("done");
    if (done) done.addEventListener("click", back);
    if (canReport) setTimeout(back, resultCode === "6001" ? 0 : RESULT_SCREEN_MS);
  }

  function showError(text) {
    var el = $("error");
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  }

  function send(action, body) {
    return fetch("/cashier/" + encodeURIComponent(cfg.token) + "/" + action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": cfg.csrf },
      body: JSON.stringify(body || {})
    }).then(function (resp) {
      return resp.json().then(function (data) { return { ok: resp.ok, data: data }; });
    });
  }

  var form = $("pay-form");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var pay = $("pay");
      var password = $("password");
      if (!/^[0-9]{6}$/.test(password.value)) {
        showError("Enter your 6-digit payment password.");
        password.focus();
        return;
      }
      pay.disabled = true;
      showError("");
      send("confirm", { account: $("account").value, password: password.value })
        .then(function (r) {
          var reason = r.data.reason;
          if (r.ok) {
            var note = r.data.resultCode === "9000" ? "Returning to the merchant\u2026" : (reason ? reason.message : "");
            return finish(r.data.resultCode, note, reason && reason.title);
          }
          pay.disabled = false;
          password.value = "";
          showError(r.data.error ? r.data.error.message : "The payment could not be completed.");
          if (r.data.error && r.data.error.code === "PAYMENT_CLOSED") finish("4000", r.data.error.message, reason && reason.title);
        })
        .catch(function () {
          // The wallet server could not be reached: nothing was debited.
          finish("6002", "Check your connection and try again.");
        });
    });
  }

  var cancel = $("cancel");
  if (cancel) {
    cancel.addEventListener("click", function () {
      if (finished || !cfg.token) return finish(cfg.closedCode || "6001");
      send("cancel").catch(function () {}).then(function () { finish("6001"); });
    });
  }
  var close = $("close");
  if (close) close.addEventListener("click", function () { finish(cfg.closedCode || "4000"); });
})();
