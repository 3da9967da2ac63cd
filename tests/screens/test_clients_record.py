"""The client record: General (editable, same rules as New Client), Family,
Sessions, Appointments, Invoices, Notes, the money summary and the New group."""
import pytest
from textual.widgets import Input, Static, TextArea

from spectra_tui.data import clients as client_data
from spectra_tui.data import ledger
from spectra_tui.data.models import Appointment, Client, FamilyMember, Invoice, LedgerEntry, Session
from spectra_tui.data.money import format_money
from spectra_tui.screens.clients import ClientFields, ClientRecord
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.sessions import SessionRecord
from spectra_tui.screens.widgets import PagedTable


def busy_client() -> Client:
    """A demo client with sessions, invoices (one with a balance due), appointments and family."""
    for client in Client.select().order_by(Client.id):
        invoices = list(Invoice.select().where((Invoice.client == client) & (Invoice.series == "invoice")))
        owing = ledger.client_money(client.id).owed > 0
        if (owing and client.sessions.count() and client.family.count()
                and Appointment.select().where(Appointment.client == client).count() and invoices):
            return client
    pytest.skip("the demo has no client with everything")


async def open_record(pilot, client: Client, tab: str = "general") -> ClientRecord:
    await pilot.app.push_screen(ClientRecord(client, tab=tab))
    await pilot.pause()
    assert isinstance(pilot.app.screen, ClientRecord)
    return pilot.app.screen


def field(app, name: str) -> Input:
    return app.screen.query_one(f"#f-{name}", Input)


async def replace_text(pilot, box: Input, text: str):
    box.focus()
    await pilot.press("home", "shift+end", "backspace")  # clear the field
    box.value = ""
    await pilot.press(*text)


async def test_general_tab_edits_with_the_same_rules_and_saves_with_ctrl_w(app):
    client = busy_client()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_record(pilot, client)
        assert field(app, "last_name").value == client.last_name
        await replace_text(pilot, field(app, "city"), "new braunfels")
        await pilot.press("tab")
        assert field(app, "city").value == "New Braunfels"
        await replace_text(pilot, field(app, "phone_work"), "512 555 0142")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, ClientRecord)
    saved = Client.get_by_id(client.id)
    assert (saved.city, saved.phone_work) == ("New Braunfels", "(512) 555-0142")
    assert saved.last_name == client.last_name


async def test_a_broken_rule_is_shown_at_its_field_and_nothing_is_lost(app):
    client = busy_client()
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        await replace_text(pilot, field(app, "email"), "nobody@")
        await pilot.press("alt+7")  # Notes tab: the error must bring General back
        await pilot.pause()
        notes = record.query_one("#record-notes", TextArea)
        notes.insert("Prefers mornings.")
        await pilot.press("ctrl+w")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is record
        assert record.active_tab == "general"
        assert "not a valid email address" in record.query_one(ClientFields).error_of("email")
        assert app.focused is field(app, "email") and field(app, "email").value == "nobody@"
        assert "Prefers mornings." in notes.text
    assert Client.get_by_id(client.id).email == client.email


async def test_every_broken_field_of_the_record_is_shown_at_once(app):
    client = busy_client()
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        field(app, "email").value = "nobody@"  # typed, the fields not yet left
        field(app, "phone_work").value = "12"
        field(app, "birthday").value = "13/45/1990"
        await pilot.press("alt+7")  # on the Notes tab: the errors bring General back
        await pilot.pause()
        await pilot.press("ctrl+w")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is record and record.active_tab == "general"
        fields = record.query_one(ClientFields)
        assert "phone number" in fields.error_of("phone_work")
        assert "not a valid email address" in fields.error_of("email")
        assert "not a date" in fields.error_of("birthday")
        assert app.focused is field(app, "phone_work")  # the first of them, in form order
    assert Client.get_by_id(client.id).email == client.email


async def test_saving_one_field_does_not_recapitalise_names_kept_as_typed(app):
    client = Client.select().order_by(Client.id).first()
    client_data.save_client(client, {"last_name": "van der berg"}, capitalize=set())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_record(pilot, client)
        await replace_text(pilot, field(app, "lead_source"), "Referral")
        await pilot.press("ctrl+w")
        await pilot.pause()
    saved = Client.get_by_id(client.id)
    assert saved.last_name == "van der berg" and saved.lead_source == "Referral"


async def test_f3_in_the_record_keeps_a_field_as_typed(app):
    client = Client.select().order_by(Client.id).first()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_record(pilot, client)
        await replace_text(pilot, field(app, "company"), "von trapp singers")
        await pilot.press("f3")
        assert field(app, "company").value == "von trapp singers"
        assert app.focused is field(app, "phone_mobile")
        await pilot.press("ctrl+w")
        await pilot.pause()
    assert Client.get_by_id(client.id).company == "von trapp singers"


async def test_escape_with_unsaved_changes_asks(app):
    client = busy_client()
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        await replace_text(pilot, field(app, "city"), "elgin")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is record and field(app, "city").value == "elgin"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (ClientRecord, ConfirmDialog))
    assert Client.get_by_id(client.id).city == client.city


async def test_money_summary_comes_from_the_ledger(app):
    client = busy_client()
    money = ledger.client_money(client.id)
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        summary = str(record.query_one("#record-money", Static).content)
        assert f"Owes {format_money(money.owed)}" in summary
        assert f"Credit {format_money(money.credit_balances)}" in summary
        assert f"Unapplied deposits {format_money(money.deposits_left)}" in summary


async def test_family_add_and_remove(app):
    client = busy_client()
    before = client.family.count()
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client, tab="family")
        table = record.query_one("#family-table", PagedTable)
        assert app.focused is table and table.row_count == before
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"ava", "enter")  # first name; last name is prefilled
        await pilot.press("enter", *"daughter", "enter", *"13/13/2020", "enter")
        await pilot.pause()
        assert "not a date" in str(app.screen.query_one("#err-birthday").render())  # dialog stays, nothing lost
        app.screen.query_one("#f-birthday", Input).value = ""
        await pilot.press(*"03/04/2020", "enter")
        await pilot.pause()
        assert app.screen is record
        assert client.family.count() == before + 1
        member = client.family.order_by(FamilyMember.id.desc()).get()
        assert (member.first_name, member.last_name, member.relationship) == ("Ava", client.last_name, "daughter")
        assert table.row_count == before + 1
        table.focus()
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert client.family.count() == before
        assert table.row_count == before


async def test_sessions_tab_lists_the_clients_sessions_and_enter_opens_one(app):
    from spectra_tui.screens.sessions import SessionRecord

    client = busy_client()
    sessions = list(Session.select().where(Session.client == client).order_by(Session.start.desc(), Session.id.desc()))
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        await pilot.press("alt+3")
        await pilot.pause()
        table = record.query_one("#sessions-table", PagedTable)
        assert app.focused is table
        assert [s.id for s in table.loaded_rows] == [s.id for s in sessions]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord) and app.screen.session.id == sessions[0].id


async def test_invoices_tab_shows_each_balance_and_enter_opens_the_invoice(app):
    from spectra_tui.screens.invoices import InvoiceRecord

    client = busy_client()
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client, tab="invoices")
        table = record.query_one("#invoices-table", PagedTable)
        rows = table.loaded_rows
        assert {r.invoice.id for r in rows} == {i.id for i in Invoice.select().where(Invoice.client == client)}
        for row in rows:
            assert row.balance == ledger.invoice_money(row.invoice).balance
        assert app.focused is table
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord) and app.screen.invoice.id == rows[0].invoice.id


async def test_appointments_tab(app):
    client = busy_client()
    appointments = list(Appointment.select().where(Appointment.client == client))
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client, tab="appointments")
        rows = record.query_one("#appointments-table", PagedTable).loaded_rows
        assert {a.id for a in rows} == {a.id for a in appointments}


async def test_notes_tab_saves_with_ctrl_w(app):
    client = busy_client()
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        await pilot.press("alt+7")
        await pilot.pause()
        notes = record.query_one("#record-notes", TextArea)
        assert app.focused is notes
        await pilot.press("end", *" Allergic to cats.")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, ClientRecord)
    assert Client.get_by_id(client.id).notes.endswith("Allergic to cats.")


async def test_new_deposit_from_the_record(app):
    client = busy_client()
    left = ledger.client_money(client.id).deposits_left
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        await pilot.press("alt+d")
        await pilot.pause()
        assert app.screen is not record
        await pilot.press(*"abc", "enter")  # not an amount: the rule's message, the dialog stays
        await pilot.pause()
        assert app.screen is not record
        assert "not an amount" in str(app.screen.query_one("#error").render())
        app.screen.query_one("#amount", Input).value = ""
        await pilot.press(*"125.50", "enter")
        await pilot.pause()
        assert app.screen is record
        assert ledger.client_money(client.id).deposits_left == left + 12550
        assert format_money(left + 12550) in str(record.query_one("#record-money", Static).content)
    deposit = LedgerEntry.select().order_by(LedgerEntry.id.desc()).get()
    assert (deposit.kind, deposit.client_id, deposit.amount_cents) == (LedgerEntry.DEPOSIT, client.id, 12550)


@pytest.mark.parametrize("key, kind", [("alt+g", Invoice.GENERIC), ("alt+e", Invoice.ESTIMATE),
                                       ("alt+c", Invoice.CREDIT_MEMO)])
async def test_new_invoice_kinds_from_the_record(app, key, kind):
    from spectra_tui.screens.invoices import InvoiceRecord

    client = busy_client()
    before = Invoice.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, InvoiceRecord)
        assert app.screen.invoice.kind == kind and app.screen.invoice.client_id == client.id
        assert "not saved yet" in str(app.screen.query_one("#ir-head").render())
        await pilot.press("escape")  # untouched: nothing left behind, no number used
        await pilot.pause()
        assert app.screen is record and Invoice.select().count() == before
        await pilot.press(key, "ctrl+w")  # saved as it is: stored and numbered now
        await pilot.pause()
        assert app.screen is record
    assert Invoice.select().count() == before + 1
    newest = Invoice.select().order_by(Invoice.id.desc()).get()
    assert (newest.kind, newest.client_id) == (kind, client.id) and newest.number is not None


async def test_new_appointment_or_session_goes_to_the_scheduling_wizard(app):
    client = busy_client()
    calls = []
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        if not hasattr(app, "open_scheduling_wizard"):
            await pilot.press("alt+s")
            await pilot.pause()
            assert app.screen is record  # told that the wizard is not installed, nothing typed
            assert field(app, "first_name").value == client.first_name
        app.open_scheduling_wizard = lambda **kwargs: calls.append(kwargs)
        await pilot.press("alt+s", "alt+a")
        await pilot.pause()
    assert calls == [{"client": client, "kind": "session"}, {"client": client, "kind": "appointment"}]


async def test_the_tab_strip_switches_tabs_with_the_arrow_keys(app):
    from spectra_tui.screens.clients import TabStrip

    client = busy_client()
    async with app.run_test(size=(120, 40)) as pilot:
        record = await open_record(pilot, client)
        await pilot.press("shift+tab")
        strip = record.query_one(TabStrip)
        assert app.focused is strip
        await pilot.press("right")
        await pilot.pause()
        assert record.active_tab == "family" and app.focused is strip
        assert record.query_one("#family-table", PagedTable).row_count == client.family.count()
        await pilot.press("left", "left")
        await pilot.pause()
        assert record.active_tab == record.TABS[-1]  # round to the last tab
        await pilot.press("alt+1")
        await pilot.pause()
        assert record.active_tab == "general" and app.focused is field(app, "first_name")
        await pilot.press("ctrl+pageup")  # the keys every terminal sends (Alt+digit needs the kitty protocol)
        await pilot.pause()
        assert record.active_tab == record.TABS[-1]
        await pilot.press("ctrl+pagedown", "ctrl+pagedown")
        await pilot.pause()
        assert record.active_tab == "family"


async def test_closed_records_do_not_stay_in_memory(app):
    """Opening and closing records all day must not keep their widgets alive
    (Textual keeps the watchers that closed widgets left on the app otherwise:
    the notes' TextArea watches the app's theme)."""
    import gc

    from textual.widget import Widget

    clients = list(Client.select().order_by(Client.id).limit(8))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        for client in clients:
            await open_record(pilot, client)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.pause()
        for session in Session.select().order_by(Session.id).limit(8):  # its notes are a TextArea
            await pilot.app.push_screen(SessionRecord(session))
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            await pilot.pause()
        gc.collect()
        detached = [w for w in gc.get_objects() if isinstance(w, Widget) and not w.is_attached
                    and type(w).__name__ in ("TitleBar", "KeyBar", "TextArea", "ClientFields", "Input")]
        records = [r for r in gc.get_objects() if isinstance(r, (ClientRecord, SessionRecord))]
        assert records == []
        # At most the widgets of the screen closed last (released when the next one resumes).
        assert len(detached) <= 2, sorted({type(w).__name__ for w in detached})
