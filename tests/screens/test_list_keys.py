"""Keys in lists: Home and End go to the first and the last line of the
whole list (End loads the pages still to come), End then Enter opens the
last line even typed as one burst, the client record's tab strip opens a
tab's line with Enter, and the wizard's follow-up list takes Enter at once."""
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import OptionList

from spectra_tui.data.models import Client
from spectra_tui.screens.clients import ClientRecord
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.sessions import SessionRecord
from spectra_tui.screens.widgets import PAGE_SIZE, PagedTable
from spectra_tui.screens.workflow import CheckInDialog, StageTable

from .terminal import post_burst
from .test_wizard import FREE, to_check, type_text

ROWS = PAGE_SIZE * 4 + 7  # several pages, the last one short


def numbers(after, limit) -> list[int]:
    start = 0 if after is None else after + 1
    return list(range(start, min(start + limit, ROWS)))


class NumbersScreen(Screen):
    chosen: int | None = None

    def compose(self) -> ComposeResult:
        yield PagedTable([("Number", 8)], cells=lambda n: (str(n),), key=lambda n: n, id="numbers")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.load(numbers)
        table.focus()

    def on_paged_table_chosen(self, event: PagedTable.Chosen) -> None:
        self.chosen = event.row


async def test_end_and_home_go_to_the_last_and_the_first_line_of_the_whole_list(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(NumbersScreen())
        await pilot.pause()
        table = app.screen.query_one(PagedTable)
        assert len(table.loaded_rows) < ROWS  # only the first page(s) so far
        await pilot.press("end")
        assert table.selected == ROWS - 1 and len(table.loaded_rows) == ROWS
        await pilot.press("home")
        assert table.selected == 0
        await pilot.press("ctrl+end")
        assert table.selected == ROWS - 1


async def test_end_then_enter_typed_together_opens_the_last_line(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = NumbersScreen()
        await app.push_screen(screen)
        await pilot.pause()
        post_burst(app, ["end", "enter"])
        await pilot.pause()
        assert screen.chosen == ROWS - 1


async def test_workflow_end_then_enter_opens_the_last_session(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        table = app.screen.query_one(StageTable)
        last = table.loaded_rows[-1]
        assert table.selected != last
        await pilot.press("end", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckInDialog) and app.screen.session.id == last.id


def client_with_sessions() -> Client:
    return next(client for client in Client.select().order_by(Client.id) if client.sessions.count())


async def test_enter_on_the_record_tab_strip_opens_the_tabs_highlighted_line(app):
    """Shift+Tab to the tab strip, Right to Sessions, Enter: the session opens
    (no Tab into the list first)."""
    client = client_with_sessions()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ClientRecord(client))
        await pilot.pause()
        await pilot.press("shift+tab")
        assert app.focused.id == "tab-strip"
        await pilot.press("right", "right")
        assert app.screen.active_tab == "sessions" and app.focused.id == "tab-strip"
        first = app.screen.query_one("#sessions-table", PagedTable).loaded_rows[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord) and app.screen.session.id == first.id


async def test_down_on_the_record_tab_strip_goes_into_the_list(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ClientRecord(client_with_sessions()))
        await pilot.pause()
        await pilot.press("shift+tab", "right", "right", "down")
        assert app.focused.id == "sessions-table"


async def test_enter_on_the_wizard_follow_up_list_acts_at_once(app):
    async with app.run_test(size=(120, 40)) as pilot:
        wizard = await to_check(app, pilot, FREE)
        await pilot.press("enter", "enter", "enter")  # check passed, fee, no payment
        assert wizard.step == "followups"
        await type_text(pilot, "+1w 4pm")
        await pilot.press("enter")  # added to the list
        assert len(wizard.state.follow_ups) == 1
        await pilot.press("shift+tab", "shift+tab")  # the title, then the list
        assert isinstance(app.focused, OptionList) and app.focused.id == "wz-fu-list"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # "Remove the follow-up ...?"
