"""JSON in and out, fast: orjson where it can, the standard library where orjson refuses
(lone surrogates from hostile input, numbers beyond 64 bits). Compact UTF-8, as the
simulator writes JSON on the wire."""

from __future__ import annotations

import json
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
