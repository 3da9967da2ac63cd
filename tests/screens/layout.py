"""The snapshot sizes, the check that nothing is cut off at them, and the
screen's lines as a terminal shows them."""
import html
import re

from textual.containers import ScrollableContainer
from textual.widgets import DataTable

SIZES = [(120, 40), (80, 24)]
SIZE_IDS = ["120x40", "80x24"]


def assert_fits(screen) -> None:
    """Nothing cut off: every widget inside its parent, every table inside its
    view (what scrolls is reachable by scrolling; the key bar leaves out whole
    keys that do not fit, never part of one)."""
    problems = []
    for widget in screen.query("*"):
        if not widget.display or widget.region.width == 0:
            continue
        if any(isinstance(a, ScrollableContainer) for a in widget.ancestors if a is not screen):
            continue
        parent = widget.parent
        if parent is not None and hasattr(parent, "region") and parent.region.width:
            if widget.region.right > parent.region.right or widget.region.x < parent.region.x:
                problems.append(f"{widget!r} {widget.region} outside {parent!r} {parent.region}")
    for table in screen.query(DataTable):
        if table.display and table.region.width:
            if table.virtual_size.width > table.scrollable_content_region.width:
                problems.append(f"{table!r} is {table.virtual_size.width} wide in "
                                f"{table.scrollable_content_region.width} columns")
    assert problems == []


def screen_lines(app) -> list[str]:
    """The screen's lines as a terminal shows them: the screenshot's text, each
    piece at its column (a cell is 12.2 wide in Textual's SVG)."""
    rows: dict[float, dict[int, str]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>',
                             app.export_screenshot()):
        x, y, text = match.groups()
        rows.setdefault(float(y), {})[round(float(x) / 12.2)] = html.unescape(text).replace("\xa0", " ")
    lines = []
    for _y, pieces in sorted(rows.items()):
        line = ""
        for column, text in sorted(pieces.items()):
            line = line.ljust(column) + text
        lines.append(line)
    return lines
