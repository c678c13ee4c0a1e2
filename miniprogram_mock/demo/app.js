// The demo shop: a coffee shop paying with my.tradePay. Its pages talk to the world
// through `my` alone: my.request to the merchant server, my.tradePay to the wallet.
App({
  // The container tells the mini program where its merchant server is (ext config).
  globalData: { merchantUrl: String(my.getExtConfigSync().merchantUrl || "") }
});
