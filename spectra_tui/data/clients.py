"""Clients: validation, capitalisation (names.py), duplicate warning and search.

The walk-in client (``Client.walk_in``, made by data/quick_sale.py) is the
studio's built-in buyer of Quick Sale's sales without a name: it is never
edited and never listed (search, counts), but its invoices name it.

Search pages from SQL over indexed lower-case keys (prefix ranges, keyset
pagination), so it stays fast at 100,000 clients on SQLite and PostgreSQL.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from peewee import Field, Tuple, fn

from . import audit, clock, versions
from .db import is_postgres, write_transaction
from .errors import DomainError, FieldErrors, NotFound, ValidationError
from .models import Client, FamilyMember, database
from .names import CAPITALIZED_FIELDS, capitalize_field, capitalize_person
from .text import one_line, strip_controls

TEXT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "city",
    "state",
    "postal_code",
    "country",
    "phone_home",
    "phone_mobile",
    "phone_work",
    "email",
    "lead_source",
    "notes",
)
FLAG_FIELDS = ("do_not_market", "do_not_call", "do_not_email", "do_not_text")  # on or off
PHONE_FIELDS = ("phone_home", "phone_mobile", "phone_work")
MAX_LENGTH = 200
MAX_NOTES = 20000
DEFAULT_REGION = "US"
WALK_IN_NAME = "Walk-in customer"


class DuplicateClient(DomainError):
    """Another client has the same name and the same phone or email."""

    def __init__(self, duplicates: list[Client]):
        names = "; ".join(f"{c.full_name} (#{c.id}, {c.main_phone or c.email})" for c in duplicates[:3])
        super().__init__(f"This client may already exist: {names}. Save anyway only if it is a different person.")
        self.duplicates = duplicates


class BuiltInClient(DomainError):
    """The walk-in client is built in: it is not edited (nor merged, nor deleted)."""


def refuse_walk_in(client: Client | None, doing: str) -> None:
    """Raise BuiltInClient when ``client`` is the walk-in client."""
    if client is not None and client.walk_in:
        raise BuiltInClient(
            f"The {WALK_IN_NAME.lower()} is built in for Quick Sale's sales without a name: {doing} is not "
            "possible. Choose the client by name (or add one) for anything else."
        )


# ---------------------------------------------------------------- normalising


def search_key(text: str) -> str:
    """Lower case without accents: 'José Núñez' -> 'jose nunez'."""
    text = text or ""
    if text.isascii():  # the usual case, at C speed (NFKD leaves ASCII as it is)
        return text.lower().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    key = "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()
    # Drop what UTF-8 cannot hold (lone surrogates from a bad paste): SQLite would refuse it.
    return key.encode("utf-8", "ignore").decode("utf-8")


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def normalize_phone(text: str, field: str = "phone") -> str:
    """Return the phone formatted for display, or raise a readable error."""
    text = (text or "").strip()
    if not text:
        return ""
    import phonenumbers  # imported when first needed: it is slow to import and start-up should not wait

    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"'{text}' is not a phone number.", field) from None
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValidationError(f"'{text}' is not a valid phone number; check the digits.", field)
    region = phonenumbers.region_code_for_number(number)
    if region == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_email(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    from email_validator import EmailNotValidError, validate_email  # slow to import: when first needed

    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"'{text}' is not a valid email address: {exc}", "email") from None


DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y", "%m/%d/%y", "%d.%m.%Y", "%Y/%m/%d")
TWO_DIGIT_YEAR = "%m/%d/%y"


def parse_birthday(value: str | dt.date | None, field: str = "birthday") -> dt.date | None:
    """A real date in the past (MM/DD/YYYY, YYYY-MM-DD, DD.MM.YYYY...), or None
    when empty. A two-digit year that would be in the future is of the last
    century: 05/14/45 is 1945 (Python reads it as 2045)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            if fmt == TWO_DIGIT_YEAR and day > clock.today():
                day = day.replace(year=day.year - 100)
            break
        else:
            raise ValidationError(f"'{text}' is not a date; type it like 04/28/1990.", field)
    if day > clock.today():
        raise ValidationError("A birthday cannot be in the future.", field)
    if day.year < 1900:
        raise ValidationError("Check the year of the birthday.", field)
    return day


FLAG_WORDS = {
    **dict.fromkeys(("yes", "y", "true", "t", "x", "1", "on"), True),
    **dict.fromkeys(("", "no", "n", "false", "f", "0", "off"), False),
}


def parse_flag(text: str, field: str) -> bool:
    """A yes/no written as text (a file's "Do not call" column: Yes, TRUE, x, 1, no...)."""
    value = FLAG_WORDS.get((text or "").strip().lower())
    if value is None:
        raise ValidationError(f"'{one_line(text)[:40]}' is not yes or no.", field)
    return value


# ---------------------------------------------------------------- saving


def clean_client_fields(fields: dict, capitalize: set[str] | None = None) -> dict:
    """Validate and normalise a client form. ``capitalize`` lists the fields to
    capitalise (default: names, company, address, city and state; see
    names.py). Every field is checked: a FieldErrors carries the message of
    each broken one, so the form shows them all at once."""
    clean, errors = _clean_each(fields, set(CAPITALIZED_FIELDS) if capitalize is None else capitalize)
    if errors:
        raise FieldErrors(errors)
    return clean


def _clean_each(fields: dict, capitalize: set[str]) -> tuple[dict, dict[str, str]]:
    """(the fields that are right, normalised; field -> message for the others)."""
    clean: dict = {}
    errors: dict[str, str] = {}
    for name, value in fields.items():
        try:
            clean[name] = _clean_field(name, value, name in capitalize)
        except ValidationError as error:
            errors[name] = str(error)
    return clean, errors


def _clean_field(name: str, value, capitalize: bool):
    if name == "birthday":
        return parse_birthday(value)
    if name in FLAG_FIELDS:
        return bool(value)
    if name not in TEXT_FIELDS:
        raise ValidationError(f"Unknown client field '{name}'.", name)
    label = name.replace("_", " ")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"The {label} must be text.", name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"The {label} contains characters that cannot be stored; retype it.", name) from None
    value = strip_controls(value, multiline=True).strip() if name == "notes" else one_line(value)
    limit = MAX_NOTES if name == "notes" else MAX_LENGTH
    if len(value) > limit:
        raise ValidationError(f"The {label} is too long ({len(value)} characters, at most {limit}).", name)
    if capitalize:
        value = capitalize_field(name, value)
    if name in PHONE_FIELDS:
        value = normalize_phone(value, name)
    if name == "email":
        value = normalize_email(value)
    return value


def search_keys(fields: dict) -> dict[str, str]:
    """The search keys of a client with these fields, as save_client stores them."""

    def text(name: str) -> str:
        return fields.get(name) or ""

    main = digits(text("phone_mobile") or text("phone_home") or text("phone_work"))
    other = digits(text("phone_home") if text("phone_mobile") else text("phone_work"))
    return {
        "first_key": search_key(text("first_name")),
        "last_key": search_key(text("last_name") or text("company")),
        "email_key": search_key(text("email")),
        "city_key": search_key(text("city")),
        "phone_key": _national(main),
        "phone2_key": _national(other) if other != main else "",
    }


def _apply_keys(client: Client) -> None:
    for name, key in search_keys(client.__data__).items():
        setattr(client, name, key)


def _national(phone_digits: str) -> str:
    return phone_digits[1:] if len(phone_digits) == 11 and phone_digits.startswith("1") else phone_digits


def find_duplicates(fields: dict, exclude_id: int | None = None) -> list[Client]:
    """Clients with the same first and last name and the same phone or email."""
    first, last = search_key(fields.get("first_name", "")), search_key(fields.get("last_name", ""))
    if not first or not last:
        return []
    phones = {_national(digits(fields.get(p, ""))) for p in PHONE_FIELDS} - {""}
    email = search_key(fields.get("email", ""))
    same_contact = []
    if phones:
        same_contact.append(Client.phone_key.in_(phones) | Client.phone2_key.in_(phones))
    if email:
        same_contact.append(Client.email_key == email)
    if not same_contact:
        return []
    contact = same_contact[0] if len(same_contact) == 1 else (same_contact[0] | same_contact[1])
    query = Client.select().where((Client.first_key == first) & (Client.last_key == last) & contact)
    if exclude_id is not None:
        query = query.where(Client.id != exclude_id)
    return list(query.limit(5))


@write_transaction
def save_client(
    client: Client | None, fields: dict, allow_duplicate: bool = False, capitalize: set[str] | None = None
) -> Client:
    """Create (client=None) or update a client from form fields.

    Raises ValidationError for bad input and DuplicateClient when the same
    person seems to exist already (pass allow_duplicate=True to save anyway);
    the walk-in client is never edited (BuiltInClient).
    """
    refuse_walk_in(client, "editing its record")
    clean, errors = _clean_each(fields, set(CAPITALIZED_FIELDS) if capitalize is None else capitalize)
    merged = {**({} if client is None else {k: getattr(client, k) for k in TEXT_FIELDS}), **clean}
    named = merged.get("first_name") or merged.get("last_name") or merged.get("company")
    if not named and not errors.keys() & {"first_name", "last_name", "company"}:
        errors["last_name"] = "Enter the client's first or last name (or a company)."
    if errors:
        raise FieldErrors(errors)
    if not allow_duplicate:
        duplicates = find_duplicates(merged, exclude_id=client.id if client else None)
        if duplicates:
            raise DuplicateClient(duplicates)
    with database.atomic():
        if client is None:
            target = Client(**clean)
            _apply_keys(target)
            target.save()
            audit.record("client.create", "client", target.id, None, target)
            return target
        stored = versions.current(client, f"{client.full_name}'s record")
        before = audit.snapshot(stored)
        target = Client(**{**stored.__data__, **clean})
        _apply_keys(target)
        keys = ("first_key", "last_key", "email_key", "city_key", "phone_key", "phone2_key")
        values = {**clean, **{key: getattr(target, key) for key in keys}}
        if versions.changes_of(stored, values):
            versions.write_changes(stored, f"{client.full_name}'s record", **values, updated_at=clock.utc_now())
            audit.record("client.update", "client", stored.id, before, stored)
    return versions.adopt(client, stored)


def get_client(client_id: int) -> Client:
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise NotFound(f"There is no client #{client_id}.")
    return client


def family_of(client: Client) -> list[FamilyMember]:
    """The client's family members, in the order they were added."""
    return list(FamilyMember.select().where(FamilyMember.client == client.id).order_by(FamilyMember.id))


@write_transaction
def add_family_member(
    client: Client, first_name: str, last_name: str = "", relationship: str = "", birthday: str | dt.date | None = None
) -> FamilyMember:
    refuse_walk_in(client, "adding a family member")
    first = capitalize_person(one_line(first_name))
    if not first:
        raise ValidationError("Enter the family member's first name.", "first_name")
    if len(first) > MAX_LENGTH or len(last_name or "") > MAX_LENGTH or len(relationship or "") > MAX_LENGTH:
        raise ValidationError("A family member's name or relationship is too long.")
    with database.atomic():
        member = FamilyMember.create(
            client=client,
            first_name=first,
            last_name=capitalize_person(one_line(last_name or client.last_name), as_last_name=True),
            relationship=one_line(relationship),
            birthday=parse_birthday(birthday),
        )
        audit.record("family.add", "client", client.id, None, member)
    return member


@write_transaction
def remove_family_member(member: FamilyMember) -> None:
    refuse_walk_in(member.client, "changing its family")
    with database.atomic():
        audit.record("family.remove", "client", member.client_id, member, None)
        FamilyMember.delete().where(FamilyMember.id == member.id).execute()


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class ClientQuery:
    name: str = ""
    phone: str = ""
    email: str = ""
    city: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or digits(self.phone) or self.email.strip() or self.city.strip())


def _prefix(field, text: str):
    """field starts with text, written as a range so an index serves it:
    from ``text`` up to (not including) ``text`` with its last character
    raised by one ("ab" -> "ac"). Keys compare by code point (SQLite's
    binary UTF-8 order), so a range ending at "ab\uffff" would miss
    "ab😀" and "山𠮷": characters beyond U+FFFF sort after it."""
    upper = _after_prefix(text)
    return (field >= text) if upper is None else (field >= text) & (field < upper)


def _after_prefix(text: str) -> str | None:
    """The first text, in code point order, that no longer starts with ``text``
    (None when there is none: every character is U+10FFFF)."""
    while text:
        last = ord(text[-1]) + 1
        if last == 0xD800:  # surrogates are not text: the next character is U+E000
            last = 0xE000
        if last <= 0x10FFFF:
            return text[:-1] + chr(last)
        text = text[:-1]
    return None


FEW_MATCHES = 500  # fewer matches than this are gathered through an index and sorted


def _unindexed(field):
    """The field's value in a form no index serves (``field || ''``): SQLite's
    query then keeps walking the name-order index. PostgreSQL's planner
    knows from its statistics how many rows a range holds and walks that
    index itself when it should: there the field stays as it is (an
    expression would hide those statistics, and it would sort instead)."""
    return field if is_postgres() else field.concat("")


def _name_tokens(query: ClientQuery) -> list[str]:
    return search_key(query.name).replace(",", " ").split()


def _name_condition(token: str, unindexed: bool = False):
    last, first = (
        (_unindexed(Client.last_key), _unindexed(Client.first_key))
        if unindexed
        else (Client.last_key, Client.first_key)
    )
    return _prefix(last, token) | _prefix(first, token)


def name_starts_with(key: str):
    """Clients whose first or last name starts with ``key`` (a ``search_key``),
    served by the name indexes (the Phone Calls hub's search uses it)."""
    return _name_condition(key)


def _field_conditions(query: ClientQuery, unindexed: bool = False) -> list:
    """The phone, email and city conditions."""

    def column(field):
        return _unindexed(field) if unindexed else field

    conditions = []
    phone = _national(digits(query.phone))
    if phone:
        conditions.append(_prefix(column(Client.phone_key), phone) | _prefix(column(Client.phone2_key), phone))
    if query.email.strip():
        conditions.append(_prefix(column(Client.email_key), search_key(query.email)))
    if query.city.strip():
        conditions.append(_prefix(column(Client.city_key), search_key(query.city)))
    return conditions


def _query_filter(query: ClientQuery):
    """Every condition of a client search (each word a prefix of the first or last name)."""
    return [_name_condition(token) for token in _name_tokens(query)] + _field_conditions(query)


# The walk-in client has no search keys (all empty): no name, phone, email or
# city typed ever matches it. The list of everyone (an empty search) and the
# counts leave it out by its flag: LISTED. IS_WALK_IN is written as the
# partial unique index's own condition (migration 0012), so that the index
# finds the walk-in at once among 100,000 clients.
LISTED = Client.walk_in == False  # noqa: E712
IS_WALK_IN = Client.walk_in


def _many(conditions: list, walking: Field | None = None) -> bool:
    """At least FEW_MATCHES clients match. ``walking``: the indexed key of the
    first condition's range, read in its order so that the probe walks its
    index and stops (PostgreSQL would otherwise read the table until it had
    enough)."""
    select = Client.select(Client.id)
    for condition in conditions:
        select = select.where(condition)
    if walking is not None:
        select = select.order_by(walking)
    return select.offset(FEW_MATCHES - 1).limit(1).scalar() is not None  # there is a FEW_MATCHES-th


def _page(conditions: list, limit: int, after: Client | None) -> list[Client]:
    select = Client.select().where(LISTED)
    for condition in conditions:
        select = select.where(condition)
    if after is not None:  # a row value: the name index is entered right after the previous page
        select = select.where(
            Tuple(Client.last_key, Client.first_key, Client.id) > Tuple(after.last_key, after.first_key, after.id)
        )
    return list(select.order_by(Client.last_key, Client.first_key, Client.id).limit(limit))


def search_clients(query: ClientQuery, limit: int = 50, after: Client | None = None) -> list[Client]:
    """One page of clients matching every given field, by last then first name.

    ``after`` is the last client of the previous page (keyset pagination).
    Fast at 100,000 clients whatever is typed: a page is never found by
    gathering and sorting thousands of matches (a common initial such as
    "s" would), but by walking the (last, first, id) index in order, or by
    sorting a few hundred matches at most.
    """
    limit = max(1, min(limit, 500))
    tokens = _name_tokens(query)
    if not tokens:
        fields = _field_conditions(query)
        return _page(_field_conditions(query, unindexed=bool(fields) and _many(fields)), limit, after)
    word, others = tokens[0], [_name_condition(token, unindexed=True) for token in tokens[1:]]
    others += _field_conditions(query, unindexed=True)
    # Last name starting with the first word: one stretch of the name index.
    by_last = _page([_prefix(Client.last_key, word), *others], limit, after)
    # First name starting with it (any last name): few are sorted, many are walked in name order.
    first_only = [_prefix(Client.first_key, word), *[_name_condition(t) for t in tokens[1:]], *_field_conditions(query)]
    first = _unindexed(Client.first_key) if _many(first_only, walking=Client.first_key) else Client.first_key
    by_first = _page([_prefix(first, word), *others], limit, after)
    found = {client.id: client for client in by_last + by_first}
    return sorted(found.values(), key=lambda c: (c.last_key, c.first_key, c.id))[:limit]


def count_clients(query: ClientQuery, cap: int = 10000) -> int:
    """How many clients match, counted up to ``cap`` (shown as "10000+")."""
    conditions = _query_filter(query)
    if not conditions:  # everyone: every client but the walk-in
        return min(total_clients(), cap)
    select = Client.select(Client.id)  # (the walk-in matches no condition: it has no search keys)
    for condition in conditions:
        select = select.where(condition)
    return select.limit(cap).count()


def total_clients() -> int:
    """Every client but the walk-in (all counted from an index, less the walk-in found through its own)."""
    return Client.select(fn.COUNT(Client.id)).scalar() - Client.select(Client.id).where(IS_WALK_IN).count()
