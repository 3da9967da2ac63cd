"""Invoices hub (F7) and the invoice record with all its money flows.

The hub: an invoice-number field at the top (Enter opens it at once, "E12"
is estimate 12) and lists by status, date range and balance, paged from SQL
with the balance computed in SQL.

The record: header, lines (add / edit / remove, from the price list by code
or from a list), totals, the ledger; Payment (offering the client's deposits
first), Refund, Void entry, Transfer Credit Balance, Deposit, Bill-To,
Convert estimate, Void invoice. Every change goes through data.invoices and
data.ledger; a broken rule is shown as a readable message.

The package: ``hub`` (the Invoices hub), ``record`` (the invoice record),
``line_dialog`` (one invoice line). Other screens open an invoice, or make
a new one, through ``screens.open_record`` (``open_new_invoice`` is also
importable from here).
"""

from ..open_record import open_new_invoice
from .hub import SORT_CHOICES, STATUS_CHOICES, InvoicesHub
from .line_dialog import LineDialog
from .record import InvoiceRecord

__all__ = ["SORT_CHOICES", "STATUS_CHOICES", "InvoiceRecord", "InvoicesHub", "LineDialog", "open_new_invoice"]
