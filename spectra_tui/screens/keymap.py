"""One registry of every key: the app's actions and every screen's, each with an id.

The bindings (``bindings``), the key bar, the Ctrl+O panel, the hub bar, the
Help hub, the command palette and every hint that names a key (``key``) are
made from ``ACTIONS`` and the user's remaps. A user remaps any action in a
TOML file; screen actions are named by their scope::

    # ~/.config/spectra-tui/keys.toml
    [keys]
    client_search = "ctrl+l,f6"
    hub_tasks = "alt+t"
    calendar.today = "h"          # or a [keys.calendar] table

Terminal reality: ordinary terminals send Ctrl+M as Enter and Ctrl+I as Tab,
so such shortcuts carry a fallback that every terminal can send.
"""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding, BindingType

HUBS_GROUP = "Hubs"
SHORTCUTS_GROUP = "Shortcuts"
GENERAL_GROUP = "General"


@dataclass(frozen=True)
class Action:
    id: str  # app actions: a plain name ("client_search"); screen actions: "scope.name"
    description: str
    keys: str  # default keys, comma separated (the seed's key first)
    action: str  # Textual action string, run on the node that binds it
    group: str = SHORTCUTS_GROUP  # the Help hub's heading (a screen action: its scope's title)
    fallback: str = ""  # keys for terminals that cannot send the default
    show: bool = True  # shown in the key bar
    label: str = ""  # a shorter name for the key bar and the key panel (the description otherwise)
    priority: bool = False  # runs before the focused widget sees the key

    @property
    def default_keys(self) -> str:
        return ",".join(k for k in (self.keys, self.fallback) if k)

    @property
    def scope(self) -> str:
        return self.id.rpartition(".")[0]


def _hub(hub_id: str, title: str, key: str) -> Action:
    # The hub bar names every hub and its key, so the key bar leaves them out.
    return Action(f"hub_{hub_id}", title, key, f"open_hub('{hub_id}')", HUBS_GROUP, show=False, priority=True)


def _app(id: str, description: str, keys: str, action: str, group: str = SHORTCUTS_GROUP, **kw) -> Action:
    # App actions are priority bindings: they work inside forms too.
    return Action(id, description, keys, action, group, priority=True, **kw)


APP_ACTIONS: list[Action] = [
    _hub("help", "Help", "f1"),
    _hub("home", "Home", "f2"),
    _hub("workflow", "Workflow", "f3"),
    _hub("calendar", "Calendar", "f4"),
    _hub("clients", "Clients", "f5"),
    _hub("sessions", "Sessions", "f6"),
    _hub("invoices", "Invoices", "f7"),
    _hub("phone_calls", "Phone Calls", "f8"),
    _hub("messages", "Messages", "f9"),
    _hub("tasks", "Tasks", "f11"),
    _hub("production", "Production", "f12"),
    _app("client_search", "Client Search", "ctrl+l", "client_search"),
    _app("new_client", "New Client", "ctrl+n", "new_client"),
    _app("session_search", "Session Search", "ctrl+s", "session_search"),
    _app("new_booking", "New Appointment/Session", "ctrl+p", "new_booking", label="Schedule"),
    _app("new_task", "New Task", "ctrl+d", "new_task", show=False),  # Home says so; Help and Ctrl+O list it
    # From anywhere, in a field too (End moves to the end of a field; in the
    # email's own fields Ctrl+E is left to the field).
    _app("new_email", "New Email", "ctrl+e", "new_email", show=False),
    # Ctrl+I: Tab in most terminals (where the kitty keyboard protocol tells them apart it arrives as itself).
    _app("new_quick_sale", "New Quick Sale", "ctrl+i", "quick_sale", fallback="alt+i", show=False, label="Quick sale"),
    # Ctrl+M: Enter in most terminals (Alt+M then); the kitty keyboard protocol tells them apart.
    _app("new_sms", "New SMS Text Message", "ctrl+m", "new_sms", fallback="alt+m", show=False, label="New SMS"),
    # Ctrl+T: in a note, the date, time and initials at the cursor; elsewhere the time clock.
    _app("time_clock", "Time stamp, Time clock", "ctrl+t", "time_clock", show=False),
    # From anywhere, as in the desktop program: in a text field too, where a
    # terminal's Ctrl+U deletes to the line's start (Home then Shift+End selects it).
    _app("change_user", "Change User", "ctrl+u", "change_user", GENERAL_GROUP, show=False),
    # Shown and run only on screens that save (SpectraApp.check_action).
    _app("save_close", "Save & Close", "ctrl+w", "save_close"),
    _app("windows", "Open windows: records and forms left open", "ctrl+g", "windows", GENERAL_GROUP, show=False),
    _app("settings", "Studio Settings", "f10", "open_settings", GENERAL_GROUP, show=False),
    # The audit log (managers and the owner): also in the palette and named in Studio Settings.
    _app("audit_log", "Audit log", "alt+l", "open_audit_log", GENERAL_GROUP, show=False),
    _app("shortcuts", "Shortcuts of this screen", "ctrl+o", "toggle_shortcuts", GENERAL_GROUP, label="Keys"),
    _app("palette", "Command palette", "ctrl+k", "command_palette", GENERAL_GROUP, show=False, label="Commands"),
    _app("quit", "Quit", "ctrl+q", "quit", GENERAL_GROUP, show=False),
    # The studio's setup and staff: palette entries first (Home, F10 and the wizard lead there too).
    _app("set_up_studio", "Set up the studio", "ctrl+f10", "set_up_studio", GENERAL_GROUP, show=False),
    _app("staff", "Staff", "ctrl+f9", "staff", GENERAL_GROUP, show=False),
    # The catalog (managers and the owner): also in the palette, Studio Settings and the setup.
    _app("price_lists", "Price lists: items and packages", "ctrl+f8", "price_lists", GENERAL_GROUP, show=False),
    _app("session_types", "Session types", "ctrl+f7", "session_types", GENERAL_GROUP, show=False),
]

# Screen scopes: id prefix -> the heading in Help.
SCOPES: dict[str, str] = {
    "dialog": "Every dialog",
    "help": "Help",
    "setup": "Setting up the studio",
    "staff_list": "Staff",
    "table": "Every list",
    "record": "Every record",
    "audit": "Audit log",
    "home": "Home",
    "workflow": "Workflow",
    "stage_list": "Workflow",
    "check_in": "Check in",
    "capture": "Tethered capture",
    "import_images": "Import Images",
    "presentation": "Presentation",
    "order_info": "Order info",
    "quick_sale": "Quick Sale",
    "receipt": "Quick Sale: the receipt",
    "prepare": "Prepare images",
    "compare": "Compare images",
    "calendar": "Calendar",
    "appointment": "Booking on the calendar",
    "people": "People filter",
    "people_list": "People filter",
    "search_clients": "Client Search",
    "client_fields": "Client fields",
    "client_record": "Client record",
    "tab_strip": "Client record",
    "family": "Client record: Family",
    "calls": "Client record: Phone Calls",
    "search_sessions": "Session Search",
    "session_record": "Session record",
    "invoices": "Invoices hub",
    "invoice_record": "Invoice record",
    "invoice_line": "Invoice line",
    "production": "Production hub",
    "tasks": "Tasks hub",
    "phone_calls_hub": "Phone Calls hub",
    "messages": "Messages hub",
    "templates": "Message templates",
    "money_method": "Money dialogs",
    "deposits": "Apply deposits",
    "deposit_list": "Apply deposits",
    "wizard": "Scheduling Wizard",
    "choice": "Choice fields",
    "catalog_lists": "Price lists",
    "catalog_items": "A price list's items",
    "catalog_types": "Session types",
    "clock_dialog": "Time clock",
    "time_sheet": "Time sheet",
    "reports": "Reports",
}

CLIENT_TABS = ("general", "family", "sessions", "appointments", "invoices", "phone_calls", "notes", "messages")
SESSION_TABS = ("general", "appointments", "invoices", "images", "history")


def _tab_title(tab: str) -> str:
    return tab.replace("_", " ").capitalize()


def _in(scope: str, entries: list[tuple]) -> list[Action]:
    """Actions of one screen scope: (name, description, keys, action[, options])."""
    actions = []
    for name, description, keys, action, *options in entries:
        actions.append(
            Action(f"{scope}.{name}", description, keys, action, SCOPES[scope], **(options[0] if options else {}))
        )
    return actions


HIDDEN = {"show": False}
PRIORITY_HIDDEN = {"show": False, "priority": True}

SCREEN_ACTIONS: list[Action] = [
    *_in(
        "dialog",
        [
            ("cancel", "Back: leave the dialog, nothing done", "escape", "cancel", {"label": "Back"}),
            ("yes", "Yes", "y", "answer(True)"),
            ("no", "No", "n,escape", "answer(False)"),
            ("close", "Close a message", "escape,enter", "close", {"label": "Close"}),
            ("next", "Next field, then done (small forms)", "enter", "enter", PRIORITY_HIDDEN),
        ],
    ),
    *_in("record", [("close", "Close the record", "escape", "close", {"label": "Close"})]),
    *_in("help", [("pages", "To the list of help pages", "down", "to_pages", {"label": "Pages", "show": False})]),
    *_in(
        "table",
        [
            ("open", "Open the highlighted line", "enter", "choose", {"label": "Open"}),
            ("first_row", "First line", "home,ctrl+home", "first_row", HIDDEN),
            ("last_row", "Last line (the whole list is loaded)", "end,ctrl+end", "last_row", HIDDEN),
        ],
    ),
    *_in(
        "home",
        [
            ("open_client", "Open the line's client", "c", "open_client", {"label": "Open client"}),
            ("task_done", "Mark the task done", "d", "task_done", {"label": "Task done"}),
            ("set_up", "Set up the studio (staff, rooms, session types)", "s", "set_up", {"label": "Set up"}),
            ("reports", "Reports (sales, time sheet, production...)", "r", "reports", {"label": "Reports"}),
        ],
    ),
    *_in("stage_list", [("go", "Run the stage's main action", "enter", "choose", {"label": "Go", "show": False})]),
    *_in(
        "workflow",
        [
            ("check_in", "Check in", "k", "check_in"),
            ("capture", "Tethered capture", "t", "capture", {"label": "Capture"}),
            ("import_images", "Import images", "i", "import_images"),
            ("present", "Start presentation (viewer)", "p", "present", {"label": "Present"}),
            ("present_here", "Present in the terminal", "v", "present_here", {"label": "In terminal", "show": False}),
            ("order_info", "Order info", "o", "order_info"),
            ("prepare", "Prepare images: favourites, hide, order", "r", "prepare", {"label": "Prepare"}),
            ("advance", "Advance to the next status", "a", "advance", {"label": "Advance"}),
            ("open_session", "Open the session", "s", "open_session", {"label": "Session"}),
            ("open_client", "Open the client", "c", "open_client", {"label": "Client", "show": False}),
            *[(f"stage_{n}", f"Stage {n}", str(n), f"stage({n})", HIDDEN) for n in range(1, 10)],
        ],
    ),
    *_in(
        "check_in",
        [
            ("confirm", "Check in", "k", "save_close", HIDDEN),
            ("open_session", "Open the session", "s", "open_session", {"label": "Session", "show": False}),
            ("open_client", "Open the client", "c", "open_client", {"label": "Client", "show": False}),
        ],
    ),
    *_in(
        "capture",
        [
            ("shoot", "Take a picture", "space", "capture", {"label": "Capture", "priority": True}),
            ("reconnect", "Reconnect the camera", "r", "reconnect", {"label": "Reconnect"}),
            ("import_images", "Import images", "i", "import_images", {"label": "Import"}),
            ("advance", "Advance the session", "a", "advance", {"label": "Advance"}),
            ("close", "Close", "escape", "close"),
        ],
    ),
    *_in(
        "import_images",
        [
            ("stop", "Cancel the import / close", "escape", "escape", {"label": "Cancel / Close"}),
            ("advance", "Advance the session", "a", "advance", {"label": "Advance", "show": False}),
        ],
    ),
    *_in(
        "presentation",
        [
            ("next", "Next image", "right,space,pagedown,l", "move(1)", HIDDEN),
            ("previous", "Previous image", "left,pageup,h", "move(-1)", HIDDEN),
            ("first", "First image", "home", "jump(0)", HIDDEN),
            ("last", "Last image", "end", "jump(-1)", HIDDEN),
            ("go_to", "Go to image number…", "g", "go_to", HIDDEN),
            ("order_info", "Order info", "o", "order_info", HIDDEN),
            ("end", "End the presentation", "escape", "end", {"label": "End", "show": False}),
        ],
    ),
    *_in(
        "order_info",
        [
            ("add", "Add the item for the image", "enter", "add", {"label": "Add", "show": False}),
            ("image", "Type the image number", "i", "image", {"label": "Image #"}),
            ("more", "One more of the item", "plus,equals_sign", "quantity(1)", {"label": "More"}),
            ("less", "One less of the item", "minus", "quantity(-1)", {"label": "Less"}),
            ("pieces", "The images of a package's pieces", "p", "pieces", {"label": "Pieces"}),
            ("remove", "Remove from the order", "delete", "remove", {"label": "Remove"}),
            (
                "previous_image",
                "Previous image of the presentation",
                "left_square_bracket",
                "move_presentation(-1)",
                HIDDEN,
            ),
            ("next_image", "Next image of the presentation", "right_square_bracket", "move_presentation(1)", HIDDEN),
            ("close", "Leave (asks before throwing an order away)", "escape", "close", {"label": "Leave"}),
        ],
    ),
    *_in(
        "quick_sale",
        [
            ("add", "Add one of the highlighted item", "enter", "add", {"label": "Add"}),
            ("more", "One more of the sale's line", "plus,equals_sign", "quantity(1)", {"label": "More"}),
            ("less", "One less of the sale's line", "minus", "quantity(-1)", {"label": "Less"}),
            ("remove", "Remove the line from the sale", "delete", "remove", {"label": "Remove"}),
            ("client", "Sell to a client (Client Search)", "c", "choose_client", {"label": "Client…"}),
            ("walk_in", "Sell to the walk-in customer", "w", "walk_in", {"label": "Walk-in"}),
            ("close", "Leave (asks before throwing a sale away)", "escape", "close", {"label": "Leave"}),
        ],
    ),
    *_in(
        "receipt",
        [
            ("open_invoice", "Open the sale's invoice", "o", "open_invoice", {"label": "Invoice"}),
            ("save_pdf", "Save the receipt as PDF", "P", "save_pdf", {"label": "PDF"}),
        ],
    ),
    *_in(
        "prepare",
        [
            ("favourite", "Mark / unmark as a favourite", "space", "favourite", {"label": "Favourite"}),
            ("hide", "Hide from / show in the presentation", "h", "hide", {"label": "Hide/show"}),
            ("up", "Move up: shown earlier", "shift+up", "move(-1)", {"label": "Up", "fallback": "u"}),
            ("down", "Move down: shown later", "shift+down", "move(1)", {"label": "Down", "fallback": "d"}),
            ("to_position", "Move to a position (typed)", "t", "move_to", {"label": "To…"}),
            ("compare", "Compare with the next image, side by side", "w", "compare", {"label": "Compare"}),
        ],
    ),
    *_in(
        "compare",
        [
            ("previous", "Previous image on the chosen side", "left", "step(-1)", {"label": "Previous"}),
            ("next", "Next image on the chosen side", "right", "step(1)", {"label": "Next"}),
            ("side", "Choose the other side", "tab", "switch_side", {"label": "Other side"}),
            (
                "favourite",
                "Mark / unmark the chosen one a favourite",
                "space",
                "favourite",
                {"label": "Favourite"},
            ),
            ("hide", "Hide / show the chosen image", "h", "hide", {"label": "Hide/show"}),
            ("close", "Back to the list", "escape", "close", {"label": "Back"}),
        ],
    ),
    *_in(
        "calendar",
        [
            ("activate", "Open the booking / book the slot", "enter", "activate", {"label": "Open/Book"}),
            ("up", "Earlier slot", "up", "move_cursor(0, -1)", HIDDEN),
            ("down", "Later slot", "down", "move_cursor(0, 1)", HIDDEN),
            ("left", "Day (or column) before", "left", "move_cursor(-1, 0)", HIDDEN),
            ("right", "Day (or column) after", "right", "move_cursor(1, 0)", HIDDEN),
            ("first_slot", "First slot", "home", "edge(-1)", HIDDEN),
            ("last_slot", "Last slot", "end", "edge(1)", HIDDEN),
            ("previous_period", "Previous day/week/month", "pageup", "period(-1)", HIDDEN),
            ("next_period", "Next day/week/month", "pagedown", "period(1)", HIDDEN),
            ("view", "Day / week / month view", "v", "cycle_view", {"label": "View"}),
            ("today", "Today", "t", "today"),
            ("go_to", "Go to a date", "g", "go_to", {"label": "Go to"}),
            ("people", "Whose bookings are shown", "p", "filter_people", {"label": "People"}),
            ("new", "New booking at the cursor", "n", "new_booking", {"label": "New", "show": False}),
            ("move", "Move the booking with the arrows", "m", "move", {"label": "Move"}),
            ("new_time", "Give the booking a new time", "r", "reschedule", {"label": "New time", "show": False}),
            ("cancel_booking", "Cancel the booking", "x", "cancel_booking", {"label": "Cancel"}),
            ("no_show", "Mark a no-show", "o", "no_show", {"label": "No-show"}),
            ("show_cancelled", "Show cancelled bookings", "c", "toggle_cancelled", HIDDEN),
            ("stop_moving", "Stop moving", "escape", "stop_moving", {"label": "Stop", "show": False}),
        ],
    ),
    *_in(
        "appointment",
        [
            ("close", "Close", "escape", "close"),
            ("move", "Move it on the calendar", "m", "choose('move')", {"label": "Move"}),
            ("new_time", "Give it a new time", "r", "reschedule", {"label": "New time"}),
            ("cancel", "Cancel it", "x", "cancel_appointment", {"label": "Cancel it"}),
            ("no_show", "Mark a no-show", "o", "no_show", {"label": "No-show"}),
            ("open_session", "Open the session", "s", "open_session", {"label": "Session"}),
            ("open_client", "Open the client", "c", "open_client", {"label": "Client"}),
        ],
    ),
    *_in(
        "people",
        [
            ("everyone", "Everyone", "a", "everyone"),
        ],
    ),
    *_in("people_list", [("apply", "Apply the choice", "enter", "screen.apply", {"label": "Apply", "show": False})]),
    *_in(
        "search_clients",
        [
            ("results", "To the results", "down", "to_results", {"label": "Results", "show": False}),
            ("open", "Open the first or highlighted client", "enter", "enter", {"label": "Open", **PRIORITY_HIDDEN}),
        ],
    ),
    *_in(
        "client_fields",
        [
            ("next_as_typed", "Next field, as typed (no capitals)", "f3", "next_as_typed", {"label": "Next, as typed"}),
            ("next_field", "Next field", "enter", "next_field", PRIORITY_HIDDEN),
        ],
    ),
    # The New group. Priority: the keys must not be typed into the field that has the focus.
    *_in(
        "client_record",
        [
            (
                "new_appointment",
                "New appointment",
                "alt+a",
                "new('appointment')",
                {"label": "Appointment", "priority": True},
            ),
            ("new_session", "New session", "alt+s", "new('session')", {"label": "Session", "priority": True}),
            (
                "new_generic",
                "New Generic invoice",
                "alt+g",
                "new('Generic')",
                {"label": "Generic invoice", "priority": True},
            ),
            ("new_estimate", "New estimate", "alt+e", "new('Estimate')", {"label": "Estimate", "priority": True}),
            (
                "new_credit_memo",
                "New credit memo",
                "alt+c",
                "new('Credit Memo')",
                {"label": "Credit memo", "priority": True},
            ),
            ("new_deposit", "New client deposit", "alt+d", "new('deposit')", {"label": "Deposit", "priority": True}),
            *[
                (f"tab_{tab}", f"{_tab_title(tab)} tab", f"alt+{n}", f"show_tab('{tab}')", PRIORITY_HIDDEN)
                for n, tab in enumerate(CLIENT_TABS, 1)
            ],
            ("next_tab", "Next tab", "ctrl+pagedown", "step_tab(1)", PRIORITY_HIDDEN),
            ("previous_tab", "Previous tab", "ctrl+pageup", "step_tab(-1)", PRIORITY_HIDDEN),
        ],
    ),
    *_in(
        "tab_strip",
        [
            ("previous", "Previous tab", "left", "step(-1)", HIDDEN),
            ("next", "Next tab", "right", "step(1)", HIDDEN),
            ("into", "Into the tab", "down", "into(False)", HIDDEN),
            ("open", "Open the tab's highlighted line", "enter", "into(True)", HIDDEN),
        ],
    ),
    *_in(
        "family",
        [
            ("add_member", "Add a family member", "a,insert", "add_member", {"label": "Add"}),
            ("remove_member", "Remove the family member", "delete", "remove_member", {"label": "Remove"}),
        ],
    ),
    *_in("calls", [("log_call", "Log a phone call", "l", "log_call", {"label": "Log call"})]),
    *_in(
        "search_sessions", [("results", "To the results", "down", "focus_results", {"label": "Results", "show": False})]
    ),
    *_in(
        "session_record",
        [
            # first: the one key to every action, kept in sight at 80 columns
            ("file_menu", "File menu: every action", "f", "file_menu", {"label": "File…"}),
            ("advance", "Advance the status", "a", "advance", {"label": "Advance"}),
            ("status", "Set the status", "s", "set_status", {"label": "Status…"}),
            ("cancel", "Cancel the session", "x", "cancel_session", {"label": "Cancel"}),
            ("reschedule", "Reschedule", "r", "reschedule", HIDDEN),
            ("no_show", "Mark a no-show", "o", "no_show", {"label": "No-show", "show": False}),
            ("invoice", "Session invoice", "i", "session_invoice", {"label": "Invoice…"}),
            ("appointment", "Appointment", "p", "appointment"),
            ("estimate", "New estimate", "e", "estimate", {"label": "Estimate", "show": False}),
            ("credit_memo", "New credit memo", "m", "credit_memo", {"label": "Credit memo", "show": False}),
            ("open_client", "Open the client", "c", "open_client", {"label": "Client"}),
            ("import_images", "Import images", "g", "import_images", HIDDEN),
            ("new_menu", "New…", "n", "new_menu", HIDDEN),
            *[
                (f"tab_{tab}", f"{_tab_title(tab)} tab", str(n), f"tab('{tab}')", HIDDEN)
                for n, tab in enumerate(SESSION_TABS, 1)
            ],
        ],
    ),
    *_in(
        "invoices",
        [
            ("results", "To the list", "down", "focus_results", {"label": "Results", "show": False}),
            ("number", "Type an invoice number", "slash", "focus_number", {"label": "Invoice #", "show": False}),
        ],
    ),
    *_in(
        "invoice_record",
        [
            ("file_menu", "File menu: every action", "f", "file_menu", {"label": "File…"}),
            ("payment", "Take a payment", "p", "payment", {"label": "Payment"}),
            ("add_line", "Add a line", "a", "add_line", {"label": "Add"}),
            ("edit_line", "Edit the line", "e", "edit_line", {"label": "Edit"}),
            ("remove_line", "Remove the line", "delete", "remove_line", HIDDEN),
            ("refund", "Refund", "r", "refund"),
            ("void_entry", "Void a payment", "v", "void_entry", {"label": "Void"}),
            ("transfer", "Transfer a credit balance", "t", "transfer", {"label": "Transfer"}),
            ("bill_to", "Bill-To", "b", "bill_to"),
            ("convert", "Convert the estimate", "c", "convert", {"label": "Convert"}),
            ("deposit", "Apply a deposit", "d", "deposit", {"label": "Deposit", "show": False}),
            ("void_invoice", "Void the invoice", "X", "void_invoice", HIDDEN),
            ("save_pdf", "Save as PDF (on a payment line: its receipt)", "P", "save_pdf", {"label": "PDF"}),
            (
                "production",
                "Send to production (an order per vendor)",
                "s",
                "send_to_production",
                {"label": "Production"},
            ),
            (
                "open_related",
                "Open the client/session",
                "o",
                "open_related",
                {"label": "Open client/session", "show": False},
            ),
        ],
    ),
    *_in(
        "production",
        [
            ("advance", "Next status, dated today", "n", "advance", {"label": "Next status"}),
            ("back", "Back one status (a mistake)", "b", "step_back", {"label": "Back a status"}),
            ("cancel_order", "Cancel the order (with a reason)", "x", "cancel_order", {"label": "Cancel order"}),
            ("due", "Change the due day", "d", "change_due", {"label": "Due day"}),
            ("invoice", "Open the order's invoice", "i", "open_order_invoice", {"label": "Invoice"}),
        ],
    ),
    *_in(
        "tasks",
        [
            ("done", "Mark the task done", "d", "task_done", {"label": "Done"}),
            ("reopen", "Reopen a done task", "r", "reopen", {"label": "Reopen"}),
            ("assign", "Assign the task to someone (or anyone)", "a", "assign", {"label": "Assign"}),
            ("client", "Open the task's client", "c", "open_task_client", {"label": "Client"}),
            ("session", "Open the task's session", "s", "open_task_session", {"label": "Session"}),
            ("view", "Next view (mine, everyone's, overdue, upcoming, done)", "v", "next_view", {"label": "View"}),
        ],
    ),
    *_in(
        "phone_calls_hub",
        [
            ("log_call", "Log a call (the client chosen first)", "l", "log_call", {"label": "Log call"}),
            ("done", "Mark the call-back done", "d", "call_back_done", {"label": "Call-back done"}),
            ("search", "To the search field", "slash", "focus_search", {"label": "Search"}),
            ("results", "To the list", "down", "focus_results", {"label": "Results", "show": False}),
        ],
    ),
    *_in(
        "messages",
        [
            ("retry", "Retry now (a queued or failed message)", "r", "retry", {"label": "Retry now"}),
            ("client", "Open the message's client", "c", "open_message_client", {"label": "Client"}),
            ("templates", "Message templates", "t", "templates", {"label": "Templates"}),
            ("delivery", "Delivery settings (SMTP, SMS)", "s", "delivery_settings", {"label": "Delivery"}),
            ("status", "Show: queued / sent / failed / all", "slash", "focus_status", HIDDEN),
        ],
    ),
    *_in(
        "templates",
        [
            ("new", "New template", "n,insert", "new_template", {"label": "New"}),
            ("edit", "Edit the template", "e", "edit_template", {"label": "Edit"}),
        ],
    ),
    *_in(
        "invoice_line",
        [
            ("price_list", "Price list", "ctrl+f", "price_list", {"priority": True}),
            ("set_up", "Set up the price list (when it is empty)", "alt+s", "set_up", PRIORITY_HIDDEN),
        ],
    ),
    *_in(
        "money_method",
        [
            ("next", "Next way to pay", "right,down", "choose(1)", HIDDEN),
            ("previous", "Previous way to pay", "left,up", "choose(-1)", HIDDEN),
            ("submit", "Take the money (submit)", "enter", "submit", HIDDEN),
        ],
    ),
    *_in("deposit_list", [("apply_ticked", "Apply the ticked deposits", "enter", "apply", {"label": "Apply ticked"})]),
    *_in(
        "deposits",
        [
            ("apply_all", "Apply all deposits", "a", "apply_all", {"label": "Apply all"}),
            ("skip", "Skip to the payment", "s", "skip", {"label": "Skip"}),
        ],
    ),
    *_in(
        "wizard",
        [
            ("next", "Next step", "enter", "next", {"label": "Next"}),
            ("back", "Back a step (cancel on the first)", "escape", "back", {"label": "Back"}),
            ("set_up", "Set up what the booking is missing", "alt+s", "set_up", {"label": "Set up", **PRIORITY_HIDDEN}),
        ],
    ),
    # The setup's steps: forms, so the keys are ones a field does not take.
    *_in(
        "setup",
        [
            ("next", "Next step (nothing typed is saved)", "pagedown", "step(1)", {"label": "Skip", "priority": True}),
            ("back", "Previous step", "pageup", "step(-1)", {"label": "Back", "priority": True}),
        ],
    ),
    *_in(
        "staff_list",
        [
            ("add", "Add a person", "a,insert", "add", {"label": "Add"}),
            ("edit", "Edit the account", "e", "edit", {"label": "Edit"}),
            ("password", "Set the password or PIN", "p", "password", {"label": "Password"}),
            ("active", "Disable or enable the account", "d", "toggle_active", {"label": "Disable/Enable"}),
            ("unlock", "Unlock the account", "u", "unlock", {"label": "Unlock"}),
        ],
    ),
    *_in(
        "audit",
        [
            ("results", "To the entries", "down", "focus_results", {"label": "Entries", "show": False}),
            ("filters", "Back to the filters", "slash", "focus_filters", {"label": "Filters"}),
        ],
    ),
    *_in(
        "choice",
        [
            ("previous", "Previous choice", "left", "step(-1)", {"label": "Previous", "show": False}),
            ("next", "Next choice", "right,space", "step(1)", HIDDEN),
            ("first", "First choice", "home", "jump(0)", {"label": "First", "show": False}),
            ("last", "Last choice", "end", "jump(-1)", {"label": "Last", "show": False}),
        ],
    ),
]

# The time clock (screens/time_clock.py, time_sheet.py). A code's key for each time code of data/timeclock.py.
SCREEN_ACTIONS += [
    *_in(
        "clock_dialog",
        [
            ("regular", "Clock in: regular time", "r", "clock_in('regular')", {"label": "Regular"}),
            ("break", "Clock in: a break (paid)", "b", "clock_in('break')", {"label": "Break"}),
            ("lunch", "Clock in: lunch (unpaid)", "l", "clock_in('lunch')", {"label": "Lunch"}),
            ("out", "Clock out", "o", "clock_out", {"label": "Out"}),
            ("sheet", "This week's time sheet", "s", "time_sheet", {"label": "Time sheet"}),
            ("close", "Close", "escape", "close"),
        ],
    ),
    *_in(
        "time_sheet",
        [
            ("previous_week", "Previous week", "left,pageup", "week(-1)", {"label": "Week before", "priority": True}),
            ("next_week", "Next week", "right,pagedown", "week(1)", {"label": "Week after", "priority": True}),
            ("this_week", "This week", "t", "this_week", {"label": "This week", "show": False}),
            ("edit", "Edit the entry (managers)", "e", "edit_entry", {"label": "Edit"}),
            ("add", "Add an entry (managers)", "a", "add_entry", {"label": "Add"}),
            ("person", "Another person's sheet (managers)", "u", "choose_person", {"label": "Person"}),
            ("close", "Close", "escape", "close"),
        ],
    ),
]

# The Reports screen (screens/reports.py): its fields take letters, so its keys carry a modifier.
SCREEN_ACTIONS += [
    *_in(
        "reports",
        [
            ("run", "Run the report over the period", "ctrl+r", "run", {"label": "Run", "priority": True}),
            ("csv", "Save the report as CSV", "alt+c", "save('csv')", {"label": "CSV", "priority": True}),
            ("pdf", "Save the report as PDF", "alt+p", "save('pdf')", {"label": "PDF", "priority": True}),
            ("close", "Close", "escape", "close"),
        ],
    ),
]

# The price-list manager (screens/price_lists.py, price_items.py, session_types.py).
SCREEN_ACTIONS += [
    *_in(
        "catalog_lists",
        [
            ("new", "New price list", "n,insert", "new_list", {"label": "New"}),
            ("rename", "Rename the list", "r", "rename", {"label": "Rename"}),
            ("in_use", "Take the list out of use / back into use", "u", "toggle_in_use", {"label": "In use"}),
            ("session_types", "Session types (which list each sells from)", "s", "session_types", {"label": "Types"}),
        ],
    ),
    *_in(
        "catalog_items",
        [
            ("filter", "Type to find an item (code, description, group)", "slash", "focus_filter", {"label": "Find"}),
            ("results", "To the items", "down", "focus_results", HIDDEN),
            ("new_item", "New item", "n,insert", "new_item", {"label": "New item"}),
            ("new_package", "New package", "p", "new_package", {"label": "Package"}),
            ("edit", "Edit the item (all fields)", "e", "edit", {"label": "Edit"}),
            ("contents", "The package's pieces", "c", "contents", {"label": "Pieces"}),
            ("hide", "Hide / show the item", "h", "toggle_hidden", {"label": "Hide/show"}),
            ("quick_pick", "Quick pick on / off", "q", "toggle_quick_pick", {"label": "Quick pick"}),
        ],
    ),
    *_in(
        "catalog_types",
        [
            ("new", "New session type", "n,insert", "new_type", {"label": "New"}),
            ("edit", "Edit the session type", "e", "edit", {"label": "Edit"}),
            ("in_use", "Take the type out of use / back into use", "u", "toggle_in_use", {"label": "In use"}),
        ],
    ),
]

ACTIONS: list[Action] = APP_ACTIONS + SCREEN_ACTIONS
_BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}


def action_of(action_id: str) -> Action:
    return _BY_ID[action_id]


def actions_in(scope: str) -> list[Action]:
    return [a for a in SCREEN_ACTIONS if a.scope == scope]


def _binding(a: Action) -> Binding:
    return Binding(
        a.default_keys,
        a.action,
        a.label or a.description,
        show=a.show,
        priority=a.priority,
        id=a.id,
        tooltip=a.description,
    )


def app_bindings() -> list[BindingType]:
    return [_binding(a) for a in APP_ACTIONS]


def bindings(*names: str) -> list[BindingType]:
    """Bindings for a BINDINGS list: each name a scope ("calendar": all its
    actions, in registry order) or one action id ("dialog.cancel")."""
    chosen: list[Action] = []
    for name in names:
        if "." in name:
            chosen.append(_BY_ID[name])
        elif name in SCOPES:
            chosen.extend(actions_in(name))
        else:
            raise KeyError(f"no action or scope {name!r} in the key registry")
    return [_binding(a) for a in chosen]


# ------------------------------------------------------------ the user's remaps


def config_path() -> Path:
    if os.environ.get("SPECTRA_KEYS"):
        return Path(os.environ["SPECTRA_KEYS"])
    from platformdirs import user_config_path

    return user_config_path("spectra-tui", appauthor=False) / "keys.toml"


class KeymapError(Exception):
    pass


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    """{"calendar": {"today": "h"}} (a [keys.calendar] table or a dotted key) -> {"calendar.today": "h"}."""
    flat: dict[str, object] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def load_user_keys(path: Path | None = None) -> dict[str, str]:
    """Overrides from the TOML file: action id -> keys. Unknown ids are refused."""
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise KeymapError(f"The key file {path} cannot be read: {exc}") from exc
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise KeymapError(f'{path}: [keys] must be a table of action = "key,key".')
    keys = _flatten(keys)
    bad = sorted(k for k in keys if k not in _BY_ID)
    if bad:
        raise KeymapError(
            f"{path}: unknown action(s) {', '.join(bad)}. The Help hub (F1) lists every action with its id."
        )
    wrong = [k for k, v in keys.items() if not isinstance(v, str) or not v.strip()]
    if wrong:
        raise KeymapError(f'{path}: the keys of {", ".join(wrong)} must be text such as "ctrl+l".')
    return {k: str(v).replace(" ", "") for k, v in keys.items()}


class KeyMap:
    """The keys in force: the registry's defaults with the user's remaps over them."""

    def __init__(self, overrides: dict[str, str] | None = None, source: Path | None = None):
        self.overrides = dict(overrides or {})
        self.source = source  # the key file the remaps came from

    def keys(self, action_id: str) -> str:
        """The action's keys, comma separated ("ctrl+l,f6")."""
        return self.overrides.get(action_id) or _BY_ID[action_id].default_keys

    def key(self, action_id: str) -> str:
        """The action's first key as people read it ("Ctrl+L"): for hints."""
        return key_display(self.keys(action_id).split(",")[0])

    def all_keys(self, action_id: str) -> str:
        """Every key of the action as people read them ("Ctrl+L / F6"): for Help."""
        return " / ".join(key_display(k) for k in self.keys(action_id).split(",") if k)


_active = KeyMap()


def activate(overrides: dict[str, str], source: Path | None = None) -> KeyMap:
    """The keys in force from now on (the app calls this once, at start)."""
    global _active
    _active = KeyMap(overrides, source)
    return _active


def active() -> KeyMap:
    return _active


def key(action_id: str) -> str:
    """The key in force for an action, as people read it: every hint that
    names a key is made with this, so it follows a remap."""
    return _active.key(action_id)


def hint(*entries: tuple[str, str]) -> str:
    """A hint line from (action id, what it does): 'k check in · a advance'."""
    return " · ".join(f"{key(action_id)} {words}" for action_id, words in entries)


# Keys of Textual's own widgets (Enter submits a field, Tab moves to the next,
# Space ticks a list entry, the arrows move in a list): not ours to remap, but
# hints name them through here, written the one way keys are written.
WIDGET_KEYS = {"submit": "enter", "next_field": "tab", "tick": "space", "list": "up,down", "choice": "left,right"}


def widget_key(name: str) -> str:
    return "/".join(key_display(k) for k in WIDGET_KEYS[name].split(","))


# ------------------------------------------------------------ how keys are shown

_KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "delete": "Del",
    "insert": "Ins",
    "space": "Space",
    "tab": "Tab",
    "backspace": "Backspace",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def key_display(key: str) -> str:
    """'ctrl+l' -> 'Ctrl+L', 'f2' -> 'F2', 'escape' -> 'Esc', 'a' -> 'a',
    'X' -> 'Shift+X': the one way keys are written on every screen."""
    *modifiers, name = key.split("+")
    if len(name) == 1 and name.isupper():
        modifiers.append("shift")
    if name in _KEY_NAMES:
        shown = _KEY_NAMES[name]
    elif len(name) == 1:
        shown = name.upper() if modifiers else name
    else:
        shown = name.capitalize() if not (name[0] == "f" and name[1:].isdigit()) else name.upper()
    return "+".join([*(m.capitalize() for m in modifiers), shown])
