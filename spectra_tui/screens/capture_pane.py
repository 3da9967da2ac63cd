"""Tethered capture for one session (Workflow hub, Capture Images stage).

The screen owns a ``capture.TetherSession``: one thread owns the camera, every
picture the camera announces (Space here, or the camera's own shutter button)
is downloaded at once into the session's folder under its next image number
and recorded in the database (data.images). The camera's threads talk to the
screen only through messages (``post_message`` is thread-safe and never
blocks, so stopping the camera can never wait on the UI).

No camera, a camera unplugged mid-session, a busy camera (-110) or one held by
another program (-53): the status line says what happened and what to do,
the screen keeps working and the tether reconnects by itself (r: now).

Which camera: ``app.camera_connector`` when the app has one (tests inject
``FakeCamera().connect``), else ``GPhotoCamera.open`` on $SPECTRA_CAMERA_PORT
or the first camera found. ``VCAMERADIR=<dir with a JPEG>`` set before the app
starts gives libgphoto2's virtual camera.
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Digits, Label, Select, Static

from ..capture import SETTING_NAMES, CaptureError, TetherSession
from ..capture.camera import SETTING_LABELS
from ..capture.previews import THUMB_LONGEST_SIDE
from ..data import images as image_data
from ..data import sessions as session_data
from ..data.models import Session
from ..data.versions import reloaded
from . import keymap
from .base import KeyBar, TitleBar
from .dialogs import ConfirmDialog
from .import_images import PRESENT_STATUS, ImportImagesDialog, advance_to
from .pictures import preview_at, preview_widget, show_picture
from .spectra_app import spectra_app

if TYPE_CHECKING:
    from pathlib import Path

    from textual_image.widget import AutoImage, SixelImage

CAMERA_PORT_ENV = "SPECTRA_CAMERA_PORT"
SHORT_LABELS = {"iso": "ISO", "aperture": "Aperture", "shutter_speed": "Shutter", "image_format": "Format"}
THUMB_WIDTH = 12  # cells per thumbnail in the strip (when the screen is tall enough)
THUMBS_FROM_HEIGHT = 34  # screen rows from which the strip shows small pictures


def camera_connector(app):
    """The app's camera connector: injected (tests, demos) or the real camera."""
    injected = app.camera_connector
    if injected is not None:
        return injected
    from ..capture import GPhotoCamera

    port = os.environ.get(CAMERA_PORT_ENV) or None
    return lambda: GPhotoCamera.open(port)


# ---------------------------------------------------------------- messages from the camera threads


class ImageArrived(Message):
    def __init__(self, record) -> None:
        super().__init__()
        self.record = record


class StatusChanged(Message):
    def __init__(self, status) -> None:
        super().__init__()
        self.status = status


class CameraProblem(Message):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error


class JobDone(Message):
    """A tether job finished: ``kind`` is capture / settings / set_setting / info."""

    def __init__(self, kind: str, future: Future, name: str = "") -> None:
        super().__init__()
        self.kind, self.future, self.name = kind, future, name


# ---------------------------------------------------------------- the strip of shots


class ShotStrip(Horizontal):
    """The session's shots so far: small pictures when there is room, else numbers.

    The widgets are made once (a line of numbers and MAX_THUMBS picture slots)
    and only updated, so a burst of shots never mounts and removes widgets.
    """

    DEFAULT_CSS = """
    ShotStrip { height: 1; padding: 0 1; }
    ShotStrip.-thumbs { height: 7; }
    ShotStrip .strip-numbers { width: 1fr; }
    ShotStrip.-thumbs .strip-numbers { display: none; }
    ShotStrip .shot { width: 12; height: 100%; margin-right: 1; display: none; }
    ShotStrip.-thumbs .shot.-used { display: block; }
    ShotStrip .shot-picture { width: 100%; height: 1fr; }
    ShotStrip .shot-raw { width: 100%; height: 1fr; content-align: center middle; color: $text-muted; }
    ShotStrip .shot-number { width: 100%; height: 1; text-align: center; color: $text-muted; }
    ShotStrip .shot.-latest .shot-number { color: $accent; text-style: bold; }
    """
    MAX_THUMBS = 16

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shots: list[image_data.ImageFile] = []
        self._drawn: dict[int, tuple[Path, str]] = {}  # slot -> (file drawn, why not drawn or "")

    def compose(self) -> ComposeResult:
        yield Static("", classes="strip-numbers")
        for _ in range(self.MAX_THUMBS):
            with Vertical(classes="shot"):
                yield preview_widget(classes="shot-picture")
                yield Static("RAW", classes="shot-raw")
                yield Label("", classes="shot-number")

    def on_mount(self) -> None:
        self.redraw()

    def set_shots(self, shots: list[image_data.ImageFile]) -> None:
        self.shots = list(shots)
        self.redraw()

    def add_shot(self, shot: image_data.ImageFile) -> None:
        self.shots = [s for s in self.shots if s.number != shot.number] + [shot]
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    @property
    def shows_thumbs(self) -> bool:
        return self.app.size.height >= THUMBS_FROM_HEIGHT and bool(self.shots)

    def redraw(self) -> None:
        if not self.is_mounted:
            return
        width = max(self.size.width or self.app.size.width, 20) - 2
        thumbs = self.shows_thumbs
        self.set_class(thumbs, "-thumbs")
        self.query_one(".strip-numbers", Static).update(self._numbers_line(width))
        fits = min(self.MAX_THUMBS, max(1, width // (THUMB_WIDTH + 1))) if thumbs else 0
        shown = self.shots[-fits:] if fits else []
        for index, slot in enumerate(self.query(".shot")):
            shot = shown[index] if index < len(shown) else None
            slot.set_class(shot is not None, "-used")
            slot.set_class(shot is not None and shot is self.shots[-1], "-latest")
            if shot is None:
                continue
            picture = preview_at(slot, ".shot-picture")
            raw = slot.query_one(".shot-raw", Static)
            problem = self._draw(index, picture, shot)
            raw.update("RAW" if shot.shown is None else "cannot be shown")
            raw.tooltip = problem or None
            picture.display, raw.display = not problem, bool(problem)
            slot.query_one(".shot-number", Label).update(str(shot.number))

    def _draw(self, index: int, picture: AutoImage | SixelImage, shot: image_data.ImageFile) -> str:
        """Draw the shot's thumbnail in slot ``index`` (once per file); why it is not drawn, or ""."""
        source = shot.thumb or shot.shown
        if source is None:
            return f"Image {shot.number} is a RAW file: no preview."
        drawn = self._drawn.get(index)
        if drawn is None or drawn[0] != source:
            drawn = self._drawn[index] = (source, show_picture(picture, source, shot.number, THUMB_LONGEST_SIDE))
        return drawn[1]

    def _numbers_line(self, width: int) -> Text:
        """'Shots (12): … 8 9 10 11 12' cut from the left to fit, the latest highlighted."""
        if not self.shots:
            return Text("Shots: none yet", style="dim")
        head = f"Shots ({len(self.shots)}): "
        numbers = [str(shot.number) for shot in self.shots]
        chosen: list[str] = []
        used = len(head) + 2
        for number in reversed(numbers):
            if used + len(number) + 1 > width:
                break
            chosen.insert(0, number)
            used += len(number) + 1
        text = Text(head, style="dim")
        if len(chosen) < len(numbers):
            text.append("… ")
        for index, number in enumerate(chosen):
            last = index == len(chosen) - 1
            text.append(number, style="bold reverse" if last else "")
            if not last:
                text.append(" ")
        return text


# ---------------------------------------------------------------- the capture screen


class CaptureScreen(Screen):
    """Tethered capture into one session."""

    DEFAULT_CSS = """
    CaptureScreen #cap-title { height: 1; padding: 0 1; background: $boost; }
    CaptureScreen #cap-status { height: auto; padding: 0 1; }
    CaptureScreen #cap-status.-problem { color: $warning; text-style: bold; }
    CaptureScreen #cap-settings { height: 1; padding: 0 1; }
    CaptureScreen #cap-settings Label { width: auto; padding: 0 1 0 0; color: $text-muted; }
    CaptureScreen #cap-settings Select { width: 1fr; max-width: 22; margin-right: 1; }
    CaptureScreen #cap-main { height: 1fr; }
    CaptureScreen #cap-preview-box { width: 1fr; height: 100%; align: center middle; }
    CaptureScreen #cap-preview { width: auto; height: auto; }
    CaptureScreen #cap-empty { width: 100%; height: 100%; content-align: center middle; color: $text-muted; }
    CaptureScreen #cap-side { width: 20; height: 100%; padding: 0 1; border-left: vkey $panel; }
    CaptureScreen #cap-number { width: 100%; color: $accent; }
    CaptureScreen #cap-image-info { height: auto; color: $text-muted; }
    CaptureScreen .-hidden { display: none; }
    """
    BINDINGS = keymap.bindings("capture")

    def __init__(self, session: Session, connector=None, retry_delays: tuple[float, ...] | None = None):
        super().__init__()
        self.session = session
        self._connector = connector
        self._retry_delays = retry_delays
        self.tether: TetherSession | None = None
        self.new_images = 0
        self.pending_captures = 0
        self.camera_values: dict[str, str] = {}
        self.offered: set[str] = set()
        self.last_status = None
        self._stopped = False

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        session = self.session
        yield TitleBar()
        yield Static(
            f"[b]Capture[/b] · Session {session.number} · {session.client.full_name} · "
            f"{session.session_type.name} · {session.photographer.full_name}",
            id="cap-title",
        )
        yield Static("Looking for the camera…", id="cap-status")
        with Horizontal(id="cap-settings"):
            for name in SETTING_NAMES:
                yield Label(SHORT_LABELS.get(name, SETTING_LABELS[name]))
                yield Select([], prompt="–", compact=True, disabled=True, id=f"cap-{name}")
        with Horizontal(id="cap-main"):
            with Container(id="cap-preview-box"):
                yield preview_widget(id="cap-preview", classes="-hidden")
                yield Static(
                    f"No picture yet: {keymap.key('capture.shoot')} takes one, or press the camera's shutter button.",
                    id="cap-empty",
                )
            with Vertical(id="cap-side"):
                yield Label("Image")
                yield Digits("", id="cap-number")
                yield Static("", id="cap-image-info")
        yield ShotStrip(id="cap-strip")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"Spectra · Capture · Session {self.session.number}"
        shots = image_data.session_image_files(self.session)
        strip = self.query_one(ShotStrip)
        strip.set_shots(shots)
        if shots:
            self.show_image(shots[-1])
        self.start_tether()

    def start_tether(self) -> None:
        connector = self._connector or camera_connector(self.app)
        options: dict[str, Any] = {}
        delays = self._retry_delays or spectra_app(self).camera_retry_delays
        if delays:
            options["retry_delays"] = tuple(delays)
        self.tether = TetherSession(
            connector,
            image_data.session_store(self.session),
            on_image=lambda record: self._tell(ImageArrived(record)),
            on_status=lambda status: self._tell(StatusChanged(status)),
            on_error=lambda error: self._tell(CameraProblem(error)),
            **options,
        )
        self.tether.start()

    def _tell(self, message: Message) -> None:
        """Pass on what a camera thread reports (post_message is thread-safe)."""
        self.post_message(message)

    def stop_tether(self) -> None:
        if self.tether is not None and not self._stopped:
            self._stopped = True
            self.tether.stop()

    def on_unmount(self) -> None:
        self.stop_tether()

    # ------------------------------------------------------------ showing images

    @staticmethod
    def _image_file(record) -> image_data.ImageFile:
        """The strip's entry for a picture just stored (an ``ImportedImage``)."""
        return image_data.ImageFile(
            number=record.number,
            original_name=record.original_name,
            source=image_data.source_kind(record.source),
            width=record.width,
            height=record.height,
            original=record.original_path,
            preview=record.preview_path,
            thumb=record.thumb_path,
        )

    def show_image(self, shot: image_data.ImageFile) -> None:
        picture = preview_at(self, "#cap-preview")
        empty = self.query_one("#cap-empty", Static)
        if shot.shown is not None:
            problem = show_picture(picture, shot.shown, shot.number)
        else:
            problem = f"Image {shot.number} is a RAW file: no preview (it is stored as shot)."
        picture.set_class(bool(problem), "-hidden")
        empty.set_class(not problem, "-hidden")
        empty.update(problem)
        self.query_one("#cap-number", Digits).update(str(shot.number))
        size = f"{shot.width}×{shot.height}" if shot.width and shot.height else "size unknown"
        if shot.shown is None:
            size = "RAW"
        count = len(self.query_one(ShotStrip).shots)
        self.query_one("#cap-image-info", Static).update(
            f"{shot.original_name}\n{size}\n{shot.source}\n\n{count} image{'s' if count != 1 else ''} in the session"
        )

    @on(ImageArrived)
    def _image_arrived(self, message: ImageArrived) -> None:
        self.new_images += 1
        shot = self._image_file(message.record)
        self.query_one(ShotStrip).add_shot(shot)
        self.show_image(shot)
        if self.tether is not None:
            self._watch(self.tether.camera_info(), "info")

    # ------------------------------------------------------------ the camera's state

    @on(StatusChanged)
    def _status_changed(self, message: StatusChanged) -> None:
        status = message.status
        was_connected = self.last_status is not None and self.last_status.connected
        self.last_status = status
        self._show_status(status)
        if status.connected and not was_connected and self.tether is not None:
            self._watch(self.tether.settings(), "settings")
        if not status.connected:
            self._set_settings_enabled(False)

    def _show_status(self, status, info=None) -> None:
        line = self.query_one("#cap-status", Static)
        if status.connected and not status.ready:
            camera = info or status.camera
            name = camera.model if camera is not None else "The camera"
            line.update(f"○ {name}: not ready. {status.message} {keymap.hint(('capture.reconnect', 'reconnects'))}.")
            line.add_class("-problem")
            return
        if status.connected:
            camera = info or status.camera
            parts = [f"● {camera.model}" if camera else "● Camera connected"]
            if camera is not None:
                if camera.battery_level:
                    parts.append(f"battery {camera.battery_level}")
                if camera.shots_left is not None:
                    parts.append(f"{camera.shots_left:,} shots left")
                parts.append(camera.port)
            if self.pending_captures:
                parts.append("capturing…")
            line.update(" · ".join(parts))
            line.remove_class("-problem")
            return
        text = f"○ {status.message}"
        if status.error is not None:
            text += " Spectra keeps trying by itself; r tries now."
        line.update(text)
        line.add_class("-problem")

    @on(CameraProblem)
    def _camera_problem(self, message: CameraProblem) -> None:
        self.notify(str(message.error), title="Camera", severity="error", timeout=8)

    def _watch(self, future: Future, kind: str, name: str = "") -> None:
        future.add_done_callback(lambda done: self.post_message(JobDone(kind, done, name)))

    @on(JobDone)
    def _job_done(self, message: JobDone) -> None:
        future = message.future
        if future.cancelled():
            return
        error = future.exception()
        if message.kind == "capture":
            self.pending_captures = max(0, self.pending_captures - 1)
            if self.last_status is not None:
                self._show_status(self.last_status)
            if error is not None:
                self.notify(str(error), title="Not captured", severity="error", timeout=8)
            elif future.result() is None:
                self.notify(
                    "The camera sent a picture this session already has (the same picture): it was not stored again.",
                    title="Duplicate",
                    severity="warning",
                    timeout=6,
                )
            return
        if error is not None:
            if message.kind == "set_setting":
                self.notify(str(error), title=SETTING_LABELS.get(message.name, "Setting"), severity="error", timeout=8)
                self._show_setting_value(message.name, self.camera_values.get(message.name))
            elif message.kind == "settings" and isinstance(error, CaptureError):
                self.notify(f"Could not read the camera settings: {error}", severity="warning", timeout=6)
            return
        result = future.result()
        if message.kind == "settings":
            self._show_settings(result)
        elif message.kind == "set_setting":
            self.camera_values[result.name] = result.value
            self._show_setting_value(result.name, result.value)
            self.notify(f"{result.label}: {result.value}", timeout=3)
        elif message.kind == "info" and self.last_status is not None and self.last_status.connected:
            self._show_status(self.last_status, info=result)

    # ------------------------------------------------------------ settings

    def _select(self, name: str) -> Select:
        return self.query_one(f"#cap-{name}", Select)

    def _show_settings(self, settings) -> None:
        self.offered = set()
        for setting in settings:
            if setting.name not in SETTING_NAMES:
                continue
            self.offered.add(setting.name)
            choices = list(setting.choices) or [setting.value]
            if setting.value not in choices:
                choices.insert(0, setting.value)
            select = self._select(setting.name)
            self.camera_values[setting.name] = setting.value
            select.set_options([(choice, choice) for choice in choices])
            select.value = setting.value
            select.disabled = setting.read_only
            select.tooltip = (
                f"{setting.label}: the camera does not let the computer change it now"
                if setting.read_only
                else setting.label
            )
        for name in SETTING_NAMES:
            if name not in self.offered:
                select = self._select(name)
                select.disabled = True
                select.tooltip = f"This camera does not let the computer change {SETTING_LABELS[name]}."

    def _show_setting_value(self, name: str, value: str | None) -> None:
        if value is None:
            return
        select = self._select(name)
        if select.value != value:
            select.value = value

    def _set_settings_enabled(self, enabled: bool) -> None:
        for name in SETTING_NAMES:
            self._select(name).disabled = not enabled or name not in self.offered

    @on(Select.Changed)
    def _setting_chosen(self, event: Select.Changed) -> None:
        event.stop()
        name = (event.select.id or "").removeprefix("cap-")
        if name not in SETTING_NAMES or event.value is Select.NULL:
            return
        if event.value == self.camera_values.get(name) or self.tether is None:
            return  # shown from the camera, not chosen
        self._watch(self.tether.set_setting(name, str(event.value)), "set_setting", name)

    # ------------------------------------------------------------ actions

    def action_capture(self) -> None:
        if self.tether is None:
            return
        self.pending_captures += 1
        if self.last_status is not None:
            self._show_status(self.last_status)
        self._watch(self.tether.capture(), "capture")

    def action_reconnect(self) -> None:
        if self.tether is None:
            return
        if self.tether.status.ready:
            self.notify("The camera is connected.", timeout=3)
            return
        self.query_one("#cap-status", Static).update("○ Trying to connect to the camera…")
        self.tether.reconnect()

    def action_import_images(self) -> None:
        def done(imported) -> None:
            self.session = reloaded(self.session)
            if imported:
                shots = image_data.session_image_files(self.session)
                self.query_one(ShotStrip).set_shots(shots)
                self.show_image(shots[-1])

        self.app.push_screen(ImportImagesDialog(self.session), done)

    def action_advance(self) -> None:
        self.session = reloaded(self.session)
        if not session_data.is_later_status(self.session, PRESENT_STATUS):
            self.notify(f"Session {self.session.number} is at '{self.session.status}'.", timeout=4)
            return
        advance_to(self.app, self.session, PRESENT_STATUS, "Images captured")
        self.session = reloaded(self.session)

    def action_close(self) -> None:
        self.session = reloaded(self.session)
        if not (self.new_images and session_data.is_later_status(self.session, PRESENT_STATUS)):
            self.stop_tether()
            self.dismiss(self.new_images)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                advance_to(self.app, self.session, PRESENT_STATUS, f"{self.new_images} image(s) captured")
            self.stop_tether()
            self.dismiss(self.new_images)

        self.app.push_screen(
            ConfirmDialog(
                f"{self.new_images} new image(s) in session {self.session.number}. Advance the session to "
                f"'{PRESENT_STATUS}'?",
                "Advance",
                "Not now",
            ),
            answered,
        )
