"""Exact money: integer cents everywhere, Decimal only for parsing and rates.

Rounding is always HALF_UP (a studio expects 0.005 to become 0.01), never
Python's or peewee's default banker's rounding. No float enters a money path.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import ValidationError

MAX_CENTS = 10**11  # a billion dollars: anything bigger is a typing mistake


def parse_money(text: str | int | Decimal, field: str = "amount", allow_negative: bool = False) -> int:
    """Turn what a person typed ("$1,234.5", "12", "-3.99") into cents."""
    if isinstance(text, bool) or isinstance(text, float):
        raise ValidationError(f"The {field} must be typed as an amount such as 12.50.", field)
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        cleaned = str(text).strip().replace(",", "").replace("$", "").replace(" ", "")
        if not cleaned:
            raise ValidationError(f"Enter the {field}.", field)
        negative = cleaned.startswith("(") and cleaned.endswith(")")
        if negative:
            cleaned = "-" + cleaned[1:-1]
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(f"'{text}' is not an amount; type it like 12.50.", field) from None
    if not value.is_finite():
        raise ValidationError(f"'{text}' is not an amount; type it like 12.50.", field)
    # Checked before any arithmetic: '1e999999999' would overflow Decimal's context
    # (copy_abs and comparisons are exact, they never round).
    if value.copy_abs() >= MAX_CENTS // 100:
        raise ValidationError(f"The {field} is too large.", field)
    cents = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents < 0 and not allow_negative:
        raise ValidationError(f"The {field} cannot be negative.", field)
    if abs(cents) >= MAX_CENTS:
        raise ValidationError(f"The {field} is too large.", field)
    return cents


def format_money(cents: int, symbol: str = "$") -> str:
    """12345 -> '$123.45'; -500 -> '-$5.00'."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{symbol}{whole:,}.{part:02d}"


def parse_rate(text: str | Decimal) -> Decimal:
    """A tax rate typed as a percent ("8.25", "8.25%") -> Decimal('0.0825')."""
    cleaned = str(text).strip().rstrip("%").strip()
    try:
        percent = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"'{text}' is not a percentage; type it like 8.25.", "tax_rate") from None
    if not percent.is_finite() or percent < 0 or percent > 100:
        raise ValidationError("The tax rate must be between 0 and 100 percent.", "tax_rate")
    return percent / 100


def round_cents(value: Decimal) -> int:
    """Round a Decimal amount of cents HALF_UP to whole cents."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tax_on(taxable_cents: int, rate: Decimal, included: bool) -> int:
    """Tax in cents on a taxable amount.

    Added tax: taxable * rate. Included tax: the part of the taxable amount
    that is tax, taxable - taxable / (1 + rate).
    """
    if included:
        return round_cents(Decimal(taxable_cents) - Decimal(taxable_cents) / (1 + rate))
    return round_cents(Decimal(taxable_cents) * rate)
