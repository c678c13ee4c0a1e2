/*
 * The container's native UI: my.alert, my.confirm (modal dialogs; success when the user
 * taps a button), my.showLoading / my.hideLoading (a modal HUD shown after `delay` ms,
 * whose mask blocks taps on the page), my.showToast / my.hideToast (success once the
 * toast has gone, after `duration` ms, 2000 by default).
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var el = shim.el;
  var TOAST_TYPES = ["none", "success", "fail", "exception", "loading"];

  function text(v) { return v == null ? "" : String(v); }

  function dialog(o, buttons, done) {
    shim.whenChrome(function (c) {
      var mask = el("div", "mp-mask");
      var box = el("div", "mp-dialog");
      box.setAttribute("role", "alertdialog");
      box.setAttribute("data-testid", "mp-dialog");
      if (o.title != null && o.title !== "") box.appendChild(el("div", "mp-dialog-title", text(o.title)));
      if (o.content != null && o.content !== "") box.appendChild(el("div", "mp-dialog-content", text(o.content)));
      var row = el("div", "mp-dialog-buttons");
      buttons.forEach(function (b) {
        var btn = el("button", "mp-dialog-btn" + (b.primary ? " primary" : ""), b.text);
        btn.type = "button";
        btn.setAttribute("data-testid", b.testid);
        if (typeof b.color === "string") btn.style.color = b.color;
        btn.addEventListener("click", function () {
          if (mask.parentNode) mask.parentNode.removeChild(mask);
          done(b.value);
        });
        row.appendChild(btn);
      });
      box.appendChild(row);
      mask.appendChild(box);
      c.overlay.appendChild(mask);
    });
  }

  shim.define("alert", function (options) {
    return shim.invoke(options, function (ok) {
      var o = options || {};
      dialog(o, [{ text: text(o.buttonText) || "OK", primary: true, color: o.confirmColor, testid: "mp-alert-ok" }],
             function () { ok({}); });
    });
  });

  shim.define("confirm", function (options) {
    return shim.invoke(options, function (ok) {
      var o = options || {};
      dialog(o, [
        { text: text(o.cancelButtonText) || "Cancel", color: o.cancelColor, testid: "mp-confirm-cancel", value: false },
        { text: text(o.confirmButtonText) || "OK", primary: true, color: o.confirmColor, testid: "mp-confirm-ok", value: true }
      ], function (value) { ok({ confirm: value }); });
    });
  });

  // ---- loading ------------------------------------------------------------------------

  var loading = null;

  function hideLoadingNow() {
    if (!loading) return;
    clearTimeout(loading.timer);
    if (loading.node && loading.node.parentNode) loading.node.parentNode.removeChild(loading.node);
    loading = null;
  }

  function spinner() { return el("div", "mp-spinner"); }

  shim.define("showLoading", function (options) {
    return shim.invoke(options, function (ok) {
      var o = options || {};
      hideLoadingNow();
      var state = { node: null, timer: null };
      loading = state;
      state.timer = setTimeout(function () {
        shim.whenChrome(function (c) {
          if (loading !== state) return;
          // The mask covers the page: taps do not reach it while the HUD is up.
          var node = el("div", "mp-loading");
          node.setAttribute("data-testid", "mp-loading");
          node.setAttribute("role", "progressbar");
          var box = el("div", "mp-hud");
          box.appendChild(spinner());
          if (o.content) box.appendChild(el("div", "mp-hud-text", text(o.content)));
          node.appendChild(box);
          state.node = node;
          c.overlay.appendChild(node);
        });
      }, Math.max(0, Number(o.delay) || 0));
      ok({});
    });
  });

  shim.define("hideLoading", function (options) {
    return shim.invoke(options, function (ok) { hideLoadingNow(); ok({}); });
  });

  // ---- toast --------------------------------------------------------------------------

  var toast = null;

  function removeToast() {
    if (!toast) return;
    var t = toast;
    toast = null;
    clearTimeout(t.timer);
    if (t.node && t.node.parentNode) t.node.parentNode.removeChild(t.node);
    t.done({});
  }

  shim.define("showToast", function (options) {
    return shim.invoke(options, function (ok, ko) {
      var o = options || {};
      var type = o.type == null ? "none" : o.type;
      if (TOAST_TYPES.indexOf(type) < 0) return ko(shim.error(2, "type must be one of " + TOAST_TYPES.join(", ")));
      var duration = o.duration == null ? 2000 : Number(o.duration);
      if (!(duration >= 0)) return ko(shim.error(2, "duration must be a number of milliseconds"));
      removeToast();
      var state = { node: null, timer: null, done: ok };
      toast = state;
      state.timer = setTimeout(function () {
        shim.whenChrome(function (c) {
          if (toast !== state) return;
          var node = el("div", "mp-toast mp-toast-" + type);
          node.setAttribute("data-testid", "mp-toast");
          node.setAttribute("data-type", type);
          node.setAttribute("role", "status");
          if (type === "loading") node.appendChild(spinner());
          else if (type !== "none") node.appendChild(el("div", "mp-toast-icon"));
          node.appendChild(el("div", "mp-toast-text", text(o.content)));
          state.node = node;
          c.overlay.appendChild(node);
          state.timer = setTimeout(removeToast, duration);
        });
      }, Math.max(0, Number(o.delay) || 0));
    });
  });

  shim.define("hideToast", function (options) {
    return shim.invoke(options, function (ok) { removeToast(); ok({}); });
  });
})(window);
