Page({
  data: { fruits: ["apple", "pear", "plum", "fig"], pick: 1, slide: 0, loading: true, out: "" },
  say(text) { this.setData({ out: this.data.out + text + ";" }); },
  loaded(e) { this.say("load " + e.detail.width + "x" + e.detail.height); },
  tap(e) { this.say("tap " + e.currentTarget.dataset.testid); },
  checks(e) { this.say("checks " + e.detail.value.join(",")); },
  radio(e) { this.say("radio " + e.detail.value); },
  switched(e) { this.say("switch " + e.detail.value); },
  picked(e) { this.setData({ pick: e.detail.value }); this.say("picked " + e.detail.value); },
  lower() { this.say("lower"); },
  scrolled(e) { this.lastScroll = e.detail.scrollTop; },
  slid(e) { this.say("slide " + e.detail.current + " " + e.detail.source); }
});
