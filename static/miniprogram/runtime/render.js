/*
 * The mini program runtime, part 3: the view. Each page is a Vue app (the library the
 * DOM work is built on, docs/miniprogram.md) mounted in the page's own shadow root;
 * custom components are Vue components around Component() instances; named templates
 * are Vue components that see only their `data`.
 *
 * The render functions come from the server's translation of AXML into Vue templates
 * (miniprogram_mock/project/template.py) and see: d (the data), s (SJS modules),
 * on() (events), fn() (handlers given to a component as props), str(), sty(), tpl().
 */
(function (global) {
  "use strict";
  var mp = global.__mp;
  var Vue = global.Vue;
  var EMPTY = Object.freeze({});

  mp.afterRender = function (fn) { Vue.nextTick(fn); };

  function dirname(path) { var i = path.lastIndexOf("/"); return i < 0 ? "" : path.slice(0, i); }

  // ---- what every render function may call -------------------------------------------
  function str(v) {
    if (v == null) return "";
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  var RPX = /(-?(?:\d+\.?\d*|\.\d+))rpx\b/g;
  function rpx(text) { return String(text).replace(RPX, "calc($1 * var(--rpx))"); }
  function sty(v) {
    if (v == null || v === false) return undefined;
    if (typeof v === "string") return rpx(v);
    if (typeof v === "object") {
      var out = {};
      Object.keys(v).forEach(function (k) { out[k] = typeof v[k] === "string" ? rpx(v[k]) : v[k]; });
      return out;
    }
    return String(v);
  }
  function tpl(file, name) {
    var scope = mp.bundle.templateScopes[file] || {};
    return scope[name] || "mp-nothing";
  }

  // ---- events -------------------------------------------------------------------------
  function dataset(el) {
    var out = {};
    if (!el || !el.dataset) return out;
    Object.keys(el.dataset).forEach(function (k) { out[k] = el.dataset[k]; });
    if (el.__mpDataset) Object.assign(out, el.__mpDataset);
    return out;
  }

  // The element of the page's tree an event started on (not a node a built-in component
  // draws inside itself: those carry the attribute `mpi`).
  function origin(node) {
    var el = node && node.nodeType === 1 ? node : node && node.parentElement;
    while (el && el.parentElement && el.hasAttribute("mpi")) el = el.parentElement;
    return el;
  }

  function tagName(el) { return el ? el.getAttribute("mp-tag") || el.localName : ""; }

  function touch(e) {
    return { identifier: e.pointerId || 0, pageX: e.pageX, pageY: e.pageY, clientX: e.clientX, clientY: e.clientY };
  }

  // The platform's event object: `target` is the element tapped but its `dataset` is
  // the bound element's, `targetDataset` the tapped one's (Alipay's "事件对象" doc).
  function eventObject(domEvent, type) {
    var current = domEvent.currentTarget;
    var target = origin(domEvent.target) || current;
    var ev = {
      type: type,
      timeStamp: Date.now(),
      target: { id: target.id || "", tagName: tagName(target), dataset: dataset(current), targetDataset: dataset(target) },
      currentTarget: { id: current.id || "", tagName: tagName(current), dataset: dataset(current) }
    };
    if (typeof CustomEvent !== "undefined" && domEvent instanceof CustomEvent) {
      ev.detail = domEvent.detail == null ? {} : domEvent.detail;
    } else if (typeof PointerEvent !== "undefined" && domEvent instanceof PointerEvent && type !== "tap") {
      ev.touches = ev.changedTouches = [touch(domEvent)];
    }
    return ev;
  }

  function dispatcher(owner, where) {
    return function on(domEvent, type, handler, isCatch) {
      if (isCatch) domEvent.stopPropagation();
      var fn = typeof handler === "function" ? handler : owner[handler];
      if (typeof fn !== "function") {
        mp.report(new Error("the " + type + " handler '" + handler + "' is not defined in " + where));
        return;
      }
      mp.call(owner, fn, [eventObject(domEvent, type)]);
    };
  }

  // A handler given to a custom component as a prop (onXxx="name"): the same function
  // every render, so the component is not updated for nothing.
  function functionProps(owner, where) {
    var made = Object.create(null);
    return function fn(handler) {
      if (typeof handler === "function") return handler;
      if (!(handler in made)) {
        made[handler] = function () {
          var target = owner[handler];
          if (typeof target !== "function") {
            mp.report(new Error("the handler '" + handler + "' is not defined in " + where));
            return undefined;
          }
          return mp.call(owner, target, Array.prototype.slice.call(arguments));
        };
      }
      return made[handler];
    };
  }

  // v-ds: the raw values of bound data-* attributes (objects, numbers), for the dataset.
  var datasetDirective = {
    mounted: function (el, binding) { el.__mpDataset = binding.value; },
    updated: function (el, binding) { el.__mpDataset = binding.value; }
  };

  // longTap: a press held 500 ms without moving away ("触摸后，超过 500ms 再离开").
  (function longTap() {
    var timer = null, start = null;
    function cancel() { clearTimeout(timer); timer = null; }
    document.addEventListener("pointerdown", function (e) {
      cancel();
      var target = e.composedPath()[0];
      start = { x: e.clientX, y: e.clientY };
      timer = setTimeout(function () {
        timer = null;
        if (target && target.dispatchEvent) target.dispatchEvent(new CustomEvent("mp-longtap", { bubbles: true }));
      }, 500);
    }, true);
    document.addEventListener("pointermove", function (e) {
      if (timer && start && Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y) > 10) cancel();
    }, true);
    document.addEventListener("pointerup", cancel, true);
    document.addEventListener("pointercancel", cancel, true);
  })();

  // ---- SJS ----------------------------------------------------------------------------
  function sjsModules(list) {
    var out = {};
    (list || []).forEach(function (imp) {
      try {
        var m = mp.require(imp.module);
        out[imp.name] = imp.export ? m[imp.export] : mp.interopDefault(m);
      } catch (e) { mp.report(e); }
    });
    return out;
  }

  // ---- custom components --------------------------------------------------------------
  var componentViews = Object.create(null);

  function camelize(name) { return name.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); }); }

  function localComponents(map) {
    var out = {};
    Object.keys(map || {}).forEach(function (tag) { out["mpc-" + tag] = componentView(map[tag]); });
    return out;
  }

  function sameProps(a, b) {
    var ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (var i = 0; i < ka.length; i++) if (a[ka[i]] !== b[ka[i]]) return false;
    return true;
  }

  function componentView(path) {
    if (componentViews[path]) return componentViews[path];
    var unit = mp.bundle.components[path];
    var view = {
      name: "mpc",
      inheritAttrs: false,
      template: unit.template,
      components: {},
      setup: function (_, ctx) {
        var owner = Vue.inject("mpOwner");
        var made = mp.createComponent(path, owner.page);
        var inst = made.inst, def = made.def;
        var version = Vue.shallowRef(0);
        var rendering = false, prevProps = null, prevData = null;
        Object.defineProperty(inst, "__view", {
          value: {
            beforeChange: function () { if (!prevData) prevData = Object.assign({}, inst.data); },
            changed: function () { if (!rendering) version.value++; }
          }
        });
        function propsNow() {
          var out = Object.assign({}, def.props || {});
          Object.keys(ctx.attrs).forEach(function (k) { out[k.indexOf("-") > 0 ? camelize(k) : k] = ctx.attrs[k]; });
          return out;
        }
        inst.props = Object.freeze(propsNow());
        var where = "component " + path;
        var on = dispatcher(inst, where), fn = functionProps(inst, where);
        Vue.provide("mpOwner", { on: on, fn: fn, page: owner.page, base: dirname(path) });
        mp.call(inst, def.onInit);
        rendering = true;
        mp.call(inst, def.deriveDataFromProps, [inst.props]);
        rendering = false;
        Vue.onMounted(function () { prevProps = prevData = null; mp.call(inst, def.didMount); });
        Vue.onUpdated(function () {
          var p = prevProps || inst.props, d = prevData || inst.data;
          prevProps = prevData = null;
          mp.call(inst, def.didUpdate, [p, d]);
        });
        Vue.onUnmounted(function () { mp.call(inst, def.didUnmount); });
        return {
          get d() {
            void version.value;
            var next = propsNow();
            if (!sameProps(next, inst.props)) {
              prevProps = prevProps || inst.props;
              if (!prevData) prevData = Object.assign({}, inst.data);
              inst.props = Object.freeze(next);
              rendering = true;
              mp.call(inst, def.deriveDataFromProps, [inst.props]);
              rendering = false;
            }
            return Object.assign({ $id: inst.$id }, inst.props, inst.data);
          },
          s: sjsModules(unit.sjs),
          on: on,
          fn: fn
        };
      }
    };
    componentViews[path] = view;
    view.components = localComponents(unit.components);
    return view;
  }

  // ---- named templates ----------------------------------------------------------------
  function templateView(name) {
    var unit = mp.bundle.templates[name];
    return {
      name: "mpt",
      props: ["data"],
      template: unit.template,
      setup: function (props) {
        var owner = Vue.inject("mpOwner");
        return {
          get d() { return props.data || EMPTY; },
          s: sjsModules(unit.sjs),
          on: owner.on,
          fn: owner.fn
        };
      }
    };
  }

  // ---- pages --------------------------------------------------------------------------
  function isCustomElement(tag) {
    return !/^(mp|mpc|mpt)-/.test(tag) && tag !== "component" && tag !== "slot" && tag !== "template";
  }

  // Draws `page` into `container` (the <page> element in the page's shadow root).
  mp.mountPage = function (page, container) {
    var unit = mp.bundle.pages[page.route];
    var version = Vue.shallowRef(0);
    Object.defineProperty(page, "__view", { value: { changed: function () { version.value++; } }, configurable: true });
    var where = "page " + page.route;
    var on = dispatcher(page, where), fn = functionProps(page, where);
    var root = {
      name: "mp-page",
      template: unit.template,
      components: localComponents(unit.components),
      setup: function () {
        Vue.provide("mpOwner", { on: on, fn: fn, page: page, base: dirname(page.route) });
        return {
          get d() { void version.value; return page.data; },
          s: sjsModules(unit.sjs),
          on: on,
          fn: fn
        };
      }
    };
    var app = Vue.createApp(root);
    app.config.compilerOptions.isCustomElement = isCustomElement;
    app.config.compilerOptions.whitespace = "condense";
    app.config.globalProperties.str = str;
    app.config.globalProperties.sty = sty;
    app.config.globalProperties.tpl = tpl;
    app.config.errorHandler = function (err) { mp.report(err); };
    app.config.warnHandler = function () {};
    app.directive("ds", datasetDirective);
    app.component("mp-nothing", { render: function () { return null; } });
    Object.keys(mp.bundle.templates).forEach(function (name) { app.component(name, templateView(name)); });
    app.use(mp.builtins);
    app.mount(container);
    return app;
  };

  mp.rpx = rpx;
  mp.dataset = dataset;
  mp.dirname = dirname;
})(window);
