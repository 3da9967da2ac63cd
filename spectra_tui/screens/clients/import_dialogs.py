"""The Import Clients screen's dialogs: the file to import (and the mapping
template to load or save), the field a column fills, and the check's report.

Reading the file and every rule are the data layer's (data.client_files,
data.client_import); these dialogs ask, and show what it says."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static

from ...data.client_files import FULL_NAME, IMPORT_FIELDS
from ...data.client_import import ImportResult
from .. import keymap
from ..dialogs import WRITE_ERRORS, ChoiceDialog, ReasonDialog, readable

NOT_IMPORTED = ""  # the field of a column left out of the import
MOST_LISTED = 2000  # bad rows (and duplicates) the check lists; the rejects file has them all


def field_label(field: str) -> str:
    """What a client field is called on screen: its heading in this program's own files."""
    if field == NOT_IMPORTED:
        return "(not imported)"
    if field == FULL_NAME:
        return "Full name"
    return IMPORT_FIELDS.get(field, field)


def field_choices(filled_by: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Every field a column can fill, as (id, label): "(not imported)" and
    "Full name" first; a field another column fills names that column."""
    filled_by = filled_by or {}
    fields = [NOT_IMPORTED, FULL_NAME, *IMPORT_FIELDS]
    return [
        (field or "-", field_label(field) + (f"  (now from {filled_by[field]})" if field in filled_by else ""))
        for field in fields
    ]


def chosen_field(option: str) -> str:
    """The field of a FieldDialog's answer ("(not imported)" is NOT_IMPORTED)."""
    return NOT_IMPORTED if option == "-" else option


def typed_path(text: str) -> Path:
    """The path as typed, ~ expanded, made absolute (as messages name it)."""
    return Path(os.path.abspath(Path(text.strip()).expanduser()))


class PathDialog(ReasonDialog):
    """A path typed, and ``perform(path)`` run on it (open the file, load or
    save a template). Its message, or the system's when the file cannot be
    read or written, is shown in the dialog with the path kept."""

    def __init__(self, title: str, prompt: str, perform: Callable[[Path], Any], initial: str = "", confirm: str = "OK"):
        super().__init__(
            title,
            prompt,
            lambda text: perform(typed_path(text)),
            confirm=confirm,
            placeholder="~/Downloads/contacts.csv",
            initial=initial,
        )

    def action_save_close(self) -> None:
        box = self.query_one("#reason", Input)
        error_line = self.query_one("#reason-error", Static)
        if not box.value.strip():
            error_line.update("Type the file's path (~ is your home folder).")
            return
        try:
            result = self.perform(box.value)
        except WRITE_ERRORS as error:
            error_line.update(readable(error))
        except OSError as error:  # no such file, no permission, a folder...
            error_line.update(f"{typed_path(box.value)}: {error.strerror or error}.")
        else:
            self.dismiss(result if result is not None else True)
            return
        box.focus()


class FieldDialog(ChoiceDialog):
    """The field a column fills, chosen from the list (its current field
    highlighted). Dismisses with the option's id: ``chosen_field`` reads it."""

    def __init__(self, heading: str, current: str, filled_by: dict[str, str]):
        super().__init__(f"{heading} is imported as", field_choices(filled_by))
        self.current = current or "-"

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = options.get_option_index(self.current)
        options.focus()


def counts_line(result: ImportResult, would: bool) -> str:
    """Imported / skipped / merged / rejected, on one line."""
    return " · ".join(
        (
            f"{result.imported:,} {'would be imported' if would else 'imported'}",
            f"{result.skipped:,} skipped as duplicates",
            f"{result.merged:,} merged",
            f"{len(result.rejected):,} rejected",
        )
    )


def report_lines(result: ImportResult, unit: str = "row") -> Text:
    """Every bad row and every duplicate, with its row number and the reason (the longest lines wrap)."""
    lines = Text()
    listed = [(rejected.number, rejected.reason, "bold") for rejected in result.rejected[:MOST_LISTED]]
    listed += [(number, f"duplicate of {what}", "") for number, what in result.duplicates[:MOST_LISTED]]
    for number, reason, style in listed:
        lines.append(f"{unit.capitalize()} {number}: ", style="dim")
        lines.append(reason + "\n", style=style)
    more = len(result.rejected) + len(result.duplicates) - len(listed)
    if more > 0:
        lines.append(f"… and {more:,} more: the rejects file lists every rejected {unit}.", style="dim")
    lines.rstrip()
    return lines or Text("Every row can be imported.")


class CheckReport(ModalScreen[None]):
    """The check (a dry run): the counts, then every bad row and every
    duplicate with its row number and reason, in a list that scrolls."""

    DEFAULT_CSS = """
    CheckReport { align: center middle; }
    CheckReport > Vertical { width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    CheckReport #check-counts { height: auto; margin-bottom: 1; }
    CheckReport #check-list { height: auto; max-height: 24; }
    CheckReport #check-keys { color: $text-muted; }
    """
    BINDINGS = keymap.bindings("dialog.close")

    def __init__(self, result: ImportResult, unit: str = "row"):
        super().__init__()
        self.result, self.unit = result, unit

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Check: nothing has been imported[/b]")
            yield Static(counts_line(self.result, would=True), id="check-counts")
            with VerticalScroll(id="check-list"):
                yield Static(report_lines(self.result, self.unit), id="check-rows")
            yield Label(keymap.hint(("dialog.close", "back to the mapping")), id="check-keys")

    def on_mount(self) -> None:
        self.query_one("#check-list").focus()

    def action_close(self) -> None:
        self.dismiss(None)
