"""A record saved in another terminal while it is open here (issue 9 §2):
the save is refused with "changed in another terminal", the screen takes
the stored version, what was typed here is kept, and saving again writes
the typed fields over the other terminal's change without undoing it."""
from textual.widgets import Input, TextArea

from spectra_tui.data.models import Client, Session
from spectra_tui.data.versions import write_changes
from spectra_tui.screens.clients import ClientRecord
from spectra_tui.screens.sessions import SessionRecord


def another_terminal_saves(row, **values) -> None:
    """What another terminal's save does: the stored row changes under this screen."""
    stored = type(row).get_by_id(row.id)
    write_changes(stored, "the record", **values)


async def test_client_record_keeps_the_typed_city_and_takes_the_new_phone(app):
    client = Client.select().order_by(Client.id).first()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        city = app.screen.query_one("#f-city", Input)
        city.focus()
        city.value = ""
        await pilot.press(*"Round Rock")
        another_terminal_saves(client, phone_mobile="(512) 555-0111")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord), "a stale save must not close the record"
        assert app.screen.query_one("#f-phone_mobile", Input).value == "(512) 555-0111"
        assert city.value == "Round Rock"
        assert Client.get_by_id(client.id).city == client.city  # nothing of the stale save was written
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, ClientRecord)
    stored = Client.get_by_id(client.id)
    assert (stored.city, stored.phone_mobile) == ("Round Rock", "(512) 555-0111")


async def test_session_record_keeps_typed_notes_over_a_move_elsewhere(app):
    session = Session.select().where(Session.status.not_in(("Cancelled", "No-Show"))).order_by(Session.id).first()
    moved = session.start.replace(hour=8)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(SessionRecord(session))
        await pilot.pause()
        notes = app.screen.query_one("#sr-notes", TextArea)
        notes.focus()
        await pilot.press(*"Bring the dog")
        another_terminal_saves(session, start=moved)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord)
        assert "Bring the dog" in notes.text
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, SessionRecord)
    stored = Session.get_by_id(session.id)
    assert stored.start == moved and "Bring the dog" in stored.notes


async def test_task_dialog_keeps_the_typed_title_and_takes_the_new_notes(app):
    from spectra_tui.data import tasks as task_data
    from spectra_tui.screens.tasks import TaskDialog

    task = task_data.create_task(task_data.TaskFields(title="Call the lab"))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(TaskDialog(task=task))
        await pilot.pause()
        title = app.screen.query_one("#f-title", Input)
        title.value = "Call the print lab"
        another_terminal_saves(task, notes="Ask for Ann")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, TaskDialog)
        assert app.screen.query_one("#f-notes", Input).value == "Ask for Ann"
        assert title.value == "Call the print lab"
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, TaskDialog)
    stored = task_data.get_task(task.id)
    assert (stored.title, stored.notes) == ("Call the print lab", "Ask for Ann")


async def test_line_dialog_keeps_the_typed_price_and_takes_the_new_quantity(app):
    from spectra_tui.data import invoices as invoice_data
    from spectra_tui.data.models import Invoice, InvoiceLine
    from spectra_tui.screens.invoices import LineDialog

    invoice = invoice_data.create_invoice(Invoice.GENERIC, client=Client.select().first())
    line = invoice_data.add_line(invoice, description="Print 8x10", quantity=1, unit_price_cents=4500)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(LineDialog(invoice, line))
        await pilot.pause()
        price = app.screen.query_one("#price", Input)
        price.value = "50.00"
        invoice_data.update_line(InvoiceLine.get_by_id(line.id), quantity=5)  # another terminal
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, LineDialog)
        assert app.screen.query_one("#quantity", Input).value == "5"
        assert "another terminal" in str(app.screen.query_one("#error").render())
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, LineDialog)
    stored = InvoiceLine.get_by_id(line.id)
    assert (stored.quantity, stored.unit_price_cents) == (5, 5000)
