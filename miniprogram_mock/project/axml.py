"""AXML parsed into a tree of elements and text, every node and attribute with its
offset in the file (for the compile errors).

AXML is written like XML: names keep their case (``onTap``), every element is closed
(``<view></view>`` or ``<view/>``), attribute values are quoted and may hold ``{{ }}``
with ``<`` or ``>`` inside. Text may hold ``{{ a < b }}`` too: inside ``{{ }}`` a ``<``
never opens a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import CompileError

_TAG_NAME = re.compile(r"[A-Za-z][\w\-:.]*")
_ATTR_NAME = re.compile(r"[^\s=/>\"'<]+")


def _skip_space(src: str, i: int) -> int:
    while i < len(src) and src[i].isspace():
        i += 1
    return i


@dataclass
class Attr:
    name: str
    value: str | None  # None: written without a value (<view a:else>)
    pos: int  # offset of the name
    value_pos: int  # offset of the value's first character (inside the quotes)


@dataclass
class Element:
    tag: str
    attrs: list[Attr]
    pos: int
    children: list[Node] = field(default_factory=list)

    def attr(self, name: str) -> Attr | None:
        for a in self.attrs:
            if a.name == name:
                return a
        return None


@dataclass
class Text:
    text: str
    pos: int


Node = Element | Text


class _Parser:
    def __init__(self, file: str, src: str) -> None:
        self.file = file
        self.src = src
        self.i = 0

    def error(self, offset: int, message: str) -> CompileError:
        return CompileError.at(self.file, self.src, offset, message)

    def parse(self) -> list[Node]:
        root = Element("#root", [], 0)
        stack = [root]
        src = self.src
        while self.i < len(src):
            if src.startswith("<!--", self.i):
                end = src.find("-->", self.i + 4)
                if end < 0:
                    raise self.error(self.i, "comment <!-- is not closed")
                self.i = end + 3
            elif src.startswith("</", self.i):
                start = self.i
                m = _TAG_NAME.match(src, self.i + 2)
                if not m:
                    raise self.error(self.i, "expected a tag name after '</'")
                self.i = _skip_space(src, m.end())
                if not src.startswith(">", self.i):
                    raise self.error(self.i, f"expected '>' to close </{m.group()}")
                self.i += 1
                current = stack[-1]
                if current is root:
                    raise self.error(start, f"</{m.group()}> closes nothing: no <{m.group()}> is open")
                if current.tag != m.group():
                    raise self.error(
                        start,
                        f"</{m.group()}> does not match <{current.tag}> opened at {self.where(current.pos)}",
                    )
                stack.pop()
            elif src.startswith("<", self.i) and _TAG_NAME.match(src, self.i + 1):
                element, closed = self.open_tag()
                stack[-1].children.append(element)
                if not closed:
                    stack.append(element)
            else:
                self.text(stack[-1])
        if len(stack) > 1:
            open_el = stack[-1]
            raise self.error(open_el.pos, f"<{open_el.tag}> is not closed")
        return root.children

    def where(self, offset: int) -> str:
        line = self.src.count("\n", 0, offset) + 1
        return f"{line}:{offset - (self.src.rfind(chr(10), 0, offset) + 1) + 1}"

    def text(self, parent: Element) -> None:
        src, start, i = self.src, self.i, self.i
        while i < len(src):
            if src.startswith("{{", i):
                end = src.find("}}", i + 2)
                if end < 0:
                    raise self.error(i, "{{ is not closed by }}")
                i = end + 2
            elif src[i] == "<" and (
                src.startswith("<!--", i) or src.startswith("</", i) or _TAG_NAME.match(src, i + 1)
            ):
                break
            else:
                i += 1
        self.i = i
        parent.children.append(Text(src[start:i], start))

    def open_tag(self) -> tuple[Element, bool]:
        src = self.src
        start = self.i
        m = _TAG_NAME.match(src, self.i + 1)
        assert m is not None
        element = Element(m.group(), [], start)
        self.i = m.end()
        seen: set[str] = set()
        while True:
            self.i = _skip_space(src, self.i)
            if self.i >= len(src):
                raise self.error(start, f"<{element.tag}> is not closed: the file ends inside the tag")
            if src.startswith("/>", self.i):
                self.i += 2
                return element, True
            if src[self.i] == ">":
                self.i += 1
                return element, False
            name_m = _ATTR_NAME.match(src, self.i)
            if not name_m:
                raise self.error(self.i, f"unexpected {src[self.i]!r} in <{element.tag}>")
            name, name_pos = name_m.group(), self.i
            if name in seen:
                raise self.error(name_pos, f"attribute {name} is given twice")
            seen.add(name)
            self.i = _skip_space(src, name_m.end())
            if not src.startswith("=", self.i):
                element.attrs.append(Attr(name, None, name_pos, name_pos))
                continue
            self.i = _skip_space(src, self.i + 1)
            quote = src[self.i : self.i + 1]
            if quote in ('"', "'"):
                end = self._value_end(self.i + 1, quote)
                if end < 0:
                    raise self.error(self.i, f"the value of {name} is not closed by {quote}")
                element.attrs.append(Attr(name, src[self.i + 1 : end], name_pos, self.i + 1))
                self.i = end + 1
            else:
                value_m = re.compile(r"[^\s>]+").match(src, self.i)
                if not value_m or src.startswith("/>", self.i):
                    raise self.error(self.i, f"expected a value for {name}")
                value = value_m.group()
                if value.endswith("/") and src.startswith(">", value_m.end()):
                    value = value[:-1]
                element.attrs.append(Attr(name, value, name_pos, self.i))
                self.i += len(value)

    def _value_end(self, i: int, quote: str) -> int:
        """The closing quote, skipping any inside {{ }} (``a="{{ b ? "x" : "y" }}"``)."""
        src = self.src
        while i < len(src):
            if src.startswith("{{", i):
                end = src.find("}}", i + 2)
                if end < 0:
                    return -1
                i = end + 2
            elif src[i] == quote:
                return i
            else:
                i += 1
        return -1


def parse(file: str, source: str) -> list[Node]:
    """The nodes of an AXML file, or a CompileError at the first mistake."""
    return _Parser(file, source).parse()
