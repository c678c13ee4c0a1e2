"""tradepay-sim: the miniprogram app. ``create_app(MiniprogramConfig(...))`` builds it; ``python -m miniprogram_mock`` runs it alone."""

from .app import create_app
from .config import MiniprogramConfig

__all__ = ["MiniprogramConfig", "create_app"]
