/*
 * The mini program runtime, part 4: the platform's basic components that need more than
 * an element (view, text, swiper-item ... are plain elements styled by page.css). Each is
 * a Vue component whose root element is named like the component (or is the native
 * element: <button>, <input>, <textarea>, <form>, <label>) and sends its events as DOM
 * events "mp-<name>" on that root, with the platform's `detail` (Alipay's component docs,
 * listed in docs/miniprogram.md). Nodes a component draws inside itself carry `mpi`.
 */
(function (global) {
  "use strict";
  var mp = global.__mp;
  var Vue = global.Vue;
  var h = Vue.h;

  function fire(el, type, detail) {
    if (el) el.dispatchEvent(new CustomEvent("mp-" + type.toLowerCase(), { detail: detail, bubbles: false }));
  }
  // An attribute written without a value, or "false" (a non-empty string), is true.
  function truthy(v) { return v === "" || !!v; }
  function text(v) { return v == null ? "" : String(v); }
  function num(v, fallback) { var n = Number(v); return v == null || v === "" || isNaN(n) ? fallback : n; }

  // Forms: fields register with the nearest <form>; groups with their checkboxes/radios.
  function useField(field) {
    var form = Vue.inject("mpForm", null);
    if (!form) return;
    Vue.onMounted(function () { form.fields.add(field); });
    Vue.onUnmounted(function () { form.fields.delete(field); });
  }

  var button = {
    props: ["type", "size", "plain", "disabled", "loading", "formType", "openType", "hoverClass", "scope"],
    setup: function (props, ctx) {
      var form = Vue.inject("mpForm", null);
      var el = Vue.ref(null);
      function click() {
        if (!form || !props.formType) return;
        if (props.formType === "submit") form.submit(el.value);
        else if (props.formType === "reset") form.reset();
      }
      return function () {
        var type = ["primary", "warn", "ghost"].indexOf(props.type) >= 0 ? props.type : "default";
        var cls = ["a-button", "a-button-" + type];
        if (props.size === "mini") cls.push("a-button-mini");
        if (truthy(props.plain) && props.plain !== undefined) cls.push("a-button-plain");
        if (truthy(props.loading) && props.loading !== undefined) cls.push("a-button-loading");
        return h("button", {
          ref: el, type: "button", class: cls, onClick: click,
          disabled: props.disabled !== undefined && truthy(props.disabled)
        }, [props.loading !== undefined && truthy(props.loading) ? h("span", { mpi: "", class: "a-button-spinner" }) : null,
            ctx.slots.default && ctx.slots.default()]);
      };
    }
  };

  function textInput(tag) {
    return {
      props: ["value", "type", "password", "placeholder", "disabled", "maxlength", "focus", "confirmType", "name",
              "controlled", "autoHeight", "placeholderStyle", "placeholderClass", "showCount", "confirmHold"],
      setup: function (props) {
        var el = Vue.ref(null);
        function detail() { return { value: el.value.value }; }
        function grow() {
          if (tag === "textarea" && props.autoHeight !== undefined && truthy(props.autoHeight)) {
            el.value.style.height = "auto";
            el.value.style.height = el.value.scrollHeight + "px";
          }
        }
        Vue.onMounted(function () {
          el.value.value = text(props.value);
          grow();
          if (props.focus !== undefined && truthy(props.focus)) el.value.focus();
        });
        // `value` sets what the field shows when it changes, not at every render: what
        // the user typed stays unless the page sets the value (not "controlled").
        Vue.watch(function () { return props.value; }, function (v) { if (el.value) { el.value.value = text(v); grow(); } });
        Vue.watch(function () { return props.focus; }, function (v) { if (el.value && truthy(v) && v !== undefined) el.value.focus(); });
        useField({
          name: function () { return props.name; },
          value: function () { return el.value ? el.value.value : ""; },
          reset: function () { if (el.value) el.value.value = ""; }
        });
        return function () {
          var max = num(props.maxlength, 140);
          var type = tag === "textarea" ? undefined : props.password !== undefined && truthy(props.password) ? "password" : "text";
          var mode = { number: "numeric", digit: "decimal", numberpad: "numeric", digitpad: "decimal", idcard: "text" }[props.type];
          return h(tag, {
            ref: el, type: type, inputmode: mode, placeholder: props.placeholder,
            disabled: props.disabled !== undefined && truthy(props.disabled),
            maxlength: max < 0 ? undefined : max, name: props.name,
            class: tag === "textarea" ? "a-textarea" : "a-input",
            onInput: function () {
              grow();
              fire(el.value, "input", { value: el.value.value, cursor: el.value.selectionStart });
            },
            onKeydown: function (e) {
              if (e.key === "Enter" && (tag === "input" || !e.shiftKey && props.confirmType === "send")) {
                if (tag === "input") e.preventDefault();
                fire(el.value, "confirm", detail());
              }
            },
            onFocus: function () { fire(el.value, "focus", detail()); },
            onBlur: function () { fire(el.value, "blur", detail()); }
          });
        };
      }
    };
  }

  var form = {
    props: ["reportSubmit"],
    setup: function (_, ctx) {
      var el = Vue.ref(null);
      var fields = new Set();
      Vue.provide("mpForm", {
        fields: fields,
        submit: function (buttonEl) {
          var value = {};
          fields.forEach(function (f) { var n = f.name(); if (n) value[n] = f.value(); });
          fire(el.value, "submit", { value: value, buttonTarget: { dataset: mp.dataset(buttonEl) } });
        },
        reset: function () {
          fields.forEach(function (f) { f.reset(); });
          fire(el.value, "reset", {});
        }
      });
      return function () {
        return h("form", { ref: el, class: "a-form", novalidate: true, onSubmit: function (e) { e.preventDefault(); } },
                 ctx.slots.default && ctx.slots.default());
      };
    }
  };

  var label = {
    props: ["for"],
    setup: function (props, ctx) {
      var el = Vue.ref(null);
      function click(e) {
        var root = el.value.getRootNode();
        var target = props["for"] ? root.getElementById && root.getElementById(props["for"])
          : el.value.querySelector("checkbox, radio, switch, input, textarea");
        if (!target || target.contains(e.target)) return;  // the control got the tap itself
        if (target.__mpToggle) target.__mpToggle();
        else if (target.focus) target.focus();
      }
      return function () { return h("label", { ref: el, class: "a-label", onClick: click }, ctx.slots.default && ctx.slots.default()); };
    }
  };

  // checkbox and radio: a box the user toggles, alone or in a group.
  function choice(kind) {
    var groupKey = kind === "checkbox" ? "mpCheckboxGroup" : "mpRadioGroup";
    return {
      props: ["value", "checked", "disabled", "color", "name"],
      setup: function (props) {
        var el = Vue.ref(null);
        var checked = Vue.ref(props.checked !== undefined && truthy(props.checked));
        var group = Vue.inject(groupKey, null);
        Vue.watch(function () { return props.checked; }, function (v) { checked.value = v !== undefined && truthy(v); });
        var entry = { value: function () { return props.value; }, checked: function () { return checked.value; },
                      set: function (v) { checked.value = v; } };
        if (group) {
          Vue.onMounted(function () { group.items.add(entry); });
          Vue.onUnmounted(function () { group.items.delete(entry); });
        }
        function toggle() {
          if (props.disabled !== undefined && truthy(props.disabled)) return;
          if (kind === "radio") {
            if (checked.value) return;
            if (group) group.items.forEach(function (o) { o.set(o === entry); }); else checked.value = true;
          } else {
            checked.value = !checked.value;
          }
          fire(el.value, "change", { value: kind === "checkbox" ? checked.value : props.value });
          if (group) group.changed();
        }
        Vue.onMounted(function () { el.value.__mpToggle = toggle; });
        return function () {
          var style = checked.value && props.color ? { background: props.color, borderColor: props.color } : undefined;
          return h(kind, {
            ref: el, role: kind, tabindex: "0", "aria-checked": String(checked.value),
            "aria-disabled": String(props.disabled !== undefined && truthy(props.disabled)),
            class: ["a-" + kind, checked.value ? "a-checked" : ""], onClick: toggle
          }, [h("span", { mpi: "", class: "a-" + kind + "-box", style: style })]);
        };
      }
    };
  }

  function choiceGroup(kind) {
    var groupKey = kind === "checkbox" ? "mpCheckboxGroup" : "mpRadioGroup";
    return {
      props: ["name"],
      setup: function (props, ctx) {
        var el = Vue.ref(null);
        var items = new Set();
        function value() {
          var checked = [];
          items.forEach(function (o) { if (o.checked()) checked.push(o.value()); });
          return kind === "checkbox" ? checked : checked.length ? checked[0] : "";
        }
        Vue.provide(groupKey, { items: items, changed: function () { fire(el.value, "change", { value: value() }); } });
        useField({ name: function () { return props.name; }, value: value,
                   reset: function () { items.forEach(function (o) { o.set(false); }); } });
        return function () { return h(kind + "-group", { ref: el, class: "a-" + kind + "-group" }, ctx.slots.default && ctx.slots.default()); };
      }
    };
  }

  var switchComponent = {
    props: ["checked", "disabled", "color", "name", "controlled"],
    setup: function (props) {
      var el = Vue.ref(null);
      var on = Vue.ref(props.checked !== undefined && truthy(props.checked));
      Vue.watch(function () { return props.checked; }, function (v) { on.value = v !== undefined && truthy(v); });
      function toggle() {
        if (props.disabled !== undefined && truthy(props.disabled)) return;
        on.value = !on.value;
        fire(el.value, "change", { value: on.value });
      }
      Vue.onMounted(function () { el.value.__mpToggle = toggle; });
      useField({ name: function () { return props.name; }, value: function () { return on.value; },
                 reset: function () { on.value = false; } });
      return function () {
        return h("switch", {
          ref: el, role: "switch", tabindex: "0", "aria-checked": String(on.value), class: ["a-switch", on.value ? "a-checked" : ""],
          style: on.value && props.color ? { background: props.color } : undefined, onClick: toggle
        }, [h("span", { mpi: "", class: "a-switch-knob" })]);
      };
    }
  };

  // picker: its content is the trigger; a tap opens the choices as a sheet over the page.
  var picker = {
    props: ["range", "rangeKey", "value", "disabled", "title", "name"],
    setup: function (props, ctx) {
      var el = Vue.ref(null);
      var index = Vue.ref(num(props.value, 0));
      Vue.watch(function () { return props.value; }, function (v) { index.value = num(v, 0); });
      function label(item) { return item !== null && typeof item === "object" ? text(item[props.rangeKey]) : text(item); }
      function open() {
        if (props.disabled !== undefined && truthy(props.disabled)) return;
        var range = Array.isArray(props.range) ? props.range : [];
        mp.openSheet({
          title: props.title,
          items: range.map(label),
          selected: index.value,
          testid: "mp-picker",
          done: function (i) {
            if (i < 0) { fire(el.value, "cancel", {}); return; }
            index.value = i;
            fire(el.value, "change", { value: i });
          }
        });
      }
      useField({ name: function () { return props.name; }, value: function () { return index.value; },
                 reset: function () { index.value = num(props.value, 0); } });
      return function () { return h("picker", { ref: el, class: "a-picker", onClick: open }, ctx.slots.default && ctx.slots.default()); };
    }
  };

  var scrollView = {
    props: ["scrollX", "scrollY", "upperThreshold", "lowerThreshold", "scrollTop", "scrollLeft", "scrollIntoView",
            "scrollWithAnimation", "enableBackToTop", "trapScroll"],
    setup: function (props, ctx) {
      var el = Vue.ref(null);
      var atUpper = true, atLower = false;
      function vertical() { return props.scrollY !== undefined && truthy(props.scrollY); }
      function onScroll() {
        var e = el.value;
        fire(e, "scroll", { scrollLeft: e.scrollLeft, scrollTop: e.scrollTop, scrollHeight: e.scrollHeight, scrollWidth: e.scrollWidth });
        var pos = vertical() ? e.scrollTop : e.scrollLeft;
        var size = vertical() ? e.scrollHeight - e.clientHeight : e.scrollWidth - e.clientWidth;
        var upper = pos <= num(props.upperThreshold, 50);
        var lower = size - pos <= num(props.lowerThreshold, 50);
        if (upper && !atUpper) fire(e, "scrollToUpper", {});
        if (lower && !atLower) fire(e, "scrollToLower", {});
        atUpper = upper;
        atLower = lower;
      }
      function behavior() { return props.scrollWithAnimation !== undefined && truthy(props.scrollWithAnimation) ? "smooth" : "auto"; }
      function scrollTo() {
        var e = el.value;
        if (!e) return;
        if (props.scrollIntoView) {
          var child = e.querySelector("#" + CSS.escape(String(props.scrollIntoView)));
          if (child) {
            var top = child.getBoundingClientRect().top - e.getBoundingClientRect().top + e.scrollTop;
            var left = child.getBoundingClientRect().left - e.getBoundingClientRect().left + e.scrollLeft;
            e.scrollTo({ top: vertical() ? top : undefined, left: vertical() ? undefined : left, behavior: behavior() });
            return;
          }
        }
        if (props.scrollTop != null) e.scrollTo({ top: num(props.scrollTop, 0), behavior: behavior() });
        if (props.scrollLeft != null) e.scrollTo({ left: num(props.scrollLeft, 0), behavior: behavior() });
      }
      Vue.onMounted(scrollTo);
      Vue.watch(function () { return [props.scrollTop, props.scrollLeft, props.scrollIntoView]; }, function () { Vue.nextTick(scrollTo); });
      return function () {
        var x = props.scrollX !== undefined && truthy(props.scrollX);
        return h("scroll-view", {
          ref: el, class: "a-scroll-view", onScroll: onScroll,
          style: { overflowX: x ? "auto" : "hidden", overflowY: vertical() ? "auto" : "hidden", whiteSpace: x ? "nowrap" : undefined }
        }, ctx.slots.default && ctx.slots.default());
      };
    }
  };

  var swiper = {
    props: ["indicatorDots", "indicatorColor", "indicatorActiveColor", "autoplay", "current", "interval", "duration",
            "circular", "vertical", "activeClass", "changingClass"],
    setup: function (props, ctx) {
      var el = Vue.ref(null), track = Vue.ref(null);
      var current = Vue.ref(num(props.current, 0));
      var count = Vue.ref(0);
      var timer = null, startX = null, startY = null;
      function on(name) { return props[name] !== undefined && truthy(props[name]); }
      function go(i, source) {
        var n = count.value;
        if (!n) return;
        var next = on("circular") || source === "autoplay" ? (i + n) % n : Math.max(0, Math.min(n - 1, i));
        if (next === current.value) return;
        current.value = next;
        fire(el.value, "change", { current: next, isChanging: false, source: source });
        Vue.nextTick(function () { fire(el.value, "animationEnd", { current: next, source: source }); });
      }
      function measure() { if (track.value && track.value.children.length !== count.value) count.value = track.value.children.length; }
      function restart() {
        clearInterval(timer);
        timer = on("autoplay") ? setInterval(function () { go(current.value + 1, "autoplay"); }, num(props.interval, 5000)) : null;
      }
      Vue.onMounted(function () { measure(); restart(); });
      Vue.onUpdated(measure);
      Vue.onUnmounted(function () { clearInterval(timer); });
      Vue.watch(function () { return [props.autoplay, props.interval]; }, restart);
      Vue.watch(function () { return props.current; }, function (v) { current.value = num(v, 0); });
      function down(e) { startX = e.clientX; startY = e.clientY; }
      function up(e) {
        if (startX === null) return;
        var d = on("vertical") ? e.clientY - startY : e.clientX - startX;
        var size = on("vertical") ? el.value.clientHeight : el.value.clientWidth;
        startX = startY = null;
        if (Math.abs(d) > size * 0.2) { go(current.value + (d < 0 ? 1 : -1), "touch"); restart(); }
      }
      return function () {
        var axis = on("vertical") ? "Y" : "X";
        var dots = [];
        if (on("indicatorDots")) {
          for (var i = 0; i < count.value; i++) {
            dots.push(h("i", { mpi: "", class: i === current.value ? "a-active" : "",
              style: { background: i === current.value ? props.indicatorActiveColor || "#000" : props.indicatorColor || "rgba(0,0,0,.3)" } }));
          }
        }
        return h("swiper", { ref: el, class: ["a-swiper", on("vertical") ? "a-swiper-vertical" : ""], onPointerdown: down, onPointerup: up }, [
          h("div", { mpi: "", ref: track, class: "a-swiper-track",
            style: { transform: "translate" + axis + "(" + -current.value * 100 + "%)", transitionDuration: num(props.duration, 500) + "ms" } },
            ctx.slots.default && ctx.slots.default()),
          dots.length ? h("div", { mpi: "", class: "a-swiper-dots" }, dots) : null
        ]);
      };
    }
  };

  function absoluteUrl(base, url) {
    if (!url || /^([a-z]+:|\/)/i.test(url)) return url;
    return "/" + [base, url].filter(Boolean).join("/");
  }

  var navigator = {
    props: ["url", "openType", "delta", "hoverClass"],
    setup: function (props, ctx) {
      var owner = Vue.inject("mpOwner");
      function click() {
        var type = props.openType || "navigate";
        var url = absoluteUrl(owner.base, props.url);
        var my = global.my;
        if (type === "navigateBack") my.navigateBack({ delta: num(props.delta, 1) });
        else if (type === "redirect") my.redirectTo({ url: url });
        else if (type === "switchTab") my.switchTab({ url: url });
        else if (type === "reLaunch") my.reLaunch({ url: url });
        else my.navigateTo({ url: url });
      }
      return function () { return h("navigator", { class: "a-navigator", onClick: click }, ctx.slots.default && ctx.slots.default()); };
    }
  };

  var ICONS = {
    success: '<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M6.5 12.5l3.6 3.5 7.4-7.5" stroke="#fff" stroke-width="2" fill="none"/>',
    success_no_circle: '<path d="M3 12.5l6 6L21 6" stroke="currentColor" stroke-width="2.4" fill="none"/>',
    info: '<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M12 10.5v7M12 6.5v1.8" stroke="#fff" stroke-width="2.2"/>',
    warn: '<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M12 6v8M12 16.5v1.8" stroke="#fff" stroke-width="2.2"/>',
    waiting: '<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M12 6v6.5l4 2.5" stroke="#fff" stroke-width="2" fill="none"/>',
    cancel: '<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M8 8l8 8M16 8l-8 8" stroke="#fff" stroke-width="2"/>',
    clear: '<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M8.5 8.5l7 7M15.5 8.5l-7 7" stroke="#fff" stroke-width="1.8"/>',
    download: '<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M12 6v9M8 11.5l4 4 4-4" stroke="#fff" stroke-width="2" fill="none"/>',
    search: '<circle cx="10.5" cy="10.5" r="6.5" stroke="currentColor" stroke-width="2" fill="none"/><path d="M15.5 15.5L21 21" stroke="currentColor" stroke-width="2.2"/>',
    loading: '<circle cx="12" cy="12" r="9" stroke="currentColor" stroke-width="2.4" fill="none" stroke-dasharray="42 15"/>'
  };
  var COLORS = { success: "#09bb07", success_no_circle: "#09bb07", info: "#1677ff", warn: "#f76260", waiting: "#1677ff",
                 cancel: "#f43530", clear: "#b2b2b2", download: "#1677ff", search: "#b2b2b2", loading: "#1677ff" };

  var icon = {
    props: ["type", "size", "color"],
    setup: function (props) {
      return function () {
        var size = num(props.size, 23) + "px";
        return h("icon", {
          class: ["a-icon", "a-icon-" + props.type], role: "img", "aria-label": text(props.type),
          style: { width: size, height: size, color: props.color || COLORS[props.type] || "#1677ff" },
          innerHTML: '<svg mpi viewBox="0 0 24 24" width="100%" height="100%">' + (ICONS[props.type] || "") + "</svg>"
        });
      };
    }
  };

  var FIT = { scaleToFill: "fill", aspectFit: "contain", aspectFill: "cover", widthFix: "fill", heightFix: "fill" };

  var image = {
    props: ["src", "mode", "lazyLoad", "defaultSource"],
    setup: function (props) {
      var owner = Vue.inject("mpOwner");
      var el = Vue.ref(null);
      function loaded(e) { fire(el.value, "load", { width: e.target.naturalWidth, height: e.target.naturalHeight }); }
      function failed() { fire(el.value, "error", { errMsg: "image load failed: " + text(props.src) }); }
      return function () {
        var mode = props.mode || "scaleToFill";
        var crop = !(mode in FIT);
        return h("image", { ref: el, class: ["a-image", "a-image-" + mode.replace(/\s+/g, "-")] }, [
          props.src ? h("img", {
            mpi: "", src: absoluteUrl(owner.base, String(props.src)), alt: "", draggable: "false",
            loading: props.lazyLoad !== undefined && truthy(props.lazyLoad) ? "lazy" : undefined,
            style: { objectFit: crop ? "none" : FIT[mode], objectPosition: crop ? mode : undefined },
            onLoad: loaded, onError: failed
          }) : null
        ]);
      };
    }
  };

  var webView = {
    props: ["src"],
    setup: function (props) {
      var el = Vue.ref(null);
      return function () {
        return h("web-view", { ref: el, class: "a-web-view" }, [
          h("iframe", { mpi: "", src: props.src, title: "web-view", onLoad: function () { fire(el.value, "load", { src: props.src }); } })
        ]);
      };
    }
  };

  var progress = {
    props: ["percent", "showInfo", "strokeWidth", "activeColor", "backgroundColor"],
    setup: function (props) {
      return function () {
        var p = Math.max(0, Math.min(100, num(props.percent, 0)));
        return h("progress-bar", { class: "a-progress", role: "progressbar", "aria-valuenow": String(p) }, [
          h("span", { mpi: "", class: "a-progress-track", style: { height: num(props.strokeWidth, 6) + "px", background: props.backgroundColor } },
            [h("span", { mpi: "", class: "a-progress-fill", style: { width: p + "%", background: props.activeColor } })]),
          props.showInfo !== undefined && truthy(props.showInfo) ? h("span", { mpi: "", class: "a-progress-info" }, p + "%") : null
        ]);
      };
    }
  };

  var slider = {
    props: ["min", "max", "step", "value", "disabled", "showValue", "name"],
    setup: function (props) {
      var el = Vue.ref(null), input = Vue.ref(null);
      var value = Vue.ref(num(props.value, 0));
      Vue.watch(function () { return props.value; }, function (v) { value.value = num(v, 0); });
      useField({ name: function () { return props.name; }, value: function () { return value.value; },
                 reset: function () { value.value = num(props.min, 0); } });
      return function () {
        return h("slider", { ref: el, class: "a-slider" }, [
          h("input", { mpi: "", ref: input, type: "range", min: num(props.min, 0), max: num(props.max, 100), step: num(props.step, 1),
            value: value.value, disabled: props.disabled !== undefined && truthy(props.disabled),
            onInput: function () { value.value = Number(input.value.value); fire(el.value, "changing", { value: value.value }); },
            onChange: function () { fire(el.value, "change", { value: value.value }); } }),
          props.showValue !== undefined && truthy(props.showValue) ? h("span", { mpi: "" }, String(value.value)) : null
        ]);
      };
    }
  };

  mp.builtins = {
    install: function (app) {
      app.component("mp-button", button);
      app.component("mp-input", textInput("input"));
      app.component("mp-textarea", textInput("textarea"));
      app.component("mp-form", form);
      app.component("mp-label", label);
      app.component("mp-checkbox", choice("checkbox"));
      app.component("mp-radio", choice("radio"));
      app.component("mp-checkbox-group", choiceGroup("checkbox"));
      app.component("mp-radio-group", choiceGroup("radio"));
      app.component("mp-switch", switchComponent);
      app.component("mp-picker", picker);
      app.component("mp-scroll-view", scrollView);
      app.component("mp-swiper", swiper);
      app.component("mp-navigator", navigator);
      app.component("mp-icon", icon);
      app.component("mp-image", image);
      app.component("mp-web-view", webView);
      app.component("mp-progress", progress);
      app.component("mp-slider", slider);
    }
  };
})(window);
