"""The report "aging": receivables aging, the open balances by client as of
a day (the period's end, today by default), in 0-30, 31-60, 61-90 and 90+
days by the invoice's date; the clients holding a credit balance apart; totals.

It reads each invoice's stored balance (``balance_cents``, kept by
ledger.store_balances) as it stands now, and follows ledger.can_owe: no void
invoice, no estimate. Invoices dated after the day are left out. SQL does the
grouping (a GROUP BY per client, the totals one more aggregate), and the
clients come a page at a time (keyset on the oldest invoice owed, then the
client's id): 100,000 invoices are never all in memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import Case, fn

from .models import Client, Invoice, tuples
from .reports import Column, Report, ReportSpec, Section, register

I = Invoice  # noqa: E741 (the query reads as SQL)
BUCKETS = ("0-30", "31-60", "61-90", "90+")
# The days of age each bucket starts at (its end is the next one's start less a day).
BUCKET_STARTS = (0, 31, 61, 91)
MAX_PAGE = 500


@dataclass(frozen=True)
class ClientAging:
    """A client's owed balances by age (cents), the oldest invoice owed."""

    client_id: int
    name: str
    buckets: tuple[int, int, int, int]
    oldest: dt.date

    @property
    def total(self) -> int:
        return sum(self.buckets)

    @property
    def key(self) -> tuple[dt.date, int]:
        """Where the next page starts after this line."""
        return (self.oldest, self.client_id)


@dataclass(frozen=True)
class ClientCredit:
    client_id: int
    name: str
    credit: int  # cents the studio holds for the client (positive)
    invoices: int  # how many invoices and credit memos hold it

    @property
    def key(self) -> tuple[int, int]:
        return (self.credit, self.client_id)


@dataclass(frozen=True)
class AgingTotals:
    buckets: tuple[int, int, int, int]
    clients: int  # clients owing
    credit: int
    credit_clients: int

    @property
    def total(self) -> int:
        return sum(self.buckets)


def _counted(as_of: dt.date) -> Any:
    """The invoices that can owe, dated on or before ``as_of``."""
    return (I.kind != I.ESTIMATE) & (I.status != I.VOID) & (I.invoice_date <= as_of)


def _owed_in(as_of: dt.date, bucket: int) -> Any:
    """SUM of the balances owed on invoices whose age falls in ``bucket``."""
    newest = as_of - dt.timedelta(days=BUCKET_STARTS[bucket])
    condition = (I.balance_cents > 0) & (I.invoice_date <= newest)
    if bucket + 1 < len(BUCKET_STARTS):
        condition &= I.invoice_date > as_of - dt.timedelta(days=BUCKET_STARTS[bucket + 1])
    return fn.COALESCE(fn.SUM(Case(None, [(condition, I.balance_cents)], 0)), 0)


def _credit() -> Any:
    return fn.SUM(Case(None, [(I.balance_cents < 0, I.balance_cents * -1)], 0))


def _oldest_owed() -> Any:
    return fn.MIN(Case(None, [(I.balance_cents > 0, I.invoice_date)], None))


def _day(value: Any) -> dt.date:
    """A date from the database (SQLite gives the MIN of a date as text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _name(first: str, middle: str, last: str, company: str, client_id: int) -> str:
    return Client(id=client_id, first_name=first, middle_name=middle, last_name=last, company=company).sort_name


NAME_COLUMNS = (Client.first_name, Client.middle_name, Client.last_name, Client.company, Client.id)


def aging_page(as_of: dt.date, after: tuple[dt.date, int] | None = None, limit: int = 100) -> list[ClientAging]:
    """Clients owing as of ``as_of``, the oldest invoice owed first; ``after``:
    the ``key`` of the previous page's last line."""
    oldest = _oldest_owed()
    query = (
        I.select(*NAME_COLUMNS, *(_owed_in(as_of, b) for b in range(len(BUCKETS))), oldest)
        .join(Client, on=(I.client == Client.id))
        .where(_counted(as_of) & (I.balance_cents > 0))
        .group_by(*NAME_COLUMNS)
    )
    if after is not None:
        day, client_id = after
        query = query.having((oldest > day) | ((oldest == day) & (Client.id > client_id)))
    query = query.order_by(oldest, Client.id).limit(max(1, min(limit, MAX_PAGE)))
    return [
        ClientAging(
            client_id=row[4],
            name=_name(*row[:5]),
            buckets=(int(row[5]), int(row[6]), int(row[7]), int(row[8])),
            oldest=_day(row[9]),
        )
        for row in tuples(query)
    ]


def credit_page(as_of: dt.date, after: tuple[int, int] | None = None, limit: int = 100) -> list[ClientCredit]:
    """Clients holding a credit balance (overpaid invoices, credit memos), the largest first."""
    credit = _credit()
    query = (
        I.select(*NAME_COLUMNS, credit, fn.COUNT(I.id))
        .join(Client, on=(I.client == Client.id))
        .where(_counted(as_of) & (I.balance_cents < 0))
        .group_by(*NAME_COLUMNS)
    )
    if after is not None:
        amount, client_id = after
        query = query.having((credit < amount) | ((credit == amount) & (Client.id > client_id)))
    query = query.order_by(credit.desc(), Client.id).limit(max(1, min(limit, MAX_PAGE)))
    return [
        ClientCredit(client_id=row[4], name=_name(*row[:5]), credit=int(row[5]), invoices=int(row[6]))
        for row in tuples(query)
    ]


def aging_totals(as_of: dt.date) -> AgingTotals:
    """The totals of every bucket and of the credits, in one aggregate (not summed from the pages)."""
    row = next(
        iter(
            tuples(
                I.select(
                    *(_owed_in(as_of, b) for b in range(len(BUCKETS))),
                    fn.COUNT(fn.DISTINCT(Case(None, [(I.balance_cents > 0, I.client)], None))),
                    fn.COALESCE(_credit(), 0),
                    fn.COUNT(fn.DISTINCT(Case(None, [(I.balance_cents < 0, I.client)], None))),
                ).where(_counted(as_of))
            )
        )
    )
    return AgingTotals(
        buckets=(int(row[0]), int(row[1]), int(row[2]), int(row[3])),
        clients=int(row[4]),
        credit=int(row[5]),
        credit_clients=int(row[6]),
    )


# ---------------------------------------------------------------- the report
# Two tables within 80 columns. A line carries its page key after the shown
# cells (the formats show a line's cells up to its columns): a paged
# section's next page starts after the key of the previous page's last line.

AGING_COLUMNS = (
    Column("Client", "text", 16),
    *(Column(f"{bucket} days", "money", 10) for bucket in BUCKETS),
    Column("Total", "money", 12),
)
CREDIT_COLUMNS = (Column("Client", "text", 40), Column("Invoices", "count", 9), Column("Credit", "money", 12))


def aging_row(line: ClientAging) -> tuple:
    return (line.name, *line.buckets, line.total, *line.key)


def credit_row(line: ClientCredit) -> tuple:
    return (line.name, line.invoices, line.credit, *line.key)


def _key_of(row: tuple | None) -> Any:
    return None if row is None else tuple(row[-2:])


def total_rows(totals: AgingTotals) -> tuple[tuple, tuple]:
    """The total lines of the two tables (with how many clients)."""
    return (
        (f"Total ({_clients(totals.clients)})", *totals.buckets, totals.total),
        (f"Total ({_clients(totals.credit_clients)})", None, totals.credit),
    )


def _clients(count: int) -> str:
    return f"{count} client" if count == 1 else f"{count} clients"


def build(start: dt.date, end: dt.date) -> Report:
    """The balances as of the period's end (its start plays no part)."""
    as_of = end
    owed, credit = total_rows(aging_totals(as_of))
    return Report(
        name="aging",
        title="Receivables aging",
        period=f"as of {as_of:%m/%d/%Y}",
        sections=[
            Section(
                "Open balances by client, the oldest invoice owed first",
                AGING_COLUMNS,
                totals=owed,
                page=lambda after, limit: [aging_row(line) for line in aging_page(as_of, _key_of(after), limit)],
            ),
            Section(
                "Credit balances: what the studio holds for a client",
                CREDIT_COLUMNS,
                totals=credit,
                page=lambda after, limit: [credit_row(line) for line in credit_page(as_of, _key_of(after), limit)],
            ),
        ],
        notes=[
            f"Each invoice's balance as it stands now, aged by the invoice's date as of {as_of:%m/%d/%Y}; "
            "invoices dated after that day, void invoices and estimates are left out. Overpaid invoices "
            "and credit memos are credit balances, shown apart; deposits not yet applied are not counted.",
        ],
    )


register(ReportSpec("aging", "Receivables aging", build, permission=None, default_period="today"))
