"""Gap-free numbers (invoices, estimates, sessions).

The counter row is bumped inside the caller's transaction: on SQLite the
IMMEDIATE transaction holds the write lock, on PostgreSQL the UPDATE locks the
row, so two terminals never draw the same number, and a rolled-back
transaction gives its number back (no gaps).
"""

from .models import Counter


def next_number(name: str, start: int = 1) -> int:
    """The next number of sequence ``name``; call inside a transaction.

    One upsert (SQLite 3.24+, PostgreSQL): the first call makes the row with
    ``start``, each later one adds 1; on PostgreSQL a second terminal's upsert
    waits for the first one's commit, the very first number included. Bumping
    a counter is also how a writer takes a lock (audit chain, calendar)."""
    Counter.insert(name=name, value=start).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}
    ).execute()
    return Counter.get(Counter.name == name).value


def peek(name: str) -> int:
    """The last number handed out (0 if none)."""
    row = Counter.get_or_none(Counter.name == name)
    return row.value if row else 0
