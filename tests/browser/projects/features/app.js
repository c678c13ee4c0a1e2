// The log the lifecycle tests read: every hook appends its name.
App({
  globalData: { log: [], errors: [] },
  onLaunch(options) { this.globalData.log.push("App.onLaunch"); this.globalData.launch = options; },
  onShow() { this.globalData.log.push("App.onShow"); },
  onError(message) { this.globalData.errors.push(message); }
});
