const { hooks } = require("../../utils/log");
const base = hooks("lifecycle2");
Page(Object.assign({}, base, {
  data: {},
  onLoad(query) { base.onLoad.call(this, query); this.setData({ query: JSON.stringify(query) }); },
  back() { my.navigateBack(); },
  redirect() { my.redirectTo({ url: "/pages/directives/directives" }); },
  relaunch() { my.reLaunch({ url: "/pages/events/events?r=1" }); },
  badNavigate() {
    my.navigateTo({ url: "/pages/home/home", fail: (e) => {
      my.navigateTo({ url: "/pages/nope/nope", fail: (e2) => this.setData({ navError: e.error + ":" + e2.error }) });
    } });
  }
}));
