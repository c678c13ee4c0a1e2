/*
 * The container's modal dialogs, as @mini-types/my declares them: my.alert ({}),
 * my.confirm ({confirm}), my.prompt ({ok, inputValue}), my.showModal ({confirm} and
 * {content} when editable), and the bottom sheet my.showActionSheet ({index, success},
 * index -1 when cancelled: its Cancel button or a tap beside the sheet). success is
 * called when the user answers; nothing before. Default button texts are English
 * ("OK", "Cancel") where the platform's are Chinese ("确定", "取消").
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var el = shim.el;
  var BADGE_TYPES = ["text", "num", "point", "more", "none"];

  function text(v) { return v == null ? "" : String(v); }
  function color(node, value) { if (typeof value === "string") node.style.color = value; }
  function close(mask) { if (mask.parentNode) mask.parentNode.removeChild(mask); }

  // A centred dialog: title, content, an optional input, a row of buttons. Each button
  // closes it and calls done(button.value, the input's text).
  function dialog(o, buttons, done, input) {
    shim.whenChrome(function (c) {
      var mask = el("div", "mp-mask");
      var box = el("div", "mp-dialog");
      box.setAttribute("role", "alertdialog");
      box.setAttribute("data-testid", "mp-dialog");
      if (o.title != null && o.title !== "") box.appendChild(el("div", "mp-dialog-title", text(o.title)));
      if (o.content != null && o.content !== "") {
        var content = box.appendChild(el("div", "mp-dialog-content", text(o.content)));
        if (o.align === "center" || o.align === "right") content.style.textAlign = o.align;
      }
      var field = null;
      if (input) {
        field = el("input", "mp-dialog-input");
        field.type = "text";
        field.placeholder = text(input.placeholder);
        field.setAttribute("data-testid", input.testid);
        box.appendChild(el("div", "mp-dialog-field")).appendChild(field);
      }
      var row = el("div", "mp-dialog-buttons");
      buttons.forEach(function (b) {
        var btn = el("button", "mp-dialog-btn" + (b.primary ? " primary" : ""), b.text);
        btn.type = "button";
        btn.setAttribute("data-testid", b.testid);
        color(btn, b.color);
        btn.addEventListener("click", function () {
          close(mask);
          done(b.value, field ? field.value : "");
        });
        row.appendChild(btn);
      });
      box.appendChild(row);
      mask.appendChild(box);
      c.overlay.appendChild(mask);
      if (field) field.focus();
    });
  }

  shim.dialog = dialog;  // the container's own notices (tradepay.js)

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

  // my.prompt: `message` is shown above the input ("请输入内容" on the platform).
  shim.define("prompt", function (options) {
    return shim.invoke(options, function (ok) {
      var o = options || {};
      var shown = { title: o.title, content: o.message == null ? "Please enter" : o.message, align: o.align };
      dialog(shown, [
        { text: text(o.cancelButtonText) || "Cancel", color: o.cancelColor, testid: "mp-prompt-cancel", value: false },
        { text: text(o.okButtonText) || "OK", primary: true, color: o.confirmColor, testid: "mp-prompt-ok", value: true }
      ], function (value, typed) { ok({ ok: value, inputValue: typed }); },
      { placeholder: o.placeholder, testid: "mp-prompt-input" });
    });
  });

  // my.showModal: the declarations' WeChat-style dialog; `content` in the reply only
  // when `editable` (then it is what the user typed).
  shim.define("showModal", function (options) {
    return shim.invoke(options, function (ok) {
      var o = options || {};
      var buttons = [];
      if (o.showCancel !== false) {
        buttons.push({ text: text(o.cancelText) || "Cancel", color: o.cancelColor, testid: "mp-modal-cancel", value: false });
      }
      buttons.push({ text: text(o.confirmText) || "OK", primary: true, color: o.confirmColor, testid: "mp-modal-confirm",
                     value: true });
      var input = o.editable ? { placeholder: o.placeholderText, testid: "mp-modal-input" } : null;
      dialog(o, buttons, function (value, typed) {
        ok(o.editable ? { confirm: value, content: typed } : { confirm: value });
      }, input);
    });
  });

  // ---- the action sheet -----------------------------------------------------------------

  function badge(b) {
    var type = BADGE_TYPES.indexOf(b.type) >= 0 ? b.type : "none";
    if (type === "none") return null;
    var node = el("span", "mp-badge mp-badge-" + type, type === "point" ? "" : type === "more" ? "\u2026" : text(b.text));
    node.setAttribute("data-badge", type);
    return node;
  }

  shim.define("showActionSheet", function (options) {
    return shim.invoke(options, function (ok, ko) {
      var o = options || {};
      if (!Array.isArray(o.items) || !o.items.length) return ko(shim.error(2, "items must be a non-empty array of strings"));
      var badges = Array.isArray(o.badges) ? o.badges : [];
      shim.whenChrome(function (c) {
        var mask = el("div", "mp-mask mp-sheet-mask");
        var sheet = el("div", "mp-sheet");
        sheet.setAttribute("role", "dialog");
        sheet.setAttribute("data-testid", "mp-action-sheet");
        var group = el("div", "mp-sheet-group");
        if (o.title != null && o.title !== "") group.appendChild(el("div", "mp-sheet-title", text(o.title)));
        function answer(index) { close(mask); ok({ index: index, success: true }); }
        o.items.forEach(function (item, index) {
          var btn = el("button", "mp-sheet-item" + (index === o.destructiveBtnIndex ? " destructive" : ""));
          btn.type = "button";
          btn.setAttribute("data-testid", "mp-action-sheet-item");
          btn.setAttribute("data-index", String(index));
          btn.appendChild(el("span", "", text(item)));
          badges.filter(function (b) { return b && b.index === index; }).forEach(function (b) {
            var node = badge(b);
            if (node) btn.appendChild(node);
          });
          btn.addEventListener("click", function () { answer(index); });
          group.appendChild(btn);
        });
        var cancel = el("button", "mp-sheet-cancel", text(o.cancelButtonText) || "Cancel");
        cancel.type = "button";
        cancel.setAttribute("data-testid", "mp-action-sheet-cancel");
        cancel.addEventListener("click", function () { answer(-1); });
        sheet.appendChild(group);
        sheet.appendChild(cancel);
        mask.appendChild(sheet);
        mask.addEventListener("click", function (ev) { if (ev.target === mask) answer(-1); });
        c.overlay.appendChild(mask);
      });
    });
  });
})(window);
