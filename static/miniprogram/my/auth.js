/*
 * my.getAuthCode: an authorization code for the sandbox's test buyer, issued by the
 * container (POST /__container/auth-code; the format: miniprogram_mock/auth.py).
 * scopes: a scope or a list (auth_base by default). auth_base alone is silent; any other
 * scope shows the consent sheet first (every time: the simulator remembers no consent).
 * success({authCode, authSuccessScopes, authErrorScopes: {}}); fail 11 when the user
 * cancels, 3 for an unknown scope (the page's console says which), 12 when the container
 * cannot be reached. Codes and messages: Alipay's and Alipay+'s my.getAuthCode pages.
 */
(function (global) {
  "use strict";
  var shim = global.__tradepaySimShim;
  var el = shim.el;
  var error = shim.error;
  var USER_CANCEL = "User's authorization is cancelled";

  function consent(reply, done) {
    shim.whenChrome(function (c) {
      var mask = el("div", "mp-mask mp-sheet-mask");
      var sheet = el("div", "mp-sheet mp-auth");
      sheet.setAttribute("role", "dialog");
      sheet.setAttribute("data-testid", "mp-auth");
      var card = el("div", "mp-sheet-group mp-auth-card");
      card.appendChild(el("div", "mp-auth-title", "Authorize this mini program"));
      card.appendChild(el("div", "mp-auth-account", "Wallet account: " + reply.user));
      card.appendChild(el("div", "mp-auth-lead", "It would like to use:"));
      var list = el("ul", "mp-auth-scopes");
      reply.ask.forEach(function (a) {
        var item = el("li", "", a.description);
        item.setAttribute("data-scope", a.scope);
        list.appendChild(item);
      });
      card.appendChild(list);
      function answer(allowed) { if (mask.parentNode) mask.parentNode.removeChild(mask); done(allowed); }
      var allow = el("button", "mp-auth-allow", "Allow");
      allow.type = "button";
      allow.setAttribute("data-testid", "mp-auth-allow");
      allow.addEventListener("click", function () { answer(true); });
      card.appendChild(allow);
      var deny = el("button", "mp-sheet-cancel", "Cancel");
      deny.type = "button";
      deny.setAttribute("data-testid", "mp-auth-deny");
      deny.addEventListener("click", function () { answer(false); });
      sheet.appendChild(card);
      sheet.appendChild(deny);
      mask.appendChild(sheet);
      mask.addEventListener("click", function (ev) { if (ev.target === mask) answer(false); });
      c.overlay.appendChild(mask);
    });
  }

  shim.define("getAuthCode", function (options) {
    return shim.invoke(options, function (ok, ko) {
      var o = options || {};
      fetch("/__container/auth-code", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ scopes: o.scopes === undefined ? null : o.scopes })
      })
        .then(function (resp) { return resp.json(); })
        .then(function (r) {
          if (!r.ok) {
            if (r.detail && global.console) console.warn("[tradepay-sim] my.getAuthCode: " + r.detail);
            return ko(error(r.error, r.errorMessage));
          }
          var granted = { authCode: r.authCode, authSuccessScopes: r.scopes, authErrorScopes: {} };
          if (!r.ask.length) return ok(granted);
          consent(r, function (allowed) { return allowed ? ok(granted) : ko(error(11, USER_CANCEL)); });
        })
        .catch(function () { ko(error(12, "Network Error")); });
    });
  });
})(window);
