"""The sandbox: keys and the sandbox merchant, made in the data folder on first start and
reused after. It plays the part of a wallet's developer dashboard: the wallet is
configured with the merchant's public key, the merchant with its private key and the
wallet's public key. Neither app reads the other's files."""

from __future__ import annotations

import json
import os
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from . import signing
from .signing import generate_key_pair, public_pem_of

KEYS_DIR = "keys"


@dataclass(frozen=True)
class SandboxCredentials:
    client_id: str
    merchant_private_pem: str
    merchant_public_pem: str
    wallet_private_pem: str
    wallet_public_pem: str


def _write_private(path: Path, text: str) -> None:
    """Write atomically with owner-only permissions; keep what another process wrote first."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    try:
        os.link(tmp, path)  # fails if it exists: first writer wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _load_or_make_key(keys: Path, name: str) -> str:
    """The key's PEM, made on first start. Beside it, ``<name>_private.sha256``: the digest
    of the PEM once it has been checked as a key (signing.vouch_for), so that the next
    starts' processes skip cryptography's 55 ms check; an edited key no longer matches it
    and is checked again."""
    path = keys / f"{name}_private.pem"
    if not path.exists():
        _write_private(path, generate_key_pair().private_pem)
    text = path.read_text()
    checked = keys / f"{name}_private.sha256"
    digest = signing.key_digest(text)
    try:
        if checked.read_text().strip() == digest:
            signing.vouch_for(text)
            return text
    except FileNotFoundError:
        pass
    signing.load_private_key(text)  # checks it (SignatureError, ValueError if it is no key)
    checked.unlink(missing_ok=True)
    _write_private(checked, digest + "\n")
    return text


def new_client_id() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "SANDBOX_" + "".join(secrets.choice(alphabet) for _ in range(16))


# The data folder holds private keys: a checkout it sits in must not commit it.
GITIGNORE = "# tradepay-sim's data folder (private keys, databases): never committed.\n*\n"


def ignore_in_git(data_dir: Path) -> None:
    """Give the data folder a ``.gitignore`` of ``*`` (kept if one is there)."""
    path = Path(data_dir) / ".gitignore"
    if not path.exists():
        path.write_text(GITIGNORE)


def load_or_create(data_dir: Path) -> SandboxCredentials:
    keys = Path(data_dir) / KEYS_DIR
    keys.mkdir(parents=True, exist_ok=True)
    ignore_in_git(Path(data_dir))
    wallet_private = _load_or_make_key(keys, "wallet")
    merchant_private = _load_or_make_key(keys, "sandbox_merchant")
    meta_path = keys / "sandbox_merchant.json"
    if not meta_path.exists():
        _write_private(meta_path, json.dumps({"clientId": new_client_id()}))
    client_id = json.loads(meta_path.read_text())["clientId"]
    return SandboxCredentials(
        client_id=client_id,
        merchant_private_pem=merchant_private,
        merchant_public_pem=public_pem_of(merchant_private),
        wallet_private_pem=wallet_private,
        wallet_public_pem=public_pem_of(wallet_private),
    )
