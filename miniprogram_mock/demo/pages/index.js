// The demo shop's home page: the menu from the merchant server, a cart it prices, and
// Pay: my.request POST /api/orders, then my.tradePay with the paymentUrl it returns.
// It reports its own steps of the journey with my.reportAnalytics("tradepay_step", ...).
const MERCHANT = getApp().globalData.merchantUrl;

// A reply of 400 or more fails with error 19 carrying the reply (Alipay's my.request):
// both callbacks read a reply the same way.
function reply(res) {
  return { status: res.status, body: res.data && typeof res.data === "object" ? res.data : {} };
}

Page({
  data: { merchantName: "Sandbox Coffee Shop", goods: [], loading: true, menuError: false, count: 0, total: "", paying: false },
  quoteSeq: 0,

  onLoad() {
    my.request({
      url: MERCHANT + "/api/catalog",
      method: "GET",
      success: (res) => {
        const data = res.data;
        if (res.status !== 200 || !data || !data.goods) return this.menuFailed();
        this.setData({
          merchantName: data.merchantName,
          goods: data.goods.map((g) => Object.assign({}, g, { quantity: 0 })),
          loading: false
        });
      },
      fail: () => this.menuFailed()
    });
  },

  menuFailed() {
    this.setData({ loading: false, menuError: true });
    my.showToast({ type: "fail", content: "Could not reach the shop", duration: 2000 });
  },

  items() {
    return this.data.goods.filter((g) => g.quantity > 0).map((g) => ({ goodsId: g.goodsId, quantity: g.quantity }));
  },

  addOne(e) { this.change(e.currentTarget.dataset.index, 1); },
  removeOne(e) { this.change(e.currentTarget.dataset.index, -1); },

  change(index, delta) {
    const quantity = Math.max(this.data.goods[index].quantity + delta, 0);
    this.setData({ [`goods[${index}].quantity`]: quantity });
    this.refreshTotal();
  },

  // The merchant prices the cart: the page only shows what it says.
  refreshTotal() {
    const items = this.items();
    const count = items.reduce((n, i) => n + i.quantity, 0);
    this.setData({ count });
    if (!count) return;
    const seq = ++this.quoteSeq;
    my.request({
      url: MERCHANT + "/api/quote",
      method: "POST",
      data: JSON.stringify({ items }),
      success: (res) => {
        if (seq === this.quoteSeq && res.status === 200) this.setData({ total: res.data.amountDisplay });
      }
    });
  },

  reportOrderSteps(pressedAt, requestedAt, order) {
    const n = this.items().reduce((s, i) => s + i.quantity, 0);
    my.reportAnalytics("tradepay_step", { step: 1, at: pressedAt, orderId: order.orderId,
      summary: "user chose " + n + (n === 1 ? " item" : " items") + " and pressed Pay" });
    my.reportAnalytics("tradepay_step", { step: 2, at: requestedAt, orderId: order.orderId,
      paymentRequestId: order.paymentRequestId, summary: "my.request POST /api/orders: " + order.status });
  },

  pay() {
    const items = this.items();
    if (!items.length || this.data.paying) return;
    const pressedAt = new Date().toISOString();
    this.setData({ paying: true });
    my.showLoading({ content: "Placing your order\u2026", delay: 150 });
    const requestedAt = new Date().toISOString();
    const answered = (res) => {
      const { status, body } = reply(res);
      if (status === 201 || status === 200) {
        this.reportOrderSteps(pressedAt, requestedAt, body);
        return this.startTradePay(body);
      }
      if (body.orderId) this.reportOrderSteps(pressedAt, requestedAt, body);
      this.orderFailed(body);
    };
    my.request({
      url: MERCHANT + "/api/orders",
      method: "POST",
      data: JSON.stringify({ items }),
      success: answered,
      fail: (err) => (err.error === 19 && err.status ? answered(err) : this.networkError(err))
    });
  },

  networkError(err) {
    my.hideLoading();
    this.setData({ paying: false });
    my.alert({ title: "Network error", content: err.errorMessage || "The shop could not be reached." });
  },

  orderFailed(body) {
    my.hideLoading();
    this.setData({ paying: false });
    const error = body.error || { message: "The order could not be placed." };
    if (error.retryable && body.orderId) {
      my.confirm({
        title: "Payment unavailable",
        content: error.message,
        confirmButtonText: "Try again",
        cancelButtonText: "Not now",
        success: (r) => { if (r.confirm) this.retry(body.orderId); }
      });
    } else {
      my.alert({ title: "Order not placed", content: error.message });
    }
  },

  retry(orderId) {
    my.showLoading({ content: "Trying again\u2026", delay: 150 });
    const answered = (res) => {
      const { status, body } = reply(res);
      if (status === 200) return this.startTradePay(body);
      body.orderId = body.orderId || orderId;
      this.orderFailed(body);
    };
    my.request({
      url: MERCHANT + "/api/orders/" + encodeURIComponent(orderId) + "/pay",
      method: "POST",
      data: "{}",
      success: answered,
      fail: (err) => (err.error === 19 && err.status ? answered(err) : this.networkError(err))
    });
  },

  startTradePay(order) {
    my.hideLoading();
    this.setData({ paying: true });
    my.tradePay({
      paymentUrl: order.paymentUrl,
      success: (r) => {
        my.navigateTo({ url: "/pages/result?orderId=" + encodeURIComponent(order.orderId) +
                             "&resultCode=" + encodeURIComponent(r.resultCode) });
      },
      fail: (err) => { my.alert({ title: "Payment could not start", content: err.errorMessage || "" }); },
      complete: () => { this.setData({ paying: false }); }
    });
  }
});
