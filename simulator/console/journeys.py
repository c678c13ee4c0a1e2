"""One line per journey for the console's list: status, amount, outcome, progress.

Plain Python over the merged events (and, when the merchant answers, its orders): the
page only renders what this decides, including the tone (colour) of each badge."""

from __future__ import annotations

from typing import Any

from ..core.steps import STEPS

# What the mini program is told (my.tradePay's resultCode), in a reader's words.
RESULT_CODES = {
    "9000": ("Paid", "ok"),
    "8000": ("Processing", "warn"),
    "4000": ("Payment failed", "bad"),
    "6001": ("Cancelled by the user", "muted"),
    "6002": ("Network error", "bad"),
    "6004": ("Result unknown", "warn"),
}

# The merchant's order status, as a badge tone.
STATUS_TONES = {
    "PAID": "ok",
    "REFUNDED": "muted",
    "CREATED": "info",
    "PAYING": "info",
    "FAILED": "bad",
    "CANCELLED": "muted",
    "CLOSED": "muted",
}


def outcome(result_code: str | None) -> dict[str, Any] | None:
    """``{"code", "label", "tone"}`` for a resultCode, or None before step 18."""
    if not result_code:
        return None
    label, tone = RESULT_CODES.get(result_code, (f"resultCode {result_code}", "muted"))
    return {"code": result_code, "label": label, "tone": tone}


def status_badge(status: str | None) -> dict[str, str] | None:
    if not status:
        return None
    return {"label": status, "tone": STATUS_TONES.get(status, "muted")}


def _status_from_events(events: list[dict]) -> str | None:
    """The merchant's last recorded order transition ("order X PAID (from ...)")."""
    status = None
    for e in events:
        summary = e.get("summary") or ""
        if e.get("app") == "merchant" and e.get("kind") == "note" and " (from " in summary:
            status = summary.split(" ")[2]
    return status


def _amount_from_events(events: list[dict]) -> str | None:
    return next(
        (
            e["summary"].split(": ", 1)[-1]
            for e in events
            if e.get("step") == 3 and e.get("app") == "merchant" and ": " in (e.get("summary") or "")
        ),
        None,
    )


def summarize(order_id: str, events: list[dict], order: dict | None = None) -> dict[str, Any]:
    """The journey's summary; ``order`` is the merchant's view of it when it answered."""
    events = sorted(events, key=lambda e: e.get("at") or "")
    recorded = sorted({e["step"] for e in events if e.get("step") in STEPS})
    result_code = next(
        (
            str((e.get("details") or {}).get("resultCode"))
            for e in reversed(events)
            if e.get("step") == 18 and (e.get("details") or {}).get("resultCode")
        ),
        None,
    )
    status = (order or {}).get("status") or _status_from_events(events)
    ids = {key: next((e[key] for e in events if e.get(key)), None) for key in ("paymentRequestId", "paymentId")}
    # The wallet API profile the journey's calls spoke, as the wallet journaled them.
    profile = next(
        (
            (e.get("details") or {}).get("apiProfile")
            for e in events
            if e.get("app") == "wallet" and (e.get("details") or {}).get("apiProfile")
        ),
        None,
    )
    return {
        "orderId": order_id,
        **ids,
        "apiProfile": profile,
        "startedAt": events[0]["at"] if events else None,
        "lastAt": events[-1]["at"] if events else None,
        "steps": recorded,
        "stepCount": len(recorded),
        "complete": recorded == list(STEPS),
        "amount": (order or {}).get("amountDisplay") or _amount_from_events(events),
        "status": status,
        "statusBadge": status_badge(status),
        "resultCode": result_code,
        "outcome": outcome(result_code),
        "retries": sum(1 for e in events if e.get("kind") == "retry"),
        "faults": sum(1 for e in events if e.get("kind") == "fault"),
        "events": len(events),
    }


def journeys(events: list[dict], orders: dict[str, dict] | None = None) -> list[dict[str, Any]]:
    """One summary per order, newest first. ``events`` must already be linked to orders."""
    grouped: dict[str, list[dict]] = {}
    for e in events:
        if e.get("orderId"):
            grouped.setdefault(e["orderId"], []).append(e)
    out = [summarize(order_id, evs, (orders or {}).get(order_id)) for order_id, evs in grouped.items()]
    out.sort(key=lambda j: j["startedAt"] or "", reverse=True)
    return out
