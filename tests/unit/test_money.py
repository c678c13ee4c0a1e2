import pytest

from simulator.core.money import Money, MoneyError, parse_major


def test_parses_wire_strings_exactly():
    assert Money.from_wire({"currency": "USD", "value": "1099"}) == Money(1099, "USD")


@pytest.mark.parametrize("value", ["10.99", "-1", "1e3", " 12", "", "0x10", "1" * 17, 10.5, True, None, [1]])
def test_refuses_anything_but_minor_unit_integers(value):
    with pytest.raises(MoneyError) as err:
        Money.from_wire({"currency": "USD", "value": value})
    assert err.value.code == "PARAM_ILLEGAL"


def test_zero_is_refused_unless_allowed():
    with pytest.raises(MoneyError):
        Money.from_wire({"currency": "USD", "value": "0"})
    assert Money.from_wire({"currency": "USD", "value": "0"}, allow_zero=True).value == 0


def test_unknown_currency_is_currency_not_support():
    with pytest.raises(MoneyError) as err:
        Money.from_wire({"currency": "XYZ", "value": "100"})
    assert err.value.code == "CURRENCY_NOT_SUPPORT"


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(1099, "USD"), "USD 10.99"),
        (Money(5, "USD"), "USD 0.05"),
        (Money(1200, "JPY"), "JPY 1,200"),
        (Money(1250, "BHD"), "BHD 1.250"),
        (Money(123456789, "KWD"), "KWD 123,456.789"),
    ],
)
def test_display_uses_the_currency_exponent(money, text):
    assert money.format_display() == text


def test_arithmetic_stays_integer_and_refuses_mixed_currencies():
    total = Money(450, "USD") * 3 + Money(1, "USD")
    assert total == Money(1351, "USD") and isinstance(total.value, int)
    with pytest.raises(ValueError):
        Money(1, "USD") + Money(1, "EUR")
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]


def test_parse_major_is_exact():
    assert parse_major("19.99", "USD") == Money(1999, "USD")
    assert parse_major("1.005", "KWD") == Money(1005, "KWD")
    with pytest.raises(ValueError):
        parse_major("1.005", "USD")
