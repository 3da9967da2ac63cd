"""Short text typed at the front desk: a required one-line heading (a task,
a call's subject), free notes and whole numbers (a quantity, an image
number), each checked with a readable message."""

from .errors import ValidationError

MAX_HEADING = 200
MAX_NOTES = 10_000


def heading(text: str, field: str, what: str, when_empty: str) -> str:
    """One line, inner spaces folded; ``what`` names it in the message ("The task")."""
    line = " ".join((text or "").split())
    if not line:
        raise ValidationError(when_empty, field)
    if len(line) > MAX_HEADING:
        raise ValidationError(
            f"{what} is {len(line)} characters long; keep it under {MAX_HEADING} (details go in the notes).", field
        )
    return line


def notes(text: str) -> str:
    cleaned = (text or "").strip()
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
    if typed.startswith("-") or int(digits) == 0:
        raise ValidationError(f"The {label} must be more than zero.", field)
    return int(digits)
