Page({
  data: {
    a: 2, b: 3, name: "Ann", flag: true, mode: "a", none: null,
    user: { name: "Bo", city: "Oslo", tags: ["t0"] },
    list: [{ id: 1, title: "one" }, { id: 2, title: "two" }, { id: 3, title: "three" }],
    groups: [{ name: "g0", items: ["x", "y"] }, { name: "g1", items: ["z"] }]
  },
  setPaths() {
    this.setData({ "user.name": "Cy", "list[1].title": "TWO", "fresh.field.deep": "new", mode: "b" }, () => {
      this.setData({ after: "callback saw " + this.data.list[1].title + "/" + this.data.fresh.field.deep });
    });
  },
  splice() { this.$spliceData({ list: [1, 1, { id: 9, title: "nine" }, { id: 8, title: "eight" }] }); },
  toggle() { this.setData({ flag: !this.data.flag, mode: "c" }); }
});
