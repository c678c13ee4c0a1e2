function upper(s) { return String(s).toUpperCase(); }
function money(v) { return "$" + (v / 100).toFixed(2); }
export function cents(v) { return v + "c"; }
export const PI = 3;
export default { upper, money };
