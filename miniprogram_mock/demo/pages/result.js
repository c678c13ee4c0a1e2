// The result page: the resultCode my.tradePay returned, and what the merchant server
// says of the order. It never trusts the resultCode alone: the order is paid when the
// merchant says PAID (from the wallet's notification or inquiryPayment). What it says
// follows the order first and the resultCode second, so a payment that was processing
// (8000) and then went through reads as paid, never as "successful" and "processing".
const MERCHANT = getApp().globalData.merchantUrl;
const POLL_MS = 1000;
const MAX_POLLS = 20;
// The codes after which the merchant's verdict is on its way (a notification or an inquiry).
const WAIT_FOR = ["9000", "8000", "4000", "6004"];
const PAID_NOTES = {
  "9000": "",
  "8000": "The wallet first reported the payment as processing; it has gone through since.",
  "6004": "The wallet could not tell the result, but the shop has confirmed your payment.",
  "6001": "",
  "6002": ""
};
// The order is still open (PAYING): what the buyer is told, by resultCode.
const OPEN_LOOKS = {
  "6001": { cls: "", icon: "\u2715", headline: "Payment cancelled", canPay: true,
            note: "You left the cashier before paying, so you were not charged. Your order is still open: you can pay for it now." },
  "6002": { cls: "bad", icon: "!", headline: "Payment not completed", canPay: true,
            note: "The connection was lost before the payment was made, so you were not charged. Your order is still open: you can pay for it now." },
  "8000": { cls: "wait", icon: "\u2026", headline: "Payment processing",
            note: "The wallet is still processing the payment. This page updates by itself when it is done." },
  "4000": { cls: "bad", icon: "\u2715", headline: "Payment failed", note: "The wallet reported that the payment failed. Asking the shop why\u2026" },
  "6004": { cls: "wait", icon: "\u2026", headline: "Confirming your payment\u2026",
            note: "The wallet could not tell whether the payment went through. The shop is checking." }
};

function lookOf(order, resultCode, late) {
  const status = order.status;
  if (status === "PAID") {
    return { cls: "ok", icon: "\u2713", headline: "Payment successful", note: PAID_NOTES[resultCode] || "" };
  }
  if (status === "REFUNDED") return { cls: "", icon: "\u21BA", headline: "Payment refunded", note: "The money went back to your wallet." };
  if (order.reason) return { cls: "bad", icon: "\u2715", headline: order.reason.title, note: order.reason.message };
  const open = OPEN_LOOKS[resultCode] ||
    { cls: "wait", icon: "\u2026", headline: "Confirming your payment\u2026", note: "The wallet reported success. The shop is confirming it." };
  return late && !open.canPay ? Object.assign({}, open, { note: open.note + " The shop has not received the result yet." }) : open;
}

Page({
  data: { order: null, status: "\u2026", note: "", canPayAgain: false,
          look: { cls: "", icon: "\u2026", headline: "Checking your payment\u2026" } },
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
    const waitFor = WAIT_FOR.indexOf(resultCode) >= 0;
    const settled = !pending || !waitFor || this.polls >= MAX_POLLS;
    const look = lookOf(order, resultCode, pending && this.polls >= MAX_POLLS);
    this.setData({ order, look, note: look.note, canPayAgain: pending && !!look.canPay });
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
    this.setData({ status: "UNKNOWN", canPayAgain: false, look: { cls: "bad", icon: "?", headline: "Order not found" } });
  },

  refresh() {
    clearTimeout(this.timer);
    this.polls = 0;
    this.load();
  },

  // The order is still open: the same payment (its paymentUrl) opens in the cashier again.
  payAgain() {
    const order = this.data.order;
    if (!order || !order.paymentUrl) return this.refresh();
    this.setData({ canPayAgain: false });
    my.tradePay({
      paymentUrl: order.paymentUrl,
      success: (r) => {
        my.redirectTo({ url: "/pages/result?orderId=" + encodeURIComponent(this.data.orderId) +
                             "&resultCode=" + encodeURIComponent(r.resultCode) });
      },
      fail: (err) => {
        this.setData({ canPayAgain: true });
        my.alert({ title: "Payment could not start", content: err.errorMessage || "" });
      }
    });
  },

  backToShop() { my.reLaunch({ url: "/pages/index" }); }
});
