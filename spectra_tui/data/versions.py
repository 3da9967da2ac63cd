"""Optimistic concurrency: several terminals edit the same books.

Clients, sessions, appointments, invoices, invoice lines and tasks carry a
``version``. Every update of such a row goes through ``write_changes``: it
writes only the columns whose value changes, where the row still has the
version it was read at, and adds 1 to the version. A terminal that saves
what it loaded before another terminal's change therefore never overwrites
that change: it gets ``ChangedElsewhere`` and reloads.

The rule for services (call inside the change's transaction):
- an edit of what a person typed into a form (client fields, notes, a line,
  a move in the calendar) holds the row as the screen loaded it: the service
  calls ``current(row)``, which refuses when another terminal saved it since;
- a command that is checked against the row as it is now (advance a
  session's status, void an invoice) reads the row fresh and writes only
  what it changes, still guarded by the version it read.
"""

from __future__ import annotations

from typing import Any, TypeVar

from peewee import Model

from .errors import DomainError, NotFound
from .models import VersionedModel

Row = TypeVar("Row", bound=VersionedModel)


class ChangedElsewhere(DomainError):
    """The row was saved by another terminal since this one loaded it."""

    def __init__(self, what: str):
        super().__init__(f"{what} was changed in another terminal since you opened it.")
        self.what = what


def current(row: Row, what: str) -> Row:
    """The stored row, if it still has the version ``row`` was loaded at.

    Raises NotFound when another terminal removed it, ChangedElsewhere when
    another terminal saved it since."""
    model = type(row)
    stored = model.get_or_none(model.id == row.id)
    if stored is None:
        raise NotFound(f"{what} no longer exists: it was removed in another terminal.")
    if stored.version != row.version:
        raise ChangedElsewhere(what)
    return stored


def reloaded(row: Row) -> Row:
    """A new copy of ``row`` as it is stored now (what a screen shows after
    another terminal changed it); the copy the caller holds is left as it was."""
    model = type(row)
    stored = model.get_or_none(model.id == row.id)
    if stored is None:
        raise NotFound("That record no longer exists: it was removed in another terminal.")
    return stored


def adopt(row: Row, stored: Row) -> Row:
    """Make the caller's copy ``row`` the stored one (values and version), so
    its next save is not refused as stale; returns ``row``."""
    row.__data__.update(stored.__data__)
    row._dirty.clear()
    row.__rel__.clear()
    return row


def changes_of(row: VersionedModel, values: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``values`` (field name -> new value) that differs from ``row``."""
    out = {}
    for name, value in values.items():
        field = row._meta.fields[name]
        stored = row.__data__.get(field.name)
        new = value.get_id() if isinstance(value, Model) else value
        if stored != new:
            out[name] = new
    return out


def write_changes(row: VersionedModel, what: str, **values: Any) -> dict[str, Any]:
    """Write the fields of ``values`` that differ from ``row``, guarded by its
    version; ``row`` then holds the new values and version. Returns what
    changed (empty: nothing was written)."""
    changed = changes_of(row, values)
    if not changed:
        return {}
    model = type(row)
    count = (
        model.update({**{model._meta.fields[n]: v for n, v in changed.items()}, model.version: model.version + 1})
        .where((model.id == row.id) & (model.version == row.version))
        .execute()
    )
    if count != 1:
        if not model.select().where(model.id == row.id).exists():
            raise NotFound(f"{what} no longer exists: it was removed in another terminal.")
        raise ChangedElsewhere(what)
    for name, value in changed.items():
        row.__data__[row._meta.fields[name].name] = value
        row.__rel__.pop(name, None)
    row.version += 1
    row._dirty.clear()
    return changed


def bump(row: VersionedModel, what: str) -> None:
    """Add 1 to ``row``'s version (guarded by it) when what changed lives in
    other tables (a package's pieces): other terminals' copies become stale."""
    model = type(row)
    if (
        not model.update(version=model.version + 1)
        .where((model.id == row.id) & (model.version == row.version))
        .execute()
    ):
        raise ChangedElsewhere(what)
    row.version += 1
