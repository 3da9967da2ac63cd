"""End of Day: one day's money (today by default; another day typed, or a
key to the day before or after): payments, deposits, refunds and voids, the
net by method and the cash expected in the drawer; the cash counted typed in
the studio's locale, the difference shown as it is typed. A manager or the
owner posts the day (a confirmation says that posting locks the day's money
records); a posted day shows who posted it, when, the count and the
difference, and a manager unlocks it with a reason. The figures and the rules
are in data/end_of_day.py."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from ..data import clock, end_of_day, when
from ..data.errors import ValidationError
from ..data.models import DayPost
from ..data.money import format_money, parse_money, typed_amount
from ..data.permissions import Permission, why_not
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .dialogs import WRITE_ERRORS, ConfirmDialog, ReasonDialog, readable

METHOD_NAMES = {"cash": "Cash", "check": "Check", "card": "Card", "other": "Other"}
COUNTED_FIELD = "cash counted"


def difference_text(expected_cents: int, counted_cents: int) -> str:
    """'Difference -$5.00 (short)', '+$2.00 (over)', '$0.00 (even)'."""
    difference = counted_cents - expected_cents
    if difference == 0:
        return "Difference $0.00 (even)"
    sign, what = ("+", "over") if difference > 0 else ("", "short")
    return f"Difference {sign}{format_money(difference)} ({what})"


def _figures(summary: end_of_day.DaySummary) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, expand=False)
    table.add_column(min_width=16)
    table.add_column(justify="right", min_width=13)
    table.add_row("Payments", format_money(summary.payments_cents))
    table.add_row("Deposits", format_money(summary.deposits_cents))
    table.add_row("Refunds", format_money(-summary.refunds_cents))
    table.add_row("Voids", format_money(summary.voided_cents))
    table.add_row("[b]Taken (net)[/b]", f"[b]{format_money(summary.money_in_cents)}[/b]")
    return table


def _by_method(summary: end_of_day.DaySummary) -> Table:
    table = Table(box=None, pad_edge=False, expand=False, header_style="bold")
    table.add_column("By method", min_width=16)
    table.add_column("Net", justify="right", min_width=13)
    for method, cents in summary.by_method.items():
        table.add_row(METHOD_NAMES.get(method, method.capitalize()), format_money(cents))
    if not summary.by_method:
        table.add_row("[dim]no money in or out[/dim]", "")
    return table


def post_line(latest: DayPost | None) -> str:
    """Whether the day is posted: who posted it, when, the count and the difference (or who unlocked it, why)."""
    if latest is None:
        return "Open: not posted."
    when_done = f"{clock.to_local(latest.at):%m/%d/%Y %H:%M}"
    if latest.action == DayPost.UNLOCK:
        return f"Open: unlocked by {latest.by} at {when_done}. Reason: {latest.note}"
    if latest.cash_counted_cents is None:
        count = "cash not counted"
    else:
        count = (
            f"counted {format_money(latest.cash_counted_cents)} · "
            + difference_text(latest.cash_expected_cents, latest.cash_counted_cents).lower()
        )
    return f"[b]Posted[/b] by {latest.by} at {when_done} · {count}"


class EndOfDayScreen(SpectraScreen):
    DEFAULT_CSS = """
    EndOfDayScreen .row { height: 1; margin: 0 1; }
    EndOfDayScreen .row Label { width: 16; }
    EndOfDayScreen Input { width: 24; background: $boost; }
    EndOfDayScreen Input:focus { background: $accent 30%; }
    EndOfDayScreen Input:disabled { background: $surface; }
    EndOfDayScreen #note { width: 1fr; }
    EndOfDayScreen #day-error, EndOfDayScreen #difference { width: 1fr; padding: 0 1; text-wrap: nowrap;
        text-overflow: ellipsis; }
    EndOfDayScreen #day-error { color: $error; }
    EndOfDayScreen #counted-row { height: auto; }
    EndOfDayScreen #difference { text-wrap: wrap; height: auto; }
    EndOfDayScreen #day-title { height: auto; margin: 1 1 0 1; }
    EndOfDayScreen #figures-row { height: auto; margin: 1 1; }
    EndOfDayScreen #figures { width: 34; }
    EndOfDayScreen #methods { width: 1fr; }
    EndOfDayScreen #expected { margin: 1 1 0 1; }
    EndOfDayScreen #expected-amount { width: 1fr; }
    EndOfDayScreen #hint { height: auto; margin: 1 1 0 1; color: $text-muted; }
    """
    BINDINGS = keymap.bindings("eod")

    def __init__(self, day: dt.date | None = None):
        super().__init__()
        self.day = day or clock.today()
        self.summary: end_of_day.DaySummary | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(classes="row"):
            yield Label("Day")
            yield Input(placeholder="11/26, yesterday, mon", id="day", compact=True)
            yield Static("", id="day-error")
        yield Static("", id="day-title")
        with Horizontal(id="figures-row"):
            yield Static("", id="figures")
            yield Static("", id="methods")
        with Horizontal(classes="row", id="expected"):
            yield Label("Cash expected")
            yield Static("", id="expected-amount")
        with Horizontal(classes="row", id="counted-row"):
            yield Label("Cash counted")
            yield Input(placeholder="the drawer's cash", id="counted", compact=True)
            yield Static("", id="difference")
        with Horizontal(classes="row"):
            yield Label("Note")
            yield Input(placeholder="a remark kept with the post (optional)", id="note", compact=True)
        yield Static("", id="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Spectra · End of Day"
        self._fill()
        self.query_one("#counted", Input).focus()

    # -- the day shown

    def _fill(self) -> None:
        summary = end_of_day.day_summary(self.day)
        self.summary = summary
        self.query_one("#day", Input).value = f"{self.day:%m/%d/%Y}"
        self.query_one("#day-error", Static).update(
            "[dim]" + keymap.hint(("eod.previous_day", "day before"), ("eod.next_day", "day after")) + "[/dim]"
        )
        today = " (today)" if self.day == clock.today() else ""
        self.query_one("#day-title", Static).update(
            f"[b]{when.long_date(self.day)}{today}[/b]\n{post_line(summary.posted)}"
        )
        self.query_one("#figures", Static).update(_figures(summary))
        self.query_one("#methods", Static).update(_by_method(summary))
        self.query_one("#expected-amount", Static).update(f"[b]{format_money(summary.cash_expected_cents)}[/b]")
        posted = summary.posted is not None and summary.posted.action == DayPost.POST
        counted = self.query_one("#counted", Input)
        note = self.query_one("#note", Input)
        if posted:
            assert summary.posted is not None
            stored = summary.posted.cash_counted_cents
            counted.value = typed_amount(stored) if stored is not None else ""
            note.value = summary.posted.note
        else:
            counted.value, note.value = "", ""
        counted.disabled = note.disabled = posted
        self._show_difference()
        self.query_one("#hint", Static).update(self._hint(posted))

    def _hint(self, posted: bool) -> str:
        if posted:
            return (
                "The day's money records are locked. "
                + keymap.hint(("eod.unlock", "unlocks it (a manager, with a reason)"))
                + "."
            )
        return (
            f"Type the cash counted in the drawer; {keymap.widget_key('submit')} or "
            + keymap.hint(("eod.post", "posts the day (a manager or the owner)"))
            + ". Posting locks the day's money records."
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "counted":
            self._show_difference()

    def _show_difference(self) -> None:
        shown = self.query_one("#difference", Static)
        typed = self.query_one("#counted", Input).value.strip()
        if self.summary is None or not typed:
            shown.update("[dim]not counted yet[/dim]" if self.summary and not self._posted() else "")
            return
        try:
            counted = parse_money(typed, COUNTED_FIELD)
        except ValidationError as error:
            shown.update(f"[red]{error}[/red]")
            return
        shown.update(difference_text(self.summary.cash_expected_cents, counted))

    def _posted(self) -> bool:
        return (
            self.summary is not None and self.summary.posted is not None and self.summary.posted.action == DayPost.POST
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "day":
            self._go_to(event.value)
        elif event.input.id == "counted":
            self.query_one("#note", Input).focus()
        else:
            self.action_post()

    def _go_to(self, typed: str) -> None:
        try:
            day = when.parse_day(typed)
        except ValidationError as error:
            self.query_one("#day-error", Static).update(str(error))
            return
        self.day = day
        self._fill()
        self.query_one("#counted", Input).focus()

    def action_step_day(self, step: int) -> None:
        self.day += dt.timedelta(days=step)
        self._fill()

    # -- post and unlock

    def _refused(self) -> bool:
        refusal = why_not(Permission.POST_END_OF_DAY)
        if refusal:
            self.notify(refusal, title="Not possible", severity="error", timeout=8)
        return bool(refusal)

    def action_post(self) -> None:
        if self._refused():
            return
        if self._posted():
            self.notify(f"{self.day:%a %m/%d/%Y} is posted already.", timeout=5)
            return
        typed = self.query_one("#counted", Input).value.strip()
        try:
            counted = parse_money(typed, COUNTED_FIELD) if typed else None
        except ValidationError as error:
            self.notify(str(error), title="Not posted", severity="error", timeout=8)
            self.query_one("#counted", Input).focus()
            return
        assert self.summary is not None
        expected = self.summary.cash_expected_cents
        count = (
            "The cash is not counted."
            if counted is None
            else f"Cash expected {format_money(expected)}, counted {format_money(counted)}: "
            + difference_text(expected, counted).lower()
            + "."
        )
        question = (
            f"Post {self.day:%a %m/%d/%Y}? {count}\n\nPosting locks the day's money records: none of its payments "
            "can be voided, none of its invoices changed, and no more money taken on it, until a manager unlocks it."
        )
        day, note = self.day, self.query_one("#note", Input).value

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                end_of_day.post_day(day, counted, note)
            except WRITE_ERRORS as error:
                self.notify(readable(error), title="Not posted", severity="error", timeout=10)
                if end_of_day.is_posted(day):  # by another terminal meanwhile: show its post
                    self._fill()
                return
            self.notify(f"{day:%a %m/%d/%Y} is posted: its money records are locked.", timeout=5)
            self._fill()

        self.app.push_screen(ConfirmDialog(question, "Post", "Back"), answered)

    def action_unlock(self) -> None:
        if self._refused():
            return
        if not self._posted():
            self.notify(f"{self.day:%a %m/%d/%Y} is not posted: there is nothing to unlock.", timeout=5)
            return
        day = self.day

        def unlocked(done: DayPost | None) -> None:
            if done is not None:
                self.notify(f"{day:%a %m/%d/%Y} is unlocked; the reason is in the audit log.", timeout=5)
                self._fill()

        self.app.push_screen(
            ReasonDialog(
                f"Unlock {day:%a %m/%d/%Y}",
                "Its money records can change again until it is posted again. Why unlock it?",
                lambda reason: end_of_day.unlock_day(day, reason),
                confirm="Unlock",
                placeholder="the reason (kept in the audit log)",
            ),
            unlocked,
        )

    def action_close(self) -> None:
        self.dismiss(None)
