"""What the mini program container needs: where the merchant and the wallet are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class MiniprogramConfig:
    data_dir: Path
    public_url: str
    merchant_url: str
    wallet_url: str
    # The platform's server-domain allow-list for my.request, as origins. The merchant
    # server is always on it.
    allowed_origins: tuple[str, ...] = field(default=())
    miniprogram_dir: Path | None = None
    cashier_ready_timeout_ms: int = 10000

    @property
    def db_path(self) -> Path:
        return Path(self.data_dir) / "miniprogram.sqlite3"

    def request_allow_list(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((origin_of(self.merchant_url), *self.allowed_origins)))

    def shim_config(self) -> dict:
        return {
            "merchantUrl": self.merchant_url,
            "walletUrl": self.wallet_url,
            "walletOrigins": [origin_of(self.wallet_url)],
            "allowedOrigins": list(self.request_allow_list()),
            "cashierReadyTimeoutMs": self.cashier_ready_timeout_ms,
        }
