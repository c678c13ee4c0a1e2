const { hooks } = require("../../utils/log");
const base = hooks("lifecycle");
const rows = [];
for (let i = 0; i < 40; i++) rows.push(i);
Page(Object.assign({}, base, {
  data: { refreshes: 0, bottoms: 0, rows },
  onLoad(query) {
    base.onLoad.call(this, query);
    this.setData({ query: JSON.stringify(query), route: this.route });
  },
  onPullDownRefresh(e) { this.setData({ refreshes: this.data.refreshes + 1, from: e.from }); },
  onReachBottom() { this.setData({ bottoms: this.data.bottoms + 1 }); },
  next() { my.navigateTo({ url: "../lifecycle2/lifecycle2?x=1&y=%E4%B8%AD" }); },
  stop() { my.stopPullDownRefresh(); }
}));
