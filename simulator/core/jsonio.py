"""JSON in and out, fast: orjson where it can, the standard library where orjson refuses
(lone surrogates from hostile input, numbers beyond 64 bits). Compact UTF-8, as the
simulator writes JSON on the wire."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson


def _plain(obj: Any) -> Any:
    """orjson refuses subclasses of str (multidict's ``istr`` header names): as plain str."""
    if isinstance(obj, str):
        return str.__str__(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def dumps(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj, default=_plain)
    except TypeError:  # a lone surrogate or a huge int: escape it, never fail
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode()


def loads(data: bytes | str) -> Any:
    """Parse; raises ValueError (as json.loads does) on anything that is not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        # orjson refuses what json accepts at the edges (big integers, lone surrogates):
        # the standard parser has the last word, so behaviour matches the stdlib's.
        return json.loads(data)


# --- request bodies --------------------------------------------------------------------

# Deeper than this is no message any party here sends (Alipay+'s deepest, order.goods[].x,
# is 3 levels); the limit keeps hostile nesting away from every walk of the tree.
MAX_DEPTH = 16
_LONG_NUMBER = re.compile(rb"[0-9]{20}")


class BodyError(ValueError):
    """A request body that is not a JSON object any store can keep; the message says why,
    ``status`` is the HTTP status to answer with (413 for a body over the size limit)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def read_object(raw: bytes) -> dict[str, Any]:
    """A request body as a JSON object: valid UTF-8, no NaN/Infinity, no lone surrogates,
    nested at most ``MAX_DEPTH`` levels. Raises ``BodyError`` saying what is wrong. The one
    reader of signed bodies (the wallet's API, the merchant's notification endpoint)."""
    if raw.count(b"{") + raw.count(b"[") < MAX_DEPTH and not _LONG_NUMBER.search(raw):
        # The common case, fast: orjson is strict (valid UTF-8, no lone surrogates, no
        # NaN), and with fewer brackets than MAX_DEPTH nothing can nest too deep, so what
        # it accepts needs no walk. It turns integers beyond 64 bits into floats, hence
        # no long digit runs here. Anything it refuses gets the standard parser's answer.
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            if not isinstance(body, dict):
                raise BodyError("the body must be a JSON object")
            return body
    return read_object_strictly(raw)


def read_object_strictly(raw: bytes) -> dict[str, Any]:
    """``read_object`` by the standard parser and a walk of the whole tree: what the fast
    path must agree with (a test compares them), and the error messages."""
    body = read_value(raw)
    if not isinstance(body, dict):
        raise BodyError("the body must be a JSON object")
    return body


def read_value(raw: bytes) -> Any:
    """Any JSON value, with ``read_object``'s checks (UTF-8, no NaN, no lone surrogates,
    at most ``MAX_DEPTH`` levels); raises ``BodyError``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the body is not UTF-8") from None
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BodyError(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise BodyError(f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except ValueError:  # e.g. an integer of thousands of digits
        raise BodyError("the body holds a number too large to read") from None
    _check_tree(body, "", 1)
    return body


def _no_constant(name: str) -> Any:
    raise BodyError(f"{name} is not a JSON value")


def _check_tree(value: Any, where: str, depth: int) -> None:
    """Refuse what JSON allows but no store can keep: lone surrogates, absurd nesting."""
    if depth > MAX_DEPTH:
        raise BodyError(f"the body is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_unicode(value, where or "a value")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_unicode(key, f"the key {where + '.' if where else ''}{key[:32]!r}")
            _check_tree(item, f"{where}.{key}" if where else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_tree(item, f"{where}[{i}]", depth + 1)


def _check_unicode(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BodyError(f"{where[:80]} holds a lone surrogate, which is not Unicode text") from None
