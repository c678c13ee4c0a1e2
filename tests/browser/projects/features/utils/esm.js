import cjs, { twice } from "./cjs";
import * as everything from "./cjs.js";
export const answer = twice(21);
export function label() { return cjs.name + "/" + everything.default.name; }
export default class Greeter { hello() { return "hello " + answer; } }
export { answer as alias };
