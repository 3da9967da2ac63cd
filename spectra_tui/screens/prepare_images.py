"""Prepare images for the sales presentation: favourites, hidden images, the order.

``PreparedImagesTable`` lists a session's images in presentation order with
their marks and takes the prepare keys (favourite, hide/show, move up and
down, compare side by side). It is the session record's Images tab, and the
whole of ``PrepareImagesScreen``, opened from the Workflow hub's Present
Images stage. What it changes is stored (data/prepare.py): every terminal
sees it, and the presentation shows the images in this order, hidden ones
left out.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from ..data import prepare
from ..data.clock import to_local
from ..data.models import Session, SessionImage
from ..data.versions import reloaded
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .dialogs import WRITE_ERRORS, SmallForm, readable
from .formats import fmt_short


def prepare_hint() -> str:
    """The prepare keys, for a hint line above the list."""
    return keymap.hint(
        ("prepare.favourite", "favourite"),
        ("prepare.hide", "hide/show"),
        ("prepare.up", "up"),
        ("prepare.down", "down"),
        ("prepare.to_position", "to a position"),
        ("prepare.compare", "compare"),
    )


def mark_cell(image: SessionImage) -> Text:
    """★ for a favourite, "hidden" for an image left out of the presentation."""
    text = Text()
    if image.favourite:
        text.append("★", style="bold yellow")
    if image.hidden:
        text.append(" hidden" if image.favourite else "hidden", style="dim")
    return text


class PreparedImagesTable(DataTable):
    """A session's images in presentation order; the prepare keys work on the highlighted one."""

    BINDINGS = keymap.bindings("prepare")

    class Changed(Message):
        """The images were (re)read: marks or the order may have changed."""

    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.session = session
        self.images: list[SessionImage] = []

    def on_mount(self) -> None:
        self.add_column("Order", width=5)
        self.add_column("#", width=5)
        self.add_column("Mark", width=8)
        self.add_column("Original name")
        self.add_column("Size", width=11)
        self.add_column("Source", width=7)
        self.add_column("Imported", width=14)

    @property
    def highlighted(self) -> SessionImage | None:
        if not self.images or not 0 <= self.cursor_row < len(self.images):
            return None
        return self.images[self.cursor_row]

    def show(self, session: Session | None = None, keep: int | None = None) -> None:
        """(Re)read the images; the cursor stays on image id ``keep`` (else the highlighted one)."""
        if session is not None:
            self.session = session
        if keep is None and self.highlighted is not None:
            keep = self.highlighted.id
        self.images = prepare.prepared_images(self.session)
        self.clear()
        for place, image in enumerate(self.images, 1):
            style = "dim" if image.hidden else ""
            size = f"{image.width}×{image.height}" if image.width and image.height else "RAW"
            cells = [str(place), str(image.number), image.original_name or image.stored_name, size, image.source]
            cells.append(fmt_short(to_local(image.imported_at)))
            row = [Text(cell, style=style) for cell in cells]
            row.insert(2, mark_cell(image))
            self.add_row(*row, key=str(image.id))
        index = next((i for i, image in enumerate(self.images) if image.id == keep), 0)
        if self.images:
            self.move_cursor(row=index)
        self.post_message(self.Changed())

    @property
    def summary(self) -> str:
        """'5 of 6 images shown in the presentation'."""
        shown = sum(1 for image in self.images if not image.hidden)
        return f"{shown} of {len(self.images)} image{'s' if len(self.images) != 1 else ''} shown in the presentation"

    def _change(self, work, image: SessionImage) -> None:
        try:
            work()
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
        self.show(keep=image.id)

    def _chosen(self) -> SessionImage | None:
        image = self.highlighted
        if image is None:
            self.notify(f"Session {self.session.number} has no images yet.", timeout=3)
        return image

    def action_favourite(self) -> None:
        image = self._chosen()
        if image is not None:
            self._change(lambda: prepare.set_favourite(self.session, image, not image.favourite), image)

    def action_hide(self) -> None:
        image = self._chosen()
        if image is not None:
            self._change(lambda: prepare.set_hidden(self.session, image, not image.hidden), image)

    def action_move(self, step: int) -> None:
        image = self._chosen()
        if image is not None:
            self._change(lambda: prepare.move(self.session, image, step), image)

    def action_move_to(self) -> None:
        image = self._chosen()
        if image is not None:
            self.app.push_screen(
                PositionDialog(self.session, image, len(self.images)), lambda _: self.show(keep=image.id)
            )

    def action_compare(self) -> None:
        from .compare_images import CompareImagesScreen

        image = self._chosen()
        if image is None:
            return
        if len(self.images) < 2:
            self.notify("Comparing takes two images: this session has one.", timeout=4)
            return
        index = self.cursor_row
        other = self.images[index + 1 if index + 1 < len(self.images) else index - 1]
        self.app.push_screen(CompareImagesScreen(self.session, image.id, other.id), lambda _: self.show(keep=image.id))


class PositionDialog(SmallForm):
    """Move the image to a typed position of the presentation order."""

    FIELDS = [("position", "Position", "1 is shown first")]

    def __init__(self, session: Session, image: SessionImage, count: int) -> None:
        self.TITLE_TEXT = f"Move image {image.number} to position (1 to {count})"
        super().__init__()
        self.session = session
        self.image = image

    def perform(self, values: dict[str, Any]) -> int:
        return prepare.move_to_typed(self.session, self.image, values["position"])


class PrepareImagesScreen(SpectraScreen):
    """Prepare a session's images (Workflow hub, Present Images stage)."""

    DEFAULT_CSS = """
    PrepareImagesScreen #prep-title { height: auto; padding: 0 1; background: $boost; }
    PrepareImagesScreen #prep-hint { height: auto; padding: 0 1; color: $text-muted; }
    PrepareImagesScreen PreparedImagesTable { height: 1fr; }
    """
    BINDINGS = keymap.bindings("record.close")
    AUTO_FOCUS = "PreparedImagesTable"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="prep-title")
        yield Static(prepare_hint(), id="prep-hint")
        yield PreparedImagesTable(self.session, id="prep-images")
        yield KeyBar()

    @property
    def table(self) -> PreparedImagesTable:
        return self.query_one(PreparedImagesTable)

    def on_mount(self) -> None:
        self.title = f"Spectra · Prepare images · Session {self.session.number}"
        self.load()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.load()

    def load(self) -> None:
        self.session = reloaded(self.session)
        self.table.show(self.session)

    def on_prepared_images_table_changed(self, event: PreparedImagesTable.Changed) -> None:
        session = self.session
        self.query_one("#prep-title", Static).update(
            f"[b]Prepare images[/b] · Session {session.number} · {session.client.full_name} · "
            f"{self.table.summary}, in this order"
        )

    def action_close(self) -> None:
        self.dismiss(None)
