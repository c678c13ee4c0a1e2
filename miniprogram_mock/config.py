"""What the mini program container needs: where the merchant and the wallet are, and
where a developer's own mini program pages are, if any."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.core.access import Access

from .domains import origin_of


@dataclass
class MiniprogramConfig:
    data_dir: Path
    public_url: str
    merchant_url: str
    wallet_url: str
    # Every origin this container and the wallet are reached at (simulator.core.origins):
    # the wallet's cashier opens inside the first ones only and only from the second.
    origins: tuple[str, ...] = ()
    wallet_origins: tuple[str, ...] = ()
    # More origins for the server-domain allow-list of my.request (the merchant server
    # is always on it). A developer's folder and PUT /_sim/request-domains add more.
    allowed_origins: tuple[str, ...] = field(default=())
    # Production domains a project hard-codes, each routed to a local server and put on
    # the allow-list: {"https://api.shop.example": "http://127.0.0.1:9000"}.
    domain_mappings: dict[str, str] = field(default_factory=dict)
    # A developer's own pages (HTML and JS), served at / with the container around them.
    miniprogram_dir: Path | None = None
    # A cashier that has not said "ready" by then is a lost connection (6002).
    cashier_ready_timeout_ms: int = 10000
    # Which hosts, origins and callers it accepts (simulator.core.access); loopback by default.
    access: Access = field(default_factory=Access)

    @property
    def db_path(self) -> Path:
        return Path(self.data_dir) / "miniprogram.sqlite3"

    def shim_config(self) -> dict:
        """What ``/my.js`` is told about its container (never a secret)."""
        return {
            "walletUrl": self.wallet_url,
            "walletOrigins": list(dict.fromkeys([origin_of(self.wallet_url), *self.wallet_origins])),
            "containerOrigins": list(dict.fromkeys([origin_of(self.public_url), *self.origins])),
            "cashierReadyTimeoutMs": self.cashier_ready_timeout_ms,
        }

    def default_ext(self) -> dict:
        """``my.getExtConfigSync()`` before the developer's ``ext.json`` is merged in."""
        return {"merchantUrl": self.merchant_url, "walletUrl": self.wallet_url}
