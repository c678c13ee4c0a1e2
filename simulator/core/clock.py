"""Simulated time. Domain times (payment creation, expiry, notification schedule) come
from ``Clock.now()``: the real UTC time plus an offset that tests can advance. Waits are
divided by the time scale, so ``--time-scale 60`` turns Antom's 2-minute retry into 2 s.

Signature freshness (Request-Time) is always checked against the real clock: advancing
the simulated clock must not make real clients' requests look stale.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, time_scale: float = 1.0, offset_seconds: float = 0.0):
        if time_scale <= 0:
            raise ValueError("time scale must be positive")
        self.time_scale = float(time_scale)
        self.offset_seconds = float(offset_seconds)

    def now(self) -> datetime:
        if not self.offset_seconds:
            return datetime.now(UTC)
        return datetime.now(UTC) + timedelta(seconds=self.offset_seconds)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset_seconds += seconds

    def scaled(self, seconds: float) -> float:
        """A domain duration (e.g. a retry interval) as a wait on this clock."""
        return seconds / self.time_scale

    def later(self, seconds: float) -> datetime:
        """The moment a scaled wait of ``seconds`` from now ends."""
        return self.now() + timedelta(seconds=self.scaled(seconds))


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, as Alipay+ writes times (``2026-11-25T21:40:32+00:00``)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def iso_precise(moment: datetime) -> str:
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def parse_iso(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("time must carry an offset")
    return moment
