const { hooks } = require("/utils/log");
const base = hooks("second");
Page(Object.assign({}, base, {
  data: { loads: 0 },
  onLoad(q) { base.onLoad.call(this, q); this.setData({ loads: this.data.loads + 1 }); },
  onTabItemTap(item) { getApp().globalData.log.push("second.onTabItemTap " + item.from + " " + item.index); }
}));
