"""Keep secrets out of events, logs and pages: one place decides what a secret is."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Bearer credentials count too: the token API's access and refresh tokens and the
# authorization codes they are redeemed from.
_SECRET_KEY = re.compile(
    r"(password|passwd|private.?key|secret|csrf|cookie|authorization|access.?token|refresh.?token|auth.?code)", re.I
)
_PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S)
REDACTED = "[redacted]"


@lru_cache(maxsize=4096)
def _secret_key(key: str) -> bool:
    return _SECRET_KEY.search(key) is not None


def is_secret_key(key: Any) -> bool:
    """Whether a field of this name holds a secret (the same few names come back all the
    time: the answer is cached for names of a sane length)."""
    if not isinstance(key, str):
        return False
    return _secret_key(str.__str__(key)) if len(key) <= 100 else _SECRET_KEY.search(key) is not None


def redact(value: Any) -> Any:
    """A copy of ``value`` with secret-looking fields and PEM private keys masked."""
    if isinstance(value, dict):
        return {k: (REDACTED if is_secret_key(k) else redact(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, str) and "PRIVATE KEY" in value:
        return _PEM_PRIVATE.sub(REDACTED, value)
    return value
