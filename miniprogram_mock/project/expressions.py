"""AXML's ``{{ }}`` expressions: parsed, checked and written out again as the JavaScript
the page's render function runs.

AXML binds a JavaScript subset (members, indexes, arithmetic, comparison, logic,
ternaries, string concatenation, object and array literals with spread and shorthand,
calls of SJS functions). Two things differ from plain JavaScript and are why the
expression is rewritten rather than passed through:

- a path into data that is not there yet renders empty instead of throwing
  (``{{order.amount}}`` before the order has loaded), so every member access and call
  becomes optional (``?.``);
- names are looked up in the page's data, the loop variables around the binding or the
  file's SJS modules, never in the page's JavaScript scope: a free name ``x`` becomes
  ``d.x`` (``d`` is the data the render function is given), a loop variable its mangled
  local name, an SJS module ``s.name``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .errors import CompileError

_PUNCT = sorted(
    [
        "===",
        "!==",
        "==",
        "!=",
        "<=",
        ">=",
        "&&",
        "||",
        "??",
        "?.",
        "...",
        "**",
        "+",
        "-",
        "*",
        "/",
        "%",
        "<",
        ">",
        "!",
        "?",
        ":",
        ".",
        ",",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "~",
    ],
    key=len,
    reverse=True,
)
_NUMBER = re.compile(r"(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_SPACE = re.compile(r"\s+")
_BINARY = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "==": 6,
    "!=": 6,
    "===": 6,
    "!==": 6,
    "<": 7,
    ">": 7,
    "<=": 7,
    ">=": 7,
    "in": 7,
    "instanceof": 7,
    "+": 8,
    "-": 8,
    "*": 9,
    "/": 9,
    "%": 9,
    "**": 10,
}
_LITERALS = {"true", "false", "null", "undefined"}
_RESERVED = {"this", "new", "function", "var", "let", "const", "return", "delete", "void", "class", "=>"}


@dataclass
class Token:
    kind: str  # "num", "str", "name", "punct", "end"
    value: str
    pos: int


@dataclass
class Scope:
    """What a name means where a binding is: loop variables (mangled to their local
    names) and SJS modules; any other name is a key of the data."""

    locals: dict[str, str] = field(default_factory=dict)
    sjs: frozenset[str] = frozenset()

    def child(self, names: dict[str, str]) -> Scope:
        return Scope({**self.locals, **names}, self.sjs)


def _tokens(src: str, where: tuple[str, str, int]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(src):
        m = _SPACE.match(src, i)
        if m:
            i = m.end()
            continue
        c = src[i]
        if c in "'\"":
            j = i + 1
            chars: list[str] = []
            while j < len(src) and src[j] != c:
                if src[j] == "\\" and j + 1 < len(src):
                    chars.append(_unescape(src[j + 1]))
                    j += 2
                    continue
                chars.append(src[j])
                j += 1
            if j >= len(src):
                raise _error(where, i, "unterminated string")
            out.append(Token("str", "".join(chars), i))
            i = j + 1
            continue
        m = _NUMBER.match(src, i)
        if m and (c.isdigit() or (c == "." and i + 1 < len(src) and src[i + 1].isdigit())):
            out.append(Token("num", m.group(), i))
            i = m.end()
            continue
        m = _NAME.match(src, i)
        if m:
            out.append(Token("name", m.group(), i))
            i = m.end()
            continue
        for p in _PUNCT:
            if src.startswith(p, i):
                # "a?.5:1" is a ternary, not optional chaining (as in JavaScript)
                if p == "?." and i + 2 < len(src) and src[i + 2].isdigit():
                    continue
                out.append(Token("punct", p, i))
                i += len(p)
                break
        else:
            raise _error(where, i, f"unexpected character {c!r}")
    out.append(Token("end", "", len(src)))
    return out


def _unescape(c: str) -> str:
    return {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}.get(c, c)


def _error(where: tuple[str, str, int], offset: int, message: str) -> CompileError:
    file, source, base = where
    return CompileError.at(file, source, base + offset, message)


class _Parser:
    """Precedence climbing over the tokens; each method returns JavaScript text."""

    def __init__(self, src: str, scope: Scope, where: tuple[str, str, int]) -> None:
        self.toks = _tokens(src, where)
        self.i = 0
        self.scope = scope
        self.where = where

    # -- helpers -------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def at(self, value: str) -> bool:
        t = self.tok
        return t.kind == "punct" and t.value == value

    def expect(self, value: str) -> Token:
        if not self.at(value):
            raise self.fail(f"expected {value!r}")
        return self.take()

    def fail(self, message: str, tok: Token | None = None) -> CompileError:
        t = tok or self.tok
        found = "the end of the expression" if t.kind == "end" else repr(t.value)
        return _error(self.where, t.pos, f"{message}, found {found}")

    # -- grammar -------------------------------------------------------------------------
    def expression(self) -> str:
        cond = self.binary(0)
        if self.at("?"):
            self.take()
            yes = self.expression()
            self.expect(":")
            no = self.expression()
            return f"({cond} ? {yes} : {no})"
        return cond

    def binary(self, min_prec: int) -> str:
        left = self.unary()
        while True:
            t = self.tok
            op = t.value if t.kind in ("punct", "name") else None
            prec = _BINARY.get(op) if op else None
            if prec is None or prec < min_prec:
                return left
            self.take()
            # ** is right-associative; the others left-associative
            right = self.binary(prec if op == "**" else prec + 1)
            left = f"({left} {op} {right})"

    def unary(self) -> str:
        t = self.tok
        if t.kind == "punct" and t.value in ("!", "-", "+", "~"):
            self.take()
            return f"{t.value}{self.unary()}"
        if t.kind == "name" and t.value in ("typeof",):
            self.take()
            return f"typeof {self.unary()}"
        return self.postfix()

    def postfix(self) -> str:
        expr = self.primary()
        while True:
            if self.at(".") or self.at("?."):
                self.take()
                name = self.take()
                if name.kind != "name":
                    raise self.fail("expected a property name", name)
                expr = f"{expr}?.{name.value}"
            elif self.at("["):
                self.take()
                index = self.expression()
                self.expect("]")
                expr = f"{expr}?.[{index}]"
            elif self.at("("):
                self.take()
                args = self.items(")")
                expr = f"{expr}?.({args})"
            else:
                return expr

    def items(self, close: str) -> str:
        parts: list[str] = []
        while not self.at(close):
            if self.at("..."):
                self.take()
                parts.append("..." + self.expression())
            else:
                parts.append(self.expression())
            if not self.at(close):
                self.expect(",")
        self.take()
        return ", ".join(parts)

    def primary(self) -> str:
        t = self.take()
        if t.kind == "num":
            return t.value
        if t.kind == "str":
            return js_string(t.value)
        if t.kind == "name":
            if t.value in _LITERALS:
                return "void 0" if t.value == "undefined" else t.value
            if t.value in _RESERVED or t.value in ("in", "instanceof", "typeof"):
                raise self.fail("unexpected keyword", t)
            return self.name(t.value)
        if t.kind == "punct":
            if t.value == "(":
                inner = self.expression()
                self.expect(")")
                return f"({inner})"
            if t.value == "[":
                return f"[{self.items(']')}]"
            if t.value == "{":
                return f"({{ {self.properties('}')} }})"
        raise self.fail("unexpected token", t)

    def name(self, name: str) -> str:
        local = self.scope.locals.get(name)
        if local is not None:
            return local
        if name in self.scope.sjs:
            return f"s.{name}"
        return f"d.{name}"

    def properties(self, close: str | None) -> str:
        """The body of an object literal, up to ``close`` (or the end of the text)."""
        parts: list[str] = []
        while not (self.at(close) if close else self.tok.kind == "end"):
            t = self.tok
            if self.at("..."):
                self.take()
                parts.append("..." + self.expression())
            elif t.kind in ("name", "str", "num"):
                self.take()
                key = js_string(t.value) if t.kind == "str" else t.value
                if self.at(":"):
                    self.take()
                    parts.append(f"{key}: {self.expression()}")
                elif t.kind == "name":
                    parts.append(f"{key}: {self.name(t.value)}")  # shorthand {a, b}
                else:
                    raise self.fail("expected ':'")
            elif self.at("["):
                self.take()
                key = self.expression()
                self.expect("]")
                self.expect(":")
                parts.append(f"[{key}]: {self.expression()}")
            else:
                raise self.fail("expected a property")
            if not (self.at(close) if close else self.tok.kind == "end"):
                self.expect(",")
        if close:
            self.take()
        return ", ".join(parts)

    def done(self) -> None:
        if self.tok.kind != "end":
            raise self.fail("unexpected token after the expression")


def js_string(value: str) -> str:
    """A JavaScript string literal that is also safe inside an HTML attribute or text
    (no quote, ampersand, angle bracket or ``}}`` appears raw)."""
    text = json.dumps(value, ensure_ascii=False)[1:-1].replace('\\"', '"')
    text = text.replace("'", "\\'")
    for raw, escaped in (('"', "\\x22"), ("&", "\\x26"), ("<", "\\x3c"), (">", "\\x3e"), ("}", "\\x7d")):
        text = text.replace(raw, escaped)
    return f"'{text}'"


def compile_expression(src: str, scope: Scope, where: tuple[str, str, int]) -> str:
    """One ``{{ }}`` body as JavaScript. ``where`` is (file, file text, offset of src)."""
    if not src.strip():
        raise _error(where, 0, "empty {{ }}")
    p = _Parser(src, scope, where)
    out = p.expression()
    p.done()
    return out


def compile_object_body(src: str, scope: Scope, where: tuple[str, str, int]) -> str:
    """``data="{{...item, extra: 1}}"`` of ``<template is>``: an object literal without
    its braces (``{{item}}`` is the shorthand ``{item: item}``)."""
    p = _Parser(src, scope, where)
    return f"({{ {p.properties(None)} }})"
