"""tradepay-sim: the wallet app. ``create_app(WalletConfig(...))`` builds it; ``python -m wallet_mock`` runs it alone."""

from .app import create_app
from .config import WalletConfig

__all__ = ["WalletConfig", "create_app"]
