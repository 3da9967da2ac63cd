"""Step 1: the client (found, entered on the fly, or none for an unlinked appointment)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...data.booking import APPOINTMENT
from ...data.models import Client
from .. import keymap
from .new_client import NewClientDialog, WizardClientSearch
from .state import NewClient
from .step import WizardStep


class ClientStep(WizardStep):
    step_id = "client"
    title = "Client"

    def compose(self) -> ComposeResult:
        yield Static("", id="wz-client-now", classes="lead")
        yield OptionList(id="wz-client-menu", compact=True)
        yield Static(
            f"{keymap.key('wizard.next')} chooses. A new client is created only when you confirm the booking.",
            classes="hint",
        )

    def enter(self) -> None:
        s = self.state
        now_line = self.query_one("#wz-client-now", Static)
        if s.client is not None:
            c = s.client
            details = " · ".join(p for p in (c.main_phone, c.email, c.city) if p)
            now_line.update(Text.assemble(("Client: ", "bold"), c.full_name, f"  {details}" if details else ""))
        elif s.new_client is not None:
            now_line.update(
                Text.assemble(("Client: ", "bold"), s.new_client.name, ("  (new: created when you confirm)", "dim"))
            )
        elif s.is_unlinked_appointment:
            now_line.update(Text.assemble(("Client: ", "bold"), ("none (an unlinked appointment)", "dim")))
        else:
            now_line.update(Text.assemble(("Client: ", "bold"), ("not chosen yet", "dim")))
        menu = self.query_one("#wz-client-menu", OptionList)
        menu.clear_options()
        options = []
        if s.has_client:
            options.append(Option(f"Continue with {s.client_name}", id="continue"))
        elif s.is_unlinked_appointment:
            options.append(Option("Continue without a client", id="continue"))
        options += [
            Option(f"Find a client…  ({keymap.key('new_client')} in the search: a new client)", id="search"),
            Option("New client…  (created when you confirm)", id="new"),
            Option("No client: an appointment nobody is linked to (a staff meeting…)", id="none"),
        ]
        menu.add_options(options)
        menu.highlighted = 0

    def choose_highlighted(self) -> None:
        """Enter on this step: the highlighted menu entry."""
        menu = self.query_one("#wz-client-menu", OptionList)
        if menu.highlighted is not None:
            menu.action_select()

    @on(OptionList.OptionSelected, "#wz-client-menu")
    def _menu_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id
        if choice == "continue":
            self.wizard.show(self.wizard.kind_step)
        elif choice == "search":
            self.search_client()
        elif choice == "new":
            self.new_client()
        elif choice == "none":
            s = self.state
            s.entered = True
            s.client = s.new_client = None
            s.kind, s.link = APPOINTMENT, "none"
            self.wizard.kind_step.show_kind()
            self.wizard.kind_step.refresh_link_options()
            self.wizard.show(self.wizard.kind_step)

    def search_client(self) -> None:
        search = WizardClientSearch(allow_new=True)

        def chosen(answer: Client | None) -> None:
            if search.wants_new_client:
                self.new_client()
            elif isinstance(answer, Client):
                self._set_client(answer)
            else:
                self.enter()

        self.app.push_screen(search, chosen)

    def new_client(self) -> None:
        """A new client on the fly (not saved before Confirm)."""

        def done(answer) -> None:
            if isinstance(answer, Client):
                self._set_client(answer)
            elif isinstance(answer, NewClient):
                self.state.entered = True
                self.state.client, self.state.new_client = None, answer
                self._client_set()
            else:
                self.enter()

        self.app.push_screen(NewClientDialog(self.state.new_client), done)

    def _set_client(self, client: Client) -> None:
        self.state.entered = True
        self.state.client, self.state.new_client = client, None
        self._client_set()

    def _client_set(self) -> None:
        s = self.state
        if s.link == "none" or (s.link.startswith("session:") and s.given_session is None):
            s.link = "client"
        self.wizard.kind_step.refresh_link_options()
        self.wizard.show(self.wizard.kind_step)
