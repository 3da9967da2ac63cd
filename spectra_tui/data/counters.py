"""Gap-free numbers (invoices, estimates, sessions).

The counter row is bumped inside the caller's transaction: on SQLite the
IMMEDIATE transaction holds the write lock, on PostgreSQL the UPDATE locks the
row, so two terminals never draw the same number, and a rolled-back
transaction gives its number back (no gaps).
"""
from .models import Counter


def next_number(name: str, start: int = 1) -> int:
    """The next number of sequence ``name``; call inside a transaction."""
    updated = Counter.update(value=Counter.value + 1).where(Counter.name == name).execute()
    if not updated:
        Counter.insert(name=name, value=start).on_conflict_ignore().execute()
        if Counter.get(Counter.name == name).value != start:
            Counter.update(value=Counter.value + 1).where(Counter.name == name).execute()
    return Counter.get(Counter.name == name).value


def peek(name: str) -> int:
    """The last number handed out (0 if none)."""
    row = Counter.get_or_none(Counter.name == name)
    return row.value if row else 0
