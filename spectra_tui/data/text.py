"""Short text typed at the front desk: a required one-line heading (a task,
a call's subject), free notes and whole numbers (a quantity, an image
number), each checked with a readable message; and the one rule that keeps
control characters out of every stored text (``strip_controls``); and a
cell of a CSV file a spreadsheet will not run as a formula (``spreadsheet_cell``)."""

import re

from .errors import ValidationError

# C0 controls, DEL and C1 controls: a name holding "ESC ]0;... BEL" would
# retitle the terminal it is printed to, and a NUL cuts a file short.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LINE_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline
_SPACING = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\x0b": " ", "\x0c": " "})

MAX_HEADING = 200
MAX_NOTES = 10_000


def strip_controls(text: str, multiline: bool = False) -> str:
    """``text`` without control characters. Several lines (``multiline``: notes)
    keep their line breaks (CR LF and CR become LF) and tabs; in one line they
    become spaces. Every text column applies it (models.CharField, TextField)."""
    if text.isprintable():  # the usual case, at C speed
        return text
    if multiline:
        return _LINE_CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROLS.sub("", text.translate(_SPACING))


def one_line(text: str | None) -> str:
    """Typed text as one line: no control characters, inner spaces folded, trimmed."""
    return " ".join(strip_controls(text or "").split())


def heading(text: str, field: str, what: str, when_empty: str) -> str:
    """One line, inner spaces folded; ``what`` names it in the message ("The task")."""
    line = one_line(text)
    if not line:
        raise ValidationError(when_empty, field)
    if len(line) > MAX_HEADING:
        raise ValidationError(
            f"{what} is {len(line)} characters long; keep it under {MAX_HEADING} (details go in the notes).", field
        )
    return line


def notes(text: str) -> str:
    cleaned = strip_controls(text or "", multiline=True).strip()
    if len(cleaned) > MAX_NOTES:
        raise ValidationError(f"The notes are too long ({len(cleaned):,} characters; at most {MAX_NOTES:,}).", "notes")
    return cleaned


def whole_number(typed: str, field: str, label: str, required: bool) -> int | None:
    """'3' -> 3; empty -> None (or "Enter the quantity." when ``required``).
    Only the digits 0-9 (not '٣' or '³'), and more than zero: a count or an image number."""
    typed = (typed or "").strip()
    if not typed:
        if required:
            raise ValidationError(f"Enter the {label}.", field)
        return None
    digits = typed.removeprefix("-").removeprefix("+")
    if any(ch.isdigit() and not ch.isascii() for ch in digits):
        raise ValidationError(f"Type the {label} with the digits 0-9.", field)
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(f"The {label} must be a whole number.", field)
    if len(digits) > 9:
        raise ValidationError(f"The {label} is too large.", field)
    if typed.startswith("-") or int(digits) == 0:
        raise ValidationError(f"The {label} must be more than zero.", field)
    return int(digits)


# A spreadsheet runs a cell starting with one of these as a formula (CSV
# injection: a client named "=HYPERLINK(...)" exported and opened in one).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[\d\s().,/-]*\Z")  # -12.50, +1 (512) 867-5309: no formula


def spreadsheet_cell(text: str) -> str:
    """``text`` for a CSV file: a leading apostrophe before what a
    spreadsheet would run as a formula (not before a number or a phone number)."""
    if text and text[0] in _FORMULA_STARTS and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def from_spreadsheet_cell(text: str) -> str:
    """Undo ``spreadsheet_cell``: this program's own files read back as written."""
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_STARTS and not _PLAIN_NUMBER.match(text[1:]):
        return text[1:]
    return text
