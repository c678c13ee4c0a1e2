// A page's hooks that write their names in the app's log.
function hooks(name) {
  const out = {};
  ["onLoad", "onShow", "onReady", "onHide", "onUnload"].forEach((hook) => {
    out[hook] = function (query) {
      getApp().globalData.log.push(name + "." + hook + (hook === "onLoad" ? " " + JSON.stringify(query) : ""));
    };
  });
  return out;
}
module.exports = { hooks };
