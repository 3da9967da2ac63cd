"""The Audit Log screen: a manager opens it from the command palette, its key
or Studio Settings, filters by record, user, action and days, and reads the
highlighted entry's changes below the list (at 120x40 and 80x24); front desk
and photographers are told why not and see nothing of the log."""
import pytest
from textual.widgets import Input

from spectra_tui.data import audit_log
from spectra_tui.data.models import Invoice, LedgerEntry, User
from spectra_tui.data.users import sign_in
from spectra_tui.screens import keymap
from spectra_tui.screens.audit_log import AuditLogScreen
from spectra_tui.screens.studio_settings import StudioSettingsScreen
from spectra_tui.screens.widgets import PAGE_SIZE, FieldTable

from staff import add_user

from .layout import SIZE_IDS, SIZES, assert_fits, screen_lines


@pytest.fixture
def as_manager(demo_db):
    manager = add_user("mia", "Mia Stone", "manager")
    sign_in(manager)
    return manager


def shown(app) -> str:
    """The screen's text, its spaces and line ends as one space (a message may wrap)."""
    return " ".join(" ".join(screen_lines(app)).split())


async def type_into(pilot, field: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#a-{field}", Input)
    pilot.app.screen.set_focus(box)
    box.value = ""
    await pilot.press(*text)


async def test_a_manager_opens_it_from_the_palette_and_reads_an_invoices_history(as_manager, make_app):
    invoice = Invoice.get((Invoice.series == "invoice") & (Invoice.number == 1002))
    payments = LedgerEntry.select().where(LedgerEntry.invoice == invoice).count()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+k", *"audit log")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditLogScreen) and app.focused is screen.query_one("#a-user")
        table = screen.query_one("#a-entries", FieldTable)
        assert len(table.loaded_rows) == PAGE_SIZE  # one page, not the studio's whole log
        await type_into(pilot, "record", "invoice 1002")
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is table
        rows = table.loaded_rows
        assert [row.entry.action for row in rows][-1] == "invoice.create"
        assert {row.entry.entity for row in rows} == ({"invoice", "ledger"} if payments else {"invoice"})
        assert all(row.record.endswith("1002") for row in rows)
        text = shown(app)
        assert f"{len(rows)} entries about Invoice 1002, newest first" in text
        table.move_to_key(next(row.entry.id for row in rows if row.entry.action == "invoice.line_add"))
        await pilot.pause()
        text = shown(app)  # a change: each field before and after
        assert "invoice.line_add · Invoice 1002 · rita" in text
        assert "Field Before After" in text and "total $0.00 $" in text
        await pilot.press("end")  # the oldest: the invoice made, each field with what it was made with
        await pilot.pause()
        text = shown(app)
        assert "invoice.create · Invoice 1002 · rita" in text
        assert "Field After" in text and "Before" not in text
        assert "$0.00" in text and invoice.client.full_name in text and "11/01/2026" in text
        await pilot.press("enter")  # into the changes (a long one scrolls)
        await pilot.pause()
        assert app.focused is screen.query_one("#a-changes")
        await pilot.press(keymap.key("audit.filters"))
        await pilot.pause()
        assert app.focused is screen.query_one("#a-user")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AuditLogScreen)


async def test_filters_by_user_action_and_days_and_a_mistake_shows_at_its_field(as_manager, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(keymap.key("audit_log").lower())
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#a-entries", FieldTable)
        await type_into(pilot, "user", "SO")  # Sam Okafor's initials
        await type_into(pilot, "action", "call")
        await pilot.press("enter")
        await pilot.pause()
        rows = table.loaded_rows
        assert rows and {(row.entry.user_name, row.entry.action) for row in rows} == {("sam", "call.log")}
        await type_into(pilot, "from", "11/1/2026")
        await type_into(pilot, "to", "11/2/2026")
        await pilot.press("enter")
        await pilot.pause()
        days = {row.when.date() for row in table.loaded_rows}
        assert all(f"{day:%m/%d}" in ("11/01", "11/02") for day in days)
        await type_into(pilot, "to", "10/1/2026")
        await pilot.press("enter")
        await pilot.pause()
        assert "From (11/01/2026) is after To (10/01/2026)" in shown(app)
        assert app.focused is screen.query_one("#a-to")
        await type_into(pilot, "user", "sa")
        await pilot.pause(0.5)  # a pause in the typing: the search runs (To still wrong), the focus stays put
        assert app.focused is screen.query_one("#a-user")
        await pilot.press("m")
        await type_into(pilot, "record", "zzqx")
        await pilot.press("enter")
        await pilot.pause()
        assert "Record: No client is called 'zzqx'; or type a record like 'invoice 1001'" in shown(app)
        assert app.focused is screen.query_one("#a-record")


async def test_studio_settings_names_it_and_opens_it(demo_db, make_app):
    sign_in(User.get(User.username == "admin"))  # the owner
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, StudioSettingsScreen)
        assert f"{keymap.key('audit_log')} opens the audit log" in shown(app)
        await pilot.press("alt+l")
        await pilot.pause()
        assert isinstance(app.screen, AuditLogScreen) and app.screen.query(FieldTable)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StudioSettingsScreen)


@pytest.mark.parametrize("username", ["rita", "ava"])  # front desk, photographer
async def test_front_desk_and_photographers_see_why_not_and_nothing_of_the_log(demo_db, make_app, username):
    user = User.get(User.username == username)
    sign_in(user)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditLogScreen)
        text = shown(app)
        assert f"Only a manager or the owner may read the audit log; {user.full_name} is signed in as" in text
        assert not screen.query(FieldTable) and not screen.query(Input)
        await pilot.press("slash", "down")  # no filters or entries to go to: nothing breaks
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AuditLogScreen)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_it_fits_and_shows_the_changes_at_both_sizes(as_manager, make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("alt+l")
        await pilot.pause()
        screen = app.screen
        await type_into(pilot, "action", "ledger.payment")
        await pilot.press("enter")
        await pilot.pause()
        assert_fits(screen)
        row = screen.query_one("#a-entries", FieldTable).selected
        entry = LedgerEntry.get_by_id(row.entry.entity_id)
        text = shown(app)
        assert f"ledger.payment · {row.record} · rita" in text
        amount = next(c.after for c in audit_log.changes(row.entry) if c.field == "amount")
        assert amount.startswith("$") and f"{entry.amount_cents // 100:,}" in amount and amount in text
        assert "amount" in text and entry.method in text


async def test_a_password_change_shows_only_that_a_password_was_set(as_manager, make_app):
    from spectra_tui.data import accounts

    rita = accounts.set_secret(User.get(User.username == "rita"), "60318274")
    hashed = User.get_by_id(rita.id).password_hash
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("alt+l")
        await pilot.pause()
        await type_into(pilot, "record", "user rita")
        await pilot.press("enter")
        await pilot.pause()
        text = shown(app)
        assert "user.password · User rita (Rita Gomez) · mia" in text and "password or PIN set" in text
        for row in app.screen.query_one("#a-entries", FieldTable).loaded_rows:  # each of Rita's entries in turn
            app.screen.query_one("#a-entries", FieldTable).move_to_key(row.entry.id)
            await pilot.pause()
            text = shown(app)
            assert row.entry.action in text
            assert "60318274" not in text and "$argon2" not in text and hashed[-20:] not in text


async def test_left_open_when_the_user_changes_it_follows_who_is_signed_in(as_manager, make_app):
    from spectra_tui.screens.dialogs import ConfirmDialog

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("alt+l")
        await pilot.pause()
        screen = app.screen
        assert screen.query(FieldTable)
        sign_in(User.get(User.username == "rita"))  # as Change User would, over the screen
        await app.push_screen(ConfirmDialog("Signed in?", "Yes", "No"))
        await pilot.pause()
        app.screen.dismiss(None)
        await pilot.pause()
        assert app.screen is screen and not screen.query(FieldTable)
        assert "Rita Gomez is signed in as front desk" in shown(app)
        sign_in(as_manager)
        await app.push_screen(ConfirmDialog("Signed in?", "Yes", "No"))
        await pilot.pause()
        app.screen.dismiss(None)
        await pilot.pause()
        assert app.screen is screen and len(screen.query_one("#a-entries", FieldTable).loaded_rows) == PAGE_SIZE
        assert app.focused is screen.query_one("#a-user")


@pytest.mark.pages_unawaited
async def test_keys_held_for_a_page_that_came_before_the_key_was_done_go_at_once(as_manager, make_app, monkeypatch):
    """Enter in a filter, then Down: the Enter loads the entries and holds the
    next keys until the first page is shown. A fast page can be shown before
    the Enter is done with (the screen not yet drawn): the held keys must go
    then, not wait for the key queue's watchdog (1-2 s: Down seemed lost)."""
    from spectra_tui.screens import widgets

    holds = []
    async with make_app().run_test(size=(120, 40)) as pilot:
        await pilot.press("alt+l")
        table = pilot.app.screen.query_one("#a-entries", FieldTable)
        monkeypatch.setattr(widgets, "hold_keys", lambda node, until: holds.append(until))
        table.load(lambda after, limit: [] if after else audit_log.search(audit_log.AuditQuery(), limit))
        table.when_loaded(lambda: None)
        for _ in range(100):  # the page comes (in its worker thread)
            await pilot.pause(0.02)
            if not table._first_page_due:
                break
        assert not table._first_page_due and len(holds) == 2
        released = []
        for until in holds:  # the key queue asks only now: the page is already there
            until(lambda: released.append(True))
        assert released == [True, True]
