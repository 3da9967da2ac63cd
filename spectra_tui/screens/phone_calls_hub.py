"""The Phone Calls hub (F8): every call logged with a client. Today's, the
follow-ups due (call-backs not done, due today or earlier), one staff
member's, or all, and a search over the client's name, the subject and the
notes. A call is logged from here (the client chosen first; a call-back day
makes its task in the same step, as in the client record); Enter opens the
client; a follow-up's task is marked done here. The rules and queries are in
data/phone_calls.py.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from ..data import clock
from ..data import phone_calls as call_data
from ..data import tasks as task_data
from ..data.models import Client, PhoneCall, Task
from . import keymap
from .dialogs import WRITE_ERRORS, readable
from .formats import fmt_day, fmt_short
from .list_hub import ListHub
from .open_record import choose_client, open_client
from .phone_calls import PhoneCallDialog
from .widgets import Note, PagedTable

SHOW_CHOICES = [("Today", "today"), ("Follow-ups due", "follow_ups"), ("All calls", "all")]
EVERYONE = "*"
LATE_STYLE = "bold red"


def short_day(day) -> str:
    return f"{day:%m/%d/%y}" if day else ""


def call_back_cell(task: Task | None) -> Text:
    """'due 11/30/26' (red once late), 'done 11/27/26', or nothing without a call-back."""
    if task is None:
        return Text("")
    if task.done_at is not None:
        return Text(f"done {short_day(clock.to_local(task.done_at).date())}", style="dim")
    if task.due is None:
        return Text("open")
    return Text(f"due {short_day(task.due)}", style=LATE_STYLE if task.due < clock.today() else "")


def call_cells(call: PhoneCall) -> tuple:
    return (
        fmt_short(call.at),
        call.direction,
        call.client.full_name,
        call.subject,
        call.user_name,
        call_back_cell(call_data.follow_up_of(call)),
    )


def call_details(call: PhoneCall) -> Text:
    """The highlighted call: its notes and its call-back task."""
    line = Text.assemble(("Notes ", "dim"), call.notes or "—")
    task = call_data.follow_up_of(call)
    if task is not None:
        state = f"done by {task.done_by}" if task.done_at is not None else f"due {fmt_day(task.due)}"
        line.append("\n")
        line.append_text(Text.assemble(("Task ", "dim"), f"{task.title} · {state}"))
    return line


class PhoneCallsHub(ListHub):
    HUB_ID = "phone_calls"
    HUB_TITLE = "Phone Calls"
    TABLE_ID = "calls-list"
    MESSAGE_ID = "calls-message"
    NOUN = "call"

    DEFAULT_CSS = """
    PhoneCallsHub .search-row { height: 1; margin-bottom: 1; }
    PhoneCallsHub .search-row Label { width: auto; padding: 0 1; color: $text-muted; }
    PhoneCallsHub #calls-show { width: 19; }
    PhoneCallsHub #calls-staff { width: 20; }
    PhoneCallsHub #calls-search { width: 1fr; }
    PhoneCallsHub #calls-message { height: 1; padding: 0 1; color: $text-muted; }
    PhoneCallsHub #calls-message.-error { color: $error; }
    PhoneCallsHub PagedTable { height: 1fr; }
    PhoneCallsHub #calls-details { height: auto; max-height: 4; padding: 0 1; }
    """
    BINDINGS = keymap.bindings("phone_calls_hub")

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="search-row"):
            yield Label("Show")
            yield Select(SHOW_CHOICES, value="today", allow_blank=False, compact=True, id="calls-show")
            yield Label("Staff")
            yield Select(self._staff_choices(), value=EVERYONE, allow_blank=False, compact=True, id="calls-staff")
            yield Label("Search")
            yield Input(id="calls-search", compact=True, placeholder="client, subject or notes", max_length=100)
        yield Note("", id="calls-message")
        yield PagedTable(
            [("When", 14), ("Call", 4), ("Client", 22), ("About", 32), ("By", 10), ("Call back", 13)],
            call_cells,
            key=lambda call: call.id,
            id="calls-list",
            narrow_columns=[(0, 14), (2, 17), (3, 25), (5, 13)],
            narrow_below=110,
        )
        yield Static("", id="calls-details")

    @staticmethod
    def _staff_choices() -> list[tuple[str, str]]:
        return [("Everyone", EVERYONE)] + [(full, name) for name, full in call_data.staff_names()]

    def build_query(self) -> call_data.CallQuery:
        staff = str(self.query_one("#calls-staff", Select).value)
        return call_data.CallQuery(
            show=str(self.query_one("#calls-show", Select).value),  # never blank (allow_blank=False)
            staff="" if staff == EVERYONE else staff,
            text=self.query_one("#calls-search", Input).value,
        )

    def fetch(self, query: call_data.CallQuery, after, limit: int) -> list:
        return call_data.search_calls(query, limit, after)

    def count(self, query: call_data.CallQuery) -> int:
        return call_data.count_calls(query)

    def keys_hint(self) -> str:
        return keymap.hint(
            ("table.open", "opens the client"),
            ("phone_calls_hub.log_call", "logs a call"),
            ("phone_calls_hub.done", "call-back done"),
        )

    def loaded(self) -> None:
        self._show_details()

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        self.search()

    @on(Input.Changed, "#calls-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.25, self.search)

    @on(Input.Submitted, "#calls-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search()
        self.table.focus_when_loaded()

    @on(PagedTable.RowHighlighted, "#calls-list")
    def _highlighted(self, event: PagedTable.RowHighlighted) -> None:
        self._show_details()

    def _show_details(self) -> None:
        call = self.table.selected
        self.query_one("#calls-details", Static).update(call_details(call) if call is not None else "")

    @on(PagedTable.Chosen, "#calls-list")
    def _chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        open_client(self.app, event.row.client, tab="phone_calls")

    # ------------------------------------------------------------ the keys

    def action_focus_search(self) -> None:
        search = self.query_one("#calls-search", Input)
        search.focus()
        search.select_all()

    def action_focus_results(self) -> None:
        self.table.focus_when_loaded()

    def action_log_call(self) -> None:
        def logged(call: PhoneCall | None) -> None:
            if call is None:
                return
            follow_up = call_data.follow_up_of(call_data.get_call(call.id))
            then = f" Call back {fmt_day(follow_up.due)}: a task." if follow_up is not None else ""
            self.notify(f"Call logged with {call.client.full_name}: {call.subject}.{then}", timeout=5)
            self.select_after_load(call.id)
            self.refresh_data()

        def chosen(client: Client | None) -> None:
            if client is not None:
                self.app.push_screen(PhoneCallDialog(client), logged)

        choose_client(self.app, chosen)

    def action_call_back_done(self) -> None:
        call = self.table.selected
        if call is None:
            self.notify("No call is selected.", timeout=3)
            return
        task = call_data.follow_up_of(call)
        if task is None:
            self.notify(f"The call '{call.subject}' asked for no call-back: there is no task to mark done.", timeout=5)
            return
        if task.done_at is not None:
            self.notify(f"The call-back was done already (by {task.done_by}).", timeout=4)
            return
        try:
            task_data.complete_task(task)
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not marked done", severity="error", timeout=8)
        else:
            self.notify(f"Done: {task.title}.", timeout=4)
        self.refresh_data()
