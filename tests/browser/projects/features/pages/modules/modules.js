import Greeter, { answer, label } from "../../utils/esm";
const re = require("../../utils/reexport");
const esmFromCjs = require("/utils/esm.js");
Page({
  data: {},
  async onLoad() {
    const wait = await Promise.resolve("async ok");
    this.setData({
      result: [answer, label(), new Greeter().hello(), re.alias, new re.Greeter().hello(), esmFromCjs.default === Greeter, wait].join("|")
    });
  }
});
