"""Reports: the structure every report is built as, and its three formats.

A report is built from the books by its ``ReportSpec.build(start, end)`` into a
``Report`` (plain values, nothing left to ask the database), then shown as an
80-column table (``to_text``), written as CSV (``to_csv``) or drawn as a PDF
(``to_pdf``, fpdf2 with data/documents.py's fonts and heading).

Cells are plain values by their column's kind: "text" str, "money" integer
cents (never float), "count" int, "hours" int seconds, "percent" a Decimal
percent (Decimal("12.5") is 12.5%), "date" a dt.date. A long section gives
``page(after, limit)`` instead of ``rows``: the rows after the row ``after``
(None: from the first), at most ``limit`` of them, so it is read a page at a
time and never held whole.

Each report module registers its own spec at import (``register``); the list
of report modules is at the end of this file.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from . import clock, settings
from .errors import DomainError, ValidationError
from .money import format_money
from .permissions import Permission, why_not
from .timesheet import hours
from .when import parse_day

Kind = Literal["text", "money", "count", "hours", "percent", "date"]
Period = Literal["today", "week", "month", "year"]
Pager = Callable[[tuple | None, int], list[tuple]]
# A report's columns, each with a space after it, fit 76 cells: what the
# Reports screen's tables have of 80 columns beside their scroll bars.
TABLE_WIDTH = 76
MOST_DAYS = 5 * 366  # a period of more than five years is refused
PAGE_ROWS = 500  # rows read at a time from a paged section
ELLIPSIS = "…"
RIGHT_KINDS = ("money", "count", "hours", "percent")


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind
    width: int  # cells in the 80-column table (see TABLE_WIDTH)


@dataclass
class Section:
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple] = field(default_factory=list)
    totals: tuple | None = None  # the total row, cells in column order ("" where none)
    note: str = ""
    page: Pager | None = None  # a long section's rows, read a page at a time (rows is then empty)

    def all_rows(self, page_rows: int = PAGE_ROWS) -> Iterator[tuple]:
        """Every row, in order: a paged section is read ``page_rows`` at a time."""
        if self.page is None:
            yield from self.rows
            return
        after: tuple | None = None
        while True:
            batch = self.page(after, page_rows)
            yield from batch
            if len(batch) < page_rows:
                return
            after = batch[-1]


@dataclass
class Chart:
    title: str
    labels: list[str]
    values: list[int]  # cents or counts
    kind: Literal["bar"] = "bar"


@dataclass
class Report:
    name: str  # the CLI's NAME
    title: str
    period: str  # "11/01/2026 – 11/30/2026"
    sections: list[Section]
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the report counts and leaves out


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str
    build: Callable[[dt.date, dt.date], Report]
    permission: Permission | None = None
    default_period: Period = "month"
    why_not: Callable[[], str] | None = None  # the refusal in the report's own words (default: the permission's)

    def refusal(self) -> str:
        """Why the signed-in user may not run this report ("" when they may)."""
        if self.permission is None:
            return ""
        if self.why_not is not None and why_not(self.permission):
            return self.why_not()
        return why_not(self.permission)


REPORTS: dict[str, ReportSpec] = {}


def register(spec: ReportSpec) -> ReportSpec:
    REPORTS[spec.name] = spec
    return spec


def get_spec(name: str) -> ReportSpec:
    """The report called ``name``; an unknown name's error lists the names."""
    try:
        return REPORTS[name]
    except KeyError:
        raise ValidationError(f"There is no report '{name}'. The reports: {', '.join(sorted(REPORTS))}.") from None


# ---------------------------------------------------------------- the period


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{start:%m/%d/%Y} – {end:%m/%d/%Y}"


def default_period(period: Period, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The days a report covers when none are given: today, this week (Monday
    on), this month or this year, up to today."""
    today = today if today is not None else clock.today()
    if period == "today":
        return today, today
    if period == "week":
        return today - dt.timedelta(days=today.weekday()), today
    if period == "year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


def check_period(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValidationError(f"From ({start:%m/%d/%Y}) is after To ({end:%m/%d/%Y}): swap them.", "from")
    if (end - start).days + 1 > MOST_DAYS:
        raise ValidationError(f"{period_text(start, end)} is longer than five years: choose a shorter period.", "from")


def parse_period(from_text: str, to_text: str, default: Period = "month") -> tuple[dt.date, dt.date]:
    """The From and To days as typed ("11/1", "today", "2026-11-01"...: what the
    hubs accept), an empty one from the report's default period; refused when
    From is after To or the period is longer than five years."""
    start, end = default_period(default)
    for label, text in (("From", from_text), ("To", to_text)):
        text = (text or "").strip()
        if not text:
            continue
        try:
            day = parse_day(text)
        except ValidationError as error:
            raise ValidationError(f"{label}: {error}", label.lower()) from None
        if label == "From":
            start = day
        else:
            end = day
    if not (to_text or "").strip() and start > end:
        end = max(start, clock.today())
    check_period(start, end)
    return start, end


def build(spec: ReportSpec, start: dt.date, end: dt.date) -> Report:
    """Run the report over [start, end] (both days included) for the signed-in user."""
    refusal = spec.refusal()
    if refusal:
        from .errors import PermissionDenied

        raise PermissionDenied(refusal)
    check_period(start, end)
    return spec.build(start, end)


# ---------------------------------------------------------------- cells


def shown(cell: Any, kind: Kind) -> str:
    """A cell as the table and the PDF show it."""
    if cell is None or cell == "":
        return ""
    if kind == "money":
        return format_money(int(cell))
    if kind == "count":
        return f"{int(cell):,}"
    if kind == "hours":
        return f"{hours(int(cell)):,.2f}"
    if kind == "percent":
        return f"{Decimal(cell):.1f}%"
    if kind == "date":
        return f"{cell:%m/%d/%Y}"
    return str(cell)


def exact(cell: Any, kind: Kind) -> str:
    """A cell as CSV holds it: money "1234.50" (exact, from the cents), hours "7.50", dates ISO."""
    if cell is None or cell == "":
        return ""
    if kind == "money":
        cents = int(cell)
        whole, part = divmod(abs(cents), 100)
        return f"{'-' if cents < 0 else ''}{whole}.{part:02d}"
    if kind == "hours":
        return f"{hours(int(cell)):.2f}"
    if kind == "percent":
        return f"{Decimal(cell):.1f}"
    if kind == "date":
        return cell.isoformat()
    return str(cell)


def table_width(columns: tuple[Column, ...]) -> int:
    """The cells a table of ``columns`` takes, a space after each (at most TABLE_WIDTH)."""
    return sum(column.width + 1 for column in columns)


def fit(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` cells, with … where it was cut."""
    return _cut(" ".join(text.split()), width)


def _cut(line: str, width: int) -> str:
    return line if len(line) <= width else line[: max(0, width - 1)] + ELLIPSIS


def _line(cells: Sequence[Any], columns: Sequence[Column], to_show: Callable[[Any, Kind], str]) -> str:
    parts = []
    for cell, column in zip(cells, columns, strict=False):
        text = fit(to_show(cell, column.kind), column.width)
        parts.append(text.rjust(column.width) if column.kind in RIGHT_KINDS else text.ljust(column.width))
    return " ".join(parts).rstrip()


def _title_cell(cell: Any, kind: Kind) -> str:
    return str(cell)


# ---------------------------------------------------------------- the formats


def text_lines(report: Report, width: int = 80) -> Iterator[str]:
    """The report as lines of at most ``width`` columns."""
    yield fit(report.title, width)
    yield fit(report.period, width)
    for section in report.sections:
        yield ""
        yield fit(section.title, width)
        yield _cut(_line([c.title for c in section.columns], section.columns, _title_cell), width)
        yield "─" * min(width, sum(c.width for c in section.columns) + len(section.columns) - 1)
        empty = True
        for row in section.all_rows():
            empty = False
            yield _cut(_line(row, section.columns, shown), width)
        if empty:
            yield "(none)"
        if section.totals is not None:
            yield "─" * min(width, sum(c.width for c in section.columns) + len(section.columns) - 1)
            yield _cut(_line(section.totals, section.columns, shown), width)
        if section.note:
            yield from _wrapped(section.note, width)
    if report.notes:
        yield ""
        for note in report.notes:
            yield from _wrapped(note, width)


def _wrapped(text: str, width: int) -> Iterator[str]:
    import textwrap

    yield from textwrap.wrap(text, width) or [""]


def to_text(report: Report, width: int = 80) -> str:
    return "\n".join(text_lines(report, width)) + "\n"


def to_csv(report: Report, path: Path) -> Path:
    """The report as CSV: UTF-8 with a BOM (spreadsheets then read accents right),
    each section its title, its header row, its rows and its total, a blank
    line between sections; money as exact decimals."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise ValidationError(f"{path} is a folder: give the name of the CSV file to write.")
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([report.title, report.period])
            for section in report.sections:
                writer.writerow([])
                writer.writerow([section.title])
                writer.writerow([c.title for c in section.columns])
                for row in section.all_rows():
                    writer.writerow([exact(cell, c.kind) for cell, c in zip(row, section.columns, strict=False)])
                if section.totals is not None:
                    writer.writerow(
                        [exact(cell, c.kind) for cell, c in zip(section.totals, section.columns, strict=False)]
                    )
                if section.note:
                    writer.writerow([section.note])
            if report.notes:
                writer.writerow([])
                for note in report.notes:
                    writer.writerow([note])
    except OSError as error:
        raise DomainError(f"Cannot write {path}: {error.strerror or error}.") from None
    return path


def pdf_bytes(report: Report) -> bytes:
    """The report drawn as a PDF: the studio and the period at the top, the
    tables, the notes, page numbers (documents.py's fonts and heading)."""
    from fpdf.enums import Align

    from . import documents

    sheet = documents.Sheet(
        title=report.title,
        number=report.period,
        file_stem=report.name,
        facts=(),
        bill_to=(),
        client="",
        studio_name=str(settings.get("studio_name")),
        studio_address=str(settings.get("studio_address")),
        printed=documents.studio_lines()["printed"],
        letter=documents.studio_lines()["letter"],
    )
    pdf = documents.new_pdf(sheet)
    documents.head(pdf, sheet, None)
    for section in report.sections:
        pdf.set_font(documents.TEXT_FONT, "B", 10)
        pdf.multi_cell(0, 6, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(documents.TEXT_FONT, "", 8)
        aligns = tuple(Align.R if c.kind in RIGHT_KINDS else Align.L for c in section.columns)
        with pdf.table(
            col_widths=tuple(c.width for c in section.columns),
            text_align=aligns,
            headings_style=documents.bold_heading(),
            line_height=5,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            table.row([c.title for c in section.columns])
            for row in section.all_rows():
                table.row([shown(cell, c.kind) for cell, c in zip(row, section.columns, strict=False)])
            if section.totals is not None:
                table.row([shown(cell, c.kind) for cell, c in zip(section.totals, section.columns, strict=False)])
        if section.note:
            pdf.multi_cell(0, 4.5, section.note, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font(documents.TEXT_FONT, "", 8)
    for note in report.notes:
        pdf.multi_cell(0, 4.5, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def to_pdf(report: Report, path: Path) -> Path:
    from . import documents

    drawn = documents.Document(name=report.title, file_stem=report.name, pdf=pdf_bytes(report))
    return documents.write(drawn, Path(path))


def default_file(report: Report, extension: str) -> Path:
    """Where a report is saved when no file is named: the documents folder,
    time-sheet-2026-11-01-2026-11-30.csv."""
    from . import documents

    stem = report.name + "-" + report.period.replace(" – ", "-").replace("/", "-")
    return documents.documents_folder() / f"{stem}.{extension}"


def check_file(text: str, fmt: str) -> Path:
    """The file a person typed to save a report to: not empty, not a folder, its folder made."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"Give the {fmt.upper()} file to write.", "path")
    path = Path(text).expanduser()
    if path.is_dir():
        raise ValidationError(f"{path} is a folder: give the name of the {fmt.upper()} file to write.", "path")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValidationError(f"Cannot make {path.parent}: {error.strerror or error}.", "path") from None
    return path


def save(report: Report, fmt: Literal["csv", "pdf"], path: Path | None = None) -> Path:
    """Write the report as CSV or PDF to ``path`` (default: the documents folder, made when missing)."""
    if path is None:
        path = default_file(report, fmt)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DomainError(f"Cannot make {path.parent}: {error.strerror or error}.") from None
    return to_csv(report, path) if fmt == "csv" else to_pdf(report, path)


# The report modules: each registers its spec at import.
from . import (  # noqa: E402, F401
    report_aging,
    report_end_of_day,
    report_production,
    report_sales,
    report_sales_tax,
    report_time_sheet,
)
