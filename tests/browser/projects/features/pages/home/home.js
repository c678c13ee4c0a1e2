const { hooks } = require("../../utils/log");
Page(Object.assign(hooks("home"), { data: {} }));
