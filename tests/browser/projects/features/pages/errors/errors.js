Page({
  data: { n: 0 },
  boom() { throw new Error("boom from a handler"); },
  async later() {
    await new Promise((r) => setTimeout(r, 10));
    this.setData({ n: this.data.n + 100 });
    throw new Error("async boom");
  },
  count() { this.setData({ n: this.data.n + 1 }); }
});
