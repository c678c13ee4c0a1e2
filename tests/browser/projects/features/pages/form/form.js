Page({
  data: { cups: ["small", "big"], submitted: "" },
  submit(e) { this.setData({ submitted: JSON.stringify(e.detail) }); },
  reset(e) { this.setData({ submitted: "reset " + JSON.stringify(e.detail) }); }
});
