/*
 * The container's chrome, drawn around the page like the wallet app draws it: a phone
 * with a status bar, the mini program's navigation bar (back, title, capsule), the page,
 * and an overlay layer for native dialogs, toasts, loading and the wallet's cashier.
 * The chrome lives in the shadow root of <mp-device>: the page's own nodes are shown
 * through a <slot>, and the page's CSS cannot reach the chrome.
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var chrome = null;
  var waiting = [];

  var ICONS =
    '<svg width="18" height="11" viewBox="0 0 18 11" aria-hidden="true"><rect x="0" y="7" width="3" height="4" rx="1"/>' +
    '<rect x="5" y="5" width="3" height="6" rx="1"/><rect x="10" y="2.5" width="3" height="8.5" rx="1"/>' +
    '<rect x="15" y="0" width="3" height="11" rx="1"/></svg>' +
    '<svg width="16" height="11" viewBox="0 0 16 11" aria-hidden="true"><path d="M8 2.2c2.3 0 4.4.9 6 2.4l1.2-1.3A10.3 10.3 0 0 0 8 .4 10.3 10.3 0 0 0 .8 3.3L2 4.6a8.5 8.5 0 0 1 6-2.4zm0 3.6c1.3 0 2.5.5 3.4 1.3l1.2-1.3A6.7 6.7 0 0 0 8 4 6.7 6.7 0 0 0 3.4 5.8l1.2 1.3c.9-.8 2.1-1.3 3.4-1.3zm0 3.6 1.8-1.9a2.6 2.6 0 0 0-3.6 0z"/></svg>' +
    '<span class="mp-battery"><i></i></span>';
  var BACK = '<svg width="12" height="20" viewBox="0 0 12 20" aria-hidden="true"><path d="M10 2 2 10l8 8" fill="none" ' +
    'stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>';
  var MORE_DOTS = '<i></i><i></i><i></i>';

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  shim.el = el;

  function sheet(cssText) {
    var css = new CSSStyleSheet();
    css.replaceSync(cssText || "");
    return css;
  }

  // The document's backdrop, from the page's first paint.
  document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet(shim.config.documentCss)]);

  function build() {
    var device = document.createElement("mp-device");
    device.setAttribute("data-mp-device", "");
    var root = device.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheet(shim.config.chromeCss)];
    var status = el("div", "mp-statusbar");
    status.appendChild(el("span", "mp-time"));
    status.appendChild(el("span", "mp-icons")).innerHTML = ICONS;
    var nav = el("div", "mp-navbar");
    var back = nav.appendChild(el("button", "mp-back"));
    back.type = "button";
    back.innerHTML = BACK;
    back.setAttribute("aria-label", "Back");
    back.setAttribute("data-testid", "mp-back");
    back.addEventListener("click", function () { shim.my.navigateBack({}); });
    nav.appendChild(el("div", "mp-title", document.title || "")).setAttribute("data-testid", "mp-title");
    nav.appendChild(capsule());
    var page = el("div", "mp-page");
    page.appendChild(document.createElement("slot"));
    [status, nav, page, el("div", "mp-overlay")].forEach(function (part) { root.appendChild(part); });
    while (document.body.firstChild) device.appendChild(document.body.firstChild);
    document.body.appendChild(device);
    document.body.classList.add("mp-body");
    return device;
  }

  // The capsule does what a container's does: "..." opens the container's menu (about
  // the mini program, reload), the circle closes the mini program.
  function capsule() {
    var box = el("div", "mp-capsule");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Mini program");
    var more = box.appendChild(el("button", "mp-more"));
    more.type = "button";
    more.innerHTML = MORE_DOTS;
    more.setAttribute("aria-label", "More");
    more.setAttribute("data-testid", "mp-capsule-more");
    more.addEventListener("click", openMenu);
    box.appendChild(el("b"));
    var close = box.appendChild(el("button", "mp-close"));
    close.type = "button";
    close.setAttribute("aria-label", "Close the mini program");
    close.setAttribute("data-testid", "mp-capsule-close");
    close.addEventListener("click", closeApp);
    return box;
  }

  function appName() { return document.title || "Mini program"; }

  function openMenu() {
    var c = ensureChrome();
    var mask = el("div", "mp-mask mp-sheet-mask");
    var sheet = mask.appendChild(el("div", "mp-sheet"));
    sheet.setAttribute("role", "dialog");
    sheet.setAttribute("data-testid", "mp-capsule-menu");
    var group = sheet.appendChild(el("div", "mp-sheet-group"));
    group.appendChild(el("div", "mp-sheet-title", appName()));
    function done() { if (mask.parentNode) mask.parentNode.removeChild(mask); }
    [["About", "about", about], ["Reload", "reload", function () { location.reload(); }]].forEach(function (item) {
      var btn = group.appendChild(el("button", "mp-sheet-item", item[0]));
      btn.type = "button";
      btn.setAttribute("data-testid", "mp-menu-" + item[1]);
      btn.addEventListener("click", function () { done(); item[2](); });
    });
    var cancel = sheet.appendChild(el("button", "mp-sheet-cancel", "Cancel"));
    cancel.type = "button";
    cancel.setAttribute("data-testid", "mp-menu-cancel");
    cancel.addEventListener("click", done);
    mask.addEventListener("click", function (ev) { if (ev.target === mask) done(); });
    c.overlay.appendChild(mask);
  }

  function about() {
    var c = ensureChrome();
    var mask = el("div", "mp-mask");
    var box = mask.appendChild(el("div", "mp-dialog"));
    box.setAttribute("role", "alertdialog");
    box.setAttribute("data-testid", "mp-about");
    box.appendChild(el("div", "mp-dialog-title", appName()));
    box.appendChild(el("div", "mp-dialog-content",
      "A mini program running in the tradepay-sim container, a local stand-in for the wallet app.\n" + location.host));
    var row = box.appendChild(el("div", "mp-dialog-buttons"));
    var ok = row.appendChild(el("button", "mp-dialog-btn primary", "OK"));
    ok.type = "button";
    ok.setAttribute("data-testid", "mp-about-ok");
    ok.addEventListener("click", function () { mask.parentNode.removeChild(mask); });
    c.overlay.appendChild(mask);
  }

  // Leaving the mini program: the container shows it closed, with a way back in (a fresh
  // launch, as reopening it from the wallet's home screen would be).
  function closeApp() {
    var c = ensureChrome();
    var screen = el("div", "mp-closed");
    screen.setAttribute("data-testid", "mp-closed");
    screen.appendChild(el("div", "mp-closed-icon", appName().charAt(0)));
    screen.appendChild(el("div", "mp-closed-title", appName() + " was closed"));
    screen.appendChild(el("div", "mp-closed-text", "You left the mini program."));
    var reopen = screen.appendChild(el("button", "mp-closed-reopen", "Reopen"));
    reopen.type = "button";
    reopen.setAttribute("data-testid", "mp-reopen");
    reopen.addEventListener("click", function () { location.reload(); });
    c.overlay.textContent = "";
    c.overlay.appendChild(screen);
    c.device.classList.add("mp-is-closed");
  }

  function tick() {
    var d = new Date();
    chrome.time.textContent = d.getHours() + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function ensureChrome() {
    if (chrome) return chrome;
    var device = build();
    var root = device.shadowRoot;
    chrome = {
      device: device,
      navbar: root.querySelector(".mp-navbar"),
      page: root.querySelector(".mp-page"),
      overlay: root.querySelector(".mp-overlay"),
      title: root.querySelector(".mp-title"),
      back: root.querySelector(".mp-back"),
      time: root.querySelector(".mp-time")
    };
    tick();
    setInterval(tick, 15000);
    return chrome;
  }

  // Runs fn(chrome) once the page is parsed (the chrome wraps the whole body, so it is
  // never built from half a page).
  shim.whenChrome = function (fn) {
    if (chrome) return fn(chrome);
    waiting.push(fn);
  };

  function ready() {
    ensureChrome();
    var queue = waiting;
    waiting = [];
    queue.forEach(function (fn) { fn(chrome); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})(window);
