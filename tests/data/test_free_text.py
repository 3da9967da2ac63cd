"""Free text from a bad paste (a lone surrogate: half of an emoji) is stored
with a replacement character instead of failing the save."""
import datetime as dt

from spectra_tui.data import invoices, sessions
from spectra_tui.data.models import Appointment, Invoice, InvoiceLine, storable_text

BROKEN = "Smile \ud83d please"


def test_storable_text_replaces_only_lone_surrogates():
    assert storable_text(BROKEN) == "Smile \ufffd please"
    assert storable_text("Zoë 😀") == "Zoë 😀"
    assert storable_text(None) is None


def test_invoice_line_and_notes_with_a_lone_surrogate_are_saved(studio):
    invoice = invoices.create_invoice(Invoice.GENERIC, client=studio.client, notes=BROKEN)
    invoices.add_line(invoice, description=BROKEN, unit_price_cents=1000)
    assert Invoice.get_by_id(invoice.id).notes == "Smile \ufffd please"
    assert InvoiceLine.get(InvoiceLine.invoice == invoice).description == "Smile \ufffd please"


def test_appointment_title_with_a_lone_surrogate_is_saved(studio):
    appointment = sessions.create_appointment(BROKEN, dt.datetime(2026, 12, 1, 10, 0), client=studio.client)
    assert Appointment.get_by_id(appointment.id).title == "Smile \ufffd please"
