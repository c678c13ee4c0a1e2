/*
 * The mini program runtime, part 5: the app and its page stack, in one document.
 * Boots the project (App.onLaunch, onShow, then the first page), keeps the page stack
 * (at most 10 pages) for my.navigateTo / redirectTo / navigateBack / reLaunch /
 * switchTab, runs each page's lifecycle in the order docs/miniprogram.md gives, and
 * draws what the container draws around pages: the title bar's title and colour, the
 * tab bar, pull-down refresh. The address bar follows the top page
 * (/pages/x/x?query), so that a reload opens it again and tests can wait for it.
 */
(function (global) {
  "use strict";
  var mp = global.__mp;
  var shim = global.__tradepaySimShim;
  var my = global.my;
  var STACK_LIMIT = 10;
  var PULL_DISTANCE = 64;
  var bundle, appRoot, pagesEl, tabBarEl;
  var stack = [];        // records {page, host, app, route, tab}
  var tabRecords = {};   // tab pages stay alive while other tabs are shown
  var sheets = {};       // CSSStyleSheet per CSS text

  function error(code, message) { return { error: code, errorMessage: message }; }

  // ---- urls ---------------------------------------------------------------------------
  function parseQuery(search) {
    var query = {};
    if (!search) return query;
    search.split("&").forEach(function (pair) {
      if (!pair) return;
      var i = pair.indexOf("=");
      var k = i < 0 ? pair : pair.slice(0, i), v = i < 0 ? "" : pair.slice(i + 1);
      try { query[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, " ")); } catch (e) { query[k] = v; }
    });
    return query;
  }

  // "/pages/a/a?x=1", or relative to the current page ("../b/b", "c?y=2").
  function target(url) {
    if (typeof url !== "string" || !url.trim()) return error(2, "url must be a page path of this mini program");
    var q = url.indexOf("?");
    var path = q < 0 ? url : url.slice(0, q), search = q < 0 ? "" : url.slice(q + 1);
    var base = stack.length ? mp.dirname(top().route) : "";
    var parts = [];
    (path.charAt(0) === "/" ? path : base + "/" + path).split("/").forEach(function (p) {
      if (!p || p === ".") return;
      if (p === "..") parts.pop(); else parts.push(p);
    });
    var route = parts.join("/");
    if (bundle.app.pages.indexOf(route) < 0) return error(2, "page not found: " + route + " is not in app.json's pages");
    return { route: route, search: search, query: parseQuery(search) };
  }

  function top() { return stack[stack.length - 1]; }
  function isTab(route) {
    var bar = bundle.app.tabBar;
    return !!bar && bar.items.some(function (i) { return i.pagePath === route; });
  }

  // ---- pages --------------------------------------------------------------------------
  function sheet(css) {
    if (!sheets[css]) { sheets[css] = new CSSStyleSheet(); sheets[css].replaceSync(css); }
    return sheets[css];
  }

  function componentCss(paths, out, seen) {
    paths.forEach(function (path) {
      if (seen[path]) return;
      seen[path] = true;
      var unit = bundle.components[path];
      var own = Object.keys(unit.components).map(function (t) { return unit.components[t]; });
      componentCss(own, out, seen);
      if (unit.css) out.push(unit.css);
    });
    return out;
  }

  function stylesFor(route) {
    var unit = bundle.pages[route];
    var used = Object.keys(unit.components).map(function (t) { return unit.components[t]; });
    // the runtime's component styles, app.acss, the components', then the page's own
    return [bundle.baseCss, bundle.appCss].concat(componentCss(used, [], {}), [unit.css])
      .filter(Boolean).map(sheet);
  }

  function config(route) { return bundle.pages[route].config; }

  function yes(v) { return v === true || v === "YES" || v === "true"; }

  function create(route, query, tab) {
    var page = mp.createPage(route, query);
    var host = document.createElement("mp-page-host");
    host.setAttribute("data-route", route);
    host.hidden = true;
    var shadow = host.attachShadow({ mode: "open" });
    shadow.adoptedStyleSheets = stylesFor(route);
    // The page scrolls inside its host, which stays put: position: fixed in a page's ACSS
    // is fixed to the phone's page area, as it is to the platform's page.
    var scroller = document.createElement("div");
    scroller.className = "mp-scroller";
    var container = document.createElement("page");
    scroller.appendChild(container);
    shadow.appendChild(scroller);
    var cfg = config(route);
    if (cfg.backgroundColor) host.style.background = cfg.backgroundColor;
    pagesEl.appendChild(host);
    var rec = { page: page, host: host, scroller: scroller, container: container, route: route, tab: tab, app: null, bar: {} };
    watchScroll(rec);
    return rec;
  }

  // onLoad, onShow, the first render, onReady.
  function load(rec, query) {
    mp.call(rec.page, rec.page.onLoad, [query]);
    show(rec);
    rec.app = mp.mountPage(rec.page, rec.container);
    mp.afterRender(function () { mp.call(rec.page, rec.page.onReady); });
  }

  function show(rec) {
    stack.concat(Object.keys(tabRecords).map(function (k) { return tabRecords[k]; })).forEach(function (r) {
      r.host.hidden = r !== rec;
    });
    rec.host.hidden = false;
    drawChrome(rec);
    mp.call(rec.page, rec.page.onShow);
  }

  function hide(rec) { mp.call(rec.page, rec.page.onHide); }

  function unload(rec) {
    mp.call(rec.page, rec.page.onUnload);
    if (rec.app) rec.app.unmount();
    rec.host.remove();
    if (tabRecords[rec.route] === rec) delete tabRecords[rec.route];
  }

  function setUrl(rec, search) {
    var url = rec === stack[0] && stack.length === 1 && rec.route === bundle.app.entry && !search ? "/" : "/" + rec.route + (search ? "?" + search : "");
    if (location.pathname + location.search !== url) history.replaceState(null, "", url);
  }

  // ---- the container around the page --------------------------------------------------
  function drawChrome(rec) {
    var cfg = config(rec.route);
    var title = rec.bar.title != null ? rec.bar.title : cfg.defaultTitle || "";
    document.title = title;
    shim.whenChrome(function (c) {
      c.title.textContent = title;
      c.navbar.style.background = rec.bar.backgroundColor || cfg.titleBarColor || "";
      c.navbar.style.color = rec.bar.frontColor || "";
      c.back.hidden = stack.length < 2;
    });
    drawTabBar(rec);
  }

  function drawTabBar(rec) {
    var bar = bundle.app.tabBar;
    var visible = !!bar && rec.tab && stack.length === 1;
    tabBarEl.hidden = !visible;
    if (!visible) return;
    tabBarEl.textContent = "";
    tabBarEl.style.background = bar.backgroundColor || "";
    bar.items.forEach(function (item, index) {
      var active = item.pagePath === rec.route;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mp-tab" + (active ? " mp-tab-active" : "");
      button.setAttribute("data-testid", "mp-tab");
      button.setAttribute("aria-selected", String(active));
      button.style.color = (active ? bar.selectedColor : bar.textColor) || "";
      var icon = active ? item.activeIcon || item.icon : item.icon;
      if (icon) {
        var img = document.createElement("img");
        img.src = /^([a-z]+:|\/)/i.test(icon) ? icon : "/" + icon;
        img.alt = "";
        button.appendChild(img);
      }
      var label = document.createElement("span");
      label.textContent = item.name;
      button.appendChild(label);
      button.addEventListener("click", function () {
        if (!active) switchTab({ url: "/" + item.pagePath });
        var now = top();
        if (now && now.route === item.pagePath) {
          mp.call(now.page, now.page.onTabItemTap, [{ from: "user", pagePath: item.pagePath, text: item.name, index: index }]);
        }
      });
      tabBarEl.appendChild(button);
    });
  }

  // onPageScroll, onReachBottom (once each time the bottom is reached), pull-down refresh.
  function watchScroll(rec) {
    var host = rec.scroller, atBottom = false;
    host.addEventListener("scroll", function () {
      var page = rec.page;
      mp.call(page, page.onPageScroll, [{ scrollTop: host.scrollTop, scrollHeight: host.scrollHeight }]);
      var distance = Number(config(rec.route).onReachBottomDistance) || 50;
      var bottom = host.scrollHeight - host.clientHeight - host.scrollTop <= distance;
      if (bottom && !atBottom) mp.call(page, page.onReachBottom);
      atBottom = bottom;
    }, { passive: true });
    var startY = null;
    host.addEventListener("pointerdown", function (e) {
      if (yes(config(rec.route).pullRefresh) && host.scrollTop <= 0 && !rec.refreshing) startY = e.clientY;
    });
    host.addEventListener("pointermove", function (e) {
      if (startY === null) return;
      var dy = Math.max(0, e.clientY - startY);
      rec.container.style.transform = dy ? "translateY(" + Math.min(dy, PULL_DISTANCE * 1.5) / 2 + "px)" : "";
    });
    function release(e) {
      if (startY === null) return;
      var dy = e.clientY - startY;
      startY = null;
      rec.container.style.transform = "";
      if (dy >= PULL_DISTANCE) startRefresh(rec, "manual");
    }
    host.addEventListener("pointerup", release);
    host.addEventListener("pointercancel", function () { startY = null; rec.container.style.transform = ""; });
  }

  // `from`: "manual" when the user pulled, "code" after my.startPullDownRefresh (the
  // page doc's reading; the declarations say the opposite, see docs/miniprogram.md).
  function startRefresh(rec, from) {
    if (rec.refreshing) return;
    rec.refreshing = document.createElement("div");
    rec.refreshing.className = "mp-refresh";
    rec.refreshing.setAttribute("data-testid", "mp-pull-refresh");
    rec.refreshing.appendChild(document.createElement("i"));
    pagesEl.insertBefore(rec.refreshing, pagesEl.firstChild);
    mp.call(rec.page, rec.page.onPullDownRefresh, [{ from: from }]);
  }

  function stopRefresh() {
    var rec = top();
    if (rec && rec.refreshing) { rec.refreshing.remove(); rec.refreshing = null; }
  }

  // ---- navigation ---------------------------------------------------------------------
  function navigation(work) {
    return function (options) {
      return shim.invoke(options, function (ok, ko) {
        var o = options || {};
        var result = work(o);
        if (result && result.error) return ko(result);
        ok({});
      });
    };
  }

  function enter(to) {
    var rec = create(to.route, to.query, isTab(to.route));
    rec.search = to.search;
    if (rec.tab) tabRecords[to.route] = rec;
    stack.push(rec);
    load(rec, to.query);
    setUrl(rec, to.search);
  }

  var navigateTo = navigation(function (o) {
    var to = target(o.url);
    if (to.error) return to;
    if (isTab(to.route)) return error(2, "my.navigateTo cannot open the tab page " + to.route + ": use my.switchTab");
    if (stack.length >= STACK_LIMIT) {
      return error(3, "the page stack is full (" + STACK_LIMIT + " pages): use my.redirectTo or my.navigateBack");
    }
    hide(top());
    enter(to);
  });

  var redirectTo = navigation(function (o) {
    var to = target(o.url);
    if (to.error) return to;
    if (isTab(to.route)) return error(2, "my.redirectTo cannot open the tab page " + to.route + ": use my.switchTab");
    var old = stack.pop();
    if (old) leave(old);
    enter(to);
  });

  // A tab page that is left stays alive (hidden); any other page is unloaded.
  function leave(rec) { if (rec.tab && tabRecords[rec.route] === rec) hide(rec); else unload(rec); }

  var navigateBack = navigation(function (o) {
    var delta = o.delta == null ? 1 : parseInt(o.delta, 10);
    if (!(delta >= 1)) delta = 1;
    if (stack.length < 2) return null;
    var keep = Math.max(stack.length - delta, 1);
    while (stack.length > keep) unload(stack.pop());
    var rec = top();
    show(rec);
    setUrl(rec, rec.search);
    return null;
  });

  var reLaunch = navigation(function (o) {
    var to = target(o.url);
    if (to.error) return to;
    while (stack.length) unload(stack.pop());
    Object.keys(tabRecords).forEach(function (k) { unload(tabRecords[k]); });
    enter(to);
  });

  var switchTab = navigation(function (o) {
    var to = target(typeof o.url === "string" ? o.url.split("?")[0] : o.url);
    if (to.error) return to;
    if (!isTab(to.route)) return error(2, "my.switchTab needs a tab page of app.json's tabBar; " + to.route + " is not one");
    var current = top();
    if (current && current.route === to.route && stack.length === 1) return null;
    while (stack.length) leave(stack.pop());
    var rec = tabRecords[to.route];
    if (rec) {
      stack.push(rec);
      show(rec);
      setUrl(rec, "");
    } else {
      enter(to);
    }
    return null;
  });

  function setNavigationBar(options) {
    return shim.invoke(options, function (ok) {
      var o = options || {}, rec = top();
      if (rec) {
        if (o.reset) rec.bar = {};
        if (o.title != null) rec.bar.title = String(o.title);
        if (o.backgroundColor) rec.bar.backgroundColor = String(o.backgroundColor);
        if (o.frontColor) rec.bar.frontColor = String(o.frontColor);
        drawChrome(rec);
      }
      ok({});
    });
  }

  // ---- sheets (picker) ----------------------------------------------------------------
  mp.openSheet = function (o) {
    var mask = document.createElement("mp-sheet");
    mask.setAttribute("data-testid", o.testid || "mp-sheet");
    var panel = document.createElement("div");
    panel.className = "mp-sheet-panel";
    function close(i) { mask.remove(); o.done(i); }
    if (o.title) {
      var title = document.createElement("div");
      title.className = "mp-sheet-title";
      title.textContent = o.title;
      panel.appendChild(title);
    }
    o.items.forEach(function (label, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "mp-sheet-item" + (i === o.selected ? " mp-sheet-selected" : "");
      b.setAttribute("data-testid", (o.testid || "mp-sheet") + "-option");
      b.textContent = label;
      b.addEventListener("click", function () { close(i); });
      panel.appendChild(b);
    });
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "mp-sheet-cancel";
    cancel.setAttribute("data-testid", (o.testid || "mp-sheet") + "-cancel");
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { close(-1); });
    panel.appendChild(cancel);
    mask.appendChild(panel);
    mask.addEventListener("click", function (e) { if (e.target === mask) close(-1); });
    appRoot.appendChild(mask);
  };

  // ---- boot ---------------------------------------------------------------------------
  function layout(root) {
    appRoot = root;
    pagesEl = document.createElement("mp-pages");
    tabBarEl = document.createElement("mp-tabbar");
    tabBarEl.setAttribute("data-testid", "mp-tabbar");
    tabBarEl.hidden = true;
    root.appendChild(pagesEl);
    root.appendChild(tabBarEl);
    // 750rpx is the page's width.
    new ResizeObserver(function () {
      root.style.setProperty("--rpx", root.clientWidth / 750 + "px");
    }).observe(root);
    root.style.setProperty("--rpx", root.clientWidth / 750 + "px");
  }

  function start() {
    var root = document.querySelector("mp-app");
    layout(root);
    shim.router = {
      navigateTo: navigateTo, redirectTo: redirectTo, navigateBack: navigateBack, reLaunch: reLaunch,
      switchTab: switchTab, setNavigationBar: setNavigationBar
    };
    var stopTheirs = my.stopPullDownRefresh;
    shim.define("startPullDownRefresh", function (options) {
      return shim.invoke(options, function (ok) { if (top()) startRefresh(top(), "code"); ok({ success: true }); });
    });
    shim.define("stopPullDownRefresh", function (options) {
      stopRefresh();
      return typeof stopTheirs === "function" ? stopTheirs(options) : shim.invoke(options, function (ok) { ok({}); });
    });
    global.getCurrentPages = function () { return stack.map(function (r) { return r.page; }); };
    if (mp.has("app.js")) {
      try { mp.require("app.js"); } catch (e) { mp.report(e); }
    }
    var path = location.pathname.replace(/^\/+/, "");
    var route = bundle.app.pages.indexOf(path) >= 0 ? path : bundle.app.entry;
    var search = location.search.replace(/^\?/, "");
    var to = { route: route, search: search, query: parseQuery(search) };
    var app = mp.appInstance();
    var options = { query: to.query, path: route, scene: 1000, referrerInfo: {} };
    if (app) {
      mp.call(app, app.onLaunch, [options]);
      mp.call(app, app.onShow, [options]);
    }
    enter(to);
  }

  mp.boot = function () {
    bundle = mp.bundle = JSON.parse(document.getElementById("mp-bundle").textContent);
    if (mp.syntaxError) { mp.showCompileError(mp.syntaxError); return; }
    shim.whenChrome(start);
  };

  global.getCurrentPages = function () { return []; };
})(window);
