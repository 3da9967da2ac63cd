"""The client record: the tabs, the money summary, the New group."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Input, Label, Static, TextArea

from ...data import clients as client_data
from ...data import clock, ledger
from ...data import invoices as invoice_data
from ...data import messages as message_data
from ...data import phone_calls as call_data
from ...data import sessions as session_data
from ...data.errors import DomainError
from ...data.models import Client, FamilyMember, LedgerEntry
from ...data.money import format_money
from .. import keymap
from ..base import KeyBar, RecordScreen, TitleBar
from ..dialogs import WRITE_ERRORS, ConfirmDialog, MessageDialog, readable
from ..money import DepositDialog
from ..open_record import open_invoice, open_new_invoice, open_session
from ..phone_calls import PhoneCallDialog
from ..spectra_app import spectra_app
from ..widgets import PagedTable
from .cells import all_at_once, date_text, fit, money_cell, time_text
from .fields import ClientFields, SavesClientFields
from .record_parts import CallsTable, FamilyMemberDialog, FamilyTable, KeyRibbon, Separated, TabStrip


class ClientRecord(SavesClientFields, RecordScreen):
    """A client: General (editable), Family, Sessions, Appointments, Invoices,
    Phone Calls, Notes; the money summary; the New group (keys in the footer)."""

    TABS = keymap.CLIENT_TABS
    client: Client  # a saved client, never None (SavesClientFields allows None for a new one)

    DEFAULT_CSS = """
    ClientRecord #record-head { height: 1; padding: 0 1; background: $panel; }
    ClientRecord #record-name { width: 1fr; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    ClientRecord #record-contact {
        width: auto; max-width: 60%; margin-left: 2; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    ClientRecord #record-money { height: auto; padding: 0 1; }
    ClientRecord #record-new { padding: 0 1; background: $boost; }
    ClientRecord #record-tabs { height: 1fr; }
    ClientRecord #record-tabs > Vertical { height: 1fr; }
    ClientRecord .tab-hint { height: 1; padding: 0 1; color: $text-muted; }
    ClientRecord PagedTable { height: 1fr; }
    ClientRecord #record-notes { height: 1fr; }
    """
    NEW_GROUP = [a for a in keymap.actions_in("client_record") if a.id.startswith("client_record.new_")]
    BINDINGS = keymap.bindings("client_record")

    def __init__(self, client: Client, tab: str = "general"):
        super().__init__()
        self.client = client
        self.initial_tab = tab if tab in self.TABS else "general"
        self._notes = client.notes
        self._shown = False
        self._filled: set[str] = set()

    @property
    def CAPTURES_F3(self) -> bool:
        return self.query_one(ClientFields).has_focus_inside

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="record-head"):
            yield Label("", id="record-name")
            yield Label("", id="record-contact")
        yield Static("", id="record-money")
        yield KeyRibbon(
            "New",
            [(keymap.key(action.id), action.label) for action in self.NEW_GROUP],
            width=self.app.size.width - 2,
            id="record-new",
        )
        yield TabStrip(self.TABS, self.initial_tab, id="tab-strip")
        with ContentSwitcher(initial=self.initial_tab, id="record-tabs"):
            with VerticalScroll(id="general", can_focus=False):
                yield ClientFields(self.client, id="record-fields")
                yield Static(
                    keymap.hint(
                        ("save_close", "save & close"),
                        ("record.close", "close"),
                        ("client_fields.next_as_typed", "no auto-capitals here, next field"),
                    ),
                    classes="tab-hint",
                )
            for tab in self.TABS[1:]:
                yield Vertical(id=tab)  # filled when first shown (a record opens fast)
        yield KeyBar()

    async def on_mount(self) -> None:
        self.title = f"Spectra · Client #{self.client.id}"
        self.refresh_record()
        if self.initial_tab == "general":
            self.query_one("#f-first_name", Input).focus()
        else:
            await self.action_show_tab(self.initial_tab)

    def on_screen_resume(self) -> None:
        """Back from a session, an invoice or a dialog: show what changed there."""
        if self._shown:
            self.refresh_record()
        self._shown = True

    # -- what the record shows

    def _make_tab(self, tab: str) -> list:
        if tab == "family":
            return [
                Static(
                    keymap.hint(("family.add_member", "add"), ("family.remove_member", "remove")), classes="tab-hint"
                ),
                FamilyTable(
                    [("Name", 28), ("Relationship", 16), ("Birthday", 12)],
                    cells=lambda m: (fit(m.full_name), fit(m.relationship), date_text(m.birthday)),
                    key=lambda m: m.id,
                    id="family-table",
                ),
            ]
        if tab == "sessions":
            return [
                PagedTable(
                    [("Session", 8), ("Date", 10), ("Time", 5), ("Type", 12), ("Photographer", 14), ("Status", 26)],
                    cells=lambda s: (
                        str(s.number),
                        date_text(s.start),
                        time_text(s.start),
                        fit(s.session_type.name),
                        fit(s.photographer.full_name),
                        fit(s.status),
                    ),
                    key=lambda s: s.id,
                    narrow_columns=[(0, 7), (1, 10), (3, 10), (5, 26)],
                    id="sessions-table",
                )
            ]
        if tab == "appointments":
            return [
                PagedTable(
                    [("Date", 10), ("Time", 5), ("Title", 24), ("With", 14), ("Status", 10)],
                    cells=lambda a: (
                        date_text(a.start),
                        time_text(a.start),
                        fit(a.title),
                        fit(a.staff.full_name if a.staff_id else ""),
                        fit(a.status),
                    ),
                    key=lambda a: a.id,
                    id="appointments-table",
                )
            ]
        if tab == "invoices":
            return [
                PagedTable(
                    [("Number", 7), ("Date", 10), ("Type", 13), ("Total", 12), ("Balance", 12), ("State", 9)],
                    cells=lambda r: (
                        r.invoice.display_number,
                        date_text(r.invoice.invoice_date),
                        fit(r.invoice.kind),
                        money_cell(r.invoice.total_cents),
                        money_cell(r.balance),
                        r.state,
                    ),
                    key=lambda r: r.invoice.id,
                    id="invoices-table",
                )
            ]
        if tab == "phone_calls":
            return [
                Static(keymap.hint(("calls.log_call", "logs a call"), ("table.open", "shows it")), classes="tab-hint"),
                CallsTable(
                    [("When", 14), ("Call", 4), ("About", 30), ("By", 8), ("Notes", 40)],
                    cells=lambda c: (
                        f"{c.at:%m/%d/%y %H:%M}",
                        c.direction,
                        fit(c.subject),
                        fit(c.user_name),
                        fit(c.notes.replace("\n", " ")),
                    ),
                    key=lambda c: c.id,
                    narrow_columns=[(0, 14), (1, 4), (2, 30), (4, 20)],
                    id="calls-table",
                ),
            ]
        if tab == "messages":
            return [
                Static(
                    f"{keymap.key('new_email')} new email · {keymap.active().all_keys('new_sms')} new SMS · "
                    + keymap.hint(("table.open", "shows one")),
                    classes="tab-hint",
                ),
                PagedTable(
                    [("Written", 14), ("Via", 5), ("Status", 7), ("Subject (or text)", 36), ("To", 24)],
                    cells=lambda m: (
                        f"{clock.to_local(m.created_at):%m/%d/%y %H:%M}",
                        "Email" if m.channel == "email" else "SMS",
                        m.status,
                        fit((m.subject or m.body).replace("\n", " ")),
                        fit(m.recipient),
                    ),
                    key=lambda m: m.id,
                    narrow_columns=[(0, 14), (1, 5), (2, 7), (3, 36)],
                    id="messages-table",
                ),
            ]
        if tab == "notes":
            return [TextArea(self._notes, id="record-notes")]
        return []

    async def _fill_tab(self, tab: str) -> None:
        """Build a tab's content the first time it is shown, then load it."""
        if tab in self._filled or tab == "general":
            return
        self._filled.add(tab)
        await self.query_one(f"#record-tabs > #{tab}").mount(*self._make_tab(tab))
        self._load_tab(tab)

    def _load_tab(self, tab: str) -> None:
        client = self.client
        if tab == "family":
            self.query_one("#family-table", PagedTable).load(all_at_once(client_data.family_of(client)))
        elif tab == "sessions":
            sessions_query = session_data.SessionQuery(client_id=client.id)
            self.query_one("#sessions-table", PagedTable).load(
                lambda after, limit: session_data.search_sessions(sessions_query, limit, after)
            )
        elif tab == "appointments":
            self.query_one("#appointments-table", PagedTable).load(
                lambda after, limit: session_data.client_appointments(client, limit, after)
            )
        elif tab == "invoices":
            invoices_query = invoice_data.InvoiceQuery(client_id=client.id)
            self.query_one("#invoices-table", PagedTable).load(
                lambda after, limit: invoice_data.search_invoices(invoices_query, limit, after)
            )
        elif tab == "phone_calls":
            self.query_one("#calls-table", PagedTable).load(
                lambda after, limit: call_data.calls_of_client(client, limit, after)
            )
        elif tab == "messages":
            self.query_one("#messages-table", PagedTable).load(
                lambda after, limit: message_data.messages_of_client(client, limit, after)
            )

    def refresh_record(self) -> None:
        client = self.client
        self.query_one("#record-name", Label).update(f"{client.full_name}  #{client.id}")
        contact = " · ".join(x for x in (client.main_phone, client.email) if x)
        self.query_one("#record-contact", Label).update(contact)
        money = ledger.client_money(client.id)
        warning = f"bold {self.app.theme_variables.get('warning', 'yellow')}"
        owed = Text(f"Owes {format_money(money.owed)}", warning) if money.owed else Text("Owes nothing")
        parts = [
            owed,
            Text(f"Credit {format_money(money.credit_balances)}"),
            Text(f"Unapplied deposits {format_money(money.deposits_left)}"),
        ]
        self.query_one("#record-money", Static).update(Separated(parts))
        for tab in self._filled:
            self._load_tab(tab)

    def _notes_text(self) -> str:
        area = self.notes_area()
        return area.text if area is not None else self._notes

    # -- unsaved changes, save

    @property
    def dirty(self) -> bool:
        return self.query_one(ClientFields).is_changed or self._notes_text() != self._notes

    @dirty.setter
    def dirty(self, value: bool) -> None:
        """RecordScreen clears this after a save or a discard; nothing to keep."""

    def notes_area(self) -> TextArea | None:
        shown = self.query("#record-notes")
        return shown.first(TextArea) if shown else None

    def show_save_error(self, error: Exception) -> None:
        errors = getattr(error, "errors", None) or {getattr(error, "field", None): readable(error)}
        if errors.keys() & ClientFields.LABELS.keys():
            self.show_general()
            self.call_after_refresh(self._show_field_errors, error)
            return
        if "notes" in errors:
            self.call_later(self.action_show_tab, "notes")
        super().show_save_error(error)

    def _show_field_errors(self, error: Exception) -> None:
        elsewhere = self.query_one(ClientFields).show_errors(error)
        if elsewhere:
            super().show_save_error(DomainError(" ".join(elsewhere.values())))

    def after_rebase(self) -> None:
        self.refresh_record()

    def saved(self, client: Client) -> None:
        self.notify(f"{client.full_name} saved.", title="Saved", timeout=4)
        self.dismiss(True)

    # -- tabs

    @property
    def active_tab(self) -> str:
        return self.query_one("#record-tabs", ContentSwitcher).current or "general"

    def show_general(self) -> None:
        self.query_one("#record-tabs", ContentSwitcher).current = "general"
        self.query_one(TabStrip).show("general")

    async def action_show_tab(self, tab: str, focus_content: bool = True) -> None:
        """Show a tab (filled the first time) and put the focus into it, ready for the keyboard."""
        if tab not in self.TABS:
            return
        await self._fill_tab(tab)
        self.query_one("#record-tabs", ContentSwitcher).current = tab
        self.query_one(TabStrip).show(tab)
        if focus_content:
            self._focus_tab_content()

    def _focus_tab_content(self) -> Widget | None:
        pane = self.query_one(f"#record-tabs > #{self.active_tab}")
        targets = pane.query("Input, PagedTable, TextArea")
        if not targets:
            return None
        return targets.first().focus()

    def enter_tab(self, open_line: bool) -> None:
        """From the tab strip into the tab shown; with ``open_line``, a list's
        highlighted line opens too (once its rows are in)."""
        target = self._focus_tab_content()
        if open_line and isinstance(target, PagedTable):
            target.when_loaded(target.action_choose)

    async def action_step_tab(self, step: int) -> None:
        tabs = self.TABS
        await self.action_show_tab(tabs[(tabs.index(self.active_tab) + step) % len(tabs)])

    # -- lists: Enter opens

    def on_paged_table_chosen(self, event: PagedTable.Chosen) -> None:
        event.stop()
        table_id = event.table.id
        if table_id == "sessions-table":
            open_session(self.app, event.row)
        elif table_id == "invoices-table":
            open_invoice(self.app, event.row.invoice)
        elif table_id == "calls-table":
            call = event.row
            way = "from" if call.direction == "in" else "to"
            self.app.push_screen(
                MessageDialog(
                    f"Call {way} {self.client.full_name} · {call.at:%m/%d/%Y %I:%M %p}",
                    f"{call.subject}\n\n{call.notes or '(no notes)'}\n\nLogged by {call.user_name}.",
                )
            )
        elif table_id == "messages-table":
            message = event.row
            answer = f"\n\nServer's answer: {message.last_answer}" if message.last_answer else ""
            self.app.push_screen(
                MessageDialog(
                    f"{message.status.capitalize()} · to {message.recipient} · {message.attempts} attempt(s)",
                    (f"{message.subject}\n\n" if message.subject else "") + message.body + answer,
                )
            )
        elif table_id == "appointments-table":
            appointment = event.row
            if appointment.session_id:
                open_session(self.app, appointment.session)
            else:
                self.notify(
                    f"{appointment.title} on {date_text(appointment.start)} at {time_text(appointment.start)}"
                    f" ({appointment.status}).",
                    timeout=5,
                )

    # -- family

    def action_add_family(self) -> None:
        def added(member: FamilyMember | None) -> None:
            if member is not None:
                self.notify(f"{member.full_name} added to the family.", timeout=4)
                self.refresh_record()

        self.app.push_screen(FamilyMemberDialog(self.client), added)

    def action_remove_family(self) -> None:
        member = self.query_one("#family-table", PagedTable).selected
        if member is None:
            return

        def answered(remove: bool | None) -> None:
            if not remove:
                return
            try:
                client_data.remove_family_member(member)
            except WRITE_ERRORS as error:
                self.notify(readable(error), title="Not removed", severity="error", timeout=8)
                return
            self.notify(f"{member.full_name} removed from the family.", timeout=4)
            self.refresh_record()

        self.app.push_screen(
            ConfirmDialog(
                f"Remove {member.full_name} ({member.relationship or 'family'}) from {self.client.full_name}'s family?",
                "Remove",
                "Keep",
            ),
            answered,
        )

    # -- phone calls, tasks

    def action_log_call(self) -> None:
        def logged(call) -> None:
            if call is not None:
                self.notify(f"Call logged: {call.subject}.", timeout=4)
                self.refresh_record()

        self.app.push_screen(PhoneCallDialog(self.client), logged)

    @property
    def task_client(self) -> Client:
        """Ctrl+D here makes a task about this client."""
        return self.client

    # -- the New group

    def action_new(self, what: str) -> None:
        client = self.client
        if what in ("appointment", "session"):
            spectra_app(self).open_scheduling_wizard(client=client, kind=what)
        elif what == "deposit":

            def taken(entry: LedgerEntry | None) -> None:
                if entry is not None:
                    self.notify(
                        f"Deposit of {format_money(entry.amount_cents)} taken from {client.full_name}.",
                        title="Deposit",
                        timeout=5,
                    )
                    self.refresh_record()

            self.app.push_screen(DepositDialog(client), taken)
        else:
            open_new_invoice(self.app, what, client=client)
