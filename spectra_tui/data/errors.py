"""Domain errors: every broken business rule raises one of these.

The message is written for the person at the front desk: it says what is
wrong and, where it can, what to do instead. Screens and the CLI show it
as it is; they never show a traceback for a DomainError.
"""


class DomainError(Exception):
    """A business rule was broken; ``str(error)`` is a readable message."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs to, if any


class ValidationError(DomainError):
    """Input that is empty, malformed or out of range."""


class FieldErrors(ValidationError):
    """Several fields of a form broke their rules: ``errors`` maps each field to
    its message (a form shows each under its field). ``field`` is the first."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()), next(iter(errors)))
        self.errors = dict(errors)


class NotFound(DomainError):
    """A record that was asked for does not exist."""


class ConflictError(DomainError):
    """A booking overlaps another one, or falls outside studio hours."""

    def __init__(self, message: str, conflicts: list | None = None, can_override: bool = False):
        super().__init__(message)
        self.conflicts = conflicts or []
        self.can_override = can_override


class PermissionDenied(DomainError):
    """The signed-in user's role may not do this (data/permissions.py)."""
