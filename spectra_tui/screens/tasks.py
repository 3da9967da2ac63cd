"""The task dialog: a new task (Ctrl+D from anywhere; from a client's record
it is about that client) or an existing one to change (Enter on the Home
hub's "Tasks due" or in the Tasks hub, F11). The rules and the reading of
"tomorrow" / "+2d" / "high" / a session number are in data/tasks.py."""

from typing import Any

from ..data import tasks as task_data
from ..data.models import Client, Task
from .dialogs import SmallForm


class TaskDialog(SmallForm):
    """Dismisses with the saved Task (None on Escape)."""

    FIELDS = [
        ("title", "Task", "what is to be done"),
        ("due", "Due", "tomorrow, fri, 12/3, +2d or empty"),
        ("priority", "Priority", "high, normal or low (h, n, l); empty: normal"),
        ("assigned_to", "For", "user name, or empty for anyone"),
        ("session", "Session", "its number (its client follows), or empty"),
        ("notes", "Notes", ""),
    ]

    def __init__(self, task: Task | None = None, client: Client | None = None):
        super().__init__()
        self.existing = task  # (MessagePump has a "task" of its own)
        self.client = client if task is None else task.client
        about = f" · {self.client.full_name}" if self.client is not None else ""
        self.TITLE_TEXT = (
            f"New task{about}" if task is None else f"Task #{task.id}{about}" + (" (done)" if task.done_at else "")
        )

    def initial(self, field: str) -> str:
        task = self.existing
        if task is None:
            return ""
        if field == "due":
            return f"{task.due:%m/%d/%Y}" if task.due else ""
        if field == "assigned_to":
            return task.assigned_to.username if task.assigned_to is not None else ""
        if field == "priority":
            return task.priority_name
        if field == "session":
            return str(task.session.number) if task.session is not None else ""
        return getattr(task, field)

    def reload_record(self) -> None:
        if self.existing is not None:
            self.existing = task_data.get_task(self.existing.id)

    def perform(self, values: dict[str, Any]) -> Task:
        fields = task_data.TaskFields(**values)
        if self.existing is None:
            return task_data.create_task(fields, client=self.client)
        return task_data.update_task(self.existing, fields)
