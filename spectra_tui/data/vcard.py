"""Reading vCards (.vcf) 2.1, 3.0 and 4.0 into client rows.

Each card becomes ``{heading: text}`` with the headings of this program's
own client files (VCARD_HEADINGS), so the import maps them at once. What is
read: FN, N (family;given;additional;prefix;suffix), ORG, ADR (the home one
preferred: ;;street;city;region;code;country), TEL by its TYPE (cell, home,
work; 3.0's TYPE=CELL, 4.0's TYPE="cell,voice" and VALUE=uri tel:), EMAIL
(the preferred one), BDAY as written (19900514, 1990-05-14, --0514: the
mapping reads those), NOTE. Folded lines (RFC 6350 §3.2: a line break and a
space or tab continue the line), backslash escapes, group prefixes
("item1.TEL") and 2.1's QUOTED-PRINTABLE with its CHARSET are undone.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator

from .client_mapping import FLAG_FIELDS, FULL_NAME_HEADING, IMPORT_FIELDS

# What a card holds: every field of the import but the lead source and the flags.
VCARD_HEADINGS: tuple[str, ...] = (
    FULL_NAME_HEADING,
    *(heading for field, heading in IMPORT_FIELDS.items() if field != "lead_source" and field not in FLAG_FIELDS),
)
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
_QUOTED_PRINTABLE = re.compile(r"QUOTED-PRINTABLE", re.IGNORECASE)

Property = tuple[str, dict[str, list[str]], str]  # NAME, {PARAM: [values]}, raw value


_BINARY_PROPERTY = re.compile(r"^(?:[\w-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)


def is_binary_property(line: str) -> bool:
    """A picture, logo, sound or key: data this program does not read."""
    return bool(_BINARY_PROPERTY.match(line))


def is_card_start(line: str) -> bool:
    return bool(_BEGIN.match(line.strip()))


def read_cards(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """Each card of the file's lines, as {heading: text} (every heading present)."""
    card: list[Property] | None = None
    for line in _unfolded(lines):
        if is_card_start(line):
            if card is not None:  # a card that lost its END: still a card (and counted as one)
                yield _row(card)
            card = []
        elif _END.match(line):
            if card is not None:
                yield _row(card)
            card = None
        elif card is not None:
            parsed = _property(line)
            if parsed is not None:
                card.append(parsed)
    if card is not None:  # the last card lost its END
        yield _row(card)


def count_cards(lines: Iterable[str]) -> int:
    """How many cards read_cards gives (without reading their properties)."""
    return sum(1 for line in _unfolded(lines) if is_card_start(line))


def _unfolded(lines: Iterable[str]) -> Iterator[str]:
    """Logical lines: a line starting with a space or tab continues the one
    before (without that character); in 2.1's quoted-printable a line ending
    in "=" continues into the next."""
    pending: str | None = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if pending is not None and line[:1] in (" ", "\t"):
            pending += line[1:]
        elif pending is not None and pending.endswith("=") and _QUOTED_PRINTABLE.search(pending.split(":", 1)[0]):
            pending = pending[:-1] + line
        else:
            if pending is not None:
                yield pending
            pending = line
    if pending is not None:
        yield pending


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _property(line: str) -> Property | None:
    """NAME;PARAM=a,b;TYPE="c,d":value -> ("NAME", {"PARAM": [...], "TYPE": [...]}, "value");
    a 2.1 bare parameter (TEL;CELL) is a TYPE; a group prefix (item1.) is dropped."""
    head, colon, value = _split_head(line)
    if not colon:
        return None
    parts = _split_outside_quotes(head, ";")
    name = parts[0].split(".")[-1].strip().upper()
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, equals, text = part.partition("=")
        if not equals:
            key, text = "TYPE", key
        values = [item.strip().strip('"') for item in _split_outside_quotes(text, ",")]
        values = [item for value in values for item in value.split(",")]  # TYPE="cell,voice"
        params.setdefault(key.strip().upper(), []).extend(v.strip().lower() for v in values if v.strip())
    return name, params, value


def _split_head(line: str) -> tuple[str, str, str]:
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], ":", line[index + 1 :]
    return line, "", ""


def _decoded(params: dict[str, list[str]], value: str) -> str:
    """The value with 2.1's quoted-printable undone (in its CHARSET, UTF-8 if none)."""
    if "quoted-printable" not in params.get("ENCODING", []):
        return value
    charset = (params.get("CHARSET") or ["utf-8"])[0]
    data = quopri.decodestring(value.encode("ascii", errors="replace"))
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _components(value: str) -> list[list[str]]:
    """A structured value ("a;b,c;d"): its components, each a list of texts, escapes undone."""
    components: list[list[str]] = [[]]
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append("\n" if char in "nN" else char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ";,":
            components[-1].append("".join(current))
            current = []
            if char == ";":
                components.append([])
        else:
            current.append(char)
    components[-1].append("".join(current))
    return components


def _text(value: str) -> str:
    """A text value with its escapes undone (\\n is a new line, \\, a comma)."""
    return re.sub(r"\\(.)", lambda match: "\n" if match.group(1) in "nN" else match.group(1), value)


def _part(components: list[list[str]], index: int, joiner: str = " ") -> str:
    if index >= len(components):
        return ""
    return joiner.join(text.strip() for text in components[index] if text.strip())


def _preferred(found: list[tuple[dict[str, list[str]], str]], kind: str = "") -> str:
    """The value whose TYPE is ``kind``, else the preferred one (TYPE=pref, PREF=1), else the first."""
    for wanted in ([kind] if kind else []) + ["pref"]:
        for params, value in found:
            if wanted in params.get("TYPE", []) or (wanted == "pref" and "PREF" in params):
                return value
    return found[0][1] if found else ""


def _row(card: list[Property]) -> dict[str, str]:
    row = dict.fromkeys(VCARD_HEADINGS, "")
    addresses: list[tuple[dict[str, list[str]], str]] = []
    emails: list[tuple[dict[str, list[str]], str]] = []
    phones: list[tuple[dict[str, list[str]], str]] = []
    notes: list[str] = []
    for name, params, raw in card:
        value = _decoded(params, raw)
        if name == "FN":
            row[FULL_NAME_HEADING] = _text(value).strip()
        elif name == "N":
            names = _components(value)
            row["Last name"] = " ".join(part for part in (_part(names, 0), _part(names, 4)) if part)
            row["First name"] = _part(names, 1)
            row["Middle name"] = _part(names, 2)
        elif name == "ORG":
            row["Company"] = _part(_components(value), 0, ", ")
        elif name == "ADR":
            addresses.append((params, value))
        elif name == "TEL":
            phones.append((params, _phone_number(_text(value))))
        elif name == "EMAIL":
            emails.append((params, _text(value).strip()))
        elif name == "BDAY":
            row["Birthday"] = value.strip()
        elif name == "NOTE":
            notes.append(_text(value).strip())
    if addresses:
        _address(row, _components(_preferred(addresses, "home")))
    row["Email"] = _preferred(emails)
    _phones(row, phones, notes)
    row["Notes"] = "\n".join(note for note in notes if note)
    return row


def _address(row: dict[str, str], parts: list[list[str]]) -> None:
    """;;street;city;region;code;country (the post-office box and the extended
    address when there is no street, or as the second line)."""
    street_lines = [line.strip() for text in (parts[2] if len(parts) > 2 else []) for line in text.split("\n")]
    street_lines = [line for line in street_lines if line]
    extra = [_part(parts, 1), _part(parts, 0)]
    lines = street_lines or [text for text in extra if text]
    second = lines[1:] + ([text for text in extra if text] if street_lines else [])
    row["Address 1"] = lines[0] if lines else ""
    row["Address 2"] = ", ".join(second)
    row["City"] = _part(parts, 3)
    row["State"] = _part(parts, 4)
    row["Postal code"] = _part(parts, 5)
    row["Country"] = _part(parts, 6)


def _phone_number(value: str) -> str:
    """A TEL's number: 4.0's "tel:+1-555-0100;ext=12" as "+1-555-0100 ext. 12"."""
    number = re.sub(r"^tel:", "", value.strip(), flags=re.IGNORECASE)
    number, _semicolon, parameters = number.partition(";")
    extension = re.search(r"(?:^|;)ext=([^;]+)", parameters, flags=re.IGNORECASE)
    return f"{number} ext. {extension.group(1)}" if extension else number


_PHONE_HEADINGS = {"cell": "Mobile phone", "mobile": "Mobile phone", "home": "Home phone", "work": "Work phone"}


def _phones(row: dict[str, str], phones: list[tuple[dict[str, list[str]], str]], notes: list[str]) -> None:
    """Each number to its type's column (cell before work: a work mobile is a
    mobile), untyped ones to the free columns, faxes and pagers to the notes."""
    untyped = []
    for params, number in phones:
        if not number:
            continue
        types = params.get("TYPE", [])
        if "fax" in types or "pager" in types:
            notes.append(f"{'Fax' if 'fax' in types else 'Pager'}: {number}")
            continue
        heading = next((_PHONE_HEADINGS[kind] for kind in ("cell", "mobile", "home", "work") if kind in types), None)
        if heading and not row[heading]:
            row[heading] = number
        else:
            untyped.append(number)
    for number in untyped:
        free = next((heading for heading in ("Home phone", "Mobile phone", "Work phone") if not row[heading]), None)
        if free:
            row[free] = number
        else:
            notes.append(f"Phone: {number}")
