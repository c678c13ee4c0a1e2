"""The console: the journeys, gathered over HTTP from each app's ``/_sim/events``.

The app is imported on first use (``from simulator.console import create_app``): the
command line reads ``diagram`` to build its parser, and must not import aiohttp for it."""

__all__ = ["ConsoleConfig", "create_app"]


def __getattr__(name: str):
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
