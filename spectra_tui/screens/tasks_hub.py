"""The Tasks hub (F11): the studio's to-dos by view (mine, everyone's,
overdue, upcoming in 7 or 30 days, done), the higher priority first, then the
soonest due; overdue tasks in red. Enter edits a task in the task dialog
(Ctrl+D makes a new one); keys mark it done, reopen it, assign it and open
its client or session. The rules and the lists are in data/tasks.py."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Select

from ..data import clock
from ..data import tasks as task_data
from ..data.errors import NotFound
from ..data.models import Task
from ..data.versions import ChangedElsewhere
from . import keymap
from .dialogs import WRITE_ERRORS, ReasonDialog, readable
from .list_hub import ListHub
from .open_record import open_client, open_session
from .tasks import TaskDialog
from .widgets import Note, PagedTable

VIEW_CHOICES = [
    ("Mine", task_data.MINE),
    ("Everyone's", task_data.EVERYONE),
    ("Overdue", task_data.OVERDUE),
    ("Upcoming 7 days", task_data.UPCOMING_7),
    ("Upcoming 30 days", task_data.UPCOMING_30),
    ("Done", task_data.DONE),
]
OVERDUE_STYLE = "bold red"
PRIORITY_STYLES = {Task.HIGH: "bold", Task.NORMAL: "", Task.LOW: "dim"}


def task_cells(task: Task) -> tuple:
    late = task_data.is_overdue(task)
    due = f"{task.due:%a %m/%d}" if task.due else ""
    if task.done_at is not None:
        due = f"done {clock.to_local(task.done_at):%m/%d}"
    return (
        str(task.id),
        Text(task.priority_name, style=PRIORITY_STYLES.get(task.priority, "")),
        Text(due + (" late" if late else ""), style=OVERDUE_STYLE if late else ""),
        task.title,
        task.client.sort_name if task.client is not None else "",
        str(task.session.number) if task.session is not None else "",
        task.assigned_to.full_name if task.assigned_to is not None else "anyone",
    )


class TasksHub(ListHub):
    HUB_ID = "tasks"
    HUB_TITLE = "Tasks"
    TABLE_ID = "tasks-list"
    MESSAGE_ID = "tasks-message"
    NOUN = "task"

    DEFAULT_CSS = """
    TasksHub .search-row { height: 1; margin-bottom: 1; }
    TasksHub .search-row Label { width: auto; padding: 0 1; color: $text-muted; }
    TasksHub #tasks-view { width: 24; }
    TasksHub #tasks-message { height: 1; padding: 0 1; color: $text-muted; }
    TasksHub #tasks-message.-error { color: $error; }
    TasksHub PagedTable { height: 1fr; }
    """
    BINDINGS = keymap.bindings("tasks")

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="search-row"):
            yield Label("Show")
            yield Select(VIEW_CHOICES, value=task_data.MINE, allow_blank=False, compact=True, id="tasks-view")
        yield Note("", id="tasks-message")
        yield PagedTable(
            [
                ("No.", 5),
                ("Priority", 8),
                ("Due", 14),
                ("Task", 34),
                ("Client", 20),
                ("Session", 7),
                ("For", 16),
            ],
            task_cells,
            key=lambda task: task.id,
            id="tasks-list",
            narrow_columns=[(1, 6, "Prio"), (2, 14), (3, 28), (4, 14)],
            narrow_below=110,
        )

    def build_query(self) -> task_data.TaskQuery:
        return task_data.TaskQuery(str(self.query_one("#tasks-view", Select).value))  # never blank

    def fetch(self, query: task_data.TaskQuery, after, limit: int) -> list:
        return task_data.search_tasks(query, limit, after)

    def count(self, query: task_data.TaskQuery) -> int:
        return task_data.count_tasks(query)

    def keys_hint(self) -> str:
        return keymap.hint(("new_task", "new"), ("tasks.done", "done"), ("tasks.view", "next view"))

    @on(Select.Changed, "#tasks-view")
    def _view_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.search()

    @on(PagedTable.Chosen, "#tasks-list")
    def _chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        self.app.push_screen(TaskDialog(event.row))  # the hub reloads as it comes back

    # ------------------------------------------------------------ the keys

    def _selected_task(self) -> Task | None:
        task = self.table.selected
        if task is None:
            self.notify("No task is selected.", timeout=3)
        return task

    def _run(self, work: Callable[[], Task], done: Callable[[Task], str]) -> None:
        try:
            task = work()
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
            if isinstance(error, (ChangedElsewhere, NotFound)):
                self.refresh_data()  # show what the other terminal did
            return
        self.notify(done(task), timeout=4)
        self.refresh_data()

    def action_task_done(self) -> None:
        if (task := self._selected_task()) is not None:
            self._run(lambda: task_data.complete_task(task), lambda t: f"Done: {t.title}.")

    def action_reopen(self) -> None:
        if (task := self._selected_task()) is None:
            return
        if task.done_at is None:
            self.notify(f"'{task.title}' is open: it is not done.", timeout=3)
            return
        self._run(lambda: task_data.reopen_task(task), lambda t: f"Reopened: {t.title}.")

    def action_assign(self) -> None:
        if (task := self._selected_task()) is None:
            return

        def assigned(result: Task | None) -> None:
            self.refresh_data()
            if result is not None:
                person = result.assigned_to.full_name if result.assigned_to is not None else "anyone"
                self.notify(f"'{result.title}' is for {person}.", timeout=4)

        self.app.push_screen(
            ReasonDialog(
                f"Assign the task '{task.title}'",
                "For whom? A user name, initials or full name; empty for anyone.",
                lambda typed: task_data.assign_task(task, typed),
                confirm="Assign",
                initial=task.assigned_to.username if task.assigned_to is not None else "",
            ),
            assigned,
        )

    def action_open_task_client(self) -> None:
        if (task := self._selected_task()) is None:
            return
        if task.client is None:
            self.notify(f"'{task.title}' is about no client.", timeout=3)
            return
        open_client(self.app, task.client)

    def action_open_task_session(self) -> None:
        if (task := self._selected_task()) is None:
            return
        if task.session is None:
            self.notify(f"'{task.title}' is about no session.", timeout=3)
            return
        open_session(self.app, task.session)

    def action_next_view(self) -> None:
        views = [value for _label, value in VIEW_CHOICES]
        select = self.query_one("#tasks-view", Select)
        select.value = views[(views.index(str(select.value)) + 1) % len(views)]
