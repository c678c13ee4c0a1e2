"""The project's JavaScript as the runtime's modules: every ``.js`` (and ``.sjs``) file
becomes ``__mp.define(path, function (require, module, exports) { ... })``, so that
``require()`` of a relative path works synchronously as in CommonJS; a file written
with ES ``import``/``export`` is rewritten to the same shape, the way the platform's
build (Babel's CommonJS transform) does it.

Lines are kept: the wrapper and the export getters sit on the file's first line, and a
rewritten statement keeps its line breaks, so a stack trace or a syntax error points at
the line of the file the developer wrote.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_SPACE = re.compile(r"\s+")
# After these, a "/" starts a regular expression rather than a division.
_REGEX_AFTER_WORDS = {
    "return",
    "typeof",
    "case",
    "do",
    "else",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "yield",
    "await",
    "instanceof",
}


@dataclass
class Tok:
    kind: str  # "name", "str", "punct", "other"
    text: str
    start: int
    end: int
    depth: int  # brackets open before this token


def tokens(src: str) -> list[Tok]:
    """Enough of a JavaScript tokenizer to find statements: strings, template literals,
    comments and regular expressions are skipped whole, brackets counted."""
    out: list[Tok] = []
    i, depth = 0, 0
    template_depths: list[int] = []  # depth at each open `${` of a template literal
    n = len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i = _SPACE.match(src, i).end()  # type: ignore[union-attr]
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        start = i
        if c in "'\"":
            i = _string_end(src, i + 1, c)
            out.append(Tok("str", src[start:i], start, i, depth))
            continue
        if c == "`" or (c == "}" and template_depths and template_depths[-1] == depth):
            if c == "}":
                template_depths.pop()
            i, opened = _template_end(src, i + 1)
            if opened:
                template_depths.append(depth)
            out.append(Tok("str", src[start:i], start, i, depth))
            continue
        m = _IDENT.match(src, i)
        if m:
            out.append(Tok("name", m.group(), start, m.end(), depth))
            i = m.end()
            continue
        if c.isdigit():
            m = re.compile(r"[\w.]+").match(src, i)
            i = m.end()  # type: ignore[union-attr]
            out.append(Tok("other", src[start:i], start, i, depth))
            continue
        if c == "/" and _regex_allowed(out):
            i = _regex_end(src, i + 1)
            out.append(Tok("other", src[start:i], start, i, depth))
            continue
        if c in "([{":
            out.append(Tok("punct", c, start, i + 1, depth))
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
            out.append(Tok("punct", c, start, i + 1, depth))
        else:
            out.append(Tok("punct", c, start, i + 1, depth))
        i += 1
    return out


def _string_end(src: str, i: int, quote: str) -> int:
    while i < len(src):
        if src[i] == "\\":
            i += 2
        elif src[i] == quote or src[i] == "\n":
            return i + 1
        else:
            i += 1
    return i


def _template_end(src: str, i: int) -> tuple[int, bool]:
    """End of a template literal's text part; True when it stopped at a ``${``."""
    while i < len(src):
        if src[i] == "\\":
            i += 2
        elif src[i] == "`":
            return i + 1, False
        elif src.startswith("${", i):
            return i + 2, True
        else:
            i += 1
    return i, False


def _regex_end(src: str, i: int) -> int:
    in_class = False
    while i < len(src) and src[i] != "\n":
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            i += 1
            while i < len(src) and (src[i].isalnum() or src[i] == "_"):
                i += 1
            return i
        i += 1
    return i


def _regex_allowed(out: list[Tok]) -> bool:
    if not out:
        return True
    last = out[-1]
    if last.kind == "name":
        return last.text in _REGEX_AFTER_WORDS
    if last.kind in ("str", "other"):
        return False
    return last.text not in (")", "]", "}")


class _Esm:
    """Rewrites a file's ES ``import``/``export`` statements to CommonJS."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = tokens(src)
        self.edits: list[tuple[int, int, str]] = []
        self.getters: dict[str, str] = {}  # exported name -> local expression
        self.counter = 0
        self.found = False

    def temp(self) -> str:
        self.counter += 1
        return f"__mp_i{self.counter}"

    def statement_start(self, k: int) -> bool:
        if k == 0:
            return True
        prev = self.toks[k - 1]
        if prev.text in (";", "}", "{") and prev.kind == "punct":
            return True
        # a new line ends the previous statement when nothing continues it (ASI)
        return "\n" in self.src[prev.end : self.toks[k].start] and prev.text not in (".", ",", "=", "(", "[")

    def run(self) -> None:
        k = 0
        while k < len(self.toks):
            t = self.toks[k]
            if t.kind == "name" and t.depth == 0 and t.text in ("import", "export") and self.statement_start(k):
                nxt = self.toks[k + 1] if k + 1 < len(self.toks) else None
                if t.text == "import" and nxt is not None and nxt.text in ("(", "."):
                    k += 1
                    continue
                self.found = True
                k = self.import_(k) if t.text == "import" else self.export(k)
                continue
            k += 1

    def end_of(self, k: int) -> int:
        """Index after the statement's last token (a ``;`` at depth 0, or a line end)."""
        depth = self.toks[k].depth
        while k < len(self.toks):
            t = self.toks[k]
            if t.depth == depth and t.text == ";" and t.kind == "punct":
                return k + 1
            nxt = self.toks[k + 1] if k + 1 < len(self.toks) else None
            if nxt is None:
                return k + 1
            if t.kind == "str" and t.depth == depth and "\n" in self.src[t.end : nxt.start]:
                return k + 1  # `from "x"` then a new line
            k += 1
        return k

    def replace(self, first: int, last: int, text: str) -> None:
        """Replaces tokens first..last-1 with ``text``, keeping their line breaks."""
        start, end = self.toks[first].start, self.toks[last - 1].end
        self.edits.append((start, end, text + "\n" * self.src.count("\n", start, end)))

    def import_(self, k: int) -> int:
        end = self.end_of(k)
        toks = self.toks[k + 1 : end]
        source = next((t for t in reversed(toks) if t.kind == "str"), None)
        if source is None:
            return end
        req = f"require({source.text})"
        if toks[0].kind == "str":
            self.replace(k, end, f"{req};")
            return end
        names = toks[: toks.index(source) - 1]  # before `from`
        tmp = self.temp()
        parts = [f"var {tmp} = {req}"]
        i = 0
        while i < len(names):
            t = names[i]
            if t.kind == "name" and t.text != "from":
                parts.append(f"{t.text} = __mp.interopDefault({tmp})")
                i += 1
            elif t.text == "*":
                parts.append(f"{names[i + 2].text} = __mp.interopNamespace({tmp})")  # * as ns
                i += 3
            elif t.text == "{":
                j = i + 1
                while names[j].text != "}":
                    imported = names[j].text
                    local = imported
                    if j + 2 < len(names) and names[j + 1].text == "as":
                        local = names[j + 2].text
                        j += 2
                    parts.append(f"{local} = {tmp}[{json.dumps(imported)}]")
                    j += 1
                    if names[j].text == ",":
                        j += 1
                i = j + 1
            else:
                i += 1
        self.replace(k, end, ", ".join(parts) + ";")
        return end

    def export(self, k: int) -> int:
        nxt = self.toks[k + 1]
        if nxt.text == "default":
            after = self.toks[k + 2]
            if after.text in ("function", "class") or (after.text == "async" and self.toks[k + 3].text == "function"):
                name_tok = self._declared_name(k + 2)
                if name_tok is not None:
                    self.edits.append((self.toks[k].start, after.start, ""))
                    self.getters["default"] = name_tok
                    return k + 2
            self.edits.append((self.toks[k].start, after.start, "exports.default = "))
            return k + 2
        if nxt.text in ("const", "let", "var"):
            self.edits.append((self.toks[k].start, nxt.start, ""))
            for declared in self._declarators(k + 2):
                self.getters[declared] = declared
            return k + 2
        if nxt.text in ("function", "class", "async"):
            name = self._declared_name(k + 1)
            self.edits.append((self.toks[k].start, nxt.start, ""))
            if name:
                self.getters[name] = name
            return k + 1
        end = self.end_of(k)
        toks = self.toks[k + 1 : end]
        source = None
        if (len(toks) >= 2 and toks[-2].text == "from") or (
            toks and toks[-1].text == ";" and len(toks) >= 3 and toks[-3].text == "from"
        ):
            source = next(t for t in reversed(toks) if t.kind == "str")
        if nxt.text == "*":
            assert source is not None
            self.replace(k, end, f"__mp.exportStar(exports, require({source.text}));")
            return end
        if nxt.text == "{":
            close = next(
                j for j in range(k + 2, len(self.toks)) if self.toks[j].text == "}" and self.toks[j].depth == nxt.depth
            )
            tmp = self.temp() if source is not None else None
            for group in _split(self.toks[k + 2 : close]):
                words = [t.text for t in group]
                local = words[0]
                exported = words[2] if len(words) == 3 and words[1] == "as" else local
                self.getters[exported] = f"{tmp}[{json.dumps(local)}]" if tmp else local
            self.replace(k, end, f"var {tmp} = require({source.text});" if tmp and source else "")
            return end
        return end

    def _declared_name(self, k: int) -> str | None:
        while k < len(self.toks) and self.toks[k].text in ("async", "function", "class", "*"):
            k += 1
        t = self.toks[k] if k < len(self.toks) else None
        return t.text if t is not None and t.kind == "name" and t.text not in ("extends",) else None

    def _declarators(self, k: int) -> list[str]:
        """The names a ``const a = 1, {b, c: d} = x`` declares."""
        depth = self.toks[k].depth
        names: list[str] = []
        expect_name = True
        while k < len(self.toks):
            t = self.toks[k]
            if t.depth == depth and t.kind == "punct" and t.text == ";":
                break
            if t.depth == depth and expect_name:
                if t.kind == "name":
                    names.append(t.text)
                    expect_name = False
                elif t.text in ("{", "["):
                    names += self._pattern_names(k)
                    expect_name = False
            elif t.depth == depth and t.text == ",":
                expect_name = True
            elif t.depth == depth and k + 1 < len(self.toks) and "\n" in self.src[t.end : self.toks[k + 1].start]:
                nxt = self.toks[k + 1]
                if t.text not in (",", "=") and nxt.text not in (",", "=", ".", "(", "[", "?", ":", "+", "-", "*", "/"):
                    break
            k += 1
        return names

    def _pattern_names(self, k: int) -> list[str]:
        depth = self.toks[k].depth
        names: list[str] = []
        k += 1
        while k < len(self.toks) and self.toks[k].depth > depth:
            t = self.toks[k]
            nxt = self.toks[k + 1]
            if t.kind == "name" and nxt.text in (",", "}", "]", "=") and self.toks[k - 1].text != "=":
                names.append(t.text)
            k += 1
        return names

    def output(self) -> str:
        out: list[str] = []
        last = 0
        for start, end, text in sorted(self.edits):
            out.append(self.src[last:start])
            out.append(text)
            last = end
        out.append(self.src[last:])
        return "".join(out)

    def header(self) -> str:
        parts = ['"use strict"; Object.defineProperty(exports, "__esModule", { value: true });']
        for name, expr in self.getters.items():
            parts.append(
                f"Object.defineProperty(exports, {json.dumps(name)}, {{ enumerable: true, get: function () {{ return {expr}; }} }});"
            )
        return " ".join(parts)


def _split(toks: list[Tok]) -> list[list[Tok]]:
    groups: list[list[Tok]] = [[]]
    for t in toks:
        if t.text == "," and t.kind == "punct":
            groups.append([])
        else:
            groups[-1].append(t)
    return [g for g in groups if g]


def wrap_module(path: str, source: str) -> str:
    """The file as a module definition for the runtime (``__mp.define``)."""
    esm = _Esm(source)
    esm.run()
    body = esm.output() if esm.found else source
    header = esm.header() if esm.found else ""
    params = "require, module, exports, getRegExp, getDate" if path.endswith(".sjs") else "require, module, exports"
    return f"__mp.define({json.dumps(path)}, function ({params}) {{ {header}{body}\n}});\n"
