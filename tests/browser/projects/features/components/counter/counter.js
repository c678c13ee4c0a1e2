Component({
  props: { label: "x", start: 0, onChanged: () => {} },
  data: { count: 0 },
  onInit() { this.setData({ count: this.props.start }); },
  didMount() { getApp().globalData.log.push("counter.didMount " + this.props.label + " page=" + this.$page.route); },
  didUpdate(prevProps, prevData) {
    getApp().globalData.log.push("counter.didUpdate " + this.props.label + " " + prevData.count + "->" + this.data.count +
      " start " + prevProps.start + "->" + this.props.start);
  },
  didUnmount() { getApp().globalData.log.push("counter.didUnmount " + this.props.label); },
  methods: {
    plus() {
      this.setData({ count: this.data.count + 1 });
      this.props.onChanged(this.props.label, this.data.count);
    }
  }
});
