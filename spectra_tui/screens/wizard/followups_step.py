"""Step 7: future appointments linked to the booking (e.g. the sales
presentation a week later): added one by one, removed from the list."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...data import booking
from ...data.booking import FollowUp
from ...data.clock import wall_end
from ...data.errors import DomainError
from ...data.when import clock, describe, how_far, parse_when
from .. import keymap
from ..dialogs import ConfirmDialog
from .fields import row
from .step import WizardStep


class FollowUpsStep(WizardStep):
    step_id = "followups"
    title = "Follow-ups"

    def compose(self) -> ComposeResult:
        yield Static(
            "Future appointments linked to this booking (optional), e.g. the sales presentation a week later.",
            classes="lead",
        )
        yield OptionList(id="wz-fu-list", compact=True)
        yield row("Title", Input("Sales presentation", id="wz-fu-title", compact=True))
        yield row(
            "Date & time",
            Input(placeholder="+1w 4pm (a week after the booking), next tue 4pm", id="wz-fu-when", compact=True),
        )
        yield Static("", id="wz-fu-back", classes="shown-back")
        yield row("Length (min)", Input("60", id="wz-fu-length", compact=True, type="integer"))
        yield Static(
            "{0} on the date adds it · {0} with no date goes on · {0} on a listed one removes it".format(
                keymap.key("wizard.next")
            ),
            classes="hint",
        )

    def applies(self) -> bool:
        return self.state.can_have_follow_ups

    def focus_first(self) -> None:
        self.query_one("#wz-fu-when", Input).focus()  # the title is filled in: start at the date

    def enter(self) -> None:
        self._draw_follow_ups()
        self._fu_back()

    def _draw_follow_ups(self) -> None:
        listing = self.query_one("#wz-fu-list", OptionList)
        listing.clear_options()
        for index, follow in enumerate(self.state.follow_ups):
            end = wall_end(follow.start, follow.length_minutes)
            listing.add_option(
                Option(
                    f"{index + 1}. {follow.title}: {follow.start:%a %b} {follow.start.day}, "
                    f"{clock(follow.start)} – {clock(end)} ({how_far(follow.start)})",
                    id=str(index),
                )
            )
        listing.display = bool(self.state.follow_ups)
        if self.state.follow_ups:  # Enter on the list acts on a line at once (no Down first)
            listing.highlighted = 0

    def _parse_follow_up(self, text: str) -> dt.datetime:
        """'+1w 4pm' counts from the booking itself; anything else from today."""
        start = self.state.start
        base = start if text.strip().startswith("+") and start else None
        return parse_when(text, now=base, default_time=start.time() if start else None)

    @on(Input.Changed, "#wz-fu-when")
    def _fu_back(self) -> None:
        back = self.query_one("#wz-fu-back", Static)
        text = self.query_one("#wz-fu-when", Input).value
        if not text.strip():
            back.update("")
            return
        try:
            when = self._parse_follow_up(text)
        except DomainError as error:
            back.update(str(error))
            back.add_class("-error")
            return
        back.remove_class("-error")
        back.update(Text("→ " + describe(when), "bold"))

    def _add_follow_up(self) -> bool:
        title = " ".join(self.query_one("#wz-fu-title", Input).value.split()) or "Sales presentation"
        when_box = self.query_one("#wz-fu-when", Input)
        try:
            start = self._parse_follow_up(when_box.value)
        except DomainError as error:
            self.wizard.show_error(str(error))
            when_box.focus()
            return False
        try:
            length = int(self.query_one("#wz-fu-length", Input).value.strip() or "60")
            booking.check_length(length)
        except ValueError:
            self.wizard.show_error("Type the follow-up's length in minutes (e.g. 60).")
            return False
        except DomainError as error:
            self.wizard.show_error(str(error))
            return False
        if self.state.start and start < self.state.start:
            self.wizard.show_error(f"'{title}' would be before the booking itself ({describe(self.state.start)}).")
            when_box.focus()
            return False
        self.state.follow_ups.append(FollowUp(title, start, length))
        self.state.entered = True
        with when_box.prevent(Input.Changed):
            when_box.value = ""
        self.wizard.show_error("")
        self._draw_follow_ups()
        self._fu_back()
        when_box.focus()
        return True

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter moves from the title to the date; on a date it adds the follow-up
        (any other Enter goes on to the next step: left to the wizard)."""
        input_id = event.input.id
        if input_id == "wz-fu-title":
            event.stop()
            self.query_one("#wz-fu-when", Input).focus()
        elif input_id in ("wz-fu-when", "wz-fu-length") and self.query_one("#wz-fu-when", Input).value.strip():
            event.stop()
            self._add_follow_up()

    @on(OptionList.OptionSelected, "#wz-fu-list")
    def _follow_up_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index  # the options are the follow-ups in order
        follow = self.state.follow_ups[index]

        def answered(remove: bool | None) -> None:
            if remove:
                del self.state.follow_ups[index]
                self._draw_follow_ups()
                self.query_one("#wz-fu-when", Input).focus()

        self.app.push_screen(
            ConfirmDialog(f"Remove the follow-up '{follow.title}' ({describe(follow.start)})?", "Remove", "Keep"),
            answered,
        )

    def leave(self) -> bool:
        if self.query_one("#wz-fu-when", Input).value.strip():
            self._add_follow_up()
            return False  # added: stay, so the list can be checked
        return True
