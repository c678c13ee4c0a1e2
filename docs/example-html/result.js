// @ts-check
// The result page: the merchant server says whether the order is paid (never the
// resultCode alone); it asks a few times while the payment settles.
(function () {
  "use strict";
  var MERCHANT = String(my.getExtConfigSync().merchantUrl);
  var params = new URLSearchParams(location.search);
  var orderId = params.get("orderId") || "";
  var resultCode = params.get("resultCode") || "";
  var status = /** @type {HTMLElement} */ (document.getElementById("status"));
  /** @type {HTMLElement} */ (document.getElementById("code")).textContent = resultCode;

  /** @param {number} tries */
  function check(tries) {
    my.request({
      url: MERCHANT + "/api/orders/" + encodeURIComponent(orderId),
      data: { clientResultCode: resultCode },
      success: function (res) {
        var order = /** @type {any} */ (res.data);
        status.textContent = order.status;
        if (order.status === "PAYING" && tries > 1) setTimeout(function () { check(tries - 1); }, 500);
      },
      fail: function (err) {
        // 19 carries the reply's status (404: no such order); other codes: no reply at all.
        var httpStatus = /** @type {any} */ (err).status;
        status.textContent = httpStatus === 404 ? "NOT FOUND" : "unknown (error " + err.error + ")";
      }
    });
  }

  /** @type {HTMLElement} */ (document.getElementById("back")).addEventListener("click", function () { my.navigateBack(); });
  check(10);
})();
