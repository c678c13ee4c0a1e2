"""The conformance run's config (``merchant-check.json``): how to drive the user's own
merchant server in plain HTTP terms, read and checked once, with errors a person can act
on. The format is documented in docs/check-merchant.md."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Placeholders a template may use; each scenario fills them in.
PLACEHOLDERS = ("orderId", "paymentId", "paymentRequestId", "resultCode", "unique")


class ConfigError(ValueError):
    """The config cannot drive a run; the message names the field and what it needs."""


@dataclass(frozen=True)
class Call:
    """One HTTP request to the merchant: method, URL template, optional JSON body template."""

    method: str
    url: str
    body: Any = None

    def render(self, values: dict[str, str]) -> tuple[str, str, Any]:
        return self.method, fill(self.url, values), fill(self.body, values) if self.body is not None else None


@dataclass(frozen=True)
class CheckConfig:
    create_order: Call
    order_id_path: str
    payment_url_path: str | None
    payment_id_path: str | None
    order_status: Call
    status_path: str
    paid: frozenset[str]
    pending: frozenset[str]
    failed: frozenset[str]
    retry_pay: Call | None = None
    fulfilment_path: str | None = None
    client_id: str | None = None
    wallet_url: str | None = None
    console_url: str | None = None
    time_scale: float | None = None
    # Domain seconds (divided by the time scale): how long a notification's effect may
    # take to show, and how long an order whose notification was lost may stay unpaid.
    settle_seconds: float = 10.0
    inquiry_seconds: float = 60.0
    account: str = "buyer@sandbox.test"
    password: str = "111111"
    scenarios: tuple[str, ...] | None = None
    source: str = field(default="", compare=False)

    def verdict_of(self, status: str | None) -> str:
        """``paid``, ``pending``, ``failed`` or ``unknown`` for a status value."""
        if status in self.paid:
            return "paid"
        if status in self.pending:
            return "pending"
        if status in self.failed:
            return "failed"
        return "unknown"


def fill(template: Any, values: dict[str, str]) -> Any:
    """The template with each ``{name}`` replaced (in every string of a JSON body)."""
    if isinstance(template, str):
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    return template


def unique() -> str:
    return uuid.uuid4().hex[:16]


_MISSING = object()


def dig(body: Any, path: str) -> Any:
    """The value at a dotted path (``data.order.id``, ``items.0.id``), or None."""
    value = body
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _require(section: dict, key: str, where: str, kind: type | tuple[type, ...] = str) -> Any:
    value = section.get(key, _MISSING)
    if value is _MISSING:
        raise ConfigError(f"{where}.{key} is required")
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}.{key} must be a non-empty {name}")
    return value


def _call(section: Any, where: str, placeholders: tuple[str, ...]) -> Call:
    if not isinstance(section, dict):
        raise ConfigError(f"{where} must be an object with method, url and (optionally) body")
    method = str(section.get("method", "GET" if where == "orderStatus" else "POST")).upper()
    if method not in ("GET", "POST", "PUT", "PATCH"):
        raise ConfigError(f"{where}.method must be GET, POST, PUT or PATCH")
    url = _require(section, "url", where)
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}.url must be an http(s) URL, not {url[:60]!r}")
    for name in PLACEHOLDER.findall(json.dumps([url, section.get("body")])):
        if name not in placeholders:
            raise ConfigError(f"{where} uses {{{name}}}; it may use {', '.join('{' + p + '}' for p in placeholders)}")
    return Call(method, url, section.get("body"))


def _statuses(section: dict, key: str) -> frozenset[str]:
    values = section.get(key, [])
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"orderStatus.{key} must be a list of status values")
    return frozenset(values)


def _seconds(section: dict, key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 86_400:
        raise ConfigError(f"limits.{key} must be a number of seconds between 0 and 86400")
    return float(value)


def parse(raw: Any, source: str = "") -> CheckConfig:
    """The config from its JSON; raises ConfigError naming the field."""
    if not isinstance(raw, dict):
        raise ConfigError("the config must be a JSON object")
    create = raw.get("createOrder")
    create_call = _call(create, "createOrder", ("unique",))
    assert isinstance(create, dict)
    order_id_path = _require(create, "orderIdPath", "createOrder")
    url_path, id_path = create.get("paymentUrlPath"), create.get("paymentIdPath")
    if not url_path and not id_path:
        raise ConfigError("createOrder needs paymentUrlPath (where the reply holds the paymentUrl) or paymentIdPath")
    status = raw.get("orderStatus")
    status_call = _call(status, "orderStatus", ("orderId", "paymentId", "paymentRequestId", "resultCode"))
    assert isinstance(status, dict)
    status_path = _require(status, "statusPath", "orderStatus")
    paid, pending, failed = (_statuses(status, k) for k in ("paid", "pending", "failed"))
    if not paid:
        raise ConfigError('orderStatus.paid must name at least one status value (e.g. ["PAID"])')
    if paid & (pending | failed) or pending & failed:
        raise ConfigError("orderStatus.paid, pending and failed must not share a value")
    retry = raw.get("retryPay")
    limits = raw.get("limits", {})
    if not isinstance(limits, dict):
        raise ConfigError("limits must be an object")
    time_scale = raw.get("timeScale")
    if time_scale is not None and (
        isinstance(time_scale, bool) or not isinstance(time_scale, (int, float)) or time_scale <= 0
    ):
        raise ConfigError("timeScale must be a positive number")
    scenarios = raw.get("scenarios")
    if scenarios is not None and (not isinstance(scenarios, list) or not all(isinstance(s, str) for s in scenarios)):
        raise ConfigError("scenarios must be a list of scenario names")
    buyer = raw.get("buyer", {})
    if not isinstance(buyer, dict):
        raise ConfigError("buyer must be an object with account and password")
    client_id = raw.get("clientId")
    if client_id is not None and not isinstance(client_id, str):
        raise ConfigError("clientId must be a string")
    for key in ("walletUrl", "consoleUrl"):
        if raw.get(key) is not None and not str(raw[key]).startswith(("http://", "https://")):
            raise ConfigError(f"{key} must be an http(s) URL")
    return CheckConfig(
        create_order=create_call,
        order_id_path=order_id_path,
        payment_url_path=url_path or None,
        payment_id_path=id_path or None,
        order_status=status_call,
        status_path=status_path,
        paid=paid,
        pending=pending,
        failed=failed,
        retry_pay=_call(retry, "retryPay", ("orderId", "paymentRequestId", "unique")) if retry is not None else None,
        fulfilment_path=status.get("fulfilmentCountPath") or None,
        client_id=client_id,
        wallet_url=(raw.get("walletUrl") or "").rstrip("/") or None,
        console_url=(raw.get("consoleUrl") or "").rstrip("/") or None,
        time_scale=float(time_scale) if time_scale is not None else None,
        settle_seconds=_seconds(limits, "settleSeconds", 10.0),
        inquiry_seconds=_seconds(limits, "inquirySeconds", 60.0),
        account=str(buyer.get("account", "buyer@sandbox.test")),
        password=str(buyer.get("password", "111111")),
        scenarios=tuple(scenarios) if scenarios is not None else None,
        source=source,
    )


def load(path: str | Path) -> CheckConfig:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no config file at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}") from None
    except ValueError as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}") from None
    return parse(raw, str(path))
