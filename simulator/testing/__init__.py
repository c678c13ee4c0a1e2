"""Helpers for tests that drive the simulator: ``TradepaySim`` (a simulator running in
the background, with helpers; the pytest plugin's ``tradepay_sim``), ``running_sim`` (the
apps in the current event loop), ``api_journey``, Playwright moves (``pages``) and
finding a browser (``browser``).

``TradepaySim`` and ``SimCallError`` are imported on first use: the pytest plugin lives in
this package and is loaded by every pytest run of a project that installs us."""

from __future__ import annotations

from typing import Any

__all__ = ["CashierResult", "SimCallError", "TradepaySim"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
