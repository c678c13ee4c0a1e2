// @ts-check
// The first page: order a latte from the merchant server, pay it with my.tradePay.
// Everything goes through `my`, as in a real mini program; the container (my.js) is
// put in the page by the simulator.
(function () {
  "use strict";
  var MERCHANT = String(my.getExtConfigSync().merchantUrl);
  var button = /** @type {HTMLButtonElement} */ (document.getElementById("pay"));
  var last = my.getStorageSync({ key: "lastOrderId" }).data;
  if (last) /** @type {HTMLElement} */ (document.getElementById("last")).textContent = "Last order: " + last;

  button.addEventListener("click", function () {
    button.disabled = true;
    my.showLoading({ content: "Ordering\u2026", delay: 200 });
    my.request({
      url: MERCHANT + "/api/orders",
      method: "POST",
      data: JSON.stringify({ items: [{ goodsId: "latte", quantity: 1 }] }),
      success: function (res) {
        my.hideLoading();
        var order = /** @type {any} */ (res.data);
        my.setStorageSync({ key: "lastOrderId", data: order.orderId });
        my.tradePay({
          paymentUrl: order.paymentUrl,
          success: function (r) {
            my.navigateTo({ url: "result?orderId=" + order.orderId + "&resultCode=" + r.resultCode });
          },
          fail: function (err) { my.alert({ title: "Payment did not start", content: err.errorMessage }); },
          complete: function () { button.disabled = false; }
        });
      },
      fail: function (err) {
        my.hideLoading();
        button.disabled = false;
        // An HTTP status of 400 or above fails with error 19 and carries the reply.
        var reply = /** @type {any} */ (err).data;
        if (err.error === 19 && reply && reply.error) return my.alert({ title: "No order", content: reply.error.message });
        my.showToast({ type: "fail", content: "Network error " + err.error });
      }
    });
  });
})();
