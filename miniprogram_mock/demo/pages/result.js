// The result page: the resultCode my.tradePay returned, and what the merchant server
// says of the order. It never trusts the resultCode alone: the order is paid when the
// merchant says PAID (from the wallet's notification or inquiryPayment).
const MERCHANT = getApp().globalData.merchantUrl;
const POLL_MS = 1000;
const MAX_POLLS = 20;
const CODE_NOTES = {
  "9000": "The wallet reported success.",
  "8000": "The wallet is still processing the payment.",
  "4000": "The wallet reported that the payment failed.",
  "6001": "You cancelled the payment.",
  "6002": "The connection was lost before the payment was made.",
  "6004": "The wallet could not tell whether the payment went through."
};

function lookOf(status, resultCode) {
  if (status === "PAID") return { cls: "ok", icon: "\u2713", headline: "Payment successful" };
  if (status === "REFUNDED") return { cls: "", icon: "\u21BA", headline: "Payment refunded" };
  if (status === "FAILED") return { cls: "bad", icon: "\u2715", headline: "Payment failed" };
  if (status === "CANCELLED" || status === "CLOSED") return { cls: "bad", icon: "\u2715", headline: "Order closed" };
  if (resultCode === "6001") return { cls: "", icon: "\u2715", headline: "Payment cancelled" };
  if (resultCode === "6002") return { cls: "bad", icon: "!", headline: "Payment not completed" };
  return { cls: "wait", icon: "\u2026", headline: "Confirming your payment\u2026" };
}

Page({
  data: { order: null, status: "\u2026", note: "", look: { cls: "", icon: "\u2026", headline: "Checking your payment\u2026" } },
  polls: 0,
  reported: false,

  onLoad(query) {
    this.setData({ orderId: query.orderId || "", resultCode: query.resultCode || "" });
    this.load();
  },

  onUnload() { clearTimeout(this.timer); },

  render(order) {
    const { resultCode } = this.data;
    const pending = order.status === "PAYING" || order.status === "CREATED";
    const waitFor = resultCode === "9000" || resultCode === "8000" || resultCode === "6004";
    const settled = !pending || !waitFor || this.polls >= MAX_POLLS;
    const late = pending && this.polls >= MAX_POLLS ? " The shop has not received the result yet." : "";
    this.setData({ order, look: lookOf(order.status, resultCode), note: (CODE_NOTES[resultCode] || "") + late });
    if (settled && !this.reported) {
      this.reported = true;
      my.reportAnalytics("tradepay_step", {
        step: 20, orderId: this.data.orderId, paymentRequestId: order.paymentRequestId,
        paymentId: order.paymentId || undefined,
        summary: "result page shows " + order.status + " (resultCode " + resultCode + ")"
      });
    }
    if (!settled) this.timer = setTimeout(() => this.load(), POLL_MS);
  },

  load() {
    this.polls += 1;
    my.request({
      url: MERCHANT + "/api/orders/" + encodeURIComponent(this.data.orderId),
      method: "GET",
      data: { clientResultCode: this.data.resultCode },
      success: (res) => {
        if (res.status === 200) return this.render(res.data);
        this.notFound();
      },
      fail: (err) => {
        if (err.error === 19) return this.notFound();
        this.setData({ note: "Could not reach the shop: " + (err.errorMessage || "network error") });
      }
    });
  },

  notFound() {
    this.setData({ status: "UNKNOWN", look: { cls: "bad", icon: "?", headline: "Order not found" } });
  },

  refresh() {
    clearTimeout(this.timer);
    this.polls = 0;
    this.load();
  },

  backToShop() { my.reLaunch({ url: "/pages/index" }); }
});
