/*
 * The mini program runtime, part 1: the project's JavaScript modules.
 *
 * The server sends every .js and .sjs file of the project as
 * `__mp.define(path, function (require, module, exports) {...})` (ES import/export
 * already rewritten to that shape, miniprogram_mock/project/modules.py); `require` here
 * runs a module once and returns its exports, with paths relative to the requiring file
 * ("./util", "../lib/x.js") or to the project's root ("/utils/util"). A syntax error in
 * a file is a compile error, shown in the phone (runtime/errors.js).
 */
(function (global) {
  "use strict";
  var factories = Object.create(null);
  var cache = Object.create(null);

  function dirname(path) { var i = path.lastIndexOf("/"); return i < 0 ? "" : path.slice(0, i); }

  function normalize(path) {
    var out = [];
    path.split("/").forEach(function (part) {
      if (!part || part === ".") return;
      if (part === "..") out.pop(); else out.push(part);
    });
    return out.join("/");
  }

  function resolve(from, request) {
    var base = request.charAt(0) === "/" ? request : dirname(from) + "/" + request;
    var path = normalize(base);
    var candidates = [path, path + ".js", path + "/index.js", path + ".sjs"];
    for (var i = 0; i < candidates.length; i++) if (candidates[i] in factories) return candidates[i];
    return null;
  }

  function load(path) {
    if (path in cache) return cache[path].exports;
    var module = { exports: {}, id: path };
    cache[path] = module;
    var require = function (request) {
      if (typeof request !== "string") throw new TypeError("require() needs a path");
      var target = resolve(path, request);
      if (target === null) throw new Error("module '" + request + "' is not in the project (required from " + path + ")");
      return load(target);
    };
    try {
      factories[path].call(module.exports, require, module, module.exports, getRegExp, getDate);
    } catch (e) {
      delete cache[path];
      throw e;
    }
    return module.exports;
  }

  // SJS's own constructors (the .sjs subset has no `new RegExp` or `new Date`).
  function getRegExp(pattern, flags) { return new RegExp(pattern, flags); }
  function getDate() { return new (Function.prototype.bind.apply(Date, [null].concat([].slice.call(arguments))))(); }

  var mp = global.__mp || {};
  mp.define = function (path, factory) { factories[path] = factory; };
  mp.has = function (path) { return path in factories; };
  mp.require = function (path) {
    if (!(path in factories)) throw new Error("module '" + path + "' is not in the project");
    return load(path);
  };
  // Babel's interop, which the platform's build applies: an ES import of a CommonJS
  // module sees module.exports as its default export.
  mp.interopDefault = function (m) { return m && m.__esModule ? m["default"] : m; };
  mp.interopNamespace = function (m) {
    if (m && m.__esModule) return m;
    var ns = { "default": m };
    if (m && typeof m === "object") Object.keys(m).forEach(function (k) { if (k !== "default") ns[k] = m[k]; });
    return ns;
  };
  mp.exportStar = function (exports, m) {
    Object.keys(m).forEach(function (k) {
      if (k === "default" || k === "__esModule" || Object.prototype.hasOwnProperty.call(exports, k)) return;
      Object.defineProperty(exports, k, { enumerable: true, get: function () { return m[k]; } });
    });
  };
  global.__mp = mp;
})(window);
