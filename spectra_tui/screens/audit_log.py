"""The Audit Log (managers and the owner): who did what and when, filtered
by user, record, action and days, with the highlighted entry's changes field
by field below the list. Opened from the command palette, its key, or Studio
Settings (F10). Anyone else sees why they may not read it, and not the log.
The queries and the rules are in data/audit_log.py."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Static

from ..data import audit_log
from ..data.errors import DomainError
from ..data.permissions import Permission, why_not
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .formats import fmt_clock
from .widgets import PAGE_SIZE, FieldTable, Note, PagedTable

FILTERS = ("user", "record", "action", "from", "to")


def _when(row: audit_log.AuditRow) -> str:
    return f"{row.when:%m/%d/%Y} {fmt_clock(row.when):>8}"


class AuditLogScreen(SpectraScreen):
    DEFAULT_CSS = """
    AuditLogScreen #audit-body { height: 1fr; padding: 0 1; }
    AuditLogScreen .filter-row { height: 1; }
    AuditLogScreen .filter-row Label { width: auto; padding: 0 1 0 0; color: $text-muted; }
    AuditLogScreen .filter-row Input { margin-right: 2; }
    AuditLogScreen #a-user { width: 12; }
    AuditLogScreen #a-record { width: 1fr; min-width: 14; }
    AuditLogScreen #a-action { width: 16; }
    AuditLogScreen #a-from, AuditLogScreen #a-to { width: 12; }
    AuditLogScreen #a-message { height: auto; max-height: 2; color: $text-muted; }
    AuditLogScreen #a-message.-error { color: $error; text-style: bold; }
    AuditLogScreen #a-entries { height: 1fr; min-height: 4; }
    AuditLogScreen #a-change-title { height: 1; margin-top: 1; text-style: bold; }
    AuditLogScreen #a-changes { height: 1fr; max-height: 14; min-height: 3; }
    AuditLogScreen #a-changes:focus { background: $boost; }
    AuditLogScreen #a-denied { height: 1fr; padding: 1 2; color: $error; text-style: bold; }
    """
    BINDINGS = [*keymap.bindings("record.close"), *keymap.bindings("audit")]

    def __init__(self) -> None:
        super().__init__()
        self._query: audit_log.AuditQuery | None = None
        self._timer: Timer | None = None
        self._shown_entry: int | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        refused = why_not(Permission.READ_AUDIT_LOG)
        if refused:  # not a manager or the owner: the reason, and nothing of the log
            yield Static(f"{refused}\n\n{keymap.hint(('record.close', 'goes back'))}", id="a-denied")
            yield KeyBar()
            return
        with Vertical(id="audit-body"):
            with Horizontal(classes="filter-row"):
                yield Label("User")
                yield Input(id="a-user", compact=True, placeholder="anyone", max_length=60)
                yield Label("Record")
                yield Input(id="a-record", compact=True, placeholder="invoice 1001, client name", max_length=100)
                yield Label("Action")
                yield Input(id="a-action", compact=True, placeholder="any, or ledger", max_length=60)
            with Horizontal(classes="filter-row"):
                yield Label("From")
                yield Input(id="a-from", compact=True, placeholder="any day", max_length=30)
                yield Label("To")
                yield Input(id="a-to", compact=True, placeholder="any day", max_length=30)
            yield Note("", id="a-message")
            yield FieldTable(
                [("When", 19), ("User", 10), ("Action", 24), ("Record", 40)],
                self._values,
                key=lambda row: row.entry.id,
                id="a-entries",
                narrow_fields=[(0, 19), (1, 8), (2, 20), (3, 20)],
                narrow_below=110,
            )
            yield Static("", id="a-change-title")
            with VerticalScroll(id="a-changes"):
                yield Static("", id="a-change-table")
        yield KeyBar()

    @staticmethod
    def _values(row: audit_log.AuditRow) -> tuple[str, ...]:
        return (_when(row), row.entry.user_name, row.entry.action, row.record)

    def on_mount(self) -> None:
        self.title = "Spectra · Audit log"
        self._start()

    def _start(self) -> None:
        if self.query("#a-denied"):
            return
        self.search(force=True)
        self.query_one("#a-user", Input).focus()

    def on_screen_resume(self) -> None:
        """Back on top, maybe after Change User: the log for a manager or the
        owner, the refusal for anyone else, whoever opened it. (SpectraScreen's
        own handler runs too: Textual calls each class's.)"""
        if bool(why_not(Permission.READ_AUDIT_LOG)) != bool(self.query("#a-denied")):
            self.call_later(self._recompose_for_the_user)

    async def _recompose_for_the_user(self) -> None:
        self._query, self._shown_entry = None, None
        await self.recompose()
        self._start()

    @property
    def table(self) -> PagedTable:
        return self.query_one("#a-entries", FieldTable)

    def _message(self, text: str, error: bool = False) -> None:
        self.query_one("#a-message", Note).say(text, error)

    def typed(self, field: str) -> str:
        return self.query_one(f"#a-{field}", Input).value

    def search(self, force: bool = False, focus_mistake: bool = False) -> bool:
        """Show the entries the filters select (again when ``force``); False
        when a filter cannot be read (its message shown; its field focused
        with ``focus_mistake``, on Enter: never while the user types elsewhere)."""
        try:
            query = audit_log.read_filters(*(self.typed(field) for field in FILTERS))
        except DomainError as error:
            self._message(str(error), error=True)
            field = getattr(error, "field", "")
            if focus_mistake and field in FILTERS:
                self.set_focus(self.query_one(f"#a-{field}", Input))
            return False
        if query == self._query and not force:
            return True
        self._query = query

        def show(found: int) -> None:
            shown = "10,000+" if found >= audit_log.COUNT_CAP else f"{found:,}"
            what = f" about {query.record}" if query.record else ""
            hint = keymap.hint(("audit.results", "the entries"), ("audit.filters", "the filters"))
            self._message(f"{shown} entr{'y' if found == 1 else 'ies'}{what}, newest first · {hint}")
            self._show_changes()

        self.table.load(
            lambda after, limit: audit_log.search(query, limit, after),
            show,
            lambda page: len(page) if len(page) < PAGE_SIZE else audit_log.count(query),  # a short list: counted
        )
        return True

    # ------------------------------------------------------------ the highlighted entry's changes

    def _show_changes(self) -> None:
        row = self.table.selected
        title = self.query_one("#a-change-title", Static)
        changes = self.query_one("#a-change-table", Static)
        if row is None:
            self._shown_entry = None
            title.update("")
            changes.update("No entry matches these filters." if self._query else "")
            return
        if row.entry.id == self._shown_entry:
            return
        self._shown_entry = row.entry.id
        entry = row.entry
        title.update(
            Text.assemble(
                (entry.action, "bold"),
                f" · {row.record} · {entry.user_name} · {_when(row).replace('  ', ' ')}",
            )
        )
        try:
            found = audit_log.changes(entry)
        except DomainError as error:
            changes.update(Text(str(error), style="bold red"))
            return
        if not found:
            changes.update(Text("No field changed in this entry: it marks the record only.", style="dim"))
            return
        columns = ["Before", "After"]
        if not any(change.before for change in found):
            columns = ["After"]  # a new record: no Before column taking half the room
        elif not any(change.after for change in found):
            columns = ["Before"]  # a record removed
        table = Table(expand=True, box=None, padding=(0, 1), header_style="bold")
        table.add_column("Field", max_width=24, style="dim")
        for column in columns:
            table.add_column(column, ratio=1)
        for change in found:
            values = {"Before": change.before, "After": change.after}
            table.add_row(change.field, *(values[column] for column in columns))
        changes.update(table)
        self.query_one("#a-changes", VerticalScroll).scroll_home(animate=False)

    @on(DataTable.RowHighlighted, "#a-entries")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_changes()

    @on(PagedTable.Chosen, "#a-entries")
    def _chosen(self, event: PagedTable.Chosen) -> None:
        """Enter on an entry: into its changes (to scroll a long one)."""
        event.stop()
        self.query_one("#a-changes", VerticalScroll).focus()

    # ------------------------------------------------------------ typing in the filters

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.3, self.search)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.search(focus_mistake=True):
            self.table.focus_when_loaded()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Refused: no filters, no entries to go to (only Esc)."""
        if action in ("focus_results", "focus_filters") and self.query("#a-denied"):
            return False
        return True

    def action_focus_results(self) -> None:
        self.table.focus_when_loaded()

    def action_focus_filters(self) -> None:
        self.query_one("#a-user", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
