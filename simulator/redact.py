"""Keep secrets out of events, logs and pages: one place decides what a secret is."""

from __future__ import annotations

import re
from typing import Any

_SECRET_KEY = re.compile(r"(password|passwd|private.?key|secret|csrf|cookie|authorization)", re.I)
_PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S)
REDACTED = "[redacted]"


def redact(value: Any) -> Any:
    """A copy of ``value`` with secret-looking fields and PEM private keys masked."""
    if isinstance(value, dict):
        return {k: (REDACTED if isinstance(k, str) and _SECRET_KEY.search(k) else redact(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, str) and "PRIVATE KEY" in value:
        return _PEM_PRIVATE.sub(REDACTED, value)
    return value
