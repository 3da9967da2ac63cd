"""The sales presentation (Workflow hub, Present Images stage) and Order Info.

Start Presentation shows the session's images fullscreen: an external viewer
when there is a display and one of ``VIEWERS`` is installed, else in the
terminal (``PresentationScreen``, also what v always opens). Order Info opens
the session's Initial Order invoice (a new one, or its open one); from the
presentation the image on screen goes into the Image # of the lines added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Digits, Static

from ..data import images as image_data
from ..data.models import Invoice, Session
from . import keymap
from .dialogs import ChoiceDialog
from .open_record import open_invoice, open_new_invoice
from .pictures import preview_at, preview_widget, show_picture

# Fullscreen viewers from Debian packages that take a list of files, best first.
VIEWERS: list[tuple[str, list[str]]] = [
    ("feh", ["-F", "-Z", "--auto-rotate", "-d"]),  # -d draws the file name: the image number
    ("imv", ["-f"]),
    ("imv-wayland", ["-f"]),
    ("imv-x11", ["-f"]),
    ("nsxiv", ["-f", "-b"]),
    ("pqiv", ["-f"]),
    ("mpv", ["--fs", "--image-display-duration=inf"]),
]


def has_display() -> bool:
    """A graphical display to open a viewer on (none over SSH)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def installed_viewer() -> list[str] | None:
    """The command of the first of ``VIEWERS`` installed, with its options; None when none is."""
    for program, options in VIEWERS:
        path = shutil.which(program)
        if path:
            return [path, *options]
    return None


def external_viewer() -> list[str] | None:
    """The command of a fullscreen image viewer, when a display exists; None over SSH / without one."""
    return installed_viewer() if has_display() else None


def no_viewer_message() -> str:
    """What to install for a fullscreen presentation: the viewers Spectra looks for."""
    names = [program for program, _ in VIEWERS]
    return (
        f"No fullscreen image viewer is installed, so the presentation is in the terminal. "
        f"Spectra uses the first of {', '.join(names[:-1])} or {names[-1]} it finds: "
        f"install one (e.g. sudo apt install {names[0]}) for a fullscreen presentation."
    )


def start_presentation(app, session: Session, external: bool = True) -> None:
    """Show the session's images fullscreen: an external viewer when there is
    a display (and one installed), else in the terminal."""
    files = image_data.session_image_files(session)
    shown = [image for image in files if image.shown is not None]
    if not shown:
        app.notify(
            f"Session {session.number} has no images to show yet: capture or import them first (Capture Images stage).",
            title="Nothing to present",
            severity="warning",
            timeout=6,
        )
        return
    viewer = installed_viewer() if external and has_display() else None
    if external and has_display() and viewer is None:
        app.notify(no_viewer_message(), title="No viewer", severity="warning", timeout=12)
    if viewer is not None:
        paths = [str(image.for_viewer) for image in shown if image.for_viewer is not None]
        try:
            with app.suspend():
                completed = subprocess.run([*viewer, *paths], check=False)
        except SuspendNotSupported:
            pass  # e.g. in a browser (textual-serve): present in the terminal instead
        except OSError as error:
            app.notify(
                f"The viewer {Path(viewer[0]).name} could not start ({error}); presenting in the terminal.",
                severity="warning",
                timeout=6,
            )
        else:
            if completed.returncode == 0:
                app.notify(
                    f"Presentation of session {session.number} ended: o opens the order (Initial Order invoice).",
                    timeout=6,
                )
                return
            app.notify(
                f"The viewer {Path(viewer[0]).name} stopped with an error; presenting in the terminal.",
                severity="warning",
                timeout=6,
            )
    app.push_screen(PresentationScreen(session, shown))


def order_info(app, session: Session, image_number: int | None = None) -> None:
    """Order Info: a new Initial Order invoice for the session (or its open one).

    ``image_number`` (the image on screen in the presentation) fills the
    Image # of the lines added to it.
    """
    from ..data.invoices import open_invoices_of_session

    existing = open_invoices_of_session(session, Invoice.INITIAL_ORDER)
    if not existing:
        open_new_invoice(app, Invoice.INITIAL_ORDER, session=session, image_number=image_number)
        return

    def chosen(choice: str | None) -> None:
        if choice == "new":
            open_new_invoice(app, Invoice.INITIAL_ORDER, session=session, image_number=image_number)
        elif choice:
            invoice = next(invoice for invoice in existing if str(invoice.id) == choice)
            open_invoice(app, invoice, image_number=image_number)

    options = [(str(invoice.id), f"Open Initial Order invoice {invoice.display_number}") for invoice in existing]
    options.append(("new", "New Initial Order invoice"))
    app.push_screen(ChoiceDialog(f"Order info · session {session.number}", options), chosen)


class PresentationScreen(Screen):
    """The session's images fullscreen in the terminal: ←/→ move, the image
    number big, o Order Info, Escape ends. An image that cannot be read is a
    line saying so, and the presentation goes on."""

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
            f"Image {image.number} · {self.index + 1} of {len(self.images)}\n"
            f"[dim]{keymap.key('presentation.previous')}/{keymap.key('presentation.next')} move · "
            f"{keymap.hint(('presentation.order_info', 'order info'), ('presentation.end', 'ends'))}[/dim]"
        )

    def action_move(self, step: int) -> None:
        self.index = (self.index + step) % len(self.images)
        self.show()

    def action_jump(self, index: int) -> None:
        self.index = index % len(self.images)
        self.show()

    def action_order_info(self) -> None:
        number = self.current.number
        self.notify(f"Image {number} was on screen: the lines you add get Image # {number}.", timeout=5)
        order_info(self.app, self.session, image_number=number)

    def action_end(self) -> None:
        self.dismiss(None)
