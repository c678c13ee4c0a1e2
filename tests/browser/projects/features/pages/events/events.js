Page({
  data: { log: "", last: "", value: "start" },
  add(name, e) {
    this.setData({ log: this.data.log + name + ";", last: JSON.stringify(e) });
  },
  tapOuter(e) { this.add("outer", e); },
  tapMiddle(e) { this.add("middle", e); },
  tapInner(e) { this.add("inner", e); },
  long(e) { this.add("long:" + e.type, e); },
  input(e) { this.add("input:" + e.detail.value, e); },
  confirm(e) { this.add("confirm:" + e.detail.value, e); },
  focus(e) { this.add("focus:" + e.detail.value, e); },
  blur(e) { this.add("blur:" + e.detail.value, e); }
});
