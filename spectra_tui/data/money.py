"""Exact money: integer cents everywhere, Decimal only for parsing and rates.

Amounts are read strictly, in the studio's locale (Babel's number rules):
digits 0-9, the locale's grouping where it belongs, at most two decimals
(refused, never rounded), no exponent. Rounding of computed amounts (tax)
is always HALF_UP (a studio expects 0.005 to become 0.01), never Python's
or peewee's default banker's rounding. No float enters a money path.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol, parse_decimal

from .errors import ValidationError

MAX_CENTS = 10**11  # a billion dollars: anything bigger is a typing mistake
DEFAULT_LOCALE = "en_US"
CENT = Decimal("0.01")


def studio_locale() -> str:
    """The locale amounts are typed in (the "locale" setting)."""
    from . import settings  # settings reads the database; money's pure helpers do not

    return str(settings.get("locale"))


def check_locale(name: str) -> str:
    """A locale name Babel knows ("en_US", "de_DE"), or a ValidationError."""
    try:
        return str(Locale.parse(str(name).strip().replace("-", "_")))
    except (ValueError, TypeError, UnknownLocaleError):
        raise ValidationError(f"'{name}' is not a locale: use a name such as en_US or de_DE.", "locale") from None


def _pattern(locale: str) -> str:
    """The locale's own grouping, with exactly two decimals ("#,##0.00")."""
    pattern = Locale.parse(locale).decimal_formats[None].pattern
    return pattern.split(";")[0].split(".")[0] + ".00"


def typed_amount(cents: int, locale: str | None = None) -> str:
    """How an amount is typed in the studio's locale, without a symbol: 125050 -> '1,250.50'."""
    locale = locale or studio_locale()
    return format_decimal(Decimal(int(cents)).scaleb(-2), format=_pattern(locale), locale=locale)


def _read_typed(text: str, field: str, locale: str) -> Decimal:
    """What a person typed ("$1,234.50", "(3.99)") as a Decimal, strictly in ``locale``."""
    cleaned = text.strip().replace("$", "").strip()
    if not cleaned:
        raise ValidationError(f"Enter the {field}.", field)
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = "-" + cleaned[1:-1].strip()
    group, point = get_group_symbol(locale), get_decimal_symbol(locale)
    if group.isspace():  # a narrow or no-break space: people type a plain one
        cleaned = cleaned.replace(" ", group).replace("\xa0", group)
    digits = cleaned.removeprefix("-")
    like = typed_amount(123450, locale)
    if any(ch.isdigit() and not ch.isascii() for ch in digits):
        raise ValidationError(f"'{text}' is not an amount: type it with the digits 0-9, like {like}.", field)
    if not digits or any(not (ch.isdigit() or ch in (group, point)) for ch in digits):
        raise ValidationError(f"'{text}' is not an amount; type it like {like}.", field)
    try:
        value = parse_decimal(cleaned, locale=locale, strict=True)
    except NumberFormatError:
        raise ValidationError(
            f"'{text}' is not an amount: '{group}' separates thousands and '{point}' comes before the cents, "
            f"like {like}.",
            field,
        ) from None
    if point in digits and len(digits.split(point, 1)[1]) > 2:
        raise ValidationError(f"'{text}' has more than two decimals: type the {field} to the cent, like {like}.", field)
    return value


def parse_money(
    text: str | int | Decimal, field: str = "amount", allow_negative: bool = False, locale: str | None = None
) -> int:
    """Turn what a person typed ("$1,234.5", "12", "-3.99") into cents; ``locale``: the studio's by default."""
    if isinstance(text, bool) or isinstance(text, float):
        raise ValidationError(f"The {field} must be typed as an amount such as 12.50.", field)
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        value = _read_typed(str(text), field, locale or studio_locale())
    if not value.is_finite():
        raise ValidationError(f"'{text}' is not an amount; type it like 12.50.", field)
    # Checked before any arithmetic: '1e999999999' would overflow Decimal's context
    # (copy_abs and comparisons are exact, they never round).
    if value.copy_abs() >= MAX_CENTS // 100:
        raise ValidationError(f"The {field} is too large.", field)
    if value != value.quantize(CENT):
        raise ValidationError(f"'{text}' has more than two decimals: give the {field} to the cent.", field)
    cents = int(value.scaleb(2))
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


def decimal_text(cents: int) -> str:
    """An amount as exact decimal text for a file: 123450 -> '1234.50'; -500 -> '-5.00'."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{part:02d}"


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
