// One latte: the merchant server makes the order, my.tradePay pays it.
const MERCHANT = my.getExtConfigSync().merchantUrl;

Page({
  data: { paying: false },
  async pay() {
    this.setData({ paying: true });
    try {
      const res = await my.request({
        url: `${MERCHANT}/api/orders`,
        method: "POST",
        data: JSON.stringify({ items: [{ goodsId: "latte", quantity: 1 }] })
      });
      const order = res.data;
      const { resultCode } = await my.tradePay({ paymentUrl: order.paymentUrl });
      my.navigateTo({ url: `../result/result?orderId=${order.orderId}&resultCode=${resultCode}` });
    } catch (err) {
      my.alert({ title: "Payment did not start", content: (err.error === 19 && err.data && err.data.error ? err.data.error.message : err.errorMessage) || String(err) });
    } finally {
      this.setData({ paying: false });
    }
  }
});
