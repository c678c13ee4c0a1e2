"""A private key is checked once (cryptography's check costs ~55 ms a load): keys the
simulator made, or checked before and recorded beside the key in the data folder, load
without it in the processes of later starts; any other key, an edited one included, is
still checked and refused if it is no valid key."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from simulator.core import credentials, signing

ROOT = Path(__file__).resolve().parents[2]

# A fresh process loads the data folder's keys as a start does and tells, for each key it
# loads, whether cryptography was asked to skip the check.
PROBE = """
import json, sys
from cryptography.hazmat.primitives import serialization
load = serialization.load_pem_private_key
seen = []
def spy(data, password, **kw):
    seen.append(bool(kw.get("unsafe_skip_rsa_key_validation")))
    return load(data, password, **kw)
serialization.load_pem_private_key = spy
from simulator.core import credentials
try:
    credentials.load_or_create(sys.argv[1])
    print(json.dumps({"skipped": seen}))
except ValueError as exc:
    print(json.dumps({"skipped": seen, "error": str(exc)}))
"""


def probe(data_dir: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def broken_key_pem() -> str:
    """A PEM that parses as an RSA key whose CRT coefficient is wrong: not a valid key."""
    numbers = signing.load_private_key(signing.generate_key_pair().private_pem).private_numbers()
    broken = rsa.RSAPrivateNumbers(
        numbers.p,
        numbers.q,
        numbers.d,
        numbers.dmp1,
        numbers.dmq1,
        (numbers.iqmp + 1) % numbers.p,
        numbers.public_numbers,
    ).private_key(unsafe_skip_rsa_key_validation=True)
    return broken.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()


def test_a_key_nobody_checked_is_checked_and_an_invalid_one_refused():
    with pytest.raises(ValueError):
        signing.load_private_key(broken_key_pem())


def test_keys_made_on_first_start_load_unchecked_after_a_restart(tmp_path):
    made = credentials.load_or_create(tmp_path)
    keys = tmp_path / credentials.KEYS_DIR
    for name, pem in (("wallet", made.wallet_private_pem), ("sandbox_merchant", made.merchant_private_pem)):
        assert (keys / f"{name}_private.sha256").read_text().strip() == signing.key_digest(pem)
        assert (keys / f"{name}_private.sha256").stat().st_mode & 0o077 == 0
    assert probe(tmp_path) == {"skipped": [True, True]}


def test_a_folder_without_the_record_is_checked_once_then_remembered(tmp_path):
    credentials.load_or_create(tmp_path)
    for record in (tmp_path / credentials.KEYS_DIR).glob("*.sha256"):
        record.unlink()  # a data folder from before the record
    assert probe(tmp_path) == {"skipped": [False, False]}
    assert probe(tmp_path) == {"skipped": [True, True]}


def test_an_edited_key_is_checked_again_and_refused_if_invalid(tmp_path):
    credentials.load_or_create(tmp_path)
    (tmp_path / credentials.KEYS_DIR / "wallet_private.pem").write_text(broken_key_pem())
    result = probe(tmp_path)
    assert result["skipped"] and not any(result["skipped"])  # (both PEM labels are tried)
    assert "Invalid private key" in result["error"]
