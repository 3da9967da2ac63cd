"""Opening one record from another: a client, a session, an invoice.

The client, session and invoice screens open each other's records (a
client's sessions, a session's invoices, an invoice's client...). They call
these functions instead of importing each other, so no screen module needs
another: only this module knows where each record lives. The imports are
made inside the functions because the records call back into this module.

A record is given as the object or as its id.
"""

from __future__ import annotations

from collections.abc import Callable

from ..data import clients as client_data
from ..data import invoices as invoice_data
from ..data import sessions as session_data
from ..data.models import Client, Invoice, Session
from . import keymap
from .dialogs import WRITE_ERRORS, readable


def _get(read_by_id, record_or_id):
    return read_by_id(record_or_id) if isinstance(record_or_id, int) else record_or_id


def open_client(app, client: Client | int, tab: str = "general") -> None:
    """The client record (on ``tab``: general, family, sessions, ...)."""
    from .clients.record import ClientRecord

    app.push_screen(ClientRecord(_get(client_data.get_client, client), tab=tab))


def open_session(app, session: Session | int, tab: str = "general") -> None:
    """The session record (on ``tab``: general, appointments, invoices, ...)."""
    from .sessions.record import SessionRecord

    app.push_screen(SessionRecord(_get(session_data.session_by_id, session), tab=tab))


def open_invoice(app, invoice: Invoice | int, image_number: int | None = None, payment: bool = False) -> None:
    """The invoice (or estimate, credit memo) record; ``image_number`` (the
    image on screen in a presentation) fills the Image # of the lines added;
    ``payment``: the payment is offered at once (deposits first)."""
    from .invoices.record import InvoiceRecord

    record = InvoiceRecord(_get(invoice_data.invoice_by_id, invoice), image_number=image_number, offer_payment=payment)
    app.push_screen(record)


def open_new_invoice(
    app, kind: str, client: Client | None = None, session: Session | None = None, image_number: int | None = None
) -> None:
    """Open a new invoice, credit memo or estimate, unsaved: its first line or
    Save & Close stores and numbers it, Esc leaves nothing behind
    (``image_number`` as for ``open_invoice``). A broken rule (wrong basis,
    ...) is shown as a notification."""
    try:
        invoice = invoice_data.new_invoice(kind, client=client, session=session)
    except WRITE_ERRORS as error:
        app.notify(readable(error), title="Not created", severity="error", timeout=8)
        return
    open_invoice(app, invoice, image_number=image_number)
    named = kind if kind in (Invoice.ESTIMATE, Invoice.CREDIT_MEMO) else f"{kind} invoice"
    app.notify(
        f"New {named}: {keymap.key('invoice_record.add_line')} adds its first line (the number is given then); "
        f"{keymap.key('record.close')} leaves nothing behind.",
        timeout=5,
    )


def choose_client(app, chosen: Callable[[Client | None], None], allow_new: bool = True) -> None:
    """Client Search as a dialog: ``chosen`` gets the client (None on Escape);
    with ``allow_new`` Ctrl+N makes a new client, who is then the answer."""
    from .clients.search import ClientSearchDialog

    app.push_screen(ClientSearchDialog(allow_new=allow_new), chosen)


def reschedule_session(app, session: Session, done: Callable) -> None:
    """The calendar's Reschedule dialog for ``session``; ``done`` gets its result."""
    from .calendar import RescheduleDialog

    app.push_screen(RescheduleDialog(session), done)
