"""What the reference merchant server needs: where it and the wallet live, its client id
and private key, the wallet's public key."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.core import api_paths
from simulator.core.access import Access


@dataclass
class MerchantConfig:
    data_dir: Path
    public_url: str
    wallet_url: str
    client_id: str
    private_pem: str
    wallet_public_pem: str
    merchant_name: str = "Sandbox Coffee Shop"
    # Without a notification for this long, a PAYING order is checked with inquiryPayment.
    inquiry_after_seconds: float = 10.0
    wallet_timeout_seconds: float = 10.0
    time_scale: float = 1.0
    # The wallet API it speaks (merchant_server/wallet_apis.py; --merchant-api).
    api_profile: str = api_paths.PROFILES[0]
    # Which hosts, origins and callers it accepts (simulator.core.access); loopback by default.
    access: Access = field(default_factory=Access)

    @property
    def db_path(self) -> Path:
        return Path(self.data_dir) / "merchant.sqlite3"

    @property
    def notify_url(self) -> str:
        return f"{self.public_url}/api/notify/payment"
