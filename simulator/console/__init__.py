"""The console: the journeys, gathered over HTTP from each app's ``/_sim/events``."""

from .app import ConsoleConfig, create_app

__all__ = ["ConsoleConfig", "create_app"]
