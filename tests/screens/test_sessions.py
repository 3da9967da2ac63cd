"""Sessions hub (F6), Session Search (Ctrl+S) and the session record, driven
by a receptionist's keystrokes; the database is checked afterwards."""
import datetime as dt

from textual.widgets import DataTable, Input, Static, TextArea

from spectra_tui.data import sessions as session_data
from spectra_tui.data.models import Invoice, Session, SessionImage, SessionStatusChange
from spectra_tui.screens.dialogs import ChoiceDialog, ConfirmDialog, ReasonDialog
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.sessions import SessionRecord, SessionSearchDialog, SessionsHub
from spectra_tui.screens.widgets import PagedTable

SIZE = (120, 40)


async def type_text(pilot, text: str) -> None:
    """Type like a person, key by key (one press call: fast)."""
    await pilot.press(*["space" if char == " " else char for char in text])


def pending_session() -> Session:
    """A booked session at the first step of the workflow (the demo has many)."""
    return (Session.select().where(Session.status == "Session Pending")
            .order_by(Session.number).first())


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_record(app, pilot, session: Session, tab: str = "general") -> SessionRecord:
    app.push_screen(SessionRecord(session, tab))
    await pilot.pause()
    assert isinstance(app.screen, SessionRecord)
    return app.screen


# ---------------------------------------------------------------- search

async def test_ctrl_s_finds_a_session_by_number_and_opens_it(app):
    target = Session.select().order_by(Session.number.desc()).first()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SessionSearchDialog)
        assert app.screen.focused.id == "ss-number"
        await type_text(pilot, str(target.number))
        await pilot.press("enter")  # one match: Enter opens it at once
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord)
        assert app.screen.session.id == target.id
        assert f"Session {target.number}" in text_of(app.screen, "#sr-title")


async def test_ctrl_s_escape_returns_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (SessionSearchDialog, SessionRecord))


async def test_f6_searches_by_client_name_prefix_and_enter_opens(app):
    expected = session_data.search_sessions(session_data.SessionQuery(client="san"), limit=100)
    assert expected, "the demo has Sanchezes"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, SessionsHub)
        assert app.screen.focused.id == "ss-client"
        await type_text(pilot, "san")
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#ss-results", PagedTable)
        assert [s.id for s in table.loaded_rows] == [s.id for s in expected]
        assert all(s.client.last_name.lower().startswith("san") or s.client.first_name.lower().startswith("san")
                   for s in table.loaded_rows)
        assert app.screen.focused is table
        assert f"{len(expected)} session" in text_of(app.screen, "#ss-message")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord)
        assert app.screen.session.id == expected[1].id if len(expected) > 1 else expected[0].id


async def test_f6_filters_by_status_photographer_and_dates(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        hub = app.screen
        hub.query_one("#ss-status").value = "Complete"
        await pilot.pause()
        rows = hub.query_one("#ss-results", PagedTable).loaded_rows
        assert rows and all(s.status == "Complete" for s in rows)
        # dates typed the way people type them; a day that cannot be read is said so, nothing is lost
        hub.query_one("#ss-from", Input).focus()
        await type_text(pilot, "13/45")
        await pilot.press("enter")
        await pilot.pause()
        assert "From:" in text_of(hub, "#ss-message")
        assert hub.query_one("#ss-from", Input).value == "13/45"
        hub.query_one("#ss-from", Input).value = ""
        await type_text(pilot, "8/1/2026")
        hub.query_one("#ss-to", Input).focus()
        await type_text(pilot, "8/31/2026")
        await pilot.press("enter")
        await pilot.pause()
        rows = hub.query_one("#ss-results", PagedTable).loaded_rows
        assert rows and all(s.status == "Complete" and s.start.month == 8 and s.start.year == 2026 for s in rows)


async def test_large_page_loads_more_rows_as_the_cursor_moves(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        table = app.screen.query_one("#ss-results", PagedTable)
        first = len(table.loaded_rows)
        total = Session.select().count()
        assert first < total  # paged, not the whole table
        table.focus()
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert len(table.loaded_rows) > first
        ids = [s.id for s in table.loaded_rows]
        assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- the record: status workflow

async def test_a_advances_the_status_and_keeps_who_and_when(app):
    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, session)
        await pilot.press("a")
        await pilot.pause()
        assert Session.get_by_id(session.id).status == "Capture Images Pending"
        change = SessionStatusChange.select().where(SessionStatusChange.session == session.id).order_by(
            SessionStatusChange.id.desc()).first()
        assert (change.from_status, change.to_status, change.user_name) == (
            "Session Pending", "Capture Images Pending", "rita")
        assert "Capture Images Pending" in text_of(record, "#sr-title")
        history = record.query_one("#sr-history", DataTable)
        assert history.row_count == len(session_data.history(session))


async def test_s_sets_any_status_from_the_list(app):
    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, session)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        options = [o for _id, o in app.screen.options]
        assert "Session Pending" not in options and "Order Pending" in options
        index = [option_id for option_id, _label in app.screen.options].index("Order Pending")
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert Session.get_by_id(session.id).status == "Order Pending"


async def test_x_cancels_with_a_reason_and_refuses_without_one(app):
    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, session)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        await pilot.press("enter")  # no reason: the rule says so in the dialog
        await pilot.pause()
        assert app.screen is dialog
        assert "Give the reason for cancelling" in text_of(dialog, "#reason-error")
        assert Session.get_by_id(session.id).status == "Session Pending"
        await type_text(pilot, "Client moved away")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
        assert Session.get_by_id(session.id).status == session_data.CANCELLED
        last = SessionStatusChange.select().where(SessionStatusChange.session == session.id).order_by(
            SessionStatusChange.id.desc()).first()
        assert (last.to_status, last.note, last.user_name) == ("Cancelled", "Client moved away", "rita")
        # a cancelled session has no next step: the rule's message, no traceback
        await pilot.press("a")
        await pilot.pause()
        assert Session.get_by_id(session.id).status == session_data.CANCELLED
        assert any("no next step" in n.message for n in app._notifications)


async def test_r_reschedules_and_keeps_it_in_the_history(app):
    from spectra_tui.data import settings
    from spectra_tui.screens.calendar import RescheduleDialog, input_format

    settings.put("conflict_policy", "always")  # the move itself is what is tested here
    session = pending_session()
    old_start = session.start
    new_start = old_start + dt.timedelta(days=7)
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, session)
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RescheduleDialog)
        dialog.query_one("#move-when", Input).value = input_format(new_start)
        await pilot.press("tab")  # to the reason
        await type_text(pilot, "Client asked")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is record
    moved = Session.get_by_id(session.id)
    assert moved.start == new_start
    assert moved.status == session.status  # a move is not a status change
    last = SessionStatusChange.select().where(SessionStatusChange.session == session.id).order_by(
        SessionStatusChange.id.desc()).first()
    assert last.note.startswith("Rescheduled from") and "Client asked" in last.note


async def test_o_marks_a_no_show_after_confirming(app):
    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, session)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert Session.get_by_id(session.id).status == session_data.NO_SHOW


# ---------------------------------------------------------------- the record: editing, tabs, New group

async def test_notes_saved_with_ctrl_w_and_escape_asks_when_unsaved(app):
    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, session)
        notes = record.query_one("#sr-notes", TextArea)
        notes.focus()
        await type_text(pilot, "Bring the dog")
        await pilot.pause()
        assert record.dirty
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.screen is record and notes.text.startswith("Bring the dog")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is not record
        assert Session.get_by_id(session.id).notes.startswith("Bring the dog")


async def test_tabs_show_invoices_with_balances_images_and_history(app):
    session = (Session.select().join(Invoice, on=(Invoice.session == Session.id))
               .where(Session.status == "Complete").order_by(Session.number).first())
    SessionImage.create(session=session, number=1, original_name="DSC_0001.JPG", stored_name="0001.jpg",
                        sha256="a" * 64, width=6000, height=4000)
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, session, tab="invoices")
        invoices_table = record.query_one("#sr-invoices", DataTable)
        assert invoices_table.row_count == session.invoices.count()
        await pilot.press("4")
        await pilot.pause()
        images = record.query_one("#sr-images", DataTable)
        assert images.row_count == 1
        assert [str(c) for c in images.get_row_at(0)][:5] == ["1", "1", "", "DSC_0001.JPG", "6000×4000"]
        await pilot.press("5")
        await pilot.pause()
        assert record.query_one("#sr-history", DataTable).row_count == len(session_data.history(session))
        await pilot.press("3")
        invoices_table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)
        assert app.screen.invoice.session_id == session.id


async def test_i_creates_a_session_invoice_of_the_chosen_type(app):
    session = pending_session()
    before = Invoice.select().where(Invoice.session == session.id).count()
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, session)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert [option_id for option_id, _ in app.screen.options] == ["Session Fee", "Initial Order", "Re-Order"]
        await pilot.press("down", "enter")  # Initial Order
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)
        invoice = app.screen.invoice
        assert (invoice.kind, invoice.session_id, invoice.client_id) == ("Initial Order", session.id, session.client_id)
        assert Invoice.select().where(Invoice.session == session.id).count() == before  # numbered on save
        await pilot.press("a")  # its first line stores and numbers it
        await pilot.pause()
        await pilot.press("tab", *"Frame", "tab", "tab", *"25", "enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord) and invoice.number is not None
        assert f"Invoice {invoice.number}" in str(app.screen.query_one("#ir-head").render())
        assert Invoice.select().where(Invoice.session == session.id).count() == before + 1
        assert invoice.total_cents == 2500 + 206


async def test_estimate_and_credit_memo_from_the_session(app):
    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        record = await open_record(app, pilot, session)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord) and app.screen.invoice.is_estimate
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is record
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.invoice.kind == Invoice.CREDIT_MEMO
        assert app.screen.invoice.session_id == session.id


async def test_p_hands_over_to_the_scheduling_wizard_or_says_it_is_missing(app):
    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, session)
        calls = []
        if hasattr(app, "open_scheduling_wizard"):
            app.open_scheduling_wizard = lambda **kwargs: calls.append(kwargs)
            await pilot.press("p")
            await pilot.pause()
            assert calls == [{"session": session, "kind": "appointment"}] or calls[0]["kind"] == "appointment"
        else:
            await pilot.press("p")
            await pilot.pause()
            assert any("Scheduling Wizard" in n.message for n in app._notifications)


async def test_c_opens_the_client_record(app):
    from spectra_tui.screens.clients import ClientRecord

    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, session)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord)
        assert app.screen.client.id == session.client_id


async def test_file_menu_lists_every_action_with_its_key(app):
    session = pending_session()
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, session)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        ids = [option_id for option_id, _ in app.screen.options]
        assert {"advance", "set_status", "cancel_session", "no_show", "session_invoice", "save_close"} <= set(ids)
        await pilot.press("enter")  # the first: advance
        await pilot.pause()
        assert Session.get_by_id(session.id).status == "Capture Images Pending"
        await pilot.press("f", "c")  # the letter shown at an entry chooses it
        await pilot.pause()
        from spectra_tui.screens.clients import ClientRecord

        assert isinstance(app.screen, ClientRecord) and app.screen.client.id == session.client_id
