"""Money as the Alipay+ wire carries it: an integer of minor units and an ISO 4217 code.

Never a float: amounts are parsed from the wire's strings of digits into ``int`` and
formatted back the same way. Only ``format_display`` turns them into a human string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ISO 4217 minor-unit exponents of the currencies the simulator accepts. Zero-decimal
# (JPY, KRW), two-decimal (most) and three-decimal (BHD, KWD) currencies are all here so
# that integrations get exercised on each shape.
CURRENCY_EXPONENTS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CNY": 2,
    "HKD": 2,
    "SGD": 2,
    "MYR": 2,
    "PHP": 2,
    "THB": 2,
    "IDR": 2,
    "KRW": 0,
    "JPY": 0,
    "BHD": 3,
    "KWD": 3,
}

# Alipay+ caps paymentAmount.value at 16 digits; beyond that, amounts stop being money.
MAX_VALUE_DIGITS = 16
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_VALUE_DIGITS}}}")


class MoneyError(ValueError):
    """An amount that is not valid money. ``code`` is the Alipay+ resultCode it maps to."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units (``value``) of ``currency``."""

    value: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            raise TypeError("Money.value must be an int of minor units")

    @classmethod
    def from_wire(cls, obj: object, field: str = "amount", *, allow_zero: bool = False) -> Money:
        """Parse ``{"currency": "USD", "value": "1099"}``; raise MoneyError otherwise."""
        if not isinstance(obj, dict):
            raise MoneyError("PARAM_ILLEGAL", f"{field} must be an object with currency and value")
        currency = obj.get("currency")
        value = obj.get("value")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            raise MoneyError("PARAM_ILLEGAL", f"{field}.currency must be an ISO 4217 code")
        if currency not in CURRENCY_EXPONENTS:
            raise MoneyError("CURRENCY_NOT_SUPPORT", f"currency {currency} is not supported")
        # The wire sends strings; integers are tolerated (some SDKs send them), floats never.
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise MoneyError("PARAM_ILLEGAL", f"{field}.value must be a string of an integer in minor units")
        text = str(value)
        if not _DIGITS.fullmatch(text):
            raise MoneyError(
                "PARAM_ILLEGAL",
                f"{field}.value must be a non-negative integer of at most {MAX_VALUE_DIGITS} digits "
                f"in the currency's minor unit, got {text[:40]!r}",
            )
        amount = int(text)
        if amount == 0 and not allow_zero:
            raise MoneyError("PARAM_ILLEGAL", f"{field}.value must be greater than 0")
        return cls(amount, currency)

    def to_wire(self) -> dict[str, str]:
        return {"currency": self.currency, "value": str(self.value)}

    @property
    def exponent(self) -> int:
        return CURRENCY_EXPONENTS[self.currency]

    def format_display(self) -> str:
        """``USD 10.99``, ``JPY 1200``, ``BHD 1.250``: for pages, never for arithmetic."""
        exp = self.exponent
        if exp == 0:
            return f"{self.currency} {self.value:,}"
        major, minor = divmod(self.value, 10**exp)
        return f"{self.currency} {major:,}.{minor:0{exp}d}"

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.value + other.value, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.value - other.value, self.currency)

    def __mul__(self, times: int) -> Money:
        if not isinstance(times, int) or isinstance(times, bool):
            raise TypeError("Money can only be multiplied by an int")
        return Money(self.value * times, self.currency)

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise ValueError("cannot mix currencies")


def parse_major(text: str, currency: str) -> Money:
    """Parse a human amount such as ``"10.99"`` into Money, exactly (used for config)."""
    exp = CURRENCY_EXPONENTS[currency]
    m = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?", text.strip())
    if not m or (m.group(2) and len(m.group(2)) > exp):
        raise ValueError(f"{text!r} is not an amount of {currency}")
    minor = (m.group(2) or "").ljust(exp, "0")
    return Money(int(m.group(1)) * 10**exp + (int(minor) if minor else 0), currency)
