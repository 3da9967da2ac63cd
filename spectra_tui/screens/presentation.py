"""The sales presentation (Workflow hub, Present Images stage) and Order Info.

Start Presentation shows the session's images (or the list the caller gives,
in its order). With a display (DISPLAY / WAYLAND_DISPLAY) an external viewer
runs beside the app (capture/viewer.py): the app does not suspend, and
``ViewerPresentationScreen`` drives it (next, previous, go to image N) and
shows which image is on it. Without a display (over SSH), or when no viewer is
installed, the images are shown in the terminal (``PresentationScreen``, also
what v always opens). Order Info (screens/order_info.py) builds the order
beside the presentation: its Image # follows the image on screen.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Digits, Static

from ..capture.viewer import INSTALL_HINT, Viewer, ViewerError, has_display, start_viewer
from ..data import images as image_data
from ..data import prepare
from ..data.errors import ValidationError
from ..data.models import Session
from . import keymap
from .dialogs import ReasonDialog
from .pictures import preview_at, preview_widget, show_picture

VIEWER_POLL_SECONDS = 1.0  # how often the viewer is asked which image it shows (its own keys move it too)


def presentable_images(session: Session) -> list[image_data.ImageFile]:
    """The session's images that can be shown, in the order prepared for the
    presentation, the hidden ones left out (data/prepare.py); a RAW file
    without a preview cannot be shown."""
    return [image for image in prepare.presentation_files(session) if image.for_viewer is not None]


def start_presentation(
    app, session: Session, external: bool = True, images: list[image_data.ImageFile] | None = None
) -> None:
    """Show ``images`` (default: the session's, as prepared): in an external viewer
    beside the app when there is a display and ``external``, else in the terminal."""
    shown = [image for image in (presentable_images(session) if images is None else images) if image.for_viewer]
    if not shown:
        app.notify(
            f"Session {session.number} has no images to show yet: capture or import them first (Capture Images stage).",
            title="Nothing to present",
            severity="warning",
            timeout=6,
        )
        return
    if external and has_display():
        try:
            viewer = start_viewer([image.for_viewer for image in shown if image.for_viewer is not None])
        except ViewerError as error:
            app.notify(
                f"{error} The presentation is in the terminal.", title="No viewer", severity="warning", timeout=12
            )
        else:
            if not viewer.drivable:
                app.notify(
                    f"{viewer.name} shows the images, moved with its own keys. For the full presentation, "
                    f"{INSTALL_HINT}.",
                    title="Plain viewer",
                    severity="warning",
                    timeout=12,
                )
            app.push_screen(ViewerPresentationScreen(session, shown, viewer))
            return
    app.push_screen(PresentationScreen(session, shown))


def index_of_image(images: list[image_data.ImageFile], typed: str) -> int:
    """The place in the presentation of the image numbered ``typed``."""
    numbers = [image.number for image in images]
    text = typed.strip().lstrip("#")
    if text.isdigit() and int(text) in numbers:
        return numbers.index(int(text))
    shown = ", ".join(map(str, numbers[:20])) + (" …" if len(numbers) > 20 else "")
    raise ValidationError(f"No image {typed.strip() or '(none typed)'} in this presentation: it shows {shown}.")


def order_info(app, session: Session, image_number: int | None = None, presentation=None) -> None:
    """Order Info (screens/order_info.py): a new order for the session;
    ``image_number`` (the image on screen) is the Image # of what is added."""
    from .order_info import open_order_info

    open_order_info(app, session, image_number, presentation)


class PresentationScreen(Screen):
    """The session's images fullscreen in the terminal: ←/→ move, g goes to an
    image number, the image number big, o Order Info, Escape ends. An image
    that cannot be read is a line saying so, and the presentation goes on."""

    DEFAULT_CSS = """
    PresentationScreen { background: black; }
    PresentationScreen #pres-box { height: 1fr; align: center middle; }
    PresentationScreen #pres-image { width: auto; height: auto; }
    PresentationScreen #pres-missing { width: 100%; height: auto; content-align: center middle;
        text-align: center; color: $warning; }
    PresentationScreen .-hidden { display: none; }
    PresentationScreen #pres-bar { height: 3; padding: 0 1; background: $panel; }
    PresentationScreen #pres-info { width: 1fr; height: 3; content-align: left middle; }
    PresentationScreen #pres-number { width: auto; min-width: 9; color: $accent; }
    """
    BINDINGS = keymap.bindings("presentation")

    def __init__(self, session: Session, images: list[image_data.ImageFile]):
        super().__init__()
        self.session = session
        self.images = images
        self.index = 0

    def compose(self) -> ComposeResult:
        with Container(id="pres-box"):
            yield preview_widget(id="pres-image")
            yield Static("", id="pres-missing", classes="-hidden")
        with Horizontal(id="pres-bar"):
            yield Static("", id="pres-info")
            yield Digits("", id="pres-number")

    def on_mount(self) -> None:
        self.title = f"Spectra · Presentation · Session {self.session.number}"
        self.show()

    @property
    def current(self) -> image_data.ImageFile:
        return self.images[self.index]

    @property
    def knows_the_image(self) -> bool:
        """Whether ``current`` is the image the client sees."""
        return True

    def show(self) -> None:
        image = self.current
        picture = preview_at(self, "#pres-image")
        if image.shown is not None:
            problem = show_picture(picture, image.shown, image.number)
        else:
            problem = f"Image {image.number} is a RAW file: no preview."
        missing = self.query_one("#pres-missing", Static)
        missing.update(problem)
        missing.set_class(not problem, "-hidden")
        picture.set_class(bool(problem), "-hidden")
        self.query_one("#pres-number", Digits).update(str(image.number))
        self.query_one("#pres-info", Static).update(
            f"[b]{self.session.client.full_name}[/b] · session {self.session.number}\n"
            f"{self.where()}\n[dim]{self.keys_hint()}[/dim]"
        )

    def where(self) -> str:
        """The line saying which image is shown."""
        return f"Image {self.current.number} · {self.index + 1} of {len(self.images)}"

    def keys_hint(self) -> str:
        return f"{keymap.key('presentation.previous')}/{keymap.key('presentation.next')} move · " + keymap.hint(
            ("presentation.go_to", "go to"), ("presentation.order_info", "order info"), ("presentation.end", "ends")
        )

    def action_move(self, step: int) -> None:
        self.index = (self.index + step) % len(self.images)
        self.show()

    def action_jump(self, index: int) -> None:
        self.index = index % len(self.images)
        self.show()

    def action_go_to(self) -> None:
        numbers = [image.number for image in self.images]
        self.app.push_screen(
            ReasonDialog(
                "Go to image",
                f"The image number ({numbers[0]} to {numbers[-1]}):",
                lambda typed: index_of_image(self.images, typed),
                confirm="Show",
                placeholder=f"e.g. {numbers[-1]}",
            ),
            lambda index: None if index is None else self.action_jump(index),
        )

    def action_order_info(self) -> None:
        order_info(self.app, self.session, image_number=self.current.number, presentation=self)

    def action_end(self) -> None:
        self.dismiss(None)


class ViewerPresentationScreen(PresentationScreen):
    """The presentation on an external viewer beside the app: the keys drive
    the viewer (in a thread: the app keeps taking keys), the terminal shows the
    image on it. The viewer ends with this screen (End, or the app's exit);
    if it is closed on its own, the presentation goes on in the terminal."""

    def __init__(self, session: Session, images: list[image_data.ImageFile], viewer: Viewer):
        super().__init__(session, images)
        self.viewer = viewer
        self.viewer_gone = False

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(VIEWER_POLL_SECONDS, self._ask_viewer)
        if self.viewer.drivable:
            self._drive(self.viewer.current)

    def on_unmount(self) -> None:
        self.viewer.close()

    @property
    def knows_the_image(self) -> bool:
        """A plain viewer (feh...) cannot say which image it shows: nothing here pretends to know."""
        return self.viewer.drivable or self.viewer_gone

    def show(self) -> None:
        super().show()
        if not self.knows_the_image:
            missing = self.query_one("#pres-missing", Static)
            missing.update(
                f"The images are on {self.viewer.name}, moved with its own keys.\n"
                f"For the full presentation, {INSTALL_HINT}."
            )
            missing.remove_class("-hidden")
            preview_at(self, "#pres-image").add_class("-hidden")
            self.query_one("#pres-number", Digits).update("")

    def action_order_info(self) -> None:
        if self.knows_the_image:
            super().action_order_info()
        else:
            order_info(self.app, self.session, presentation=self)

    def where(self) -> str:
        if self.viewer_gone:
            return f"{super().where()} · the viewer was closed: the presentation goes on here"
        if not self.viewer.drivable:
            return f"On {self.viewer.name}, moved with its own keys"
        return f"On {self.viewer.name}: {super().where()}"

    def keys_hint(self) -> str:
        if self.knows_the_image:
            return super().keys_hint()
        return keymap.hint(("presentation.order_info", "order info"), ("presentation.end", "closes the viewer"))

    def _drive(self, call: Callable[[], int]) -> None:
        """Run a viewer command in a thread; the position it reports is shown."""

        def work() -> None:
            try:
                position: int | None = call()
                trouble = ""
            except ViewerError as error:
                position, trouble = None, str(error)
            try:
                self.app.call_from_thread(self._viewer_answered, position, trouble)
            except RuntimeError:
                pass  # the app ended meanwhile

        self.run_worker(work, thread=True, group="viewer", exit_on_error=False)

    def _viewer_answered(self, position: int | None, trouble: str) -> None:
        if not self.is_attached or self.viewer_gone:
            return
        if position is not None and position != self.index:
            self.index = position % len(self.images)
            self.show()
        elif trouble and not self.viewer.running:
            self._viewer_closed()
        elif trouble:
            self.notify(trouble, title="Viewer", severity="warning", timeout=6)

    def _ask_viewer(self) -> None:
        if self.viewer_gone:
            return
        if not self.viewer.running:
            self._viewer_closed()
        elif self.viewer.drivable:
            self._drive(self.viewer.current)

    def _viewer_closed(self) -> None:
        self.viewer_gone = True
        self.viewer.close()
        status = self.viewer.process.returncode if self.viewer.process is not None else None
        failed = status is not None and status > 0  # e.g. it could not open a window on the display
        why = f"stopped with an error (exit status {status})" if failed else "was closed"
        self.notify(
            f"{self.viewer.name} {why}: the presentation goes on in the terminal.",
            severity="warning" if failed else "information",
            timeout=8,
        )
        self.show()

    def action_move(self, step: int) -> None:
        if self.viewer_gone:
            super().action_move(step)
        elif not self.viewer.drivable:
            self.notify(f"Move {self.viewer.name} with its own keys: {INSTALL_HINT}.", timeout=6)
        else:
            self._drive(self.viewer.next if step > 0 else self.viewer.previous)

    def action_jump(self, index: int) -> None:
        if self.viewer_gone:
            super().action_jump(index)
        elif not self.viewer.drivable:
            self.notify(f"Move {self.viewer.name} with its own keys: {INSTALL_HINT}.", timeout=6)
        else:
            self._drive(lambda: self.viewer.go_to(index % len(self.images)))
