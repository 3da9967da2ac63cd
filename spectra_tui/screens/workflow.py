"""Workflow hub (F3): the sessions waiting at each stage of the studio's workflow.

A stage selector (1-9, or the Stage list) picks a stage: Check In (sessions at
"Session Pending"), Capture Images ("Capture Images Pending"), Present Images
("Sales Presentation Pending"), then every other step of the studio's status
list. The list shows the sessions waiting there (earliest first, paged from
SQL) with client, photographer, time and days in the stage; the stage's
actions work on the selected session:

- Check In (Enter / k): verify the client, the session and its invoices with
  their balances, then advance to "Capture Images Pending".
- Capture Images: tethered capture (Enter / t), Import Images (i).
- Present Images: Start Presentation (Enter / p: an external viewer beside
  the app, driven from it, when there is a display; else in the terminal;
  v: always in the terminal), Order Info (o: a new Initial Order invoice for
  the session); both live in presentation.py.
- Present Images also: Prepare images (r: favourites, hide, order, compare;
  prepare_images.py).
- Every stage: a advances the status, s opens the session record, c the client.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, Select, Static

from ..data import invoices as invoice_data
from ..data import sessions as session_data
from ..data import settings
from ..data.clock import now
from ..data.ledger import can_owe, invoice_money
from ..data.models import Session
from ..data.money import format_money
from ..data.versions import reloaded
from . import keymap
from .base import HubScreen
from .dialogs import WRITE_ERRORS, readable
from .hooks import ScreenHooks
from .import_images import PRESENT_STATUS, ImportImagesDialog
from .open_record import open_client, open_invoice, open_session
from .prepare_images import PrepareImagesScreen
from .presentation import order_info, start_presentation
from .widgets import PagedTable

CHECK_IN_STATUS = "Session Pending"
CAPTURE_STATUS = "Capture Images Pending"
STAGE_NAMES = {CHECK_IN_STATUS: "Check In", CAPTURE_STATUS: "Capture Images", PRESENT_STATUS: "Present Images"}


def stage_hint(status: str) -> str:
    """The keys of a stage's list, main action first (Enter runs it too)."""
    go = keymap.key("stage_list.go")
    main, rest = {
        CHECK_IN_STATUS: (
            f"{go} check in",
            [("workflow.advance", "advance"), ("workflow.open_session", "session"), ("workflow.open_client", "client")],
        ),
        CAPTURE_STATUS: (
            f"{go}/{keymap.key('workflow.capture')} tethered capture",
            [
                ("workflow.import_images", "import images"),
                ("workflow.advance", "advance"),
                ("workflow.open_session", "session"),
            ],
        ),
        PRESENT_STATUS: (
            f"{go}/{keymap.key('workflow.present')} start presentation",
            [
                ("workflow.present_here", "in the terminal"),
                ("workflow.order_info", "order info"),
                ("workflow.prepare", "prepare images"),
                ("workflow.open_session", "session"),
            ],
        ),
    }.get(
        status,
        (
            f"{go}/{keymap.key('workflow.open_session')} open the session",
            [("workflow.advance", "advance"), ("workflow.open_client", "client")],
        ),
    )
    return " · ".join([main, keymap.hint(*rest)])


# Stage-specific actions: the stage whose list they work on.
STAGE_ACTIONS = {
    "check_in": CHECK_IN_STATUS,
    "capture": CAPTURE_STATUS,
    "import_images": CAPTURE_STATUS,
    "present": PRESENT_STATUS,
    "present_here": PRESENT_STATUS,
    "order_info": PRESENT_STATUS,
    "prepare": PRESENT_STATUS,
}


def stages() -> list[tuple[str, str]]:
    """(status, stage name) for every workflow step where sessions wait (the last step is the end)."""
    statuses = settings.session_statuses()
    return [(status, STAGE_NAMES.get(status, status)) for status in statuses[:-1] or statuses]


def fmt_when(when) -> str:
    """'Today 10:30', else '11/26/26 10:30'."""
    if when.date() == now().date():
        return f"Today {when:%H:%M}"
    return when.strftime("%m/%d/%y %H:%M")


def fit(text: str) -> Text:
    return Text(text or "", overflow="ellipsis", no_wrap=True)


LONG_WAIT_DAYS = 7  # from this many days in a stage (after check-in) the days show in yellow


def session_cells(session: Session, stage: str = "") -> tuple:
    """A session's row in a stage list; a long wait after check-in stands out."""
    days = session_data.days_in_status(session)
    long_wait = stage != CHECK_IN_STATUS and days >= LONG_WAIT_DAYS
    return (
        str(session.number),
        fmt_when(session.start),
        fit(session.client.sort_name),
        fit(session.photographer.full_name),
        fit(session.session_type.name),
        Text(f"{days} d", justify="right", style="bold yellow" if long_wait else ""),
    )


class StageTable(PagedTable):
    """The stage's sessions. Enter runs the stage's main action (check in,
    capture, present, open), which the hint line and the footer name."""

    BINDINGS = keymap.bindings("stage_list")


# ---------------------------------------------------------------- the hub


class WorkflowHub(HubScreen):
    HUB_ID = "workflow"
    HUB_TITLE = "Workflow"

    DEFAULT_CSS = """
    WorkflowHub #wf-top { height: 1; padding: 0 1; }
    WorkflowHub #wf-top Label { width: auto; padding-right: 1; color: $text-muted; }
    WorkflowHub #wf-stage { width: 28; }
    WorkflowHub #wf-count { width: 1fr; padding-left: 2; }
    WorkflowHub #wf-hint { height: auto; padding: 0 1; color: $text-muted; }
    WorkflowHub #wf-sessions { height: 1fr; }
    """
    AUTO_FOCUS = "#wf-sessions"
    BINDINGS = keymap.bindings("workflow")

    def __init__(self):
        super().__init__()
        self.stage = CHECK_IN_STATUS
        self._stages = stages()
        if self.stage not in [status for status, _ in self._stages]:
            self.stage = self._stages[0][0]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="wf-top"):
            yield Label("Stage")
            yield Select(
                [(f"{index} · {name}", status) for index, (status, name) in enumerate(self._stages, 1)],
                value=self.stage,
                allow_blank=False,
                compact=True,
                id="wf-stage",
            )
            yield Static("", id="wf-count")
        yield Static("", id="wf-hint")
        yield StageTable(
            [("Session", 7), ("When", 14), ("Client", 24), ("Photographer", 16), ("Type", 12), ("Days", 6)],
            lambda session: session_cells(session, self.stage),
            key=lambda s: s.id,
            id="wf-sessions",
            narrow_columns=[(0, 5, "No."), (1, 14), (2, 20), (3, 12, "Phot."), (5, 5)],
            narrow_below=100,
        )

    @property
    def table(self) -> StageTable:
        return self.query_one("#wf-sessions", StageTable)

    @property
    def selected(self) -> Session | None:
        return self.table.selected

    def refresh_data(self) -> None:
        self.load(keep_cursor=True)

    def load(self, keep_cursor: bool = False) -> None:
        keep = self.selected.id if keep_cursor and self.selected is not None else None
        cursor = self.table.cursor_row
        status = self.stage

        def show(count: int) -> None:
            rows = self.table.loaded_rows
            if keep is not None:
                index = next((i for i, row in enumerate(rows) if row.id == keep), None)
                if index is None and rows:  # it moved on: stay where the cursor was
                    index = min(max(cursor, 0), len(rows) - 1)
                if index is not None:
                    self.table.move_cursor(row=index)
            shown = "10,000+" if count >= 10000 else f"{count:,}"
            self.query_one("#wf-count", Static).update(
                f"[b]{shown} waiting[/b] · {status}" if count else f"Nobody is waiting · {status}"
            )
            self.refresh_bindings()

        self.query_one("#wf-hint", Static).update(stage_hint(status))
        self.table.load(
            lambda after, limit: session_data.sessions_at_status(status, limit, after),
            show,
            lambda page: session_data.count_sessions(session_data.SessionQuery(status=status)),
        )

    def set_stage(self, status: str) -> None:
        if status == self.stage:
            return
        self.stage = status
        select = self.query_one("#wf-stage", Select)
        if select.value != status:
            select.value = status
        self.load()

    @on(Select.Changed, "#wf-stage")
    def _stage_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL:
            self.set_stage(str(event.value))

    def action_stage(self, number: int) -> None:
        if 1 <= number <= len(self._stages):
            self.set_stage(self._stages[number - 1][0])
            self.table.focus()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        stage = STAGE_ACTIONS.get(action)
        if stage is not None and stage != self.stage:
            return False
        if action == "stage" and parameters and parameters[0] > len(self._stages):
            return False
        return True

    # ------------------------------------------------------------ the stage's actions

    def _chosen_session(self) -> Session | None:
        session = self.selected
        if session is None:
            self.notify("No session is waiting at this stage.", timeout=3)
            return None
        return reloaded(session)  # as it is now (another terminal may have moved it)

    def _still_here(self, session: Session) -> bool:
        if session.status != self.stage:
            self.notify(f"Session {session.number} has moved on to '{session.status}'.", timeout=5)
            self.load(keep_cursor=True)
            return False
        return True

    @on(PagedTable.Chosen, "#wf-sessions")
    def _chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        main = {
            CHECK_IN_STATUS: self.action_check_in,
            CAPTURE_STATUS: self.action_capture,
            PRESENT_STATUS: self.action_present,
        }.get(self.stage, self.action_open_session)
        main()

    def action_check_in(self) -> None:
        session = self._chosen_session()
        if session is not None and self._still_here(session):
            self.app.push_screen(CheckInDialog(session), lambda done: self.load(keep_cursor=True))

    def action_capture(self) -> None:
        from .capture_pane import CaptureScreen

        session = self._chosen_session()
        if session is not None:
            self.app.push_screen(CaptureScreen(session))

    def action_import_images(self) -> None:
        session = self._chosen_session()
        if session is not None:
            self.app.push_screen(ImportImagesDialog(session))

    def action_present(self) -> None:
        session = self._chosen_session()
        if session is not None:
            start_presentation(self.app, session)

    def action_present_here(self) -> None:
        session = self._chosen_session()
        if session is not None:
            start_presentation(self.app, session, external=False)

    def action_order_info(self) -> None:
        session = self._chosen_session()
        if session is not None:
            order_info(self.app, session)

    def action_prepare(self) -> None:
        session = self._chosen_session()
        if session is not None:
            self.app.push_screen(PrepareImagesScreen(session))

    def action_advance(self) -> None:
        session = self._chosen_session()
        if session is None or not self._still_here(session):
            return
        try:
            session_data.advance_status(session)
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
            return
        self.notify(f"Session {session.number}: {session.status}", timeout=4)
        self.load(keep_cursor=True)

    def action_open_session(self) -> None:
        session = self._chosen_session()
        if session is not None:
            open_session(self.app, session)

    def action_open_client(self) -> None:
        session = self._chosen_session()
        if session is not None:
            open_client(self.app, session.client)


# ---------------------------------------------------------------- check in


class CheckInDialog(ScreenHooks, ModalScreen[bool]):
    """Verify the client, the session and its invoices, then advance the
    session to "Capture Images Pending" (Enter / Ctrl+W / k)."""

    DEFAULT_CSS = """
    CheckInDialog { align: center middle; }
    CheckInDialog > Vertical { width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $success; background: $surface; padding: 0 1; }
    CheckInDialog #ci-details { height: auto; max-height: 12; }
    CheckInDialog #ci-invoices { height: auto; max-height: 7; margin-top: 1; }
    CheckInDialog #ci-money { height: auto; }
    CheckInDialog #ci-money.-due { color: $warning; text-style: bold; }
    CheckInDialog #ci-error { color: $error; height: auto; }
    CheckInDialog #ci-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    CheckInDialog Button { margin-left: 2; }
    """
    BINDINGS = keymap.bindings("dialog.cancel", "check_in")

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"[b]Check in[/b] · Session {self.session.number} · verify, then {keymap.widget_key('submit')} "
                f"moves it to '{CAPTURE_STATUS}'",
                id="ci-title",
            )
            with VerticalScroll(id="ci-details"):
                yield Static("", id="ci-client")
                yield Static("", id="ci-session")
            yield DataTable(id="ci-invoices", cursor_type="row", zebra_stripes=True)
            yield Static("", id="ci-money")
            yield Static("", id="ci-error")
            with Horizontal(id="ci-buttons"):
                yield Button(
                    f"Check in ({keymap.widget_key('submit')})",
                    variant="success",
                    id="ci-ok",
                    compact=True,
                    tooltip=f"Advance the session to {CAPTURE_STATUS}",
                )
                yield Button(f"Session ({keymap.key('check_in.open_session')})", id="ci-session-button", compact=True)
                yield Button(f"Client ({keymap.key('check_in.open_client')})", id="ci-client-button", compact=True)
                yield Button(f"Back ({keymap.key('dialog.cancel')})", id="ci-back", compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#ci-invoices", DataTable)
        table.add_column("Invoice", width=7)
        table.add_column("Type", width=13)
        table.add_column("Status", width=9)
        table.add_column("Total", width=11)
        table.add_column("Paid", width=11)
        table.add_column("Balance", width=13)
        self.fill()
        self.query_one("#ci-ok", Button).focus()

    def on_screen_resume(self) -> None:
        self.fill()  # back from the invoice (a payment taken at the desk)

    def fill(self) -> None:
        from .sessions import fmt_clock, fmt_long

        session = self.session = reloaded(self.session)
        client = session.client
        contact = " · ".join(part for part in (client.main_phone, client.email) if part) or "no phone or e-mail"
        address = ", ".join(
            part
            for part in (
                client.address1,
                client.address2,
                client.city,
                " ".join(p for p in (client.state, client.postal_code) if p),
            )
            if part
        )
        lines = [f"[b]Client[/b]   {client.full_name} · {contact}"]
        if address:
            lines.append(f"         {address}")
        if client.notes:
            lines.append(f"         [dim]{client.notes.splitlines()[0][:80]}[/dim]")
        self.query_one("#ci-client", Static).update("\n".join(lines))
        days = session_data.days_in_status(session)
        details = [
            f"[b]Session[/b]  {session.number} · {session.session_type.name} ({session.length_minutes} min) · "
            f"{fmt_long(session.start)} – {fmt_clock(session.end)}",
            f"         with {session.photographer.full_name}"
            + (f" · room {session.room.name}" if session.room is not None else ""),
            f"         status {session.status} ({days} d)",
        ]
        if session.notes:
            details.append(f"         [dim]{session.notes.splitlines()[0][:80]}[/dim]")
        self.query_one("#ci-session", Static).update("\n".join(details))
        table = self.query_one("#ci-invoices", DataTable)
        table.clear()
        self.invoices = invoice_data.invoices_of_session(session)
        due = 0
        for invoice in self.invoices:
            money = invoice_money(invoice)
            if can_owe(invoice):
                due += money.due
            balance = (
                Text(f"{format_money(money.credit)} CR", style="green", justify="right")
                if money.credit
                else Text(
                    format_money(money.balance), justify="right", style="bold yellow" if money.balance > 0 else ""
                )
            )
            table.add_row(
                invoice.display_number,
                invoice.kind,
                invoice_data.invoice_row(invoice).state,  # Paid, Credit, Open... as every invoice list says
                Text(format_money(money.total), justify="right"),
                Text(format_money(money.paid), justify="right"),
                balance,
                key=str(invoice.id),
            )
        money_line = self.query_one("#ci-money", Static)
        if not self.invoices:
            money_line.update(
                "No invoice for this session yet (create the session fee invoice from the session record: s, then i)."
            )
        elif due:
            money_line.update(
                f"Balance due {format_money(due)}: {keymap.widget_key('next_field')} to the invoice and "
                f"{keymap.key('table.open')} to take the payment."
            )
        else:
            money_line.update("Nothing is owed on this session's invoices.")
        money_line.set_class(bool(due), "-due")

    @on(DataTable.RowSelected, "#ci-invoices")
    def _open_invoice(self, event: DataTable.RowSelected) -> None:
        event.stop()
        invoice = next((i for i in self.invoices if str(i.id) == event.row_key.value), None)
        if invoice is not None:
            open_invoice(self.app, invoice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "ci-ok": self.action_save_close,
            "ci-session-button": self.action_open_session,
            "ci-client-button": self.action_open_client,
            "ci-back": self.action_cancel,
        }
        actions[str(event.button.id)]()

    def action_save_close(self) -> None:
        """Check in: the session moves to "Capture Images Pending" (its history keeps the step)."""
        try:
            session_data.set_status(self.session, CAPTURE_STATUS, "Checked in")
        except WRITE_ERRORS as error:
            self.query_one("#ci-error", Static).update(readable(error))
            return
        self.app.notify(f"Session {self.session.number} checked in: {CAPTURE_STATUS}.", timeout=4)
        self.dismiss(True)

    def action_open_session(self) -> None:
        open_session(self.app, self.session)

    def action_open_client(self) -> None:
        open_client(self.app, self.session.client)

    def action_cancel(self) -> None:
        self.dismiss(False)
