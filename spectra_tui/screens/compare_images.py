"""Compare two of a session's images side by side (terminal previews), each
with its number large: the photographer picks between near twins.

One side is chosen (its border lights up): the arrows flip that side through
the session's images in presentation order, the other side stays put; the
favourite and hide keys mark the chosen side's image (data/prepare.py).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import Digits, Static

from ..data import prepare
from ..data.images import ImageFile, image_files
from ..data.models import Session, SessionImage
from . import keymap
from .base import KeyBar, SpectraScreen, TitleBar
from .dialogs import WRITE_ERRORS, readable
from .pictures import preview_at, preview_widget, show_picture

SIDES = ("left", "right")
PREVIEW_SIDE = 800  # pixels: plenty for half a terminal, and quick to decode while flipping


class CompareImagesScreen(SpectraScreen):
    """Two images side by side; dismisses with None (the caller re-reads the marks)."""

    DEFAULT_CSS = """
    CompareImagesScreen #cmp-hint { height: 1; padding: 0 1; color: $text-muted; }
    CompareImagesScreen #cmp-sides { height: 1fr; }
    CompareImagesScreen .cmp-side { width: 1fr; height: 100%; border: round $panel; }
    CompareImagesScreen .cmp-side.-chosen { border: round $accent; }
    CompareImagesScreen .cmp-head { height: 3; }
    CompareImagesScreen .cmp-number { width: auto; min-width: 6; color: $accent; }
    CompareImagesScreen .cmp-marks { width: 1fr; height: 3; padding-left: 2; content-align: left middle; }
    CompareImagesScreen .cmp-box { height: 1fr; align: center middle; }
    CompareImagesScreen .cmp-picture { width: auto; height: auto; }
    CompareImagesScreen .cmp-problem { width: 100%; height: auto; text-align: center; color: $warning; }
    CompareImagesScreen .-hidden { display: none; }
    """
    BINDINGS = keymap.bindings("compare")

    def __init__(self, session: Session, left_id: int, right_id: int) -> None:
        super().__init__()
        self.session = session
        self.images: list[SessionImage] = prepare.prepared_images(session)
        self.files: list[ImageFile] = image_files(session, self.images)
        ids = [image.id for image in self.images]
        self.shown = [ids.index(left_id) if left_id in ids else 0, ids.index(right_id) if right_id in ids else 0]
        self.chosen = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        flip = f"{keymap.key('compare.previous')}/{keymap.key('compare.next')} flip"
        yield Static(
            " · ".join(
                [
                    flip,
                    keymap.hint(
                        ("compare.side", "other side"),
                        ("compare.favourite", "favourite"),
                        ("compare.hide", "hide/show"),
                        ("compare.close", "back"),
                    ),
                ]
            ),
            id="cmp-hint",
        )
        with Horizontal(id="cmp-sides"):
            for side in SIDES:
                with Vertical(id=f"cmp-{side}", classes="cmp-side"):
                    with Horizontal(classes="cmp-head"):
                        yield Digits("", id=f"cmp-{side}-number", classes="cmp-number")
                        yield Static("", id=f"cmp-{side}-marks", classes="cmp-marks")
                    with Container(classes="cmp-box"):
                        yield preview_widget(id=f"cmp-{side}-picture", classes="cmp-picture")
                        yield Static("", id=f"cmp-{side}-problem", classes="cmp-problem -hidden")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"Spectra · Compare images · Session {self.session.number}"
        for side in range(len(SIDES)):
            self.draw(side)

    def image_on(self, side: int) -> SessionImage:
        return self.images[self.shown[side]]

    def draw(self, side: int) -> None:
        """Show the image of ``side`` (0 left, 1 right): picture, number and marks."""
        image = self.image_on(side)
        self.query_one(f"#cmp-{SIDES[side]}", Vertical).set_class(side == self.chosen, "-chosen")
        self.draw_marks(side)
        self.draw_picture(SIDES[side], image.number, self.files[self.shown[side]])

    def draw_marks(self, side: int) -> None:
        name, image = SIDES[side], self.image_on(side)
        self.query_one(f"#cmp-{name}-number", Digits).update(str(image.number))
        marks = [f"{self.shown[side] + 1} of {len(self.images)}"]
        if image.favourite:
            marks.append("[b yellow]★ favourite[/]")
        if image.hidden:
            marks.append("[dim]hidden[/dim]")
        self.query_one(f"#cmp-{name}-marks", Static).update(" · ".join(marks))

    def draw_picture(self, name: str, number: int, file: ImageFile) -> None:
        picture = preview_at(self, f"#cmp-{name}-picture")
        if file.shown is not None:
            problem = show_picture(picture, file.shown, number, PREVIEW_SIDE)
        else:
            problem = f"Image {number} is a RAW file: no preview."
            picture.image = None
        problem_line = self.query_one(f"#cmp-{name}-problem", Static)
        problem_line.update(problem)
        problem_line.set_class(not problem, "-hidden")
        picture.set_class(bool(problem), "-hidden")

    def action_switch_side(self) -> None:
        self.chosen = 1 - self.chosen
        for side in range(len(SIDES)):
            self.query_one(f"#cmp-{SIDES[side]}", Vertical).set_class(side == self.chosen, "-chosen")

    def action_step(self, step: int) -> None:
        self.shown[self.chosen] = (self.shown[self.chosen] + step) % len(self.images)
        self.draw(self.chosen)

    def _mark(self, work) -> None:
        try:
            stored = work(self.image_on(self.chosen))
        except WRITE_ERRORS as error:
            self.notify(readable(error), title="Not possible", severity="error", timeout=8)
            return
        self.images[self.shown[self.chosen]] = stored
        for side in range(len(SIDES)):
            if self.image_on(side).id == stored.id:
                self.draw_marks(side)

    def action_favourite(self) -> None:
        self._mark(lambda image: prepare.set_favourite(self.session, image, not image.favourite))

    def action_hide(self) -> None:
        self._mark(lambda image: prepare.set_hidden(self.session, image, not image.hidden))

    def action_close(self) -> None:
        self.dismiss(None)
