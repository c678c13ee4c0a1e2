exports.twice = function (x) { return x * 2; };
module.exports.name = "cjs";
