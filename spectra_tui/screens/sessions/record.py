"""The session record: its tabs, the status workflow and the New group."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Label, Select, Static, TabbedContent, TabPane, Tabs, TextArea

from ...data import booking
from ...data import calendar as cal
from ...data import invoices as invoice_data
from ...data import sessions as session_data
from ...data.clock import to_local
from ...data.errors import ConflictError
from ...data.models import Invoice, Session
from ...data.versions import ChangedElsewhere, reloaded
from .. import keymap
from ..base import KeyBar, RecordScreen
from ..dialogs import (
    RELOADED_KEEPING_TYPED,
    WRITE_ERRORS,
    ChoiceDialog,
    ConfirmDialog,
    MenuDialog,
    ReasonDialog,
    readable,
)
from ..formats import balance_cell, fmt_clock, fmt_day, fmt_long, fmt_short, money_cell
from ..open_record import open_client, open_invoice, open_new_invoice, reschedule_session
from ..prepare_images import PreparedImagesTable, prepare_hint
from ..spectra_app import spectra_app

TABS = keymap.SESSION_TABS


class SessionRecord(RecordScreen):
    """One session: General (with the status workflow), Appointments,
    Invoices, Images, Status history; the New group."""

    DEFAULT_CSS = """
    SessionRecord #sr-title { height: auto; padding: 0 1; background: $boost; }
    SessionRecord TabbedContent { height: 1fr; }
    SessionRecord TabPane { padding: 0 1; }
    SessionRecord .field-row { height: auto; min-height: 1; }
    SessionRecord .field-label { width: 14; color: $text-muted; }
    SessionRecord .field-value { width: 1fr; padding-left: 1; }
    SessionRecord #sr-room { margin-left: 1; }
    SessionRecord #sr-client { width: auto; min-width: 10; }
    SessionRecord #sr-room { width: 24; }
    SessionRecord #sr-notes { height: 8; min-height: 3; }
    SessionRecord .tab-hint { height: 1; color: $text-muted; }
    SessionRecord #sr-images-hint { height: auto; }
    SessionRecord DataTable { height: 1fr; }
    """
    BINDINGS = keymap.bindings("session_record")

    def __init__(self, session: Session, tab: str = "general"):
        super().__init__()
        self.session = session
        self.initial_tab = tab if tab in TABS else "general"

    # ------------------------------------------------------------ layout

    @property
    def task_client(self):
        """Ctrl+D here makes a task about this session's client."""
        return self.session.client

    @property
    def message_session(self):
        """Ctrl+E / Ctrl+M here fill the session's merge fields ({session_date}...)."""
        return self.session

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(id="sr-title")
        with TabbedContent(initial=self.initial_tab):
            with TabPane("General", id="general"):
                with VerticalScroll():
                    with Horizontal(classes="field-row"):
                        yield Label("Client", classes="field-label")
                        yield Button("", id="sr-client", compact=True)
                    for field, label in (("photographer", "Photographer"), ("type", "Type"), ("start", "When")):
                        with Horizontal(classes="field-row"):
                            yield Label(label, classes="field-label")
                            yield Static(id=f"sr-{field}", classes="field-value")
                    with Horizontal(classes="field-row"):
                        yield Label("Room", classes="field-label")
                        yield Select([], prompt="(none)", compact=True, id="sr-room")
                    with Horizontal(classes="field-row"):
                        yield Label("Status", classes="field-label")
                        yield Static(id="sr-status", classes="field-value")
                    with Horizontal(classes="field-row"):
                        yield Label("Notes", classes="field-label")
                        yield Static(
                            f"[dim]{keymap.key('save_close')} saves the notes and the room[/dim]", classes="field-value"
                        )
                    yield TextArea(id="sr-notes", soft_wrap=True, tab_behavior="focus")
            with TabPane("Appointments", id="appointments"):
                yield Static(
                    keymap.hint(
                        ("session_record.appointment", "books an appointment for this session (Scheduling Wizard)")
                    ),
                    classes="tab-hint",
                )
                yield DataTable(id="sr-appointments", cursor_type="row", zebra_stripes=True)
            with TabPane("Invoices", id="invoices"):
                yield Static(
                    keymap.hint(
                        ("table.open", "opens the invoice"),
                        ("session_record.invoice", "session invoice"),
                        ("session_record.estimate", "estimate"),
                        ("session_record.credit_memo", "credit memo"),
                    ),
                    classes="tab-hint",
                )
                yield DataTable(id="sr-invoices", cursor_type="row", zebra_stripes=True)
            with TabPane("Images", id="images"):
                yield Static("", id="sr-images-hint", classes="tab-hint")
                yield PreparedImagesTable(session=self.session, id="sr-images")
            with TabPane("Status history", id="history"):
                yield DataTable(id="sr-history", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        narrow = self.app.size.width < 100
        self.query_one("#sr-appointments", DataTable).add_columns("When", "Length", "Title", "With", "Status")
        invoices_table = self.query_one("#sr-invoices", DataTable)
        invoices_table.add_column("Invoice", width=7)
        invoices_table.add_column("Date", width=10)
        invoices_table.add_column("Type", width=13)
        invoices_table.add_column("Status", width=9)
        invoices_table.add_column("Total", width=11)
        if not narrow:
            invoices_table.add_column("Paid", width=11)
        invoices_table.add_column("Balance", width=14)
        self.query_one("#sr-history", DataTable).add_columns("When", "Who", "From", "To", "Note")
        rooms = [(room.name, room.id) for room in cal.rooms()]
        self.query_one("#sr-room", Select).set_options(rooms)
        self.load()
        self.query_one(TabbedContent).query_one(Tabs).focus()

    def on_screen_resume(self) -> None:
        self.load(keep_edits=True)

    # ------------------------------------------------------------ showing the session

    def load(self, keep_edits: bool = False) -> None:
        """(Re)read the session and everything shown about it."""
        session = reloaded(self.session)
        self.session = session
        self.title = f"Spectra · Session {session.number}"
        self.query_one("#sr-title", Static).update(
            f"[b]Session {session.number}[/b] · {session.client.full_name} · {session.session_type.name} · "
            f"{fmt_short(session.start)} · [b]{session.status}[/b]"
        )
        self.query_one("#sr-client", Button).label = f"{session.client.full_name}  ›"
        self.query_one("#sr-photographer", Static).update(session.photographer.full_name)
        self.query_one("#sr-type", Static).update(f"{session.session_type.name} ({session.length_minutes} min)")
        self.query_one("#sr-start", Static).update(
            f"{fmt_long(session.start)} – {fmt_clock(session.end)}  [dim](r reschedules)[/dim]"
        )
        following = session_data.next_status(session)
        days = session_data.days_in_status(session)
        status = f"[b]{session.status}[/b] [dim]since {fmt_day(to_local(session.status_changed_at).date())} ({days} d)"
        status += f" · a: advance to {following}[/dim]" if following else "[/dim]"
        self.query_one("#sr-status", Static).update(status)
        if not keep_edits or not self.dirty:
            self._load_fields(session, session.notes, session.room_id)
        self._fill_appointments()
        self._fill_invoices()
        self._fill_images()
        self._fill_history()

    def _load_fields(self, session: Session, notes: str, room_id: int | None) -> None:
        """Fill the editable fields; ``session`` is the version they are edits of
        (a save is refused if another terminal saved the session since)."""
        self.edit_base = session
        self._loading_fields = True
        self.query_one("#sr-room", Select).value = room_id if room_id else Select.NULL
        notes_area = self.query_one("#sr-notes", TextArea)
        if notes_area.text != notes:
            notes_area.load_text(notes)
        self.call_after_refresh(self._fields_loaded)

    def _fields_loaded(self) -> None:
        self._loading_fields = False
        self.dirty = self._has_changes()

    def _fill_appointments(self) -> None:
        table = self.query_one("#sr-appointments", DataTable)
        table.clear()
        for appointment in session_data.session_appointments(self.session):
            table.add_row(
                fmt_long(appointment.start),
                f"{appointment.length_minutes} min",
                appointment.title,
                appointment.staff.full_name if appointment.staff is not None else "",
                appointment.status,
                key=str(appointment.id),
            )

    def _fill_invoices(self) -> None:
        table = self.query_one("#sr-invoices", DataTable)
        narrow = len(table.columns) < 7
        table.clear()
        self._invoice_rows = invoice_data.search_invoices(
            invoice_data.InvoiceQuery(session_id=self.session.id), limit=500
        )
        for row in self._invoice_rows:
            invoice = row.invoice
            cells = [
                invoice.display_number,
                fmt_day(invoice.invoice_date),
                invoice.kind,
                row.state,
                money_cell(invoice.total_cents),
            ]
            if not narrow:
                cells.append(money_cell(row.paid))
            cells.append(balance_cell(row.balance))
            table.add_row(*cells, key=str(invoice.id))

    def _fill_images(self) -> None:
        self.query_one("#sr-images", PreparedImagesTable).show(self.session)

    def on_prepared_images_table_changed(self, event: PreparedImagesTable.Changed) -> None:
        """The images' hint: how many are shown, the prepare keys (after each change)."""
        table = self.query_one("#sr-images", PreparedImagesTable)
        hint = (
            f"{table.summary} · {prepare_hint()} · {keymap.key('session_record.import_images')} imports more"
            if table.images
            else f"No images yet: {keymap.key('session_record.import_images')} imports them from a card or folder "
            f"(capture: Workflow hub, {keymap.key('hub_workflow')})."
        )
        self.query_one("#sr-images-hint", Static).update(hint)

    def _fill_history(self) -> None:
        table = self.query_one("#sr-history", DataTable)
        table.clear()
        for change in session_data.history(self.session):
            table.add_row(
                fmt_short(to_local(change.at)),
                change.user_name,
                change.from_status or "—",
                change.to_status,
                change.note,
                key=str(change.id),
            )

    # ------------------------------------------------------------ editing (room, notes)

    _loading_fields = False

    @on(TextArea.Changed, "#sr-notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        if not self._loading_fields:
            self.dirty = self._has_changes()

    @on(Select.Changed, "#sr-room")
    def _room_changed(self, event: Select.Changed) -> None:
        if not self._loading_fields:
            self.dirty = self._has_changes()

    def _form_values(self) -> tuple[str, int | None]:
        return self.query_one("#sr-notes", TextArea).text, self.query_one("#sr-room", Select).selection

    def _has_changes(self) -> bool:
        notes, room = self._form_values()
        return notes.strip() != (self.edit_base.notes or "").strip() or room != self.edit_base.room_id

    def save(self, allow_conflict: bool | list = False) -> bool:
        if not self._has_changes():
            return True
        notes, room_id = self._form_values()
        try:
            result = booking.save_session_details(
                self.edit_base, notes=notes, room=room_id, allow_conflict=allow_conflict
            )
        except ChangedElsewhere as error:
            self._reload_keeping_typed(notes, room_id)
            self.notify(f"{error} {RELOADED_KEEPING_TYPED}", title="Not saved", severity="warning", timeout=10)
            return False
        except ConflictError as error:
            if not error.can_override:
                raise
            self._ask_to_override(error)
            return False
        session = result.item
        assert isinstance(session, Session)  # the details saved are this session's
        self.session = session
        self._load_fields(session, session.notes, session.room_id)
        self.notify(f"Session {self.session.number} saved.", timeout=3)
        for conflict in result.overridden:
            self.notify(str(conflict), title="Booked anyway", severity="warning", timeout=6)
        return True

    def _ask_to_override(self, error: ConflictError) -> None:
        """Policy "ask": the room is taken then; save anyway if the user says so."""
        shown = list(error.conflicts)

        def answered(yes: bool | None) -> None:
            if yes and self.save(allow_conflict=shown):
                self.dirty = False

        self.app.push_screen(ConfirmDialog(f"{error}\n\nSave the room anyway?", "Save anyway", "No"), answered)

    def _reload_keeping_typed(self, notes: str, room_id: int | None) -> None:
        """Another terminal saved the session since the fields were loaded:
        show its version; a field the user changed keeps what was typed."""
        base = self.edit_base
        self.load()
        fresh = self.session
        keep_notes = notes.strip() != (base.notes or "").strip()
        self._load_fields(
            fresh, notes if keep_notes else fresh.notes, room_id if room_id != base.room_id else fresh.room_id
        )

    # ------------------------------------------------------------ actions

    def _run(self, work, done: str | None = None) -> bool:
        """Run a service call; show a broken rule readably; reload on success."""
        try:
            work()
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
            return False
        self.load(keep_edits=True)
        if done:
            self.notify(done, timeout=4)
        return True

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_advance(self) -> None:
        if self._run(lambda: session_data.advance_status(self.session)):
            self.notify(f"Session {self.session.number}: {self.session.status}", timeout=4)

    def action_set_status(self) -> None:
        options = [(status, status) for status in session_data.statuses_for_search() if status != self.session.status]

        def chosen(status: str | None) -> None:
            if status is None:
                return
            if status == session_data.CANCELLED:
                self.action_cancel_session()
            elif status == session_data.NO_SHOW:
                self.action_no_show()
            else:
                self._run(
                    lambda: session_data.set_status(self.session, status), f"Session {self.session.number}: {status}"
                )

        self.app.push_screen(ChoiceDialog(f"Set the status of session {self.session.number}", options), chosen)

    def action_cancel_session(self) -> None:
        session = self.session

        def done(result) -> None:
            if result:
                self.load(keep_edits=True)
                self.notify(f"Session {session.number} cancelled.", timeout=4)

        self.app.push_screen(
            ReasonDialog(
                f"Cancel session {session.number}",
                f"{session.client.full_name} · {fmt_long(session.start)}. Why is it cancelled?",
                lambda reason: session_data.cancel_session(session, reason),
                confirm="Cancel session",
                placeholder="e.g. Client rescheduled",
            ),
            done,
        )

    def action_reschedule(self) -> None:
        """A new time (and photographer or room) under the conflict policy."""

        def done(result) -> None:
            if result:
                self.load(keep_edits=True)
                self.notify(result.note, timeout=5)

        reschedule_session(self.app, self.session, done)

    def action_no_show(self) -> None:
        session = self.session

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: session_data.mark_no_show(session), f"Session {session.number}: No-Show")

        self.app.push_screen(
            ConfirmDialog(
                f"Mark session {session.number} ({session.client.full_name}, {fmt_long(session.start)}) as a no-show?",
                "No-show",
                "Back",
            ),
            answered,
        )

    def action_open_client(self) -> None:
        open_client(self.app, self.session.client)

    @on(Button.Pressed, "#sr-client")
    def _client_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_open_client()

    def action_session_invoice(self) -> None:
        def chosen(kind: str | None) -> None:
            if kind:
                open_new_invoice(self.app, kind, session=self.session)

        self.app.push_screen(
            ChoiceDialog(
                f"New invoice for session {self.session.number}", [(kind, kind) for kind in Invoice.SESSION_KINDS]
            ),
            chosen,
        )

    def action_estimate(self) -> None:
        open_new_invoice(self.app, Invoice.ESTIMATE, session=self.session)

    def action_credit_memo(self) -> None:
        open_new_invoice(self.app, Invoice.CREDIT_MEMO, session=self.session)

    def action_import_images(self) -> None:
        """Import Images (the Action group): a folder or memory card into this session."""
        from ..import_images import ImportImagesDialog  # (with the capture package: loaded when first used)

        def done(imported) -> None:
            self.load(keep_edits=True)
            if imported:
                self.action_tab("images")

        self.app.push_screen(ImportImagesDialog(self.session), done)

    def action_appointment(self) -> None:
        spectra_app(self).open_scheduling_wizard(session=self.session, kind="appointment")

    def action_new_menu(self) -> None:
        self._menu(
            f"New for session {self.session.number}",
            [
                ("session_invoice", "Session invoice…", "session_record.invoice"),
                ("appointment", "Appointment", "session_record.appointment"),
                ("estimate", "Estimate", "session_record.estimate"),
                ("credit_memo", "Credit memo", "session_record.credit_memo"),
            ],
        )

    def action_file_menu(self) -> None:
        self._menu(
            f"Session {self.session.number}",
            [
                ("advance", "Advance status", "session_record.advance"),
                ("set_status", "Set status…", "session_record.status"),
                ("reschedule", "Reschedule…", "session_record.reschedule"),
                ("cancel_session", "Cancel session (with a reason)", "session_record.cancel"),
                ("no_show", "Mark no-show", "session_record.no_show"),
                ("open_client", "Open the client record", "session_record.open_client"),
                ("import_images", "Import images…", "session_record.import_images"),
                ("session_invoice", "New session invoice…", "session_record.invoice"),
                ("appointment", "New appointment", "session_record.appointment"),
                ("estimate", "New estimate", "session_record.estimate"),
                ("credit_memo", "New credit memo", "session_record.credit_memo"),
                ("save_close", "Save & Close", "save_close"),
            ],
        )

    def _menu(self, title: str, options: list[tuple[str, str, str]]) -> None:
        def chosen(action: str | None) -> None:
            if action:
                getattr(self, f"action_{action}")()

        self.app.push_screen(MenuDialog(title, options), chosen)

    @on(DataTable.RowSelected, "#sr-invoices")
    def _open_invoice(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = next((r for r in self._invoice_rows if str(r.invoice.id) == event.row_key.value), None)
        if row is not None:
            open_invoice(self.app, row.invoice)
