"""Staff (the palette's "Staff", Studio Settings, the setup's staff step): the
studio's accounts, for a manager or the owner. Add a person, edit an account
(name, initials, role, whether they photograph, colour), set a password or
PIN, disable or enable an account, unlock a locked one: every change goes
through data/accounts.py, which checks who may make it.

``StaffPanel`` is the list with its keys; ``StaffScreen`` shows it full
screen and the first start's staff step embeds it.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Static

from ..data import accounts, clock
from ..data.accounts import Account
from ..data.models import User
from ..data.permissions import Permission, why_not
from . import keymap
from .base import KeyBar, RecordScreen
from .dialogs import NO_VALIDATION, WRITE_ERRORS, ConfirmDialog, SmallForm, readable
from .widgets import FieldTable, Note
from .wizard.fields import ChoiceField

ROLE_CHOICES = [(role, User.ROLE_LABELS[role]) for role in User.ROLES]


def _status(user: User) -> str:
    if not user.active:
        return "disabled"
    if user.locked_until is not None and user.locked_until > clock.utc_now():
        return "locked"
    return "" if user.password_hash else "no password yet"


def _values(user: User) -> tuple:
    return (
        user.full_name,
        user.username,
        user.initials,
        user.role_label,
        "yes" if user.photographs else "",
        _status(user),
    )


class StaffPanel(Vertical):
    """The accounts with their keys (scope ``staff_list``); a user who may not
    manage accounts sees why instead of the list."""

    DEFAULT_CSS = """
    StaffPanel { height: 1fr; }
    StaffPanel #staff-table { height: 1fr; }
    StaffPanel #staff-note { height: auto; padding: 0 1; }
    StaffPanel #staff-note.-error { color: $error; }
    """
    BINDINGS = keymap.bindings("staff_list")

    def compose(self) -> ComposeResult:
        yield Note("", id="staff-note")
        yield FieldTable(
            [("Name", 24), ("User name", 12), ("Initials", 8), ("Role", 12), ("Photographs", 11), ("Status", 16)],
            values=_values,
            key=lambda user: user.id,
            narrow_fields=[(0, 22), (3, 12), (4, 11), (5, 12)],
            id="staff-table",
        )

    def on_mount(self) -> None:
        self.reload()

    @property
    def table(self) -> FieldTable:
        return self.query_one("#staff-table", FieldTable)

    def reload(self, then_select: int | None = None) -> None:
        refused = why_not(Permission.MANAGE_USERS)
        self.table.display = not refused
        if refused:
            self.query_one("#staff-note", Note).say(refused, error=True)
            return
        self._say_keys()

        def loaded(count: int) -> None:
            if then_select is not None:
                self.table.move_to_key(then_select)

        self.table.load(lambda after, limit: accounts.staff_accounts() if after is None else [], loaded)

    def _say_keys(self) -> None:
        self.query_one("#staff-note", Note).say(
            keymap.hint(
                ("staff_list.add", "adds a person"),
                ("staff_list.edit", "edits"),
                ("staff_list.password", "sets the password or PIN"),
                ("staff_list.active", "disables/enables"),
                ("staff_list.unlock", "unlocks"),
            )
        )

    def _selected(self) -> User | None:
        if why_not(Permission.MANAGE_USERS):
            self.reload()
            return None
        user = self.table.selected
        if user is None:
            self.notify("Choose a person in the list first.", timeout=3)
        return user

    def _done(self, result: Any, message: str = "") -> None:
        if result is None:
            return
        if message:
            self.notify(message, timeout=4)
        self.reload(then_select=result.id if isinstance(result, User) else None)
        self.table.focus()

    def _run(self, perform, message: str) -> None:
        try:
            user = perform()
        except WRITE_ERRORS as error:
            self.query_one("#staff-note", Note).say(readable(error), error=True)
            return
        self._done(user, message)

    # ------------------------------------------------------------ the keys

    def action_add(self) -> None:
        refused = why_not(Permission.MANAGE_USERS)
        if refused:
            self.reload()
            return
        self.app.push_screen(AccountDialog(None), lambda user: self._done(user, "Added."))

    def action_edit(self) -> None:
        user = self._selected()
        if user is not None:
            self.app.push_screen(AccountDialog(user), lambda saved: self._done(saved, "Saved."))

    @on(FieldTable.Chosen, "#staff-table")
    def _chosen(self, event: FieldTable.Chosen) -> None:
        event.stop()
        self.action_edit()

    def action_password(self) -> None:
        user = self._selected()
        if user is not None:
            self.app.push_screen(SecretDialog(user), lambda saved: self._done(saved, "Password or PIN set."))

    def action_toggle_active(self) -> None:
        user = self._selected()
        if user is None:
            return
        if not user.active:
            self._run(lambda: accounts.set_active(user, True), f"{user.full_name} can sign in again.")
            return

        def answered(disable: bool | None) -> None:
            if disable:
                self._run(lambda: accounts.set_active(user, False), f"{user.full_name}'s account is disabled.")

        self.app.push_screen(
            ConfirmDialog(
                f"Disable {user.full_name}'s account? They can no longer sign in; their history stays.",
                "Disable",
                "Keep",
            ),
            answered,
        )

    def action_unlock(self) -> None:
        user = self._selected()
        if user is not None:
            self._run(lambda: accounts.unlock(user), f"{user.full_name} may try to sign in again.")


class StaffScreen(RecordScreen):
    """The Staff list, full screen (nothing to save: each change is saved as it is made)."""

    DEFAULT_CSS = """
    StaffScreen #staff-head { height: auto; padding: 0 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(
            "The studio's accounts; who photographs is on the calendar. " + keymap.hint(("record.close", "closes")),
            id="staff-head",
        )
        yield StaffPanel()
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Spectra · Staff"
        self.query_one(StaffPanel).table.focus()


# ---------------------------------------------------------------- the dialogs


class AccountDialog(SmallForm):
    """A new account (with its password or PIN) or an account's fields.
    Dismisses with the saved User."""

    DEFAULT_CSS = """
    AccountDialog .field-label { width: 16; }
    AccountDialog ChoiceField { background: $boost; }
    AccountDialog ChoiceField:focus { background: $accent 30%; }
    """
    NAME_FIELDS = [
        ("full_name", "Full name", "Ava Reyes"),
        ("username", "User name", "ava: signs in with it"),
        ("initials", "Initials", "empty: from the name"),
    ]
    SECRET_FIELDS = [("password", "Password/PIN", "a PIN of 4+ digits or 8+ characters"), ("again", "Again", "")]

    def __init__(self, user: User | None):
        self.user = user
        self.TITLE_TEXT = f"{user.full_name}'s account" if user else "Add a person"
        fields = self.NAME_FIELDS + [("role", "Role", ""), ("photographs", "Photographs", "")]
        fields += [("color", "Colour", "#5f87af")]
        self.FIELDS = fields + ([] if user else self.SECRET_FIELDS)
        super().__init__()

    def initial(self, field: str) -> str:
        user = self.user
        if user is None:
            return "#5f87af" if field == "color" else ""
        return {"full_name": user.full_name, "username": user.username, "initials": user.initials}.get(
            field, user.color if field == "color" else ""
        )

    def keys_hint(self) -> str:
        return super().keys_hint() + f" · {keymap.widget_key('choice')} role"

    def field_widget(self, field: str, placeholder: str) -> Widget:
        if field == "role":
            return ChoiceField(ROLE_CHOICES, self.user.role if self.user else "front_desk", id="f-role")
        if field == "photographs":
            ticked = self.user.photographs if self.user else False
            return Checkbox("in the calendar's photographer columns", ticked, id="f-photographs", compact=True)
        return Input(
            self.initial(field),
            placeholder=placeholder,
            id=f"f-{field}",
            compact=True,
            validate_on=NO_VALIDATION,
            password=field in ("password", "again"),
        )

    @on(ChoiceField.Changed, "#f-role")
    def _role_changed(self, event: ChoiceField.Changed) -> None:
        """A photographer photographs; the box can still be changed after."""
        event.stop()
        self.query_one("#f-photographs", Checkbox).value = event.value == "photographer"

    def values(self) -> dict[str, Any]:
        typed: dict[str, Any] = {
            field: self.query_one(f"#f-{field}", Input).value
            for field, _label, _placeholder in self.FIELDS
            if field not in ("role", "photographs")
        }
        typed["role"] = self.query_one("#f-role", ChoiceField).value
        typed["photographs"] = self.query_one("#f-photographs", Checkbox).value
        return typed

    def perform(self, values: dict[str, Any]) -> User:
        account = Account(
            username=values["username"],
            full_name=values["full_name"],
            role=values["role"],
            initials=values["initials"],
            photographs=values["photographs"],
            color=values["color"],
        )
        if self.user is not None:
            return accounts.update_account(self.user, account)
        accounts.check_typed_twice(values["password"], values["again"])
        return accounts.add_account(account, values["password"])

    def reload_record(self) -> None:
        if self.user is not None:
            self.user = User.get_by_id(self.user.id)

    def _rebase(self) -> None:
        """Another terminal saved the account: the typed fields stay, the others take its values."""
        loaded = {field: self.initial(field) for field, _label, _placeholder in self.NAME_FIELDS}
        self.reload_record()
        for field in loaded:
            box = self.query_one(f"#f-{field}", Input)
            if box.value == loaded[field]:
                box.value = self.initial(field)


class SecretDialog(SmallForm):
    """A new password or PIN for an account (a manager's work), typed twice."""

    FIELDS = AccountDialog.SECRET_FIELDS

    def __init__(self, user: User):
        self.user = user
        self.TITLE_TEXT = f"A new password or PIN for {user.full_name}"
        super().__init__()

    def on_mount(self) -> None:
        for field, _label, _placeholder in self.FIELDS:
            self.query_one(f"#f-{field}", Input).password = True

    def perform(self, values: dict[str, Any]) -> User:
        accounts.check_typed_twice(values["password"], values["again"])
        return accounts.set_secret(self.user, values["password"])
