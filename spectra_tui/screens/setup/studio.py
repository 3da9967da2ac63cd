"""The setup's first two steps: the studio (name, address, time zone, sales
tax) and the owner's account, after which the owner is signed in.

At the first start nobody is signed in while the studio step is filled in:
its values are checked at once and stored as the owner's account is made
(changing the studio's settings is an owner's or a manager's work)."""

from __future__ import annotations

import dataclasses

from textual.app import ComposeResult
from textual.widgets import Input, Static, TextArea

from ...data import accounts, studio_setup, users
from ...data.accounts import Account
from .step import SetupStep, field_row, text_input


class StudioStep(SetupStep):
    step_id = "studio"
    title = "The studio"

    def __init__(self) -> None:
        super().__init__()
        self.held: studio_setup.StudioSetup | None = None  # checked, to store with the owner's account

    def compose(self) -> ComposeResult:
        shown = studio_setup.current()
        yield Static("The studio's name and address head what clients receive.", classes="lead")
        yield from field_row("studio_name", "Studio name", text_input("studio_name", shown.studio_name))
        address = TextArea(
            shown.studio_address,
            id="f-studio_address",
            soft_wrap=True,
            tab_behavior="focus",
            compact=True,
            placeholder="street, town… (a few lines)",
        )
        yield from field_row("studio_address", "Address", address)
        yield from field_row(
            "timezone", "Time zone", text_input("timezone", shown.timezone, "America/Chicago, Europe/London…")
        )
        yield from field_row("tax_percent", "Sales tax (%)", text_input("tax_percent", shown.tax_percent, "8.25"))

    def typed(self) -> studio_setup.StudioSetup:
        def text(field: str) -> str:
            return self.query_one(f"#f-{field}", Input).value

        return dataclasses.replace(
            studio_setup.current(),
            studio_name=text("studio_name"),
            studio_address=self.query_one("#f-studio_address", TextArea).text,
            timezone=text("timezone"),
            tax_percent=text("tax_percent"),
        )

    def done(self) -> bool:
        return self.held is not None or bool(studio_setup.current().studio_address)

    def typed_anything(self) -> bool:
        return self.held is None and self.typed() != studio_setup.current()

    def save(self) -> None:
        typed = self.typed()
        if users.needs_first_start():
            studio_setup.read(typed)  # every mistake said now
            self.held = typed
            return
        studio_setup.save(typed)

    def store_held(self) -> None:
        """The first start: the owner is signed in now, so the studio's settings are stored."""
        if self.held is not None:
            studio_setup.save(self.held)
            self.held = None


class OwnerStep(SetupStep):
    step_id = "owner"
    title = "The owner"
    required = True

    def compose(self) -> ComposeResult:
        yield Static("", id="owner-lead", classes="lead")
        yield from field_row("full_name", "Full name", text_input("full_name", placeholder="Olivia Stone"))
        yield from field_row("username", "User name", text_input("username", placeholder="olivia: signs in with it"))
        yield from field_row("initials", "Initials", text_input("initials", placeholder="empty: from the name"))
        yield from field_row(
            "password",
            "Password/PIN",
            text_input("password", placeholder="a PIN of 4+ digits or 8+ characters", password=True),
        )
        yield from field_row("again", "Again", text_input("again", password=True))

    def show(self) -> None:
        lead = self.query_one("#owner-lead", Static)
        upgraded = accounts.owner_without_password()
        for field in ("full_name", "username", "initials"):
            self.query_one(f"#row-{field}").display = upgraded is None
        if not users.needs_first_start():
            owners = [u.full_name for u in users.active_users() if u.role == "owner"]
            lead.update(f"The studio's owner: {', '.join(owners)}. Nothing to do here.")
            for field in ("full_name", "username", "initials", "password", "again"):
                self.query_one(f"#row-{field}").display = False
        elif upgraded is not None:
            lead.update(
                f"{upgraded.full_name} (user name {upgraded.username}) owns the studio but has no password "
                "yet: give the account one. It signs in here once saved."
            )
        else:
            lead.update(
                "The owner's account: the owner may do everything, and adds the staff next. "
                "It signs in here once saved."
            )

    def done(self) -> bool:
        return not users.needs_first_start()

    def save(self) -> None:
        if self.done():
            return

        def text(field: str) -> str:
            return self.query_one(f"#f-{field}", Input).value

        account = Account(text("username"), text("full_name"), "owner", text("initials"))
        try:
            owner = accounts.set_up_owner(account, text("password"), text("again"))
        finally:  # the password is never kept on the screen: typed again after a refusal
            for field in ("password", "again"):
                self.query_one(f"#f-{field}", Input).value = ""
        self.setup.signed_in(owner)
