"""`spectra capture SESSION_NO`: take pictures with the camera straight into a session.

Runs as a staff user (cli/credentials.py): each stored picture is audited with their name."""

import hashlib
import os
import sys
from pathlib import Path

from ..data.errors import ValidationError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "capture",
        help="take N pictures with the connected camera into a session",
        description="Trigger the camera N times and download each picture at once into the session's image "
        "folder under its next image number (recorded in the database), printing each stored "
        "file's path. A picture the session already has (same content) is not stored again, and "
        "said so. libgphoto2's virtual camera: --vcam DIR (or VCAMERADIR=DIR) with a JPEG in DIR.",
    )
    parser.add_argument("session", type=int, metavar="SESSION_NO", help="the session number")
    parser.add_argument("--count", type=int, default=1, metavar="N", help="how many pictures (default 1)")
    parser.add_argument(
        "--port", metavar="PORT", help="the camera's port, e.g. usb:001,007 (default: the first camera)"
    )
    parser.add_argument("--vcam", metavar="DIR", help="use libgphoto2's virtual camera, sending the JPEG in DIR")
    parser.set_defaults(handler=run, needs_user=True)


def use_virtual_camera(folder: str) -> None:
    """Point libgphoto2 at its virtual camera (before gphoto2 is first imported)."""
    path = Path(folder).expanduser().resolve()
    if not path.is_dir():
        raise ValidationError(f"--vcam: {path} is not a folder (give a folder holding a JPEG).")
    if "gphoto2" in sys.modules:
        raise ValidationError("--vcam must be set before the camera library is loaded.")
    os.environ["VCAMERADIR"] = str(path)


def run(args) -> int:
    if not 1 <= args.count <= 999:
        raise ValidationError("--count must be from 1 to 999.")
    from ..data.images import session_store
    from ..data.models import SessionImage
    from ..data.sessions import get_session

    session = get_session(args.session)
    if args.vcam:
        use_virtual_camera(args.vcam)
    from ..capture import CaptureError, GPhotoCamera
    from ..capture.shooting import files_still_arriving

    store = session_store(session)
    stored = duplicates = 0
    try:
        with GPhotoCamera.open(args.port) as camera:
            info = camera.info()
            print(
                f"{info.model} on {info.port}: {args.count} picture(s) into session {session.number} "
                f"({session.client.full_name}), folder {store.session_dir}",
                file=sys.stderr,
            )
            for shot_number in range(1, args.count + 1):
                shot = camera.capture()
                refs = [shot] + [ref for ref in files_still_arriving(camera) if ref != shot]
                for ref in refs:
                    data = camera.download(ref)
                    record = store.add_bytes(data, ref.name, source=f"camera:{ref.path}")
                    if record is not None:
                        stored += 1
                        print(record.original_path, flush=True)
                        continue
                    duplicates += 1
                    sha = hashlib.sha256(data).hexdigest()
                    same = SessionImage.get_or_none((SessionImage.session == session.id) & (SessionImage.sha256 == sha))
                    what = f"image {same.number}" if same is not None else "a picture already in the session"
                    print(
                        f"Shot {shot_number}: the camera returned the same picture as {what} ({ref.name}); "
                        "not stored again.",
                        file=sys.stderr,
                    )
    except CaptureError as error:
        print(f"spectra: {error}", file=sys.stderr)
        if stored:
            print(f"{stored} picture(s) were stored before this.", file=sys.stderr)
        return 2
    summary = f"Stored {stored} new image(s) in session {session.number}."
    if duplicates:
        summary += f" {duplicates} duplicate(s) not stored."
    print(summary, file=sys.stderr)
    return 0
