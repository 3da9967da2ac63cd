"""Which column of a client file goes to which client field, and the
conventions of the programs that wrote the file.

A mapping is ``{column heading: client field}``; a heading not in it is not
imported. ``guess_mapping`` knows the headings of the common exports (Google
Contacts old and new, Outlook, Thunderbird, Apple, spreadsheets, this
program's own files), compared without case, spaces or punctuation.
``mapped`` turns one row into ``{client field: text}`` with the exporting
program's conventions undone (Outlook's "0/0/00" empty birthday, Google's
typed phone pairs and " ::: " lists, Thunderbird's birthday in three
columns, a birthday without its year (to the notes), TRUE/x/Yes flags, a
whole name in one column), still as text: data/client_import.py validates
and cleans it.

The public names are re-exported by data/client_files.py (the contract).
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping as ReadOnlyMapping
from pathlib import Path
from typing import TYPE_CHECKING

from .clients import FLAG_FIELDS
from .errors import ValidationError
from .text import from_spreadsheet_cell

if TYPE_CHECKING:
    from .client_files import SourceRow

# Each client field the import fills -> its heading in this program's own files.
IMPORT_FIELDS: dict[str, str] = {
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "company": "Company",
    "address1": "Address 1",
    "address2": "Address 2",
    "city": "City",
    "state": "State",
    "postal_code": "Postal code",
    "country": "Country",
    "phone_home": "Home phone",
    "phone_mobile": "Mobile phone",
    "phone_work": "Work phone",
    "email": "Email",
    "birthday": "Birthday",
    "lead_source": "Lead source",
    "notes": "Notes",
    "do_not_market": "Do not market",
    "do_not_call": "Do not call",
    "do_not_email": "Do not email",
    "do_not_text": "Do not text",
}
# The pseudo-field of one column holding a whole name (split by ``mapped``).
FULL_NAME = "full_name"
FULL_NAME_HEADING = "Full name"
# A client needs one of these (data/clients.py: first or last name, or a company).
NAME_FIELDS = ("first_name", "last_name", "company", FULL_NAME)
PHONE_FIELDS = ("phone_home", "phone_mobile", "phone_work")
TEMPLATE_VERSION = 1

Mapping = dict[str, str]


def field_label(field: str) -> str:
    """The words for a field in a message: its heading ("Full name" for the pseudo-field)."""
    return FULL_NAME_HEADING if field == FULL_NAME else IMPORT_FIELDS.get(field, field)


@functools.lru_cache(maxsize=4096)
def heading_key(heading: str) -> str:
    """A heading compared without case, accents, spaces or punctuation: "E-mail 1 - Value" -> "email1value"."""
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _aliases() -> dict[str, str]:
    """heading_key -> field, for the headings of the common exports."""
    words = {
        "first_name": "first name, given name, forename, first, given, christian name, first names",
        "middle_name": "middle name, additional name, middle, middle names, middle initial, other names",
        "last_name": "last name, family name, surname, last",
        FULL_NAME: "full name, name, display name, contact name, client name, customer name, contact, client, customer",
        "company": "company, organization, organisation, organization name, organisation name, "
        "organization 1 - name, company name, business, business name, employer",
        "address1": "address 1, address, street, street address, address line 1, address1, street 1, "
        "home street, home address, home street 1, address 1 - street, mailing address, "
        "home address street, postal address",
        "address2": "address 2, address line 2, street 2, home street 2, home address 2, address 1 - extended address",
        "city": "city, town, home city, address 1 - city, locality, town city, city town, suburb",
        "state": "state, region, province, county, home state, address 1 - region, state province, "
        "state region, home state province, state or province",
        "postal_code": "postal code, zip, zip code, postcode, post code, home postal code, home zip code, "
        "home zipcode, home zip, address 1 - postal code, zip postal code, postal zip",
        "country": "country, home country, home country/region, country/region, address 1 - country",
        "phone_home": "home phone, phone, tel, telephone, phone number, telephone number, "
        "home telephone, landline, phone home, home tel",
        "phone_mobile": "mobile phone, mobile, cell, cell phone, cellphone, mobile number, cell number, "
        "mobile telephone, phone mobile, cellular, mobile tel",
        "phone_work": "work phone, business phone, office phone, work telephone, "
        "business telephone, phone work, work number, business phone 1",
        "email": "email, e-mail, email address, e-mail address, primary email, e-mail 1 - value, "
        "email 1, email1, e mail, emails, personal email, home email",
        "birthday": "birthday, dob, date of birth, birth date, birthdate, bday",
        "lead_source": "lead source, source, referred by, referral, how heard, heard about us, "
        "how did you hear about us, referral source",
        "notes": "notes, note, comments, comment, remarks, memo",
        "do_not_market": "do not market, no marketing, marketing opt out",
        "do_not_call": "do not call, no calls, no phone calls",
        "do_not_email": "do not email, do not e-mail, no email, no emails, email opt out",
        "do_not_text": "do not text, no texts, no sms, do not sms, sms opt out",
    }
    aliases = {heading_key(alias): field for field, text in words.items() for alias in text.split(", ")}
    aliases.update({heading_key(heading): field for field, heading in IMPORT_FIELDS.items()})
    return aliases


_ALIASES = _aliases()
# Google Contacts' typed pairs: "Phone 1 - Type"/"Phone 1 - Label" next to "Phone 1 - Value".
_PHONE_VALUE = re.compile(r"^phone(\d+)value$")
_GOOGLE_PHONE_FIELDS = ("phone_mobile", "phone_home", "phone_work")  # Phone 1, 2, 3 before their type is read


def guess_mapping(headers: tuple[str, ...] | list[str]) -> Mapping:
    """The mapping the headings suggest: each field once, the first heading that names it."""
    mapping: Mapping = {}
    taken: set[str] = set()
    for heading in headers:
        key = heading_key(heading)
        field = _ALIASES.get(key)
        phone = _PHONE_VALUE.match(key)
        if field is None and phone:
            number = int(phone.group(1))
            field = _GOOGLE_PHONE_FIELDS[number - 1] if 1 <= number <= len(_GOOGLE_PHONE_FIELDS) else None
        if field is not None and field not in taken:
            mapping[heading] = field
            taken.add(field)
    return mapping


def check_mapping(mapping: ReadOnlyMapping[str, str], headers: tuple[str, ...] | list[str] = ()) -> None:
    """Refuse a mapping the import cannot use: an unknown field, two columns
    onto one field, or no column for a name (``headers``, the file's
    headings, are listed in that message when given)."""
    by_field: dict[str, list[str]] = {}
    for heading, field in mapping.items():
        if field != FULL_NAME and field not in IMPORT_FIELDS:
            raise ValidationError(f"The column '{heading}' goes to '{field}', which is not a client field.")
        by_field.setdefault(field, []).append(heading)
    for field, headings in by_field.items():
        if len(headings) > 1:
            columns = " and ".join(f"'{heading}'" for heading in headings)
            raise ValidationError(f"Two columns go to {field_label(field)}: {columns}; keep one.")
    if not by_field.keys() & set(NAME_FIELDS):
        if headers:
            listed = f"the file's headings: {', '.join(headers)}"
        else:
            listed = f"the columns chosen: {', '.join(mapping)}" if mapping else "no column is chosen"
        raise ValidationError(
            f"No column for a name: choose the column for First name, Last name, Full name or Company ({listed})."
        )


def save_mapping(mapping: ReadOnlyMapping[str, str], path: Path | str) -> None:
    """Write ``mapping`` as a JSON template: {"version": 1, "columns": {heading: field}}."""
    _check_fields(mapping, str(path))
    path = Path(path)
    text = json.dumps({"version": TEMPLATE_VERSION, "columns": dict(mapping)}, ensure_ascii=False, indent=2)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        os.replace(temporary, path)
    except OSError as error:
        raise ValidationError(f"Cannot save the mapping template {path}: {error.strerror or error}.") from None


def load_mapping(path: Path | str) -> Mapping:
    """The mapping saved in the JSON template at ``path``; a missing, unreadable
    or malformed template, or one naming an unknown field, is a ValidationError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"No mapping template at {path}.") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a mapping template.") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not a mapping template (it is not text).") from None
    except OSError as error:
        raise ValidationError(f"Cannot read the mapping template {path}: {error.strerror or error}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(f"{path} is not a mapping template (not JSON: line {error.lineno}).") from None
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != TEMPLATE_VERSION or not isinstance(columns, dict):
        raise ValidationError(
            f'{path} is not a mapping template (expected {{"version": 1, "columns": {{heading: field}}}}).'
        )
    if not all(isinstance(heading, str) and isinstance(field, str) for heading, field in columns.items()):
        raise ValidationError(f"{path} is not a mapping template (each column must name a field as text).")
    _check_fields(columns, str(path))
    return dict(columns)


def _check_fields(mapping: ReadOnlyMapping[str, str], where: str) -> None:
    for heading, field in mapping.items():
        if field != FULL_NAME and field not in IMPORT_FIELDS:
            known = ", ".join([FULL_NAME, *IMPORT_FIELDS])
            raise ValidationError(
                f"The template {where} sends the column '{heading}' to '{field}', "
                f"which is not a client field (the fields: {known})."
            )


# ----------------------------------------------------------------- one row


def mapped(row: SourceRow, mapping: ReadOnlyMapping[str, str]) -> dict[str, str]:
    """The row's text for each mapped client field, whitespace trimmed and the
    exporting program's conventions undone; a whole name fills first, middle
    and last name where those are empty."""
    values = row.values
    result: dict[str, str] = {}
    full_name = ""
    phones: list[tuple[str, str, str]] = []  # (mapped field, the type its file gives, number)
    for heading, field in mapping.items():
        text = from_spreadsheet_cell(values.get(heading, "").strip())
        if "\r" in text:  # Windows line breaks inside a quoted cell: "\n" as everywhere else
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if field == FULL_NAME:
            full_name = text
        elif field in PHONE_FIELDS:
            phones.append((field, _phone_type(values, heading), _first_of_many(text)))
        else:
            result[field] = text
    notes: list[str] = []
    if phones:
        result.update(_place_phones(phones, notes))
    if "\n" in result.get("address1", ""):
        _split_street(result)
    if "email" in result:
        result["email"] = _first_of_many(result["email"])
    if "birthday" in result:
        birthday_heading = next(heading for heading, field in mapping.items() if field == "birthday")
        result["birthday"] = _birthday(_whole_birthday(values, birthday_heading, result["birthday"]), notes)
    for field in FLAG_FIELDS:
        if field in result:
            result[field] = _flag(result[field])
    # A whole name fills the name fields the row leaves empty, unless it is
    # the company's name (a company's card or row: the client is the company).
    named = result.get("first_name") or result.get("last_name")
    if full_name and not named and full_name.casefold() != result.get("company", "").casefold():
        result.update(split_full_name(full_name, keep_middle=result.get("middle_name", "")))
    if notes:
        result["notes"] = "\n".join([result["notes"], *notes] if result.get("notes") else notes)
    return result


def _split_street(result: dict[str, str]) -> None:
    """A street written on several lines (Outlook's "Home Street", Google's
    "Street"): its first line is address 1, the others go before address 2."""
    lines = [line.strip() for line in result["address1"].splitlines() if line.strip()]
    result["address1"] = lines[0] if lines else ""
    result["address2"] = ", ".join([*lines[1:], result["address2"]] if result.get("address2") else lines[1:])


def _first_of_many(text: str) -> str:
    """Google Contacts writes several values in one cell as "a ::: b": the first."""
    return text.split(" ::: ")[0].strip()


def _phone_type(values: ReadOnlyMapping[str, str], heading: str) -> str:
    """The type Google Contacts gives a "Phone N - Value" column in its "Phone N - Type" or "- Label"."""
    type_heading = _type_heading(heading, tuple(values))
    if type_heading is None:
        return ""
    return _first_of_many(values[type_heading]).lstrip("* ").strip().lower()


@functools.lru_cache(maxsize=256)
def _type_heading(heading: str, headings: tuple[str, ...]) -> str | None:
    """The heading among ``headings`` giving the type of the phone column ``heading`` (cached: once a file)."""
    match = _PHONE_VALUE.match(heading_key(heading))
    if not match:
        return None
    wanted = (f"phone{match.group(1)}type", f"phone{match.group(1)}label")
    return next((name for name in headings if heading_key(name) in wanted), None)


_PHONE_TYPES = {"mobile": "phone_mobile", "cell": "phone_mobile", "home": "phone_home", "work": "phone_work"}


def _place_phones(phones: list[tuple[str, str, str]], notes: list[str]) -> dict[str, str]:
    """Each number to the field its type names (Mobile, Home, Work), else to the
    field it was mapped to, else to a free phone field, else into the notes.
    A fax or pager number is not a phone to call: it goes to the notes."""
    placed = {field: "" for field, _type, _number in phones}
    untyped: list[tuple[str, str, str]] = []
    for field, kind, number in phones:
        target = _PHONE_TYPES.get(kind)
        if number and kind and ("fax" in kind or "pager" in kind):
            notes.append(f"{kind.capitalize()}: {number}")
        elif number and target and not placed.get(target):
            placed[target] = number
        elif number:
            untyped.append((field, kind, number))
    for field, kind, number in untyped:
        free = [field, *(other for other in PHONE_FIELDS if other != field)]
        target = next((candidate for candidate in free if not placed.get(candidate)), None)
        if target is None:
            notes.append(f"Phone ({kind or 'other'}): {number}")
        else:
            placed[target] = number
    return placed


# Empty dates as programs write them: Outlook's CSV "0/0/00" (also
# "00/00/0000", "0000-00-00"), the Outlook object model's "no date" 1/1/4501,
# .NET's and SharePoint's minimum 1/1/0001 (12:00:00 AM); a time may follow.
_EMPTY_DATE = re.compile(
    r"^(0+[-/.]0+[-/.]0+|0?1[-/.]0?1[-/.](4501|0001)|(4501|0001)-01-01)"
    r"([ T]\d\d?:\d\d(:\d\d)?( ?[AP]M)?)?$",
    re.IGNORECASE,
)
_COMPACT_DATE = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)$")  # vCard 3.0's 19900514
_ISO_DATETIME = re.compile(r"^(\d{4}-\d\d-\d\d)[T ]\d\d:\d\d")
# A birthday without its year: vCard and Google "--0514", "--05-14"; a zero
# year "0000-05-14"; Apple's 1604 (its vCards say X-APPLE-OMIT-YEAR=1604).
_NO_YEAR = re.compile(r"^(?:--|0000-?|1604-?)(\d\d)-?(\d\d)$")
_MONTHS = ("January February March April May June July August September October November December").split()


def _whole_birthday(values: ReadOnlyMapping[str, str], heading: str, text: str) -> str:
    """Thunderbird writes a birthday in three columns, "Birth Year", "Birth
    Month" and "Birth Day" (the one guessed as the birthday): the date they make."""
    parts = _birth_parts(heading, tuple(values))
    if parts is None or not text.isdigit():
        return text
    year, month = (values[part].strip() for part in parts)
    month_day = f"{month.zfill(2)}-{text.zfill(2)}"
    return f"{year}-{month_day}" if year else f"--{month_day}"


@functools.lru_cache(maxsize=64)
def _birth_parts(heading: str, headings: tuple[str, ...]) -> tuple[str, str] | None:
    """The "Birth Year" and "Birth Month" headings beside a "Birth Day" one (cached: once a file)."""
    if heading_key(heading) != "birthday":
        return None
    year = next((name for name in headings if heading_key(name) == "birthyear"), None)
    month = next((name for name in headings if heading_key(name) == "birthmonth"), None)
    return (year, month) if year and month else None


def _birthday(text: str, notes: list[str]) -> str:
    """A birthday as the file writes it, with the empty and the yearless ones
    taken out (a birthday without a year goes to the notes: the field needs one)."""
    if not text or _EMPTY_DATE.match(text):
        return ""
    if match := _COMPACT_DATE.match(text):
        return "-".join(match.groups())
    if match := _ISO_DATETIME.match(text):
        return match.group(1)
    if match := _NO_YEAR.match(text):
        month, day = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            notes.append(f"Birthday: {_MONTHS[month - 1]} {day} (year not known)")
            return ""
    return text


_YES = {"yes", "y", "true", "t", "x", "1", "on", "checked", "ja", "oui", "si", "sí"}
_NO = {"no", "n", "false", "f", "0", "off", "", "-", "unchecked", "nein", "non"}


def _flag(text: str) -> str:
    """Yes or no for the ways spreadsheets and exports write a flag; other text as it is."""
    lowered = text.strip().lower()
    if lowered in _YES:
        return "yes"
    if lowered in _NO:
        return "no" if lowered else ""
    return text


_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # letters, inner apostrophes and hyphens


def split_full_name(text: str, keep_middle: str = "") -> dict[str, str]:
    """First, middle and last name of a whole name ("Lee, Ann"; "Ann Marie Lee";
    "Dr. Ann van der Berg Jr."), read by nameparser: titles dropped, a suffix
    kept with the last name. Plain words (no comma, title, particle or
    suffix) are split the way nameparser would, without it: it takes ~200 µs a
    name, too slow for 100,000 rows."""
    words = text.split()
    if all(_PLAIN_WORD.fullmatch(word) and word.lower() not in _special_words() for word in words):
        first = words[0] if words else ""
        last = words[-1] if len(words) > 1 else ""
        middle = " ".join(words[1:-1]) or keep_middle
        return {"first_name": first, "middle_name": middle, "last_name": last}
    from nameparser import HumanName

    name = HumanName(text)
    last = " ".join(part for part in (name.last, name.suffix) if part)
    return {"first_name": name.first, "middle_name": name.middle or keep_middle, "last_name": last}


@functools.lru_cache(maxsize=1)
def _special_words() -> frozenset[str]:
    """The words nameparser reads as more than a name: titles, suffixes, particles, conjunctions."""
    from nameparser.config import CONSTANTS  # slow to import: when first needed

    groups = (CONSTANTS.titles, CONSTANTS.suffix_acronyms, CONSTANTS.suffix_not_acronyms)
    words = {word.lower() for group in (*groups, CONSTANTS.prefixes, CONSTANTS.conjunctions) for word in group}
    return frozenset(words)
