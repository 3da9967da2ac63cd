"""`spectra import-images SESSION_NO DIR`: copy a folder or memory card into a session.

Runs as a staff user (cli/credentials.py): each picture is audited with their name."""

import signal
import sys
import threading
import time

from ..data.errors import ValidationError
from ..data.text import strip_controls

PROGRESS_EVERY_SECONDS = 0.2  # how often the progress line is redrawn on a terminal
LOG_EVERY_SECONDS = 5.0  # ... and how often a line is written when the output is not a terminal


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-images",
        help="import the pictures of a folder or memory card into a session",
        description="Copy every picture (JPEG, PNG, TIFF, RAW) under DIR into the session's image folder, "
        "numbered after the session's last image and recorded in the database. Pictures the "
        "session already has are skipped and named with the image they match; other files "
        "(.xmp sidecars, hidden ._ files) are counted and left alone; a file that cannot be read "
        "is listed and the rest go on. Ctrl+C stops after the files in flight (those already "
        "numbered stay) and exits 130. Exit 0 when every picture came in, 1 when some failed or "
        "DIR holds no pictures, 2 when nothing could be imported.",
    )
    parser.add_argument("session", type=int, metavar="SESSION_NO", help="the session number")
    parser.add_argument("folder", metavar="DIR", help="the folder or the memory card's mount point")
    parser.add_argument("--workers", type=int, metavar="N", help="processes preparing pictures (default: one a core)")
    parser.set_defaults(handler=run, needs_user=True)


class ProgressPrinter:
    """The progress line on stderr: redrawn in place on a terminal, a line now and then elsewhere."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last = 0.0
        self.width = 0

    def __call__(self, progress) -> None:
        from ..data.images import progress_line

        moment = time.monotonic()
        finished = progress.done >= progress.total
        if not finished and moment - self.last < (PROGRESS_EVERY_SECONDS if self.tty else LOG_EVERY_SECONDS):
            return
        self.last = moment
        text = f"Importing: {progress_line(progress)}"
        if self.tty:
            self.stream.write("\r" + text.ljust(self.width))
            self.width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty and self.width:
            self.stream.write("\n")
            self.stream.flush()


def run(args) -> int:
    from ..capture import CaptureError, import_folder
    from ..data.images import session_store, thread_connection
    from ..data.sessions import get_session

    if args.workers is not None and not 1 <= args.workers <= 64:
        raise ValidationError("--workers must be from 1 to 64.")
    session = get_session(args.session)
    store = session_store(session)
    cancel = threading.Event()
    printer = ProgressPrinter()
    outcome: dict = {}

    def work() -> None:
        with thread_connection():
            try:
                outcome["result"] = import_folder(
                    args.folder, store, progress=printer, cancel=cancel, workers=args.workers
                )
            except CaptureError as error:
                outcome["error"] = error
            except Exception as error:  # a bug: still a message, never a traceback
                outcome["error"] = error

    print(
        f"Importing {args.folder} into session {session.number} ({session.client.full_name}) -> {store.session_dir}",
        file=sys.stderr,
    )
    worker = threading.Thread(target=work, name="spectra-import")

    def stop(signum, frame) -> None:
        """Ctrl+C: finish the pictures in flight, then report. (A KeyboardInterrupt
        raised inside Thread.join can make the thread look finished while it runs.)"""
        if not cancel.is_set():
            cancel.set()
            printer.end()
            print("Stopping after the pictures in flight...", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, stop)
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
    finally:
        signal.signal(signal.SIGINT, previous)
    interrupted = cancel.is_set()
    printer.end()
    if "result" not in outcome:
        print(f"spectra: {outcome.get('error') or 'the import stopped unexpectedly'}", file=sys.stderr)
        return 2
    result = outcome["result"]
    if result.found_no_pictures:
        print(f"spectra: {strip_controls(result.summary())}", file=sys.stderr)
        return 1
    # File names come from the card as they are: no control character reaches the terminal.
    print(strip_controls(result.summary()))
    for image in result.without_previews:
        print(strip_controls(f"  no preview (RAW): {image.original_name} -> image {image.number}"))
    for duplicate in result.duplicates:
        print(strip_controls(f"  skipped: {duplicate}"))
    for failed in result.failed:
        print(strip_controls(f"  failed: {failed.path}: {failed.reason}"))
    if interrupted:
        print("Stopped by Ctrl+C: run the same command again to bring in the rest (what came in is skipped).")
        return 130
    return 1 if result.failed else 0
