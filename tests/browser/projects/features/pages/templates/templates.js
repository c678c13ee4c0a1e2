Page({
  data: { title: "tpl", goods: [{ name: "tea", price: 3 }] },
  fromTemplate(e) { this.setData({ clicked: e.currentTarget.dataset.name }); }
});
