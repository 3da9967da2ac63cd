"""The Spectra TUI application: one mode per hub, app-wide shortcuts.

Every key comes from the registry in screens/keymap.py (user-remappable);
every hub from screens/hubs.py. The command palette lists them all, so a
terminal that eats F10/F11 loses nothing.
"""

import gc
from functools import partial

from textual import events
from textual.actions import SkipAction
from textual.app import App
from textual.command import Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets import Input, TextArea

from .data.errors import DomainError
from .data.users import current_user
from .screens import keymap
from .screens.change_user import TerminalUser, refused
from .screens.compat import end_without_crash_screen
from .screens.hooks import hooks_of
from .screens.hubs import HUBS, hub_by_id, screen_factory
from .screens.typeahead import KeyQueue
from .screens.windows import Windows

DAILY_BACKUP_CHECK_SECONDS = 3600  # how often the app checks whether the studio's date changed


class SpectraCommands(Provider):
    """Palette entries for every hub and registered action."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        assert isinstance(app, SpectraApp)
        for action in keymap.APP_ACTIONS:
            if action.id == "palette":
                continue
            text = f"{action.description}  ({keymap.key(action.id)})"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(app.run_action, action.action), help=action.group)


class SpectraApp(App):
    TITLE = "Spectra"
    CSS_PATH = "screens/spectra.tcss"
    MODES = {hub.id: screen_factory(hub) for hub in HUBS}
    DEFAULT_MODE = "home"
    COMMAND_PALETTE_BINDING = "ctrl+k"  # Ctrl+P books appointments, as in the desktop program
    COMMANDS = App.COMMANDS | {SpectraCommands}
    BINDINGS = keymap.app_bindings()

    def __init__(
        self,
        keys_file=None,
        cursor_blink: bool = True,
        user_name: str = "",
        send_messages: bool = False,
        daily_backups: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.send_messages = send_messages  # run the background sender (the `spectra` command does)
        self.daily_backups = daily_backups  # make the day's backup (the `spectra` command does)
        self.terminal_user = TerminalUser(self, user_name)  # sign-in, Change User, idle sign-out
        self.cursor_blink = cursor_blink
        self.typed_keys = KeyQueue(self, deliver=super().on_event)
        self.windows = Windows(self)
        user = current_user()
        self.sub_title = user.full_name if user else ""  # every screen's title bar names who is signed in
        self.keymap_problem = ""
        keys_file = keys_file or keymap.config_path()
        try:
            overrides = keymap.load_user_keys(keys_file)
        except keymap.KeymapError as error:
            overrides, self.keymap_problem = {}, str(error)
        keymap.activate(overrides, keys_file)
        if overrides:
            self.set_keymap(overrides)

    first_frame_shown = False
    _quit_question: Screen | None = None  # "Quit anyway?" while it is asked
    crash: BaseException | None = None
    message_sender = None
    """The background sender of queued messages (data/delivery.py) while the app runs it."""
    camera_connector = None
    """A function that opens the camera, instead of the real one (tests and
    demos set it; the capture screen reads it)."""
    camera_retry_delays: tuple[float, ...] | None = None
    """Seconds between tries to reach the camera again, instead of the capture's own."""

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error ends the app WITHOUT Textual's crash screen,
        which prints local variables (client data among them); `spectra`
        logs the traceback and says one line (cli/crash.py). Pilot tests
        still see the error raised (Textual keeps it in ``_exception``)."""
        self.crash = self.crash or error
        end_without_crash_screen(self, error)

    async def on_event(self, event: events.Event) -> None:
        """Keys from the terminal go out one at a time, in order (screens/typeahead.py)."""
        if isinstance(event, events.Key | events.MouseEvent):
            self.terminal_user.note_input()  # (idle sign-out)
        if isinstance(event, events.Key):
            await self.typed_keys.receive(event)
        else:
            await super().on_event(event)

    def on_ready(self) -> None:
        """The first frame is out (Textual's Ready event): now the first
        screen loads its data, so the app appears before the queries run;
        and the background sender starts delivering the queued messages."""
        self.first_frame_shown = True
        if self.send_messages:
            from .data.delivery import start_sender

            self.message_sender = start_sender()  # a thread of its own: the screens never wait for it
        screen = self.screen
        screen.call_after_refresh(hooks_of(screen).show_first_data)

    def on_mount(self) -> None:
        if self.keymap_problem:
            self.notify(self.keymap_problem + " Using the default keys.", severity="error", timeout=15)
        self.terminal_user.start()  # nobody signed in: the sign-in screen (or the first start) first
        self.set_interval(TerminalUser.IDLE_CHECK_SECONDS, self.terminal_user.check_idle)
        if self.daily_backups:
            self.start_daily_backup()
            self.set_interval(DAILY_BACKUP_CHECK_SECONDS, self.start_daily_backup)
        self.call_after_refresh(gc.freeze)

    def start_daily_backup(self) -> None:
        """Today's backup (the studio's date) when it is not made yet, in a
        worker thread (never on the screen's); the hourly timer calls this
        again, so a new day gets its own. A failure is a notice, never a crash."""
        self.run_worker(self._daily_backup, thread=True, group="daily-backup", exclusive=True, exit_on_error=False)

    def _daily_backup(self) -> None:
        from .data.backup import run_daily_backup

        failure = run_daily_backup()
        if failure:
            self.call_from_thread(self.notify, failure, title="Backup", severity="error", timeout=20)

    # gc.freeze(), once the first screen is drawn: the ~100,000 objects of
    # start-up (modules, classes, styles) live as long as the app, and the
    # garbage collector then no longer walks them in every full collection.
    # That halves the pauses a receptionist would otherwise feel now and then
    # when opening a record (measured: p95 of opening a client record
    # 214 -> 136 ms of CPU on a loaded machine).

    def on_unmount(self) -> None:
        """Quitting: the sender stops after the message it is delivering (what
        is still queued stays queued for the next start, or another terminal)."""
        if self.message_sender is not None:
            from .data.delivery import stop_sender

            stop_sender()
            self.message_sender = None

    def on_descendant_focus(self, event) -> None:
        """Without blinking, a field's cursor stays drawn (steady snapshots;
        less to send over a slow SSH link)."""
        if not self.cursor_blink and isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False

    # ------------------------------------------------------------ hubs

    def action_open_hub(self, hub_id: str) -> None:
        if self._screen_captures_f3(hub_id):
            # In a client form F3 means "next field, as typed" (the desktop
            # program's rule); stepping aside lets the form's own F3 binding run.
            raise SkipAction()
        try:
            hub_by_id(hub_id)
        except KeyError:
            self.notify(f"There is no hub '{hub_id}'.", severity="error")
            return
        self.windows.show_hub(hub_id)  # the hub itself; a record or form open over it stays open

    async def action_quit(self) -> None:
        """Ctrl+Q: quit; first asked when a record or form left open has unsaved changes."""
        unsaved = [window.title for window, _shown in self.windows.open_windows() if window.unsaved]
        if self.windows.unsaved_put_away():  # (put aside at Change User: whose, not said)
            unsaved.append(f"{self.windows.unsaved_put_away()} put aside at Change User")
        if not unsaved or self.screen is self._quit_question:  # (Ctrl+Q again: quit)
            self.exit()
            return
        from .screens.dialogs import ConfirmDialog

        def answered(quit_anyway: bool | None) -> None:
            self._quit_question = None
            if quit_anyway:
                self.exit()

        listed = f" ({keymap.key('windows')} lists them)" if current_user() is not None else ""
        self._quit_question = ConfirmDialog(
            f"Unsaved changes in: {', '.join(unsaved)}. Quit anyway?{listed}",
            "Quit anyway",
            "Stay",
        )
        self.push_screen(self._quit_question, answered)

    def action_windows(self) -> None:
        """The records and forms left open, to bring one back (screens/windows.py)."""
        self.windows.choose()

    def action_change_user(self) -> None:
        """Ctrl+U, from anywhere: the sign-in screen for the next person
        (screens/change_user.py); unsaved forms are saved or put aside first."""
        self.terminal_user.change_user()

    def _screen_captures_f3(self, hub_id: str) -> bool:
        """True when F3 opens this hub and the screen wants F3 for itself
        (a screen sets ``CAPTURES_F3``, e.g. while the focus is in client fields)."""
        keys = keymap.active().keys(f"hub_{hub_id}").split(",")
        return "f3" in keys and bool(hooks_of(self.screen).CAPTURES_F3)

    # ------------------------------------------------------------ global shortcuts

    def action_client_search(self) -> None:
        from .screens.open_record import choose_client, open_client

        def chosen(client) -> None:
            if client is not None:
                open_client(self, client)

        choose_client(self, chosen)

    def action_new_client(self) -> None:
        handler = hooks_of(self.screen).action_new_client
        if handler is not None:  # e.g. Client Search: the new client becomes its answer
            handler()
            return
        from .screens.clients import ClientForm

        self.push_screen(ClientForm())

    def action_open_audit_log(self) -> None:
        """The audit log (its key, the palette, Studio Settings); the screen
        itself tells anyone but a manager or the owner why they may not read it."""
        from .screens.audit_log import AuditLogScreen

        if isinstance(self.screen, AuditLogScreen):
            return
        left_open = self.windows.find(AuditLogScreen)
        if left_open is not None:
            self.windows.bring_back(left_open)
        else:
            self.push_screen(AuditLogScreen())

    def action_new_task(self) -> None:
        """Ctrl+D: a new task; from a record it is about the record's client."""
        from .screens.tasks import TaskDialog

        client = hooks_of(self.screen).task_client

        def saved(task) -> None:  # (the screen below shows it as it comes back)
            if task is not None:
                due = f", due {task.due:%a %m/%d}" if task.due else ""
                self.notify(f"Task saved: {task.title}{due}.", timeout=4)

        self.push_screen(TaskDialog(client=client), saved)

    def action_quick_sale(self) -> None:
        """Ctrl+I (Alt+I where the terminal sends Ctrl+I as Tab): Quick Sale, from anywhere."""
        from .screens.quick_sale import open_quick_sale

        open_quick_sale(self)

    def action_new_email(self) -> None:
        """Ctrl+E, from anywhere: an email to the open record's client (or one chosen)."""
        self._compose("email")

    def action_new_sms(self) -> None:
        """Ctrl+M (Alt+M where the terminal sends Ctrl+M as Enter): a text message, as Ctrl+E."""
        self._compose("sms")

    def _compose(self, channel: str) -> None:
        from .screens.compose import ComposeDialog, PreviewDialog, open_compose

        if isinstance(self.screen, ComposeDialog | PreviewDialog):
            raise SkipAction()  # writing one already: the field keeps the key (Ctrl+E: end of line)
        open_compose(self, channel)

    def action_time_clock(self) -> None:
        """Ctrl+T: in a note, a time stamp at the cursor; elsewhere the Time Clock dialog."""
        from .screens.time_clock import open_time_clock, stamp_note

        focused = self.focused
        if isinstance(focused, TextArea) and not focused.read_only:
            stamp_note(focused)
        else:
            open_time_clock(self)

    def action_open_settings(self) -> None:
        """F10 (or the palette): the studio's settings."""
        from .screens.studio_settings import StudioSettingsScreen

        if not isinstance(self.screen, StudioSettingsScreen):
            self.push_screen(StudioSettingsScreen())

    # ------------------------------------------------------------ the studio's setup and staff

    def action_set_up_studio(self, step: str = "") -> None:
        """The setup's steps (from Home, the palette, a screen missing something), at ``step`` if given."""
        from .screens.first_start import FirstStartScreen

        if not isinstance(self.screen, FirstStartScreen):
            self.push_screen(FirstStartScreen(start_at=step))

    def action_staff(self) -> None:
        """The Staff screen (a manager's or the owner's; others see why not)."""
        from .screens.staff import StaffScreen

        if not isinstance(self.screen, StaffScreen):
            self.push_screen(StaffScreen())

    def action_price_lists(self) -> None:
        """The price lists, their items and packages (a manager's or the owner's; others see why not)."""
        from .screens.price_lists import PriceListsScreen

        if not isinstance(self.screen, PriceListsScreen):
            self.push_screen(PriceListsScreen())

    def action_session_types(self) -> None:
        """The session types, with the price list each sells from."""
        from .screens.session_types import SessionTypesScreen

        if not isinstance(self.screen, SessionTypesScreen):
            self.push_screen(SessionTypesScreen())

    def action_end_of_day(self) -> None:
        """End of Day (Home's key, the palette): today's money, the count, posting."""
        from .screens.end_of_day import EndOfDayScreen

        if not isinstance(self.screen, EndOfDayScreen):
            self.push_screen(EndOfDayScreen())

    def action_session_search(self) -> None:
        from .screens.open_record import open_session
        from .screens.sessions import SessionSearchDialog

        def chosen(session) -> None:
            if session is not None:
                open_session(self, session)

        self.push_screen(SessionSearchDialog(), chosen)

    def action_new_booking(self) -> None:
        """Ctrl+P: the Scheduling Wizard, from anywhere."""
        self.open_scheduling_wizard()

    def open_scheduling_wizard(
        self, client=None, session=None, kind="session", start=None, photographer=None, room=None
    ) -> None:
        """Book a session or an appointment with the Scheduling Wizard (the
        calendar, Ctrl+P, and New Session / New Appointment in a client or
        session record call this). Nothing is written until its Confirm."""
        from .screens.wizard import SchedulingWizard

        open_wizard = self.windows.find(SchedulingWizard)
        if open_wizard is not None:
            self.windows.bring_back(open_wizard)
            self.notify("The Scheduling Wizard is already open: finish or cancel that booking first.", timeout=5)
            return

        def booked(result) -> None:
            if result is None:
                return
            item = result.session or result.appointment
            if item is not None:
                hooks_of(self.screen).show_booking(
                    item.start, getattr(item, "photographer_id", None) or getattr(item, "staff_id", None)
                )

        self.push_screen(
            SchedulingWizard(
                client=client, session=session, kind=kind, start=start, photographer=photographer, room=room
            ),
            booked,
        )

    def get_key_display(self, binding) -> str:
        """Keys are written one way everywhere: the key bar, Ctrl+O, hints, Help."""
        return binding.key_display or keymap.key_display(binding.key)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """While nobody is signed in no shortcut gets past the sign-in.
        Save & Close exists on the screens that save (records, forms,
        dialogs): shown and run there, hidden on the hubs, where Ctrl+W is
        left to the field as in any terminal."""
        if refused(action):  # nobody signed in: the sign-in screen, or the first start, first
            return False
        if action == "save_close":
            return hooks_of(self.screen).action_save_close is not None
        return True

    def action_save_close(self) -> None:
        """Ctrl+W: the screen saves (the keys typed before it are in its
        fields: keys are handled one at a time, screens/typeahead.py)."""
        save_close = hooks_of(self.screen).action_save_close
        if save_close is not None:  # else not offered there (check_action)
            save_close()

    def action_toggle_shortcuts(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def show_domain_error(self, error: DomainError, title: str = "Not possible") -> None:
        self.notify(str(error), title=title, severity="error", timeout=8)
