"""ACSS made into the CSS a browser reads: ``rpx`` (750rpx is the page's width) becomes
``calc(N * var(--rpx))`` (the runtime keeps ``--rpx`` at a 750th of the page's width),
and ``@import "x.acss";`` is replaced by that file. The ``page`` selector needs nothing:
each page's root element is a ``<page>``. Parsed with tinycss2, so an ``rpx`` inside a
string, a URL or a comment is left alone."""

from __future__ import annotations

from collections.abc import Callable

import tinycss2
from tinycss2 import ast

from .errors import CompileError
from .paths import resolve_path


def _rpx(tokens: list) -> list:
    out = []
    for tok in tokens:
        if isinstance(tok, ast.DimensionToken) and tok.lower_unit == "rpx":
            out.append(ast.LiteralToken(tok.source_line, tok.source_column, f"calc({tok.representation} * var(--rpx))"))
        elif isinstance(tok, ast.FunctionBlock):
            tok.arguments = _rpx(tok.arguments)
            out.append(tok)
        elif isinstance(tok, (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)):
            tok.content = _rpx(tok.content)
            out.append(tok)
        else:
            out.append(tok)
    return out


def rpx_in_style(text: str) -> str:
    """An inline ``style`` with its rpx converted."""
    if "rpx" not in text.lower():
        return text
    return tinycss2.serialize(_rpx(tinycss2.parse_component_value_list(text)))


def compile_acss(file: str, read: Callable[[str, str, int], str], seen: tuple[str, ...] = ()) -> str:
    """The CSS of an ACSS file, its imports inlined in place."""
    source = read(file, seen[-1] if seen else file, 0)
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=False)
    out: list[str] = []
    for rule in rules:
        if isinstance(rule, ast.AtRule) and rule.lower_at_keyword == "import":
            target = next((t for t in rule.prelude if isinstance(t, (ast.StringToken, ast.URLToken))), None)
            if target is None:
                raise _error(file, source, rule, '@import needs a path: @import "./x.acss";')
            path = resolve_path(file, target.value)
            if path in (*seen, file):
                raise _error(file, source, rule, f"{path} imports itself")
            out.append(compile_acss(path, read, (*seen, file)))
            continue
        if isinstance(rule, ast.ParseError):
            raise _error(file, source, rule, rule.message)
        if isinstance(rule, ast.QualifiedRule):
            rule.prelude = _rpx(rule.prelude)
            rule.content = _rpx(rule.content)
        elif isinstance(rule, ast.AtRule):
            rule.prelude = _rpx(rule.prelude)
            if rule.content is not None:
                rule.content = _rpx(rule.content)
        out.append(rule.serialize())
    return "".join(out)


def _error(file: str, source: str, node, message: str) -> CompileError:
    lines = source.split("\n")
    offset = sum(len(line) + 1 for line in lines[: node.source_line - 1]) + node.source_column - 1
    return CompileError.at(file, source, offset, message)
