"""The conflict-policy flow every calendar change shares: try the booking
service, ask "Book it anyway?" when the studio's policy lets the person
override, report otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.screen import Screen

from ...data.errors import ConflictError
from ..dialogs import WRITE_ERRORS, ConfirmDialog, readable

Result = TypeVar("Result")


def run_under_policy(
    screen: Screen,
    attempt: Callable[[bool | list], Result],
    done: Callable[[Result], object],
    failed: Callable[[str], None] | None = None,
    question: str = "Book it anyway?",
) -> None:
    """Run ``attempt(allow_conflict)`` (a booking service) under the studio's
    conflict policy: a ConflictError that may be overridden (policy "ask") is
    shown with "Book it anyway?"; yes retries with exactly the conflicts shown;
    one that may not (policy "never") is reported. ``done(result)`` on success,
    ``failed(message)`` otherwise (default: a notification)."""
    app = screen.app

    def report(message: str) -> None:
        if failed is not None:
            failed(message)
        else:
            app.notify(message, title="Not changed", severity="error", timeout=10)

    def go(allow: bool | list) -> None:
        try:
            result = attempt(allow)
        except ConflictError as error:
            if error.can_override:
                shown = list(error.conflicts)

                def answered(yes: bool | None) -> None:
                    if yes:
                        go(shown)
                    else:
                        report("Nothing was changed.")

                app.push_screen(ConfirmDialog(f"{error}\n\n{question}", "Book anyway", "No"), answered)
            else:
                report(str(error))
            return
        except WRITE_ERRORS as error:
            report(readable(error))
            return
        done(result)

    go(False)


def warn_overridden(app, overridden: list) -> None:
    """After a change booked despite conflicts: say which."""
    if overridden:
        app.notify(
            "Booked despite: " + " ".join(c.message for c in overridden[:3]),
            title="Conflict",
            severity="warning",
            timeout=10,
        )
