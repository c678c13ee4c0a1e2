const MERCHANT = my.getExtConfigSync().merchantUrl;

Page({
  data: { order: null },
  onLoad(query) {
    this.setData({ orderId: query.orderId, resultCode: query.resultCode });
    this.poll(0);
  },
  poll(n) {
    my.request({
      url: `${MERCHANT}/api/orders/${encodeURIComponent(this.data.orderId)}`,
      success: (res) => {
        this.setData({ order: res.data });
        if (res.data.status !== "PAID" && n < 20) setTimeout(() => this.poll(n + 1), 300);
      }
    });
  }
});
