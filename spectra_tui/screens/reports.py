"""The Reports screen: the list of reports (those the user may not run dimmed,
with the reason), the period (From/To, each report's default), the report as
tables, and saving it as CSV or PDF. The report is built in a worker thread
(a "working…" line meanwhile): the screen never waits on the books. The
reports themselves are in data/reports.py and its report modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..data import reports
from ..data.errors import DomainError, ValidationError
from ..data.reports import Report, ReportSpec
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .dialogs import SmallForm, readable
from .report_chart import ReportChart

SHOWN_ROWS = 1000  # a long section shows its first rows here; the saved CSV or PDF holds them all


class SaveReportDialog(SmallForm):
    """Where to save the report (default: the documents folder); dismisses with the path to write."""

    FIELDS = [("path", "File", "a file name")]

    def __init__(self, report: Report, fmt: str):
        super().__init__()
        self.report, self.fmt = report, fmt
        self.TITLE_TEXT = f"Save {report.title} as {fmt.upper()}"

    def initial(self, field: str) -> str:
        return str(reports.default_file(self.report, self.fmt))

    def perform(self, values: dict[str, Any]) -> Path:
        return reports.check_file(values["path"], self.fmt)


class ReportsScreen(SpectraScreen):
    DEFAULT_CSS = """
    ReportsScreen { overflow-y: hidden; }  /* the body scrolls; the screen never (its scroll bar took two columns) */
    ReportsScreen #report-list { height: auto; max-height: 8; margin: 0 1; }
    ReportsScreen #period { height: 1; margin: 0 1; }
    ReportsScreen #period Label { width: auto; padding: 0 1; }
    ReportsScreen #period Input { width: 16; }
    ReportsScreen #report-status { height: auto; padding: 0 1; color: $text-muted; }
    ReportsScreen #report-body { height: 1fr; scrollbar-size-vertical: 1; }
    ReportsScreen .section-title { margin-top: 1; padding: 0 1; }
    ReportsScreen .section-note { height: auto; padding: 0 1; }
    ReportsScreen .section-table { height: auto; max-height: 20; scrollbar-size-vertical: 1; }
    """
    BINDINGS = keymap.bindings("reports")

    def __init__(self) -> None:
        super().__init__()
        self.spec: ReportSpec | None = None
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        options = []
        for spec in sorted(reports.REPORTS.values(), key=lambda s: s.title):
            refusal = spec.refusal()
            text = f"[dim]{spec.title} — {refusal}[/dim]" if refusal else spec.title
            options.append(Option(text, id=spec.name, disabled=bool(refusal)))
        yield OptionList(*options, id="report-list")
        with Horizontal(id="period"):
            yield Label("From")
            yield Input(id="from", compact=True)
            yield Label("To")
            yield Input(id="to", compact=True)
        yield Static(keymap.hint(("reports.run", "runs the report")), id="report-status")
        yield VerticalScroll(id="report-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Spectra · Reports"
        self.query_one("#report-list", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._choose(str(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(str(event.option.id))
        self.action_run()

    def _choose(self, name: str) -> None:
        spec = reports.REPORTS[name]
        if spec is self.spec:
            return
        self.spec = spec
        start, end = reports.default_period(spec.default_period)
        self.query_one("#from", Input).value = f"{start:%m/%d/%Y}"
        self.query_one("#to", Input).value = f"{end:%m/%d/%Y}"

    def _status(self, text: str) -> None:
        self.query_one("#report-status", Static).update(text)

    def action_run(self) -> None:
        if self.spec is None:
            self._status("Choose a report first.")
            return
        refusal = self.spec.refusal()
        if refusal:
            self._status(f"[red]{refusal}[/red]")
            return
        try:
            start, end = reports.parse_period(
                self.query_one("#from", Input).value, self.query_one("#to", Input).value, self.spec.default_period
            )
        except ValidationError as error:
            self._status(f"[red]{readable(error)}[/red]")
            return
        self._status("working…")
        self._build(self.spec, start, end)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _build(self, spec: ReportSpec, start: Any, end: Any) -> None:
        try:
            report = reports.build(spec, start, end)
            shown = [(section, list(_first_rows(section))) for section in report.sections]
        except DomainError as error:
            self.app.call_from_thread(self._status, f"[red]{readable(error)}[/red]")
            return
        self.app.call_from_thread(self._show, report, shown)

    def _show(self, report: Report, shown: list[tuple[reports.Section, list[tuple]]]) -> None:
        self.report = report
        body = self.query_one("#report-body", VerticalScroll)
        body.remove_children()
        parts: list[Widget] = []
        for section, rows in shown:
            parts.append(Static(f"[b]{section.title}[/b]", classes="section-title"))
            table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, cell_padding=0, classes="section-table")
            for column in section.columns:  # the report's own widths, a space between: the 80-column table's
                table.add_column(_cell_text(column.title, column), width=column.width + 1)
            table.add_rows(_cells(row, section) for row in rows)
            if section.totals is not None:
                totals = _cells(section.totals, section)
                for cell in totals:
                    cell.stylize("bold")  # aligned as the figures above it
                table.add_row(*totals)
            parts.append(table)
            if not rows:
                parts.append(Static("(none)", classes="section-note"))
            if len(rows) == SHOWN_ROWS:
                parts.append(
                    Static(f"The first {SHOWN_ROWS:,} rows: the CSV or PDF holds them all.", classes="section-note")
                )
            if section.note:
                parts.append(Static(section.note, classes="section-note"))
        parts.extend(ReportChart(chart) for chart in report.charts)  # under the tables, never instead of them
        parts.extend(Static(f"[dim]{note}[/dim]", classes="section-note") for note in report.notes)
        body.mount_all(parts)
        self._status(
            f"{report.title} · {report.period} · "
            + keymap.hint(("reports.csv", "CSV"), ("reports.pdf", "PDF"), ("reports.run", "runs again"))
        )

    def action_save(self, fmt: str) -> None:
        if self.report is None:
            self._status("Run a report first: " + keymap.hint(("reports.run", "runs it")))
            return

        report = self.report

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._status("working…")
                self._save(report, fmt, path)

        self.app.push_screen(SaveReportDialog(report, fmt), chosen)

    @work(thread=True, group="report-save", exit_on_error=False)
    def _save(self, report: Report, fmt: str, path: Path) -> None:
        """Written in a thread: a long report's PDF takes a while."""
        try:
            written = reports.save(report, fmt, path)  # type: ignore[arg-type]
        except DomainError as error:
            self.app.call_from_thread(self._status, f"[red]{readable(error)}[/red]")
            return
        self.app.call_from_thread(self._status, f"{report.title} saved to {written}.")
        self.app.call_from_thread(self.notify, f"{report.title} saved to {written}.", timeout=6)

    def action_close(self) -> None:
        self.dismiss(None)


def _first_rows(section: reports.Section) -> list[tuple]:
    if section.page is not None:
        return section.page(None, SHOWN_ROWS)
    return section.rows[:SHOWN_ROWS]


def _cells(row: tuple, section: reports.Section) -> list[Text]:
    cells = []
    for cell, column in zip(row, section.columns, strict=False):
        text = reports.fit(reports.shown(cell, column.kind), column.width)
        cells.append(_cell_text(text, column))
    return cells


def _cell_text(text: str, column: reports.Column) -> Text:
    """A cell in its column's width and a space: figures to the right, words to the left."""
    if column.kind in reports.RIGHT_KINDS:
        return Text(text + " ", justify="right")
    return Text(" " + text, justify="left")
