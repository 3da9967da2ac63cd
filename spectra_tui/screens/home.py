"""Home hub (F2): the front desk's day at a glance.

- Today: the sessions and appointments of today (time, client, what, with whom, status).
- Waiting at each stage: how many sessions wait at each workflow stage, and
  for how long the longest has waited there.
- Tasks due: open tasks due today or earlier, the longest overdue first (a
  high or low priority said after the title; F11: Tasks).
- Ready for pickup: production orders ready for the client to pick up (F12: Production).
- Open balances: invoices with a balance due, largest first (oldest first
  among equal balances), paged from SQL.

Enter on a line opens its record (session, invoice, task, or the client of an
appointment with no session); c opens the line's client; d marks a task done.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ..data import clock, timeclock
from ..data import invoices as invoice_data
from ..data import production as production_data
from ..data import sessions as session_data
from ..data import tasks as task_data
from ..data.models import Task
from ..data.money import format_money
from . import keymap
from .base import HubScreen
from .dialogs import WRITE_ERRORS, readable
from .open_record import open_client, open_invoice, open_session
from .spectra_app import spectra_app
from .widgets import FieldTable, PagedTable


def _schedule_values(item: session_data.ScheduleItem) -> tuple:
    client = item.client.sort_name if item.client is not None else ""
    return (f"{item.start:%H:%M}", client, item.what, item.who, item.status)


def _task_values(task) -> tuple:
    overdue = (clock.today() - task.due).days
    due = "today" if overdue <= 0 else f"{task.due:%m/%d} ({overdue}d late)"
    client = task.client.sort_name if task.client_id else ""
    person = task.assigned_to.full_name if task.assigned_to_id else "anyone"
    title = task.title if task.priority == Task.NORMAL else f"{task.title} ({task.priority_name})"
    return (due, title, client, person)


def _pickup_values(order) -> tuple:
    client = order.invoice.client
    return (client.sort_name, client.main_phone, order.vendor, order.invoice.display_number, f"{order.ready_on:%m/%d}")


PICKUP_TITLE = "Ready for pickup [dim](production orders)[/dim]"


def _balance_values(row: invoice_data.InvoiceRow) -> tuple:
    invoice = row.invoice
    return (
        invoice.display_number,
        f"{invoice.invoice_date:%m/%d/%Y}",
        invoice.client.sort_name,
        invoice.kind,
        format_money(invoice.total_cents),
        format_money(row.balance),
    )


def in_now() -> str:
    """Who is clocked in now (the time clock, Ctrl+T): 'In now (2): Rita Gomez 9:02 AM · Ava Reyes (lunch) 12:01 PM'."""
    people = [
        user.full_name
        + ("" if entry.code == "regular" else f" ({entry.code})")
        + f" {timeclock.wall_clock(entry.started_at)}"
        for user, entry in timeclock.who_is_in()
    ]
    if not people:
        return "In now: nobody"
    count = f" ({len(people)})" if len(people) > 1 else ""  # a narrow line may show only the first names
    return f"In now{count}: " + " · ".join(people)


class StageTable:
    """How many sessions wait at each workflow stage, and how many days the
    longest has waited: a column per stage where every word of the stages'
    names fits its column; on a narrow terminal a line per two stages, so
    that no name is broken inside a word ("Presentati/on")."""

    def __init__(self, cells: list[tuple[str, Text]]):
        self.cells = cells

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        longest_word = max((len(word) for status, _c in self.cells for word in status.split()), default=0)
        columns = len(self.cells)
        if columns * (longest_word + 2) <= options.max_width + 2:
            table = Table(box=None, expand=True, show_edge=False, pad_edge=False, header_style="bold")
            for status, _cell in self.cells:
                table.add_column(status, ratio=1)
            table.add_row(*(cell for _status, cell in self.cells))
        else:
            table = Table(box=None, expand=True, show_edge=False, pad_edge=False, show_header=False)
            for _ in range(2):
                table.add_column(style="bold", ratio=1)
                table.add_column(no_wrap=True)
            pairs = [self.cells[i : i + 2] for i in range(0, columns, 2)]
            for pair in pairs:
                table.add_row(*(part for status, cell in pair for part in (status, cell)))
        yield table


class HomeHub(HubScreen):
    HUB_ID = "home"
    HUB_TITLE = "Home"

    DEFAULT_CSS = """
    HomeHub #schedule { height: auto; max-height: 40%; }  /* a quiet day leaves the room to balances */
    HomeHub #tasks { height: auto; max-height: 20%; }
    HomeHub #pickup { height: auto; max-height: 15%; }
    HomeHub #balances { height: 1fr; }
    HomeHub .empty-note { padding: 0 2; color: $text-muted; height: 1; display: none; }
    HomeHub .empty-note.-shown { display: block; }
    HomeHub #stages { padding: 0 1; height: auto; }
    HomeHub .section-title { height: 1; }
    HomeHub #today-row { height: 1; }
    HomeHub #today-title { width: auto; }
    HomeHub #in-now { width: 1fr; height: 1; padding: 0 1 0 2; text-align: right; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS = keymap.bindings("home")

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="today-row"):
            yield Static("", id="today-title", classes="section-title")
            yield Static("", id="in-now")  # the time clock: who is in now
        yield Static("Nothing is booked today.", id="schedule-empty", classes="empty-note")
        yield FieldTable(  # one cell a row: the hub draws fast at start-up
            [("Time", 5), ("Client", 22), ("What", 22), ("With", 14), ("Status", 26)],
            values=_schedule_values,
            key=lambda item: f"{item.kind}-{(item.appointment or item.session).id}",
            narrow_fields=[(0, 5), (1, 22), (2, 22), (3, 14)],
            id="schedule",
        )
        yield Static("Waiting at each stage [dim](sessions · longest wait)[/dim]", classes="section-title")
        yield Static("", id="stages")
        yield Static(
            "Tasks due [dim](today and late · "
            + keymap.hint(("new_task", "adds one"), ("home.task_done", "done"))
            + ")[/dim]",
            classes="section-title",
        )
        yield Static("No task is due.", id="tasks-empty", classes="empty-note")
        yield FieldTable(
            [("Due", 17), ("Task", 34), ("Client", 22), ("For", 16)],
            values=_task_values,
            key=lambda task: task.id,
            narrow_fields=[(0, 17), (1, 32), (2, 22)],
            id="tasks",
        )
        yield Static(PICKUP_TITLE, id="pickup-title", classes="section-title")
        yield FieldTable(
            [("Client", 22), ("Phone", 14), ("Vendor", 16), ("Invoice", 7), ("Ready", 5)],
            values=_pickup_values,
            key=lambda order: order.id,
            narrow_fields=[(0, 22), (2, 16), (3, 7), (4, 5)],
            id="pickup",
        )
        yield Static("Open balances (largest first)", classes="section-title")
        yield FieldTable(
            [
                ("Invoice", 7),
                ("Date", 10),
                ("Client", 24),
                ("Type", 13),
                ("Total", 12, "right"),
                ("Balance due", 11, "right"),
            ],
            values=_balance_values,
            key=lambda row: row.invoice.id,
            narrow_fields=[(0, 7), (1, 10), (2, 24), (5, 11)],
            id="balances",
        )

    # Start-up: the first frame shows the hub's frame (titles, empty tables,
    # keys) as soon as Textual can draw it; the app then calls
    # ``show_first_data`` on its Ready event (sent once the first frame is
    # out), which fills the tables and focuses the schedule. Focusing earlier
    # would rebuild the footer before the first frame.
    AUTO_FOCUS = None

    def refresh_data(self) -> None:
        if not spectra_app(self).first_frame_shown:
            return  # start-up: show_first_data follows the first frame
        self._fill()

    def show_first_data(self) -> None:
        self._fill()
        if self.focused is None:
            self.query_one("#schedule", PagedTable).focus()

    def _fill(self) -> None:
        today = clock.today()
        self.query_one("#today-title", Static).update(f"Today · {today:%A, %B} {today.day}, {today.year}")
        self.query_one("#in-now", Static).update(in_now())
        self._reload(
            "schedule",
            lambda after, limit: session_data.day_schedule(today) if after is None else [],
            empty_note="#schedule-empty",
        )
        self.query_one("#stages", Static).update(self._stages_table())
        self._reload("tasks", lambda after, limit: task_data.tasks_due(today, limit, after), empty_note="#tasks-empty")
        self._reload("pickup", lambda after, limit: production_data.ready_for_pickup(limit, after))
        self._reload("balances", lambda after, limit: invoice_data.open_balances(limit, after))

    def _reload(self, table_id: str, fetch, empty_note: str = "") -> None:
        """Load a list again, the cursor kept on the same line number; the
        ``empty_note`` is shown when the list is empty."""
        table = self.query_one(f"#{table_id}", PagedTable)
        cursor = table.cursor_row

        def loaded(shown: int) -> None:
            if 0 < cursor < table.row_count:
                table.move_cursor(row=cursor)
            if empty_note:
                self.query_one(empty_note, Static).set_class(shown == 0, "-shown")
            if table_id == "pickup":  # a line, not a list, when nothing is ready (room for the balances)
                table.display = shown > 0
                self.query_one("#pickup-title", Static).update(
                    PICKUP_TITLE if shown else "Ready for pickup [dim](production orders): none[/dim]"
                )

        table.load(fetch, loaded)

    def _stages_table(self) -> StageTable:
        cells = []
        for stage in session_data.waiting_by_status():
            if stage.count and stage.oldest_change is not None:
                days = session_data.days_since(stage.oldest_change)
                cells.append((stage.status, Text.assemble((str(stage.count), "bold"), f" · {days}d")))
            else:
                cells.append((stage.status, Text("none", style="dim")))
        return StageTable(cells)

    # -- Enter opens the line's record

    def on_paged_table_chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        if event.table.id == "tasks":
            from .tasks import TaskDialog

            self.app.push_screen(TaskDialog(event.row))  # the hub reloads as it comes back
            return
        if event.table.id in ("balances", "pickup"):
            open_invoice(self.app, event.row.invoice)
            return
        item: session_data.ScheduleItem = event.row
        if item.session is not None:
            open_session(self.app, item.session)
        elif item.client is not None:
            self._open_client(item.client)
        else:
            self.notify(f"{item.what} at {item.start:%H:%M} has no client or session to open.", timeout=4)

    def action_open_client(self) -> None:
        """c: open the client of the selected line."""
        focused = self.focused
        if not isinstance(focused, PagedTable) or focused.selected is None:
            return
        row = focused.selected
        client = row.invoice.client if focused.id in ("balances", "pickup") else row.client
        if client is None:
            self.notify("This line has no client.", timeout=3)
            return
        self._open_client(client)

    def action_task_done(self) -> None:
        """d: the selected task is done (it leaves the list)."""
        focused = self.focused
        if not isinstance(focused, PagedTable) or focused.id != "tasks" or focused.selected is None:
            self.notify("Select a task in Tasks due first.", timeout=3)
            return
        try:
            task = task_data.complete_task(focused.selected)
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not done", severity="error", timeout=8)
            return
        self.notify(f"Done: {task.title}.", timeout=4)
        self._fill()

    def _open_client(self, client) -> None:
        open_client(self.app, client)

    def action_reports(self) -> None:
        """r: the Reports screen."""
        from .reports import ReportsScreen

        self.app.push_screen(ReportsScreen())

    def action_set_up(self) -> None:
        """s: the studio's setup (staff, rooms, session types), showing what is there."""
        spectra_app(self).action_set_up_studio()
