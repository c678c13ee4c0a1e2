/*
 * Navigation: the container's page stack, at most 10 pages as on the platform, kept in
 * sessionStorage since each mini program page here is its own document.
 * navigateTo pushes (refused with error 3 when 10 pages are open: use redirectTo),
 * redirectTo replaces the top, navigateBack pops `delta` pages (never below the first),
 * reLaunch starts a new stack. Pages are paths of this mini program: "/pages/cart",
 * "detail?id=1" (relative to the current page); other origins are refused (error 2).
 * success is called before the page is left.
 *
 * A mini program project (app.json) runs all its pages in one document: there the
 * runtime's router (static/miniprogram/runtime/router.js) sets `shim.router` and these
 * APIs, and my.switchTab, are its own.
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var error = shim.error;
  var PAGE_STACK_LIMIT = 10;
  var STACK_KEY = "__tradepay_sim_page_stack__";

  function readStack() {
    try {
      var s = JSON.parse(sessionStorage.getItem(STACK_KEY) || "[]");
      return Array.isArray(s) ? s.filter(function (p) { return typeof p === "string"; }) : [];
    } catch (e) { return []; }
  }

  function writeStack(stack) { sessionStorage.setItem(STACK_KEY, JSON.stringify(stack)); }

  // This page is the top of the stack: a reload keeps the stack, the browser's own back
  // button pops to this page, and a page opened directly starts a new stack.
  (function syncStack() {
    var here = location.pathname + location.search;
    var stack = readStack();
    if (stack[stack.length - 1] !== here) {
      var i = stack.lastIndexOf(here);
      writeStack(i >= 0 ? stack.slice(0, i + 1) : [here]);
    }
  })();

  shim.whenChrome(function (c) { c.back.hidden = readStack().length < 2; });

  function pagePath(url) {
    if (typeof url !== "string" || !url) return null;
    var u;
    try { u = new URL(url, location.href); } catch (e) { return null; }
    return u.origin === location.origin ? u.pathname + u.search : null;
  }

  function navigation(change, name) {
    return function (options) {
      if (shim.router) return shim.router[name](options);
      return shim.invoke(options, function (ok, ko) {
        var stack = readStack();
        var next = change(options || {}, stack);
        if (next.error) return ko(next);
        writeStack(next.stack);
        ok({});
        if (next.push) location.assign(next.stack[next.stack.length - 1]);
        else if (next.go) location.replace(next.stack[next.stack.length - 1]);
      });
    };
  }

  function target(o) { return pagePath(o.url) || error(2, "url must be a page of this mini program"); }

  shim.define("navigateTo", navigation(function (o, stack) {
    var path = target(o);
    if (path.error) return path;
    if (stack.length >= PAGE_STACK_LIMIT) {
      return error(3, "the page stack is full (" + PAGE_STACK_LIMIT + " pages): use my.redirectTo or my.navigateBack");
    }
    return { stack: stack.concat([path]), push: true };
  }, "navigateTo"));

  shim.define("redirectTo", navigation(function (o, stack) {
    var path = target(o);
    if (path.error) return path;
    return { stack: stack.slice(0, Math.max(stack.length - 1, 0)).concat([path]), go: true };
  }, "redirectTo"));

  shim.define("navigateBack", navigation(function (o, stack) {
    var delta = o.delta == null ? 1 : parseInt(o.delta, 10);
    if (!(delta >= 1)) delta = 1;
    if (stack.length < 2) return { stack: stack };  // the first page: nothing to go back to
    return { stack: stack.slice(0, Math.max(stack.length - delta, 1)), go: true };
  }, "navigateBack"));

  shim.define("reLaunch", navigation(function (o) {
    var path = target(o);
    if (path.error) return path;
    return { stack: [path], go: true };
  }, "reLaunch"));

  shim.define("switchTab", function (options) {
    if (shim.router) return shim.router.switchTab(options);
    return shim.invoke(options, function (ok, ko) { ko(error(2, "my.switchTab needs a mini program project with a tabBar in app.json")); });
  });

  shim.define("setNavigationBar", function (options) {
    if (shim.router) return shim.router.setNavigationBar(options);
    return shim.invoke(options, function (ok) {
      var o = options || {};
      shim.whenChrome(function (c) {
        if (o.title != null) c.title.textContent = String(o.title);
        if (o.backgroundColor) c.navbar.style.background = String(o.backgroundColor);
        if (o.frontColor) c.navbar.style.color = String(o.frontColor);
        if (o.reset) { c.navbar.removeAttribute("style"); c.title.textContent = document.title || ""; }
        ok({});
      });
    });
  });
})(window);
