"""Alipay+ message signing: RSA-2048, PKCS#1 v1.5, SHA-256, both directions.

The signed content is ``"<METHOD> <path>\\n<Client-Id>.<Request-Time>.<body>"`` over the
raw body bytes exactly as sent (SDKs send indented JSON; re-serialising would break it).
The signature travels base64-encoded and URL-encoded in a header of the form
``algorithm=RSA256,keyVersion=1,signature=<value>``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ALGORITHM = "RSA256"
DEFAULT_KEY_VERSION = "1"

_PKCS1 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()


class SignatureError(ValueError):
    """A signature header or signature that cannot be accepted."""


@dataclass(frozen=True)
class KeyPair:
    private_pem: str  # PKCS#1 ("BEGIN RSA PRIVATE KEY"): what Alipay's SDKs load
    public_pem: str  # SubjectPublicKeyInfo ("BEGIN PUBLIC KEY")


# Loading an RSA private key, cryptography checks it (its primes and CRT values): ~55 ms,
# more than 20 signatures, paid by every process of every start for every key. A key is
# checked once: the digests of keys made or checked already are kept here, and the data
# folder keeps them beside its keys (credentials.py). Any other text, a key a user brings
# or an edited file, is checked as before.
_CHECKED: set[str] = set()


def key_digest(private_pem: str) -> str:
    return hashlib.sha256(private_pem.strip().encode()).hexdigest()


def vouch_for(private_pem: str) -> None:
    """Record ``private_pem`` as a valid key: loading it skips cryptography's check. Only
    for a key made or checked already (by this process, or by the one that handed it over)."""
    _CHECKED.add(key_digest(private_pem))


def generate_key_pair(bits: int = 2048) -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    vouch_for(private_pem)
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return KeyPair(private_pem, public_pem)


def _pem(text: str, label: str) -> bytes:
    """Accept a PEM or the bare base64 body that Alipay dashboards hand out."""
    text = text.strip()
    if "-----BEGIN" in text:
        return text.encode()
    body = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode()


@functools.lru_cache(maxsize=256)
def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Parse once, reuse: key parsing costs more than a signature."""
    text = pem.strip()
    label = "RSA PRIVATE KEY" if "-----BEGIN" in text or not text.startswith("MII") else "PRIVATE KEY"
    digest = key_digest(text)
    checked = digest in _CHECKED
    try:
        key = serialization.load_pem_private_key(_pem(text, label), None, unsafe_skip_rsa_key_validation=checked)
    except ValueError:
        # Bare base64 may be PKCS#8 or PKCS#1; try the other label before giving up.
        other = "RSA PRIVATE KEY" if label == "PRIVATE KEY" else "PRIVATE KEY"
        key = serialization.load_pem_private_key(_pem(text, other), None, unsafe_skip_rsa_key_validation=checked)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SignatureError("private key is not an RSA key")
    _CHECKED.add(digest)
    return key


@functools.lru_cache(maxsize=256)
def load_public_key(pem: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(_pem(pem, "PUBLIC KEY"))
    except ValueError as exc:
        raise SignatureError(f"not a PEM RSA public key: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("public key is not an RSA key")
    if key.key_size < 2048:
        raise SignatureError("RSA public keys must be at least 2048 bits")
    return key


def same_public_key(a: str, b: str) -> bool:
    """Whether two public keys (PEM or bare base64) are the same key."""
    try:
        return load_public_key(a).public_numbers() == load_public_key(b).public_numbers()
    except SignatureError:
        return False


def public_pem_of(private_pem: str) -> str:
    return (
        load_private_key(private_pem)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def content_to_sign(method: str, path: str, client_id: str, time: str, body: bytes) -> bytes:
    return f"{method.upper()} {path}\n{client_id}.{time}.".encode() + body


def sign(private_pem: str, method: str, path: str, client_id: str, time: str, body: bytes) -> str:
    """Return the URL-encoded base64 signature, as it goes into the header."""
    return sign_content(private_pem, content_to_sign(method, path, client_id, time, body))


def sign_content(private_pem: str, content: bytes) -> str:
    """The URL-encoded base64 signature of ``content`` (made by ``content_to_sign``)."""
    raw = load_private_key(private_pem).sign(content, _PKCS1, _SHA256)
    return url_encode_base64(base64.b64encode(raw).decode())


def url_encode_base64(text: str) -> str:
    """``quote_plus`` for base64 text, which can only hold these three reserved
    characters (and 25 times faster than the general function)."""
    return text.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def url_decode_base64(text: str) -> str:
    """The reverse of ``url_encode_base64``, for any case of the escapes; other escapes
    (nothing base64 needs, but a client may send them) go through ``unquote``."""
    if "%" not in text:
        return text
    text = (
        text.replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=")
        .replace("%2b", "+")
        .replace("%2f", "/")
        .replace("%3d", "=")
    )
    return unquote(text) if "%" in text else text


def verify(public_pem: str, method: str, path: str, client_id: str, time: str, body: bytes, signature: str) -> bool:
    """Check a signature taken from a header (URL-encoded or not)."""
    try:
        raw = base64.b64decode(url_decode_base64(signature), validate=True)
    except (ValueError, TypeError):
        return False
    try:
        load_public_key(public_pem).verify(raw, content_to_sign(method, path, client_id, time, body), _PKCS1, _SHA256)
    except InvalidSignature:
        return False
    return True


def signature_header(signature: str, key_version: str = DEFAULT_KEY_VERSION) -> str:
    return f"algorithm={ALGORITHM},keyVersion={key_version},signature={signature}"


def parse_signature_header(value: str | None) -> dict[str, str]:
    """Split ``algorithm=RSA256,keyVersion=1,signature=...`` into its parts."""
    if not value:
        raise SignatureError("the Signature header is missing")
    parts: dict[str, str] = {}
    for item in value.split(","):
        key, sep, val = item.strip().partition("=")
        if not sep:
            raise SignatureError("the Signature header is malformed")
        parts[key] = val
    if "signature" not in parts or not parts["signature"]:
        raise SignatureError("the Signature header carries no signature")
    if parts.get("algorithm", ALGORITHM) != ALGORITHM:
        raise SignatureError(f"unsupported algorithm {parts.get('algorithm')!r}, expected {ALGORITHM}")
    return parts


def format_time(moment: datetime) -> str:
    """Request-Time / Response-Time in ISO 8601 with offset, as Alipay+ sends them."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str | None) -> datetime:
    """Accept ISO 8601 (what the SDKs send) or epoch milliseconds (what some docs show)."""
    if not value:
        raise SignatureError("the Request-Time header is missing")
    value = value.strip()
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise SignatureError(f"Request-Time {value[:40]!r} is neither ISO 8601 nor epoch milliseconds") from None
    if moment.tzinfo is None:
        raise SignatureError("Request-Time must carry a time zone offset")
    return moment
