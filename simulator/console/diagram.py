"""One journey as a sequence diagram: lanes, and one row per event (an arrow between two
lanes, a loop on one lane, or a note), numbered by step, with its time offset.

The console page draws these rows as they are and ``tradepay-sim trace`` prints them:
both read the same model, so the picture and the terminal never disagree."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..core.clock import parse_iso
from ..core.steps import LANES, STEPS

LANE_LABELS = {
    "user": "User",
    "mini program": "Mini program",
    "merchant server": "Merchant server",
    "wallet server": "Wallet server",
    "wallet app": "Wallet app",
}
# Where an event lands when its actor is not one of the lanes (a note from an app).
APP_LANES = {"miniprogram": "mini program", "merchant": "merchant server", "wallet": "wallet server"}
ORDERS = ("step", "time")


def lanes() -> list[dict[str, str]]:
    return [{"id": lane, "label": LANE_LABELS[lane]} for lane in LANES]


def format_offset(ms: float | None) -> str:
    """``+0 ms``, ``+312 ms``, ``+1.24 s``, ``+2 min 05 s``, ``+3 h 07 min``."""
    if ms is None:
        return ""
    sign = "-" if ms < 0 else "+"
    ms = abs(ms)
    if ms < 1000:
        return f"{sign}{ms:.0f} ms"
    if ms < 60_000:
        return f"{sign}{ms / 1000:.2f} s"
    seconds = int(ms // 1000)
    if seconds < 3600:
        return f"{sign}{seconds // 60} min {seconds % 60:02d} s"
    return f"{sign}{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def _lane_of(event: dict) -> str:
    actor = event.get("actor")
    return actor if actor in LANES else APP_LANES.get(event.get("app") or "", LANES[0])


def _http_label(http: dict) -> str:
    parts = urlsplit(http.get("url") or "")
    label = f"{http.get('method', '')} {parts.path or http.get('url', '')}".strip()
    if http.get("status") is not None:
        label += f" → {http['status']}"
    elif http.get("error"):
        label += " → no answer"
    if http.get("elapsedMs") is not None:
        label += f" · {http['elapsedMs']:.0f} ms"
    return label


def _row(event: dict, start: datetime | None) -> dict[str, Any]:
    step = event.get("step") if event.get("step") in STEPS else None
    kind = event.get("kind") or "step"
    if step and kind != "note":
        source, target = STEPS[step].source, STEPS[step].target
    else:
        source = target = _lane_of(event)
    shape = "note" if kind == "note" else ("self" if source == target else "arrow")
    offset = (parse_iso(event["at"]) - start).total_seconds() * 1000 if start and event.get("at") else None
    http = event.get("http")
    return {
        "key": f"{event.get('app')}:{event.get('id')}",
        "step": step,
        "kind": kind,
        "shape": shape,
        "source": LANES.index(source),
        "target": LANES.index(target),
        "sourceLabel": LANE_LABELS[source],
        "targetLabel": LANE_LABELS[target],
        "title": STEPS[step].title if step else (event.get("summary") or ""),
        "summary": event.get("summary") or "",
        "actor": event.get("actor"),
        "app": event.get("app"),
        "at": event.get("at"),
        "offsetMs": round(offset, 3) if offset is not None else None,
        "offset": format_offset(offset),
        "httpLabel": _http_label(http) if http else None,
        "http": http,
        "details": event.get("details"),
        "ids": {k: event.get(k) for k in ("orderId", "paymentRequestId", "paymentId") if event.get(k)},
        "count": 1,
        "apps": [event.get("app")] if event.get("app") else [],
        "lastOffset": format_offset(offset),
    }


def _fold_key(row: dict) -> tuple | None:
    """What makes two rows the same poll: a note or fault about the same call with the same
    answer. The app is left out, so the caller's and the wallet's record of one
    ``inquiryPayment`` fold together; a plain step or a retry never folds."""
    http = row.get("http")
    if row["kind"] not in ("note", "fault") or not http:
        return None
    return (row["kind"], row["summary"], http.get("method"), urlsplit(http.get("url") or "").path, http.get("status"))


def fold(rows: list[dict]) -> list[dict]:
    """Repeated polls as one row with a count. A run is the rows between two rows that
    cannot fold (a step, a retry, a pending step); inside it a row like one already
    shown adds to that row's count (counted by the app that recorded the row first, so
    one call recorded by both sides counts once). After a repeat, a new kind of row
    starts a new run: what happened after the polling is not folded back before it."""
    out: list[dict] = []
    run: dict[tuple, dict] = {}
    repeated = False
    for row in rows:
        key = _fold_key(row)
        if key is None:
            run, repeated = {}, False
            out.append(row)
            continue
        first = run.get(key)
        if first is None:
            if repeated:
                run, repeated = {}, False
            run[key] = row = {**row}
            out.append(row)
            continue
        repeated = True
        app = row.get("app")
        if first["apps"] and app == first["apps"][0]:
            first["count"] += 1
        elif app and app not in first["apps"]:
            first["apps"] = [*first["apps"], app]
        if row["offsetMs"] is not None and (first["offsetMs"] is None or row["offsetMs"] >= first["offsetMs"]):
            first["lastOffset"] = row["offset"]
    return out


def _pending(step: int) -> dict[str, Any]:
    s = STEPS[step]
    return {
        "key": f"pending:{step}",
        "step": step,
        "kind": "pending",
        "shape": "self" if s.source == s.target else "arrow",
        "source": LANES.index(s.source),
        "target": LANES.index(s.target),
        "sourceLabel": LANE_LABELS[s.source],
        "targetLabel": LANE_LABELS[s.target],
        "title": s.title,
        "summary": "not recorded yet",
        "actor": s.actor,
        "app": None,
        "at": None,
        "offsetMs": None,
        "offset": "",
        "httpLabel": None,
        "http": None,
        "details": None,
        "ids": {},
        "count": 1,
        "apps": [],
        "lastOffset": "",
    }


def build(events: list[dict], order: str = "step") -> dict[str, Any]:
    """The diagram of one journey's events. ``order="step"`` follows the SPEC's numbering
    (an unnumbered note sits after the step that preceded it in time); ``"time"`` is what
    happened when (19 often comes before 18). Steps not recorded yet are ``pending`` rows."""
    if order not in ORDERS:
        raise ValueError(f"order is one of {ORDERS}")
    timed = sorted(events, key=lambda e: (e.get("at") or "", e.get("step") or 0))
    start = parse_iso(timed[0]["at"]) if timed and timed[0].get("at") else None
    rows, anchor = [], 0
    for position, event in enumerate(timed):
        row = _row(event, start)
        anchor = row["step"] or anchor
        # In step order a step's notes follow its arrows (the merchant notes "PAID" before
        # it answers the notification that made it so).
        rank = (anchor, row["kind"] == "note") if order == "step" else (0, False)
        rows.append((rank, position, row))
    recorded = {r["step"] for _, _, r in rows if r["step"]}
    for step in STEPS:
        if step not in recorded:
            rows.append((((step if order == "step" else 99), False), -1, _pending(step)))
    rows.sort(key=lambda item: (item[0], item[1]))
    ordered = fold([row for _, _, row in rows])
    last = max((r["offsetMs"] for r in ordered if r["offsetMs"] is not None), default=None)
    return {
        "order": order,
        "lanes": lanes(),
        "rows": ordered,
        "startedAt": timed[0]["at"] if timed else None,
        "durationMs": last,
        "duration": format_offset(last).lstrip("+") if last is not None else "",
        "pendingSteps": sorted(set(STEPS) - recorded),
    }
