/*
 * The mini program runtime, part 2: the framework a project's scripts call.
 * App() / getApp(), Page(), Component(), getCurrentPages(); a page's and a component's
 * data: setData(obj, callback) with paths ("a.b", "list[2].done"), $spliceData,
 * $batchedUpdates. After Alipay's framework docs (docs/miniprogram.md has the sources).
 *
 * Data is updated the way it crosses the platform's two threads: a setData writes new
 * objects along each path (the rest is shared), so what a component was given before
 * is never changed under it, and `this.data` changes only through setData.
 */
(function (global) {
  "use strict";
  var mp = global.__mp;
  var app = null;
  var defining = null;  // {kind, path} while a page's or component's script first runs
  var pageDefs = Object.create(null);
  var componentDefs = Object.create(null);

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  // ---- errors -------------------------------------------------------------------------
  // An error in the project's code: App.onError hears of it, and it is thrown again on
  // its own, so it reaches the console (and Playwright's `pageerror`) while the page
  // goes on running.
  function report(e) {
    if (app && typeof app.onError === "function") {
      try { app.onError.call(app, String((e && e.message) || e), e && e.stack ? String(e.stack) : ""); } catch (ignored) { /* its own error */ }
    }
    setTimeout(function () { throw e; });
  }
  mp.report = report;

  // Calls a hook or handler of the project's; an exception is reported, not propagated.
  function call(target, fn, args) {
    if (typeof fn !== "function") return undefined;
    try { return fn.apply(target, args || []); } catch (e) { report(e); return undefined; }
  }
  mp.call = call;

  global.addEventListener("unhandledrejection", function (ev) {
    if (app && typeof app.onUnhandledRejection === "function") {
      call(app, app.onUnhandledRejection, [{ reason: ev.reason, promise: ev.promise }]);
    }
  });

  // ---- data paths ---------------------------------------------------------------------
  var PATH_PART = /([^.[\]]+)|\[(\d+)\]/g;

  function parsePath(path) {
    var keys = [];
    var m;
    var consumed = 0;
    PATH_PART.lastIndex = 0;
    while ((m = PATH_PART.exec(path)) !== null) {
      var between = path.slice(consumed, m.index);
      if (between !== "" && between !== ".") throw new Error("setData: bad path '" + path + "'");
      keys.push(m[2] !== undefined ? Number(m[2]) : m[1]);
      consumed = PATH_PART.lastIndex;
    }
    if (!keys.length || consumed !== path.length) throw new Error("setData: bad path '" + path + "'");
    return keys;
  }

  function copy(value, nextKey) {
    if (Array.isArray(value)) return value.slice();
    if (isObject(value)) return Object.assign({}, value);
    return typeof nextKey === "number" ? [] : {};
  }

  // Sets data[path] = value, copying every object on the way (copy-on-write).
  function setPath(data, keys, value) {
    var target = data;
    for (var i = 0; i < keys.length - 1; i++) {
      var next = copy(target[keys[i]], keys[i + 1]);
      target[keys[i]] = next;
      target = next;
    }
    target[keys[keys.length - 1]] = value;
  }

  function applyData(data, changes) {
    Object.keys(changes).forEach(function (path) { setPath(data, parsePath(path), changes[path]); });
  }

  function spliceData(data, changes) {
    Object.keys(changes).forEach(function (path) {
      var args = changes[path];
      if (!Array.isArray(args)) throw new Error("$spliceData: the value of '" + path + "' must be [start, deleteCount, ...items]");
      var keys = parsePath(path);
      var target = data;
      for (var i = 0; i < keys.length; i++) {
        var next = copy(target[keys[i]], i + 1 < keys.length ? keys[i + 1] : 0);
        if (!Array.isArray(next) && i === keys.length - 1) next = [];
        target[keys[i]] = next;
        target = next;
      }
      Array.prototype.splice.apply(target, args);
    });
  }

  function initialData(data) {
    var value = typeof data === "function" ? data() : data;
    if (value == null) return {};
    // Each page gets its own copy (see docs/miniprogram.md: the platform shares an object).
    return JSON.parse(JSON.stringify(value));
  }

  // What pages and components share: setData and friends. `this.__view` is the view
  // (runtime/render.js) that draws the data, once it exists.
  var dataMethods = {
    setData: function (changes, callback) {
      if (!isObject(changes)) throw new TypeError("setData needs an object");
      var view = this.__view;
      if (view && view.beforeChange) view.beforeChange();
      applyData(this.data, changes);
      if (view) view.changed();
      if (typeof callback === "function") {
        var self = this;
        mp.afterRender(function () { call(self, callback); });
      }
    },
    $spliceData: function (changes, callback) {
      if (!isObject(changes)) throw new TypeError("$spliceData needs an object");
      var view = this.__view;
      if (view && view.beforeChange) view.beforeChange();
      spliceData(this.data, changes);
      if (view) view.changed();
      if (typeof callback === "function") {
        var self = this;
        mp.afterRender(function () { call(self, callback); });
      }
    },
    $batchedUpdates: function (fn) { call(this, fn); }
  };

  // ---- App ----------------------------------------------------------------------------
  global.App = function (options) {
    if (app) { console.error("App() is called more than once; the first App is kept"); return; }
    app = Object.assign({}, isObject(options) ? options : {});
    if (app.globalData === undefined) app.globalData = {};
  };
  global.getApp = function () { return app || undefined; };

  // ---- Page ---------------------------------------------------------------------------
  global.Page = function (options) {
    if (!defining || defining.kind !== "page") {
      console.error("Page() must be called by a page's own .js (the files app.json lists)");
      return;
    }
    pageDefs[defining.path] = isObject(options) ? options : {};
  };

  global.Component = function (options) {
    if (!defining || defining.kind !== "component") {
      console.error("Component() must be called by a custom component's own .js");
      return;
    }
    componentDefs[defining.path] = isObject(options) ? options : {};
  };

  function definition(kind, path, table) {
    if (!(path in table)) {
      defining = { kind: kind, path: path };
      try { mp.require(path + ".js"); } catch (e) { report(e); } finally { defining = null; }
      if (!(path in table)) {
        table[path] = {};
        if (mp.has(path + ".js")) console.error(path + ".js did not call " + (kind === "page" ? "Page()" : "Component()"));
      }
    }
    return table[path];
  }

  var pageId = 0;

  // A page instance: the options' fields and functions, its own copy of `data`.
  mp.createPage = function (route, query) {
    var def = definition("page", route, pageDefs);
    var page = Object.create(dataMethods);
    Object.keys(def).forEach(function (k) { if (k !== "data") page[k] = def[k]; });
    page.data = initialData(def.data);
    Object.defineProperty(page, "route", { value: route, enumerable: true });
    Object.defineProperty(page, "$viewId", { value: String(++pageId) });
    page.options = query;
    return page;
  };

  var componentId = 0;

  // A component instance (its props are set by the view before each render).
  mp.createComponent = function (path, page) {
    var def = definition("component", path, componentDefs);
    var methods = Object.assign({}, def.methods || {});
    var inst = Object.create(dataMethods);
    Object.keys(methods).forEach(function (k) { if (typeof methods[k] === "function") inst[k] = methods[k]; });
    inst.data = initialData(def.data);
    inst.props = Object.freeze(Object.assign({}, def.props || {}));
    inst.is = "/" + path;
    inst.$page = page;
    inst.$id = ++componentId;
    return { inst: inst, def: def };
  };

  mp.appInstance = function () { return app; };
  mp.parsePath = parsePath;
  mp.applyData = applyData;
})(window);
