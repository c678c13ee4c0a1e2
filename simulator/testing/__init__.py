"""Helpers for tests that drive the simulator: ``TradepaySim`` (a simulator running in
the background, with helpers; the pytest plugin's ``tradepay_sim``), ``running_sim`` (the
apps in the current event loop), ``api_journey``, Playwright moves (``pages``) and
finding a browser (``browser``)."""

from .client import SimCallError, TradepaySim

__all__ = ["SimCallError", "TradepaySim"]
