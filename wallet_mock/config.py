"""What the wallet needs to know to run: where it lives, its key, the sandbox merchant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from simulator.core import api_paths
from simulator.core.access import Access

# Requests whose Request-Time is further than this from the wallet's clock are refused
# (INVALID_SIGNATURE): a captured request cannot be replayed later.
REQUEST_TIME_WINDOW = timedelta(minutes=5)


@dataclass
class WalletConfig:
    data_dir: Path
    public_url: str
    wallet_private_pem: str
    sandbox_client_id: str
    sandbox_merchant_public_pem: str
    # Handed out by GET /_sim/credentials, as a sandbox dashboard hands out generated keys.
    sandbox_merchant_private_pem: str
    sandbox_merchant_name: str = "Sandbox Coffee Shop"
    sandbox_notify_url: str | None = None
    # The wallet API the sandbox merchant speaks (operations.PROFILES; --wallet-api).
    sandbox_api_profile: str = "alipayplus"
    # Origins of mini program containers allowed to frame the cashier and receive its result.
    container_origins: tuple[str, ...] = ()
    # Every origin the wallet itself is reached at (``public_url``'s first): the cashier's
    # own pages post from any of them (simulator.core.origins).
    origins: tuple[str, ...] = ()
    time_scale: float = 1.0
    # RSA signatures in a signer process of their own (simulator.core.signer), off the loop.
    signer_process: bool = False
    request_time_window: timedelta = field(default=REQUEST_TIME_WINDOW)
    # Which hosts, origins and callers it accepts (simulator.core.access); loopback by default.
    access: Access = field(default_factory=Access)

    @property
    def own_origins(self) -> tuple[str, ...]:
        return (self.public_url, *self.origins)

    @property
    def db_path(self) -> Path:
        return Path(self.data_dir) / "wallet.sqlite3"

    @property
    def api_base_url(self) -> str:
        """Where a merchant sends its signed calls (the Alipay+ paths)."""
        return self.public_url + api_paths.ALIPAYPLUS

    def api_base_url_of(self, profile: str) -> str:
        """Where a merchant of ``profile`` sends its signed calls."""
        return self.public_url + api_paths.BASE_PATH[profile]

    def payment_url(self, token: str) -> str:
        return f"{self.public_url}/cashier/{token}"
