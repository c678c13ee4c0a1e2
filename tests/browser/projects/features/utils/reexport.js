export * from "./esm";
export { default as Greeter } from "./esm";
