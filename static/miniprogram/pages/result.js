// @ts-check
// The result page: shows the resultCode my.tradePay returned, and what the merchant
// server says of the order. It never trusts the resultCode alone: the order is paid
// when the merchant says PAID (from the wallet's notification or inquiryPayment).
(function () {
  "use strict";
  // The container tells the page where its merchant server is (ext config).
  var MERCHANT = String(my.getExtConfigSync().merchantUrl || "");
  var params = new URLSearchParams(location.search);
  var orderId = params.get("orderId") || "";
  var resultCode = params.get("resultCode") || "";
  var POLL_MS = 1000;
  var MAX_POLLS = 20;
  var polls = 0;
  var reported = false;

  /** @param {string} id */
  function $(id) { return /** @type {HTMLElement} */ (document.getElementById(id)); }

  var CODE_NOTES = {
    "9000": "The wallet reported success.",
    "8000": "The wallet is still processing the payment.",
    "4000": "The wallet reported that the payment failed.",
    "6001": "You cancelled the payment.",
    "6002": "The connection was lost before the payment was made.",
    "6004": "The wallet could not tell whether the payment went through."
  };

  /** @param {string} cls @param {string} icon @param {string} headline */
  function show(cls, icon, headline) {
    $("icon").className = "result-icon " + cls;
    $("icon").textContent = icon;
    $("headline").textContent = headline;
  }

  /** @param {any} order */
  function render(order) {
    var status = order.status;
    var badge = $("status");
    badge.textContent = status;
    badge.className = "badge " + status;
    $("amount").textContent = order.amountDisplay;
    $("payment-id").textContent = order.paymentId || "\u2013";
    var pending = status === "PAYING" || status === "CREATED";
    if (status === "PAID") show("ok", "\u2713", "Payment successful");
    else if (status === "REFUNDED") show("", "\u21BA", "Payment refunded");
    else if (status === "FAILED") show("bad", "\u2715", "Payment failed");
    else if (status === "CANCELLED" || status === "CLOSED") show("bad", "\u2715", "Order closed");
    else if (resultCode === "6001") show("", "\u2715", "Payment cancelled");
    else if (resultCode === "6002") show("bad", "!", "Payment not completed");
    else show("wait", "\u2026", "Confirming your payment\u2026");
    var note = /** @type {Record<string, string>} */ (CODE_NOTES)[resultCode] || "";
    $("note").textContent = note + (pending && polls >= MAX_POLLS ? " The shop has not received the result yet." : "");
    var waitFor = resultCode === "9000" || resultCode === "8000" || resultCode === "6004";
    var settled = !pending || !waitFor || polls >= MAX_POLLS;
    if (settled && !reported) {
      reported = true;
      my.reportAnalytics("tradepay_step", {
        step: 20, orderId: orderId, paymentRequestId: order.paymentRequestId, paymentId: order.paymentId || undefined,
        summary: "result page shows " + status + " (resultCode " + resultCode + ")"
      });
    }
    if (!settled) setTimeout(load, POLL_MS);
  }

  function load() {
    polls += 1;
    my.request({
      url: MERCHANT + "/api/orders/" + encodeURIComponent(orderId),
      method: "GET",
      data: { clientResultCode: resultCode },
      success: function (res) { render(/** @type {any} */ (res.data)); },
      fail: function (err) {
        if (/** @type {any} */ (err).status === 404) {  // error 19 carries the reply's status
          $("headline").textContent = "Order not found";
          $("status").textContent = "UNKNOWN";
          return;
        }
        $("note").textContent = "Could not reach the shop: " + (err.errorMessage || "network error");
      }
    });
  }

  $("code").textContent = resultCode;
  $("order-id").textContent = orderId;
  $("refresh").addEventListener("click", function () { polls = 0; load(); });
  $("back").addEventListener("click", function () { my.reLaunch({ url: "/" }); });
  load();
})();
