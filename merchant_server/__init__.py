"""tradepay-sim: the merchant app. ``create_app(MerchantConfig(...))`` builds it; ``python -m merchant_server`` runs it alone."""

from .app import create_app
from .config import MerchantConfig

__all__ = ["MerchantConfig", "create_app"]
