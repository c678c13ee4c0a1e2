/*
 * The mini program runtime, part 0 (loaded first): compile errors as the IDE shows them.
 * The server finds most (AXML, ACSS, JSON, a missing file) and draws its own page; a
 * syntax error in a project's .js file is found here, when the browser reads the file,
 * and shown the same way: file, line, column, message, in the phone.
 */
(function (global) {
  "use strict";
  var mp = global.__mp || (global.__mp = {});
  var MODULES = "/__mp/modules/";

  global.addEventListener("error", function (ev) {
    var file = ev.filename || "";
    var at = file.indexOf(MODULES);
    if (at < 0 || !(ev.error instanceof SyntaxError) || mp.syntaxError) return;
    mp.syntaxError = {
      file: decodeURIComponent(file.slice(at + MODULES.length).split("?")[0]),
      line: ev.lineno, column: ev.colno, message: String(ev.message).replace(/^Uncaught /, "")
    };
  });

  mp.showCompileError = function (err) {
    function el(tag, cls, text, testid) {
      var node = document.createElement(tag);
      node.className = cls;
      if (text != null) node.textContent = text;
      if (testid) node.setAttribute("data-testid", testid);
      return node;
    }
    var box = el("div", "mp-compile-error", null, "mp-compile-error");
    box.appendChild(el("div", "mp-compile-error-title", "Compile error"));
    box.appendChild(el("div", "mp-compile-error-where", err.file + ":" + err.line + ":" + err.column, "mp-compile-error-where"));
    box.appendChild(el("div", "mp-compile-error-message", err.message, "mp-compile-error-message"));
    if (err.frame) box.appendChild(el("pre", "mp-compile-error-frame", err.frame));
    var app = document.querySelector("mp-app");
    (app || document.body).appendChild(box);
    console.error("mini program compile error: " + err.file + ":" + err.line + ":" + err.column + ": " + err.message);
  };
})(window);
