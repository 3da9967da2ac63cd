"""Rule 4: money is exact (integer cents, HALF_UP, never a float); sales tax."""
import ast
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from spectra_tui.data import invoices, settings, users
from spectra_tui.data.errors import DomainError, ValidationError
from spectra_tui.data.models import Invoice
from spectra_tui.data.money import (
    MAX_CENTS,
    format_money,
    parse_money,
    parse_rate,
    round_cents,
    tax_on,
    typed_amount,
)

DATA = Path(__file__).resolve().parents[2] / "spectra_tui" / "data"


US = "en_US"


@pytest.mark.parametrize("text, cents", [
    ("12.50", 1250), ("12", 1200), ("$1,234.5", 123450), (" 0.01 ", 1), ("1,234,567.89", 123456789),
    ("12.", 1200), (".5", 50), ("$ 12", 1200), (12, 1200), (Decimal("3.33"), 333),
])
def test_parse_money_is_exact(text, cents):
    assert parse_money(text, locale=US) == cents


def test_parse_money_negative_only_when_allowed():
    assert parse_money("(3.99)", allow_negative=True, locale=US) == -399
    assert parse_money("-0.01", allow_negative=True, locale=US) == -1
    with pytest.raises(ValidationError, match="cannot be negative"):
        parse_money("-3.99", locale=US)


@pytest.mark.parametrize("bad", [12.5, True, "", "   ", "abc", "12.5.1", "NaN", "Infinity", "--5", "()",
                                 "1e999999999", "-1e999999999", "99999999999", "1" * 5000])
def test_parse_money_refuses_bad_input_readably(bad):
    with pytest.raises(ValidationError) as info:
        parse_money(bad, allow_negative=True, locale=US)
    assert str(info.value) and "Traceback" not in str(info.value)


@pytest.mark.parametrize("typed, message", [
    ("1e3", "not an amount"), ("1E3", "not an amount"), ("2e-2", "not an amount"),  # no exponent
    ("10.555", "more than two decimals"), ("0.005", "more than two decimals"), ("2.675", "more than two decimals"),
    ("12,50", "',' separates thousands and '.' comes before the cents"),  # not $1,250.00
    ("1.234,56", "',' separates thousands"),  # not $1.23
    ("1,23", "',' separates thousands"), ("1234,567", "',' separates thousands"),
    ("\u0661\u0662\u0663", "digits 0-9"), ("1 234", "not an amount"), ("1_000", "not an amount"),
    ("+5", "not an amount"),
])
def test_parse_money_is_strict_in_the_locale(typed, message):
    """Refused, never guessed or rounded: each with a message saying what to type."""
    with pytest.raises(ValidationError, match=message) as info:
        parse_money(typed, locale=US)
    assert info.value.field == "amount"
    assert "1,234.50" in str(info.value) or "decimals" in str(info.value)


def test_parse_money_refuses_more_than_cents_from_code_too():
    with pytest.raises(ValidationError, match="more than two decimals"):
        parse_money(Decimal("3.335"), locale=US)


def test_parse_money_refuses_float_even_when_exact():
    with pytest.raises(ValidationError, match="amount such as 12.50"):
        parse_money(0.5, locale=US)


@given(st.integers(min_value=-(MAX_CENTS - 1), max_value=MAX_CENTS - 1))
def test_format_then_parse_round_trips(cents):
    assert parse_money(format_money(cents), allow_negative=True, locale=US) == cents
    assert parse_money(typed_amount(cents, US), allow_negative=True, locale=US) == cents
    assert parse_money(typed_amount(cents, "de_DE"), allow_negative=True, locale="de_DE") == cents


def test_amounts_are_read_in_the_studios_locale(db):
    assert settings.get("locale") == "en_US"
    assert parse_money("1,234.56") == 123456
    settings.put("locale", "de-DE")
    assert settings.get("locale") == "de_DE"
    assert parse_money("1.234,56") == 123456 and typed_amount(123456) == "1.234,56"
    with pytest.raises(ValidationError, match="'.' separates thousands and ',' comes before the cents"):
        parse_money("1,234.56")
    with pytest.raises(ValidationError, match="not a locale"):
        settings.put("locale", "xx_nowhere")


def test_format_money():
    assert format_money(12345) == "$123.45"
    assert format_money(-500) == "-$5.00"
    assert format_money(123456789) == "$1,234,567.89"
    assert format_money(7, "€") == "€0.07"


@pytest.mark.parametrize("text, rate", [("8.25", Decimal("0.0825")), ("8.25%", Decimal("0.0825")),
                                        ("0", Decimal(0)), (" 100 ", Decimal(1))])
def test_parse_rate(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("bad", ["abc", "-1", "101", "NaN", "", "1e999999"])
def test_parse_rate_refuses(bad):
    with pytest.raises(ValidationError):
        parse_rate(bad)


def test_round_cents_half_up():
    assert round_cents(Decimal("82.5")) == 83
    assert round_cents(Decimal("82.4999")) == 82
    assert round_cents(Decimal("-82.5")) == -83


def test_tax_added_and_included():
    assert tax_on(1000, Decimal("0.0825"), included=False) == 83  # 82.5 -> 83
    assert tax_on(1083, Decimal("0.0825"), included=True) == 83  # 1083 - 1000.46
    assert tax_on(0, Decimal("0.0825"), included=False) == 0
    assert tax_on(5000, Decimal(0), included=True) == 0


@given(st.integers(min_value=0, max_value=10**10), st.decimals(min_value=0, max_value=Decimal("0.25"), places=4))
def test_tax_matches_exact_decimal_arithmetic(cents, rate):
    added = tax_on(cents, rate, included=False)
    assert added == int((Decimal(cents) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    included = tax_on(cents, rate, included=True)
    assert isinstance(added, int) and isinstance(included, int)
    assert 0 <= included <= added  # the tax inside a price is never more than the tax on it


MONEY_MODULES = ["money.py", "invoices.py", "ledger.py", "check.py", "counters.py"]


@pytest.mark.parametrize("module", MONEY_MODULES)
def test_no_float_in_money_modules(module):
    """No float literal, float() call or true division of cents in money code
    (the one division, in tax_on, is between Decimals)."""
    tree = ast.parse((DATA / module).read_text())
    floats = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)]
    float_calls = [n.lineno for n in ast.walk(tree)
                   if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "float"]
    assert floats == [] and float_calls == []
    divisions = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)]
    allowed = {node.lineno for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef) and fn.name in ("tax_on", "parse_rate")
               for node in ast.walk(fn) if hasattr(node, "lineno")}
    assert set(divisions) <= allowed


def test_money_columns_are_integers(db):
    from spectra_tui.data.models import ALL_MODELS
    from peewee import IntegerField

    cents_fields = [(m.__name__, f.name, type(f).__name__) for m in ALL_MODELS for f in m._meta.sorted_fields
                    if f.name.endswith("_cents")]
    assert cents_fields, "there are money columns"
    for model in ALL_MODELS:
        for field in model._meta.sorted_fields:
            if field.name.endswith("_cents"):
                assert isinstance(field, IntegerField), f"{model.__name__}.{field.name}"
    column = next(c for c in db.get_columns("ledger_entry") if c.name == "amount_cents")
    assert column.data_type.upper() in ("INTEGER", "BIGINT")  # SQLite, PostgreSQL


# ---------------------------------------------------------------- sales tax on invoices

def _invoice_with_lines(studio, lines):
    invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    for price, taxable in lines:
        invoices.add_line(invoice, description="Item", unit_price_cents=price, taxable=taxable)
    return Invoice.get_by_id(invoice.id)


def test_tax_is_added_by_default_at_the_studio_rate(studio):
    assert settings.tax_rate() == Decimal("0.0825") and settings.get("tax_included") is False
    invoice = _invoice_with_lines(studio, [(1000, True), (2000, False)])
    assert (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents) == (3000, 83, 3083)
    assert invoice.tax_rate == "0.0825" and invoice.tax_included is False


def test_tax_included_setting(studio):
    settings.put("tax_included", True)
    invoice = _invoice_with_lines(studio, [(1083, True), (500, False)])
    assert (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents) == (1583, 83, 1583)


def test_studio_rate_setting_and_item_taxable_flag(studio):
    from spectra_tui.data import catalog
    settings.put("tax_rate", Decimal("0.1"))
    assert settings.tax_rate() == Decimal("0.1")
    invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    users.sign_in(users.find_user("owner"))  # the price list: a manager's or the owner's
    frame = catalog.create_price_item("FRM", "Frame", 2005, taxable=True)
    digital = catalog.create_price_item("DIG", "Digital file", 3500, taxable=False)
    users.sign_in(studio.front)
    invoices.add_line(invoice, frame)
    line = invoices.add_line(invoice, digital)
    assert line.taxable is False
    invoice = Invoice.get_by_id(invoice.id)
    assert (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents) == (5505, 201, 5706)  # 200.5 -> 201


def test_a_rate_change_does_not_touch_existing_invoices(studio):
    invoice = _invoice_with_lines(studio, [(1000, True)])
    settings.put("tax_rate", "0.05")
    invoices.add_line(invoice, description="More", unit_price_cents=1000)
    invoice = Invoice.get_by_id(invoice.id)
    assert invoice.tax_rate == "0.0825" and invoice.tax_cents == 165


@pytest.mark.parametrize("key, value", [("tax_rate", "abc"), ("tax_rate", "NaN"), ("tax_rate", "1.5"),
                                        ("tax_rate", "-0.01"), ("tax_rate", None), ("tax_rate", 0.0825), ("tax_included", "false"),
                                        ("tax_included", 1), ("nonsense", 1)])
def test_bad_tax_settings_are_refused_readably(db, key, value):
    with pytest.raises(DomainError):
        settings.put(key, value)
    assert settings.tax_rate() == Decimal("0.0825") and settings.get("tax_included") is False
