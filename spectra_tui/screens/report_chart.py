"""A report's bar chart in the terminal (reports.Chart): one row per label,
the label, a bar of Unicode blocks in eighths of a cell, the figure.

Drawn here rather than with textual-plotext: plotext 5.3.2 (under
textual-plotext 1.0.1, which does run on Textual 8) puts horizontal bars on
the wrong rows when each bar has one text row (a month of $0.00 drawn as a
full bar), and at two rows a bar a year's months take 29 rows, more than an
80x24 screen. The figures beside the bars are exact (cents as money); the
report's table is always shown too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from ..data.money import format_money

if TYPE_CHECKING:
    from ..data.reports import Chart

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
NEGATIVE = "▒"  # a credit larger than the sales: drawn in a lighter block
LABEL_MOST = 18


def figure_text(value: int, money: bool) -> str:
    return format_money(value) if money else f"{value:,}"


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def bar(value: int, largest: int, cells: int) -> str:
    """``value``'s bar, ``largest`` taking all ``cells``; anything but 0 shows at least an eighth."""
    if value == 0 or largest == 0 or cells <= 0:
        return ""
    eighths = max(1, (abs(value) * cells * 8 + largest // 2) // largest)
    if value < 0:
        return NEGATIVE * max(1, (eighths + 4) // 8)
    whole, part = divmod(eighths, 8)
    return FULL * whole + (EIGHTHS[part] if part else "")


def chart_lines(title: str, labels: list[str], values: list[int], width: int, money: bool) -> list[str]:
    """The chart as lines of at most ``width`` cells: the title, then a row per label."""
    figures = [figure_text(value, money) for value in values]
    label_width = min(LABEL_MOST, max((len(label) for label in labels), default=0))
    figure_width = max((len(figure) for figure in figures), default=0)
    cells = width - label_width - figure_width - 2
    largest = max((abs(value) for value in values), default=0)
    lines = [cut(title, width)]
    for label, value, figure in zip(labels, values, figures, strict=True):
        lines.append(
            f"{cut(label, label_width):<{label_width}} {bar(value, largest, cells):<{cells}} {figure:>{figure_width}}"
        )
    return lines


class ReportChart(Widget):
    """A report's Chart, drawn to the widget's width (redrawn when it changes).
    It takes the focus (Tab) so that the keyboard reaches it below the tables."""

    can_focus = True
    DEFAULT_CSS = """
    ReportChart { height: auto; padding: 0 1; margin: 1 0 0 0; }
    ReportChart:focus { background: $boost; }
    """

    def __init__(self, chart: Chart, money: bool = True, *, id: str | None = None, classes: str | None = None) -> None:
        """``money``: the values are cents (shown as amounts), else counts."""
        super().__init__(id=id, classes=classes)
        self.chart = chart
        self.money = money

    def render(self) -> Text:
        chart = self.chart
        lines = chart_lines(chart.title, chart.labels, chart.values, self.content_size.width, self.money)
        text = Text("\n".join(lines))
        text.stylize("bold", 0, len(lines[0]))
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + len(self.chart.labels)
