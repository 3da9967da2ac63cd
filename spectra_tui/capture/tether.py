"""Tethered shooting: a camera thread that owns the camera, tied to a session store.

One thread owns the camera and runs every call on it, in order: jobs the UI
asks for (capture, change a setting) and, between jobs, a drain of the
camera's events. A file the camera announces (its own shutter button, a
trigger, the RAW half of RAW+JPEG) is downloaded at once, since a camera
whose buffer is not emptied answers "busy" (-110). Previews and numbering run
on a second thread so the camera thread is back listening within a moment.

When the camera goes away the session says so through ``on_status`` and
reconnects by itself, retrying with growing pauses; :meth:`TetherSession.reconnect`
asks for an attempt right away (a "Reconnect" key or a UI timer).

Callbacks run on the session's threads: a Textual screen hands them on with
``app.call_from_thread`` or ``post_message``.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from .camera import Camera, CameraConnector, CameraFileRef, CameraInfo, CameraSetting
from .errors import DISCONNECTED_MESSAGE, CameraBusy, CameraDisconnected, CameraError, CameraNotReady, CaptureError
from .records import ImportedImage
from .store import SessionImageStore, StagedImage

T = TypeVar("T")
log = logging.getLogger(__name__)

RETRY_DELAYS_SECONDS = (1.0, 2.0, 5.0, 10.0)
POLL_INTERVAL_MS = 30
ERRORS_BEFORE_GIVING_UP_LINK = 3


@dataclass(frozen=True)
class TetherStatus:
    connected: bool
    message: str
    camera: CameraInfo | None = None
    error: CaptureError | None = None
    next_retry_in: float | None = None

    @property
    def ready(self) -> bool:
        """Connected and taking pictures: a connected camera with an error would not take the last one."""
        return self.connected and self.error is None


class TetherStopped(CaptureError):
    pass


class _Job:
    def __init__(self, run: Callable[[Camera], Any], future: Future) -> None:
        self.run = run
        self.future = future


class TetherSession:
    def __init__(
        self,
        connect: CameraConnector,
        store: SessionImageStore,
        *,
        on_image: Callable[[ImportedImage], object] | None = None,  # what they return is ignored
        on_status: Callable[[TetherStatus], object] | None = None,
        on_error: Callable[[CaptureError], object] | None = None,
        poll_interval_ms: int = POLL_INTERVAL_MS,
        retry_delays: tuple[float, ...] = RETRY_DELAYS_SECONDS,
    ) -> None:
        self._connect = connect
        self.store = store
        self._on_image = on_image
        self._on_status = on_status
        self._on_error = on_error
        self._poll_interval = poll_interval_ms / 1000
        self._retry_delays = retry_delays
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._finisher: ThreadPoolExecutor | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._retry_now = threading.Event()
        self._camera: Camera | None = None
        self._downloaded: set[CameraFileRef] = set()
        self._failed_attempts = 0
        self._next_attempt = 0.0
        self._errors_in_a_row = 0
        self._status = TetherStatus(False, "Not started")

    # -- public API (any thread) ---------------------------------------------

    @property
    def status(self) -> TetherStatus:
        return self._status

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> TetherSession:
        if self.running:
            return self
        self._stopping.clear()
        self._finisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spectra-tether-store")
        self._thread = threading.Thread(target=self._run, name="spectra-camera", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the camera thread, let go of the camera, finish pending saves."""
        self._stopping.set()
        self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
        if self._finisher is not None:
            self._finisher.shutdown(wait=True)
        self._fail_pending_jobs(TetherStopped("Tethering stopped."))
        self._set_status(TetherStatus(False, "Tethering stopped."))

    def __enter__(self) -> TetherSession:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def capture(self) -> Future[ImportedImage | None]:
        """Take a picture; the future holds its record once stored with previews."""
        result: Future[ImportedImage | None] = Future()

        def shoot(camera: Camera) -> None:
            ref = camera.capture()
            self._mark_ready()
            staged = self._download(camera, ref)
            self._store_later(staged, result)

        self._submit(shoot).add_done_callback(lambda done: _pass_on_failure(done, result))
        return result

    def trigger(self) -> Future[None]:
        """Release the shutter and return; the picture arrives through ``on_image``."""
        return self._submit(lambda camera: camera.trigger())

    def settings(self) -> Future[list[CameraSetting]]:
        return self._submit(lambda camera: camera.settings())

    def set_setting(self, name: str, value: str) -> Future[CameraSetting]:
        return self._submit(lambda camera: camera.set_setting(name, value))

    def camera_info(self) -> Future[CameraInfo]:
        """Fresh model, battery level and shots left (also updates ``status``)."""

        def read(camera: Camera) -> CameraInfo:
            info = camera.info()
            if self._status.ready:
                self._set_status(TetherStatus(True, f"{info.model} connected", camera=info))
            else:
                self._set_status(replace(self._status, camera=info))
            return info

        return self._submit(read)

    def reconnect(self) -> None:
        """Try to connect again now rather than at the next scheduled retry
        (a camera connected but not ready is let go and connected afresh)."""
        if self._status.connected:  # a job, so it comes before the pictures asked for after it
            self._submit(lambda camera: self._connect_again())
            return
        self._retry_now.set()
        self._jobs.put(None)  # wakes the camera thread

    # -- the camera thread -----------------------------------------------------

    def _submit(self, run: Callable[[Camera], T]) -> Future[T]:
        future: Future[T] = Future()
        if self._stopping.is_set():
            future.set_exception(TetherStopped("Tethering is stopped."))
        else:
            self._jobs.put(_Job(run, future))
        return future

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    if self._camera is None:
                        self._wait_for_camera()
                    else:
                        self._serve_connected()
                except Exception as error:  # a bug must not end tethering silently
                    log.exception("camera thread")
                    self._report(CaptureError(f"Unexpected problem while tethering: {error}"))
                    time.sleep(self._poll_interval)
        finally:
            self._drop_camera()

    def _serve_connected(self) -> None:
        job = self._take_job(0)
        if job is None:
            started = time.monotonic()
            self._drain_events()
            # Some drivers return "no event" at once: don't spin on them.
            job = self._take_job(self._poll_interval - (time.monotonic() - started))
        if job is not None:
            self._run_job(job)

    def _wait_for_camera(self) -> None:
        wait = self._next_attempt - time.monotonic()
        if wait > 0 and not self._retry_now.is_set():
            job = self._take_job(wait)
            if job is None:
                return
            if self._try_connect():
                self._run_job(job)
            elif job.future.set_running_or_notify_cancel():
                job.future.set_exception(self._status.error or CameraDisconnected(DISCONNECTED_MESSAGE))
            return
        self._try_connect()

    def _connect_again(self) -> None:
        self._drop_camera()
        self._try_connect()

    def _take_job(self, timeout: float) -> _Job | None:
        try:
            job = self._jobs.get(timeout=max(timeout, 0)) if timeout > 0 else self._jobs.get_nowait()
        except queue.Empty:
            return None
        return job

    def _run_job(self, job: _Job) -> None:
        if job.future.done() or not job.future.set_running_or_notify_cancel():
            return
        camera = self._camera
        if camera is None:  # lost while the job waited (the events drained before it lost the link)
            job.future.set_exception(self._status.error or CameraDisconnected(DISCONNECTED_MESSAGE))
            return
        try:
            job.future.set_result(job.run(camera))
        except CameraDisconnected as error:
            job.future.set_exception(error)
            self._lose_camera(error)
        except CameraNotReady as error:  # still connected: said on the status line, until a picture is taken
            self._set_status(TetherStatus(True, str(error), camera=self._status.camera, error=error))
            job.future.set_exception(error)
        except CaptureError as error:
            job.future.set_exception(error)
        except Exception as error:  # never let one job kill the camera thread
            job.future.set_exception(error)

    def _try_connect(self) -> bool:
        self._retry_now.clear()
        camera = None
        try:
            camera = self._connect()
            info = camera.info()
        except Exception as error:
            if camera is not None:
                camera.close()
            if not isinstance(error, CaptureError):
                log.exception("connecting to the camera")
                error = CameraError(f"Could not connect to the camera: {error}")
            delay = self._retry_delays[min(self._failed_attempts, len(self._retry_delays) - 1)]
            self._failed_attempts += 1
            self._next_attempt = time.monotonic() + delay
            self._set_status(TetherStatus(False, str(error), error=error, next_retry_in=delay))
            return False
        self._camera = camera
        self._failed_attempts = 0
        self._errors_in_a_row = 0
        self._set_status(TetherStatus(True, f"{info.model} connected", camera=info))
        return True

    def _drain_events(self) -> None:
        camera = self._camera
        assert camera is not None
        try:
            refs = camera.poll_events(int(self._poll_interval * 1000))
            self._errors_in_a_row = 0
        except CameraBusy:
            return
        except CameraDisconnected as error:
            self._lose_camera(error)
            return
        except CaptureError as error:
            self._errors_in_a_row += 1
            if self._errors_in_a_row >= ERRORS_BEFORE_GIVING_UP_LINK:
                self._lose_camera(CameraDisconnected(f"Lost contact with the camera: {error}"))
            else:
                self._report(error)
            return
        for ref in refs:
            if ref in self._downloaded:
                continue
            try:
                staged = self._download(camera, ref)
            except CameraDisconnected as error:
                self._lose_camera(error)
                return
            except CaptureError as error:
                self._report(error)
                continue
            self._mark_ready()  # the camera took a picture (its own shutter button)
            self._store_later(staged, None)

    def _download(self, camera: Camera, ref: CameraFileRef) -> StagedImage:
        data = camera.download(ref)
        self._downloaded.add(ref)
        return self.store.stage_bytes(data, ref.name, source=f"camera:{ref.path}")

    def _mark_ready(self) -> None:
        """The camera took a picture: it is ready again if it was not."""
        status = self._status
        if status.connected and not status.ready:
            model = status.camera.model if status.camera is not None else "Camera"
            self._set_status(TetherStatus(True, f"{model} connected", camera=status.camera))

    def _lose_camera(self, error: CaptureError) -> None:
        self._drop_camera()
        self._failed_attempts = 0
        self._next_attempt = time.monotonic() + self._retry_delays[0]
        self._set_status(TetherStatus(False, str(error), error=error, next_retry_in=self._retry_delays[0]))

    def _drop_camera(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            camera.close()

    def _fail_pending_jobs(self, error: CaptureError) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None and not job.future.done():
                job.future.set_exception(error)

    # -- the store thread --------------------------------------------------------

    def _store_later(self, staged: StagedImage, result: Future | None) -> None:
        assert self._finisher is not None
        self._finisher.submit(self._finish, staged, result)

    def _finish(self, staged: StagedImage, result: Future | None) -> None:
        try:
            record = self.store.finish(staged)
        except Exception as error:
            staged.paths.remove_all()
            failure = (
                error
                if isinstance(error, CaptureError)
                else CaptureError(
                    f"Picture {staged.original_name} could not be stored: {error}. "
                    "It may still be on the camera's card."
                )
            )
            if result is not None:
                result.set_exception(failure)
            else:
                self._report(failure)
            return
        if result is not None:
            result.set_result(record)
        if record is not None:
            _call_safely(self._on_image, record)

    # -- callbacks -------------------------------------------------------------

    def _set_status(self, status: TetherStatus) -> None:
        changed = (status.connected, status.message) != (self._status.connected, self._status.message)
        self._status = status
        if changed:
            _call_safely(self._on_status, status)

    def _report(self, error: CaptureError) -> None:
        _call_safely(self._on_error, error)


def _call_safely(callback: Callable[[T], object] | None, value: T) -> None:
    """A failing UI callback must not stop the camera or store thread."""
    if callback is None:
        return
    try:
        callback(value)
    except Exception:
        log.exception("tether callback %r failed", callback)


def _pass_on_failure(done: Future, result: Future) -> None:
    if done.cancelled():
        result.cancel()
    elif done.exception() is not None and not result.done():
        result.set_exception(done.exception())
