/*
 * The container's native UI besides dialogs (dialogs.js): my.showLoading / my.hideLoading
 * (a modal HUD shown after `delay` ms, whose mask blocks taps on the page),
 * my.showToast / my.hideToast (success once the toast has gone, after `duration` ms, 2000
 * by default), and the pull-down refresh indicator of my.startPullDownRefresh /
 * my.stopPullDownRefresh, which the mini program runtime drives too (shim.pullDownRefresh).
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var el = shim.el;
  var TOAST_TYPES = ["none", "success", "fail", "exception", "loading"];

  function text(v) { return v == null ? "" : String(v); }

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

  // ---- pull-down refresh ----------------------------------------------------------------
  // The indicator sits above the page, pushing it down, as the wallet app draws it. The
  // mini program runtime calls show() when the user pulls the page down (and fires the
  // page's onPullDownRefresh itself), and sets onStart to hear my.startPullDownRefresh,
  // which must fire onPullDownRefresh too. hide() is my.stopPullDownRefresh's.

  var refresh = {
    node: null,
    onStart: null,
    active: function () { return !!(refresh.node && refresh.node.parentNode); },
    show: function () {
      shim.whenChrome(function (c) {
        if (refresh.active()) return;
        var node = el("div", "mp-refresh");
        node.setAttribute("data-testid", "mp-pull-refresh");
        node.setAttribute("role", "progressbar");
        node.appendChild(el("i"));
        node.appendChild(el("i"));
        node.appendChild(el("i"));
        refresh.node = node;
        c.page.insertBefore(node, c.page.firstChild);
        c.page.scrollTop = 0;  // the refresh shows at the page's top
      });
    },
    hide: function () {
      if (refresh.node && refresh.node.parentNode) refresh.node.parentNode.removeChild(refresh.node);
      refresh.node = null;
    }
  };
  shim.pullDownRefresh = refresh;

  shim.define("startPullDownRefresh", function (options) {
    return shim.invoke(options, function (ok) {
      refresh.show();
      if (shim.isFn(refresh.onStart)) {
        try { refresh.onStart(); } catch (e) { setTimeout(function () { throw e; }); }
      }
      ok({ success: true });
    });
  });

  shim.define("stopPullDownRefresh", function (options) {
    return shim.invoke(options, function (ok) { refresh.hide(); ok({}); });
  });
})(window);
