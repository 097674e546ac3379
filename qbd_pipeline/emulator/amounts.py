"""Amounts as QuickBooks writes them: money to the cent, prices and rates to five places."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def price(value: Decimal) -> str:
    """Prices and rates keep up to 5 decimal places (QuickBooks' PRICETYPE), and at least 2."""
    value = value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP).normalize()
    return f"{value:.{max(2, -value.as_tuple().exponent)}f}"


def to_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
