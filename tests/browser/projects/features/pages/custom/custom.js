Page({
  data: { startA: 1, showB: true, log: "" },
  changed(label, count) { this.setData({ log: this.data.log + label + ":" + count + ";" }); },
  bump() { this.setData({ startA: this.data.startA + 10 }); },
  hideB() { this.setData({ showB: false }); }
});
