import base64
import json
import os
from datetime import UTC, datetime
from urllib.parse import quote_plus

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from simulator.core import signing
from simulator.core.signing import SignatureError

KEYS = signing.generate_key_pair()
OTHER = signing.generate_key_pair()
BODY = json.dumps({"paymentRequestId": "PR1", "paymentAmount": {"currency": "USD", "value": "100"}}, indent=3).encode()
ARGS = ("POST", "/aps/api/v1/payments/pay", "SANDBOX_X", "2026-11-25T10:00:00+00:00")


def test_round_trip():
    sig = signing.sign(KEYS.private_pem, *ARGS, BODY)
    assert signing.verify(KEYS.public_pem, *ARGS, BODY, sig)


def test_tampered_body_fails():
    sig = signing.sign(KEYS.private_pem, *ARGS, BODY)
    assert not signing.verify(KEYS.public_pem, *ARGS, BODY.replace(b"100", b"999"), sig)


@pytest.mark.parametrize(
    ("index", "value"),
    [(0, "GET"), (1, "/aps/api/v1/payments/refund"), (2, "SANDBOX_Y"), (3, "2026-11-25T10:00:01+00:00")],
)
def test_every_signed_part_matters(index, value):
    sig = signing.sign(KEYS.private_pem, *ARGS, BODY)
    args = list(ARGS)
    args[index] = value
    assert not signing.verify(KEYS.public_pem, *args, BODY, sig)


def test_wrong_key_fails():
    sig = signing.sign(OTHER.private_pem, *ARGS, BODY)
    assert not signing.verify(KEYS.public_pem, *ARGS, BODY, sig)


def test_reformatted_json_fails_signature_is_over_raw_bytes():
    sig = signing.sign(KEYS.private_pem, *ARGS, BODY)
    compact = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
    assert not signing.verify(KEYS.public_pem, *ARGS, compact, sig)


def test_signature_is_what_alipays_sdk_computes():
    """The SDK signs the same content with PKCS#1 v1.5/SHA-256 and quote_plus-encodes it."""
    key = signing.load_private_key(KEYS.private_pem)
    content = f"{ARGS[0]} {ARGS[1]}\n{ARGS[2]}.{ARGS[3]}.".encode() + BODY
    sdk = quote_plus(base64.b64encode(key.sign(content, padding.PKCS1v15(), hashes.SHA256())).decode())
    assert signing.sign(KEYS.private_pem, *ARGS, BODY) == sdk
    assert signing.verify(KEYS.public_pem, *ARGS, BODY, sdk)


def test_unencoded_and_garbage_signatures():
    sig = signing.sign(KEYS.private_pem, *ARGS, BODY)
    from urllib.parse import unquote

    assert signing.verify(KEYS.public_pem, *ARGS, BODY, unquote(sig))  # raw base64 accepted too
    assert not signing.verify(KEYS.public_pem, *ARGS, BODY, "not-base64!!")
    assert not signing.verify(KEYS.public_pem, *ARGS, BODY, "")


def test_bare_base64_keys_as_dashboards_hand_them_out():
    bare_private = "".join(KEYS.private_pem.strip().splitlines()[1:-1])
    bare_public = "".join(KEYS.public_pem.strip().splitlines()[1:-1])
    sig = signing.sign(bare_private, *ARGS, BODY)
    assert signing.verify(bare_public, *ARGS, BODY, sig)


def test_header_parse_and_errors():
    parts = signing.parse_signature_header("algorithm=RSA256,keyVersion=1,signature=abc%3D")
    assert parts == {"algorithm": "RSA256", "keyVersion": "1", "signature": "abc%3D"}
    for bad in (None, "", "signature=", "algorithm=RSA256", "algorithm=HS256,signature=x", "garbage"):
        with pytest.raises(SignatureError):
            signing.parse_signature_header(bad)


def test_request_time_formats():
    assert signing.parse_time("2026-11-25T10:00:00+08:00") == datetime(2026, 11, 25, 2, tzinfo=UTC)
    assert signing.parse_time("1764064800000") == datetime(2025, 11, 25, 10, 0, tzinfo=UTC)
    for bad in (None, "", "yesterday", "2026-11-25T10:00:00"):
        with pytest.raises(SignatureError):
            signing.parse_time(bad)


def test_small_keys_refused():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    pem = small.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(SignatureError):
        signing.load_public_key(pem)


def test_url_decoding_of_a_signature_matches_unquote():
    from urllib.parse import unquote

    for _ in range(200):
        sig = base64.b64encode(os.urandom(256)).decode()
        encoded = signing.url_encode_base64(sig)
        assert signing.url_decode_base64(encoded) == sig == unquote(encoded)
        assert signing.url_decode_base64(encoded.lower()) == unquote(encoded.lower())
    # other escapes (no base64 needs them) still decode as unquote decodes them
    assert signing.url_decode_base64("ab%2bc%2F%3d%41%20") == unquote("ab%2bc%2F%3d%41%20")
