"""What a running simulator prints: one line per HTTP request an app answers and one per
step it records, readable by default or one JSON object per line (``--log-format json``).

Nothing is configured unless the command line asks (``configure``), so in tests the
lines are not even formatted. Lines carry method, path, status and timing, and a step's
ids and summary, never headers or bodies: secrets (keys, payment passwords, CSRF tokens)
travel only there. Query values with secret-looking names are masked all the same.
The request lines are written by ``simulator.core.web.AccessLogger``: this module imports no
aiohttp, so that a start can configure it before the apps are imported.
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Any

ROOT = "tradepay_sim"
FORMATS = ("text", "json")
LEVELS = ("debug", "info", "warning", "error")
# Polled constantly (the console reads every journal five times a second; the runner
# waits for health): one line each would drown the journey, so they are debug lines.
HOUSEKEEPING = ("/_sim/health", "/_sim/events")

_handler: logging.Handler | None = None
_step_loggers: dict[str, logging.Logger] = {}


def request_logger(app: str) -> logging.Logger:
    """The logger of the requests one app answers (``tradepay_sim.requests.wallet``)."""
    return logging.getLogger(f"{ROOT}.requests.{app}")


def _step_logger(app: str) -> logging.Logger:
    logger = _step_loggers.get(app)
    if logger is None:
        logger = _step_loggers[app] = logging.getLogger(f"{ROOT}.steps.{app}")
    return logger


def step_recorded(event: dict[str, Any]) -> None:
    """Log one journal event (called by ``Journal.record``; the event is already redacted)."""
    logger = _step_logger(event["app"])
    if not logger.isEnabledFor(logging.INFO):
        return
    kind, step = event["kind"], event["step"]
    head = f"{kind} {step}" if step else kind
    title = f"{event['title']}: " if event.get("title") else ""
    # The order id names the journey; a wallet event may know only the payment.
    ids = (
        f"orderId={event['orderId']}"
        if event.get("orderId")
        else (f"paymentId={event['paymentId']}" if event.get("paymentId") else "")
    )
    extra = {
        "event": "step",
        **{
            k: event.get(k)
            for k in ("app", "step", "kind", "actor", "orderId", "paymentRequestId", "paymentId", "title", "summary")
        },
    }
    http = event.get("http")
    if http and http.get("status") is not None:
        extra["httpStatus"] = http["status"]
    logger.info("%s %s%s%s", head, title, event["summary"], f"  [{ids}]" if ids else "", extra=extra)


class TextFormatter(logging.Formatter):
    """``12:00:01.234 wallet       POST /aps/api/v1/payments/pay 200 3.1 ms``; other
    records (warnings, errors) say their level and logger."""

    def __init__(self) -> None:
        super().__init__(datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        stamp = f"{self.formatTime(record, self.datefmt)}.{int(record.msecs):03d}"
        app = getattr(record, "app", None)
        if app and record.levelno < logging.WARNING:
            return f"{stamp} {app:<12} {record.getMessage()}"
        line = f"{stamp} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _json_formatter() -> logging.Formatter:
    # Imported here: it is slow to import, and only --log-format json needs it
    # (docs/decisions/startup-order.md).
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "{levelname}{name}{message}",
        style="{",
        timestamp="at",
        rename_fields={"levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )


def configure(fmt: str = "text", level: str = "info", stream: IO[str] | None = None) -> logging.Handler:
    """Send the simulator's lines (and everyone's warnings) to ``stream`` (stderr by
    default) in ``fmt``. Calling it again replaces the previous set-up."""
    global _handler
    if fmt not in FORMATS:
        raise ValueError(f"log format is one of {', '.join(FORMATS)}")
    if level.lower() not in LEVELS:
        raise ValueError(f"log level is one of {', '.join(LEVELS)}")
    unconfigure()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_json_formatter() if fmt == "json" else TextFormatter())
    numeric = getattr(logging, level.upper())
    root = logging.getLogger()
    root.addHandler(handler)
    # Other libraries speak up from warnings on (aiosqlite's debug lines are per query).
    root.setLevel(max(numeric, logging.WARNING))
    logging.getLogger(ROOT).setLevel(numeric)
    _handler = handler
    return handler


def unconfigure() -> None:
    """Undo ``configure`` (tests that capture the lines call it afterwards)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        logging.getLogger(ROOT).setLevel(logging.NOTSET)
        _handler = None
