"""The studio key and the chain's anchor: what the audit chain's proof rests on,
kept outside the database.

A studio has a random id, stored in the database (table ``studio_identity``).
Its key (32 random bytes, hex) is the file ``<id>.key`` in the user's config
folder (``studio-keys`` under platformdirs' user_config_path, folder 0700,
file 0600), or the value of $SPECTRA_STUDIO_KEY (hex or base64) for a studio
shared by several machines. Without the key nobody can write a valid audit
entry, so the chain cannot be rebuilt after a change made with plain SQL.

Beside the key, ``<id>-<place>.anchor`` holds the head of the chain
(position, id, hash of the newest entry) as this machine last saw it
committed in the database at that place (a file's path, a PostgreSQL
server's database): a database whose chain is shorter than the anchor, or
differs at the anchored entry, has lost its newest entries. The anchor only
moves forward. A copy of the studio kept elsewhere has an anchor of its own;
an anchor of another studio at the same place shows a studio replaced or its
identity reset.
"""

import base64
import binascii
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from peewee import CharField, IntegerField, SqliteDatabase

from .errors import DomainError
from .models import BaseModel, database

KEY_ENV = "SPECTRA_STUDIO_KEY"
ANCHOR_SIZE = 4096  # an anchor is written whole, padded to this size, in one write


class StudioKeyMissing(DomainError):
    """The studio's key is not on this machine: the chain can be neither written nor verified."""


class StudioIdentity(BaseModel):
    """One row: the studio's id, and where its keyed chain starts.

    ``keyed_after``: the last audit id written before the chain was keyed (0
    for a studio made keyed); ``legacy_head`` that entry's hash;
    ``legacy_count`` the audit counter then. ``seal`` is their HMAC under
    the key, so none of them can be moved without it."""

    studio_id = CharField(primary_key=True)
    keyed_after = IntegerField(default=0)
    legacy_head = CharField()
    legacy_count = IntegerField(default=0)
    seal = CharField()

    class Meta:
        table_name = "studio_identity"


@dataclass(frozen=True)
class Anchor:
    seq: int  # position of the head entry in the chain (the audit counter when it was written)
    entry_id: int
    hash: str


def key_folder() -> Path:
    from platformdirs import user_config_path

    return user_config_path("spectra-tui", appauthor=False) / "studio-keys"


def key_path(studio_id: str) -> Path:
    return key_folder() / f"{studio_id}.key"


def database_place() -> str:
    """Where the bound database lives: the real path of a SQLite file, or a
    PostgreSQL server's host, port and database name."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        name = db.database
        if name.startswith("file:"):  # opened read-only through a URI
            name = unquote(urlsplit(name).path)
        return file_place(name)
    params = getattr(db, "connect_params", {}) or {}
    return f"postgresql://{params.get('host', '')}:{params.get('port', '')}/{db.database}"


def file_place(path: str | os.PathLike) -> str:
    """The place of a SQLite file, as anchors name it."""
    return "sqlite:" + os.path.realpath(path)


def move_anchor(studio_id: str, from_place: str, to_place: str) -> None:
    """The studio's anchor at ``from_place`` now describes the file at
    ``to_place`` (a restore keeps the replaced database under a new name:
    the anchor goes with it, and the restored database starts its own)."""
    source = key_folder() / f"{studio_id}-{_place_tag(from_place)}.anchor"
    if source.exists():
        os.replace(source, key_folder() / f"{studio_id}-{_place_tag(to_place)}.anchor")


def forget_anchors_here() -> list[Path]:
    """Remove this machine's anchors of every studio at the bound database's
    place, once that database was found empty (`spectra migrate-to` into a
    database made anew under an earlier one's name): what they anchored is gone."""
    stale = sorted(key_folder().glob(f"*-{_place_tag(database_place())}.anchor"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _place_tag(place: str) -> str:
    return hashlib.sha256(place.encode()).hexdigest()[:12]


def anchor_path(studio_id: str) -> Path:
    return key_folder() / f"{studio_id}-{_place_tag(database_place())}.anchor"


def _folder() -> Path:
    folder = key_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _decode(text: str) -> bytes:
    text = text.strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
    if len(raw) < 16:
        raise StudioKeyMissing(f"${KEY_ENV} is not a studio key (hex or base64 of at least 16 bytes).")
    return raw


def new_studio_id() -> str:
    return secrets.token_hex(8)


def create_key(studio_id: str) -> bytes:
    """Make the key of a new studio (or use $SPECTRA_STUDIO_KEY when set)."""
    if os.environ.get(KEY_ENV):
        return load_key(studio_id)
    _folder()
    path = key_path(studio_id)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # owner-only from the first byte
    with os.fdopen(fd, "w") as out:
        out.write(key.hex() + "\n")
    return key


def load_key(studio_id: str) -> bytes:
    """The studio's key: $SPECTRA_STUDIO_KEY, else its file; raises StudioKeyMissing."""
    text = os.environ.get(KEY_ENV)
    if text:
        return _decode(text)
    path = key_path(studio_id)
    try:
        return _decode(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError, StudioKeyMissing):
        raise StudioKeyMissing(
            f"The key of this studio (id {studio_id}) is not on this machine: without it the audit log "
            f"can be neither written nor verified. Copy {path.name} from the machine that made the studio "
            f"into {path.parent} (owner-only), or set ${KEY_ENV}."
        ) from None


def mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), "sha256").hexdigest()


def read_anchor(studio_id: str) -> Anchor | None:
    """This machine's anchor of the studio's chain here; None when there is
    none yet. A damaged anchor file raises ValueError."""
    return _read(anchor_path(studio_id))


def _read(path: Path) -> Anchor | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # not half-way through a writer's update
        return _parse(os.pread(fd, ANCHOR_SIZE, 0), path)
    finally:
        os.close(fd)


def _parse(raw: bytes, path: Path) -> Anchor | None:
    if not raw.strip():
        return None  # made a moment ago by a writer that has not written it yet
    try:
        data = json.loads(raw)
        return Anchor(int(data["seq"]), int(data["id"]), str(data["hash"]))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the anchor file {path} cannot be read: {exc}") from exc


def other_studios_here(studio_id: str) -> list[tuple[Path, Anchor]]:
    """Anchors this machine keeps of other studios at this database's place."""
    tag = _place_tag(database_place())
    out = []
    for path in sorted(key_folder().glob(f"*-{tag}.anchor")):
        if not path.name.startswith(f"{studio_id}-"):
            try:
                anchor = _read(path)
            except ValueError:
                continue
            if anchor is not None:
                out.append((path, anchor))
    return out


def advance_anchor(studio_id: str, head: Anchor) -> None:
    """Move the anchor to ``head`` if it is further along (terminals of one
    machine take turns through a lock on the file; the anchor never goes
    back). Rewritten in place with one write of a fixed size, which is far
    cheaper than a new file renamed over it at every commit."""
    _folder()
    path = anchor_path(studio_id)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            current = _parse(os.pread(fd, ANCHOR_SIZE, 0), path)
        except ValueError:
            current = None  # a damaged anchor is replaced by a good one
        if current is not None and current.seq >= head.seq:
            return
        data = {"seq": head.seq, "id": head.entry_id, "hash": head.hash, "where": database_place()}
        text = json.dumps(data).encode()
        if len(text) > ANCHOR_SIZE:
            text = json.dumps({**data, "where": ""}).encode()
        os.pwrite(fd, text.ljust(ANCHOR_SIZE), 0)
    finally:
        os.close(fd)
