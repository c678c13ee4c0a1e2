// @ts-check
// The demo shop's home page. Page logic only: it talks to the world through `my.*`
// (my.request to the merchant server, my.tradePay to the wallet) and reports its own
// steps of the journey with my.reportAnalytics("tradepay_step", ...).
(function () {
  "use strict";
  // The container tells the page where its merchant server is (ext config).
  var MERCHANT = String(my.getExtConfigSync().merchantUrl || "");
  /** @type {Record<string, number>} */
  var cart = {};
  var quoteSeq = 0;

  /** @param {string} id */
  function $(id) { return /** @type {HTMLElement} */ (document.getElementById(id)); }

  function items() {
    return Object.keys(cart).filter(function (k) { return cart[k] > 0; })
      .map(function (k) { return { goodsId: k, quantity: cart[k] }; });
  }

  /** @param {string} tag @param {string} cls @param {string=} text */
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function loadCatalog() {
    my.request({
      url: MERCHANT + "/api/catalog",
      method: "GET",
      success: function (res) {
        var data = /** @type {any} */ (res.data);
        if (!data || !data.goods) return showMenuError();
        $("shop-name").textContent = data.merchantName;
        render(data.goods);
      },
      fail: showMenuError
    });
  }

  function showMenuError() {
    $("goods").textContent = "";
    $("goods").appendChild(el("li", "empty", "The menu could not be loaded."));
    my.showToast({ type: "fail", content: "Could not reach the shop", duration: 2000 });
  }

  /** @param {Array<any>} goods */
  function render(goods) {
    var list = $("goods");
    list.textContent = "";
    goods.forEach(function (g) {
      var li = el("li", "goods-item");
      li.setAttribute("data-testid", "goods-item");
      li.setAttribute("data-goods-id", g.goodsId);
      var icon = el("div", "goods-icon", g.icon);
      var info = el("div", "goods-info");
      info.appendChild(el("div", "goods-name", g.name));
      info.appendChild(el("div", "goods-desc", g.description));
      info.appendChild(el("div", "goods-price", g.priceDisplay));
      var qty = el("div", "qty");
      var minus = el("button", "minus", "\u2212");
      minus.setAttribute("data-testid", "goods-minus");
      minus.setAttribute("aria-label", "Remove one " + g.name);
      var count = el("span", "qty-count", "");
      count.setAttribute("data-testid", "goods-quantity");
      var plus = el("button", "plus", "+");
      plus.setAttribute("aria-label", "Add one " + g.name);
      qty.appendChild(minus);
      qty.appendChild(count);
      qty.appendChild(plus);
      li.appendChild(icon);
      li.appendChild(info);
      li.appendChild(qty);
      function update() {
        var n = cart[g.goodsId] || 0;
        count.textContent = n ? String(n) : "";
        minus.style.visibility = n ? "visible" : "hidden";
        li.classList.toggle("in-cart", n > 0);
        refreshTotal();
      }
      li.addEventListener("click", function () { cart[g.goodsId] = (cart[g.goodsId] || 0) + 1; update(); });
      minus.addEventListener("click", function (ev) {
        ev.stopPropagation();
        cart[g.goodsId] = Math.max((cart[g.goodsId] || 0) - 1, 0);
        update();
      });
      update();
      list.appendChild(li);
    });
  }

  // The merchant prices the cart: the page only shows what it says.
  function refreshTotal() {
    var list = items();
    var pay = /** @type {HTMLButtonElement} */ ($("pay"));
    pay.disabled = list.length === 0;
    if (!list.length) {
      $("cart-count").textContent = "Your cart is empty";
      $("cart-total").textContent = "\u2013";
      return;
    }
    var n = list.reduce(function (s, i) { return s + i.quantity; }, 0);
    $("cart-count").textContent = n + (n === 1 ? " item" : " items");
    var seq = ++quoteSeq;
    my.request({
      url: MERCHANT + "/api/quote",
      method: "POST",
      data: JSON.stringify({ items: list }),
      success: function (res) {
        var data = /** @type {any} */ (res.data);
        if (seq === quoteSeq && res.status === 200) $("cart-total").textContent = data.amountDisplay;
      }
    });
  }

  /** @param {string} pressedAt @param {string} requestedAt @param {any} order */
  function reportOrderSteps(pressedAt, requestedAt, order) {
    var n = items().reduce(function (s, i) { return s + i.quantity; }, 0);
    my.reportAnalytics("tradepay_step", { step: 1, at: pressedAt, orderId: order.orderId,
      summary: "user chose " + n + (n === 1 ? " item" : " items") + " and pressed Pay" });
    my.reportAnalytics("tradepay_step", { step: 2, at: requestedAt, orderId: order.orderId,
      paymentRequestId: order.paymentRequestId, summary: "my.request POST /api/orders: " + order.status });
  }

  // A failed my.request: an HTTP status of 400 or above (error 19) carries the merchant's
  // reply, which says what went wrong and whether trying again can help.
  /** @param {any} err @param {string=} orderId */
  function requestFailed(err, orderId) {
    if (err.error === 19 && err.data && typeof err.data === "object") {
      var body = err.data;
      body.orderId = body.orderId || orderId;
      return orderFailed(body);
    }
    my.hideLoading();
    /** @type {HTMLButtonElement} */ ($("pay")).disabled = false;
    my.alert({ title: "Network error", content: err.errorMessage || "The shop could not be reached." });
  }

  function pay() {
    var list = items();
    if (!list.length) return;
    var pressedAt = new Date().toISOString();
    var button = /** @type {HTMLButtonElement} */ ($("pay"));
    button.disabled = true;
    my.showLoading({ content: "Placing your order\u2026", delay: 150 });
    var requestedAt = new Date().toISOString();
    my.request({
      url: MERCHANT + "/api/orders",
      method: "POST",
      data: JSON.stringify({ items: list }),
      success: function (res) {
        var body = /** @type {any} */ (res.data) || {};
        reportOrderSteps(pressedAt, requestedAt, body);
        startTradePay(body);
      },
      fail: function (err) {
        var body = /** @type {any} */ (err).data;
        if (body && body.orderId) reportOrderSteps(pressedAt, requestedAt, body);
        requestFailed(err);
      }
    });
  }

  /** @param {any} body */
  function orderFailed(body) {
    my.hideLoading();
    var button = /** @type {HTMLButtonElement} */ ($("pay"));
    button.disabled = false;
    var error = body.error || { message: "The order could not be placed." };
    if (error.retryable && body.orderId) {
      my.confirm({
        title: "Payment unavailable",
        content: error.message,
        confirmButtonText: "Try again",
        cancelButtonText: "Not now",
        success: function (r) { if (r.confirm) retry(body.orderId); }
      });
    } else {
      my.alert({ title: "Order not placed", content: error.message });
    }
  }

  /** @param {string} orderId */
  function retry(orderId) {
    my.showLoading({ content: "Trying again\u2026", delay: 150 });
    my.request({
      url: MERCHANT + "/api/orders/" + encodeURIComponent(orderId) + "/pay",
      method: "POST",
      data: "{}",
      success: function (res) { startTradePay(/** @type {any} */ (res.data) || {}); },
      fail: function (err) { requestFailed(err, orderId); }
    });
  }

  /** @param {any} order */
  function startTradePay(order) {
    my.hideLoading();
    my.tradePay({
      paymentUrl: order.paymentUrl,
      success: function (r) {
        my.navigateTo({ url: "/pages/result?orderId=" + encodeURIComponent(order.orderId) +
                              "&resultCode=" + encodeURIComponent(r.resultCode) });
      },
      fail: function (err) {
        my.alert({ title: "Payment could not start", content: err.errorMessage || "" });
      },
      complete: function () { /** @type {HTMLButtonElement} */ ($("pay")).disabled = items().length === 0; }
    });
  }

  $("pay").addEventListener("click", pay);
  loadCatalog();
})();
