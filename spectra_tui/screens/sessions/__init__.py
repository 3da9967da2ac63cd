"""Sessions hub (F6), Session Search (Ctrl+S) and the session record.

The hub and the search dialog share one search panel: session number,
client name (prefix), a date range, photographer and status; the results
page from SQL (keyset) so the list stays quick with years of sessions.

The session record has tabs General, Appointments, Invoices, Images and
Status history, the status workflow (advance, set, cancel with a reason,
no-show) and the New group (session invoice, appointment, estimate, credit
memo). Every change goes through data.sessions / data.invoices; a broken
rule shows as a readable message.

The package: ``search`` (the panel, the hub, the dialog) and ``record``
(the session record); how dates, times and money are written is in
``screens.formats`` (shared with the invoice screens, re-exported here).
Other screens open a session through ``screens.open_record``.
"""

from ..formats import balance_cell, first_name, fmt_clock, fmt_day, fmt_long, fmt_short, menu_entry, money_cell
from .record import TABS, SessionRecord
from .search import SessionSearchDialog, SessionSearchPanel, SessionsHub

__all__ = [
    "TABS",
    "SessionRecord",
    "SessionSearchDialog",
    "SessionSearchPanel",
    "SessionsHub",
    "balance_cell",
    "first_name",
    "fmt_clock",
    "fmt_day",
    "fmt_long",
    "fmt_short",
    "menu_entry",
    "money_cell",
]
