"""`spectra restore SRC` on a PostgreSQL studio: SRC is a pg_dump archive
(custom format, as `spectra backup` makes them).

As on SQLite, the backup is checked before anything is replaced: it is
restored with pg_restore into a scratch database on the same server, brought
up to this program's schema and checked whole (`spectra check`) there. Only
then, with no other connection to the studio's database, the studio's
database is renamed "<db>_replaced_YYYYMMDD_HHMM" (kept, never dropped) and
the scratch database takes its name, both renames in one transaction. The
studio's role needs CREATEDB (for the scratch database) and to own the
studio's database (to rename it): without them the refusal says so.
"""

import os
import secrets
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from peewee import PostgresqlDatabase

from . import audit, clock, studio_key
from .backup import pg_options
from .db import DatabaseError, StudioInUse, close_connections, one_line
from .errors import DomainError
from .models import database
from .permissions import Permission, require
from .restore import BackupRejected, Restored, check_restored_books

DUMP_HEADER = b"PGDMP"  # the first bytes of pg_dump's custom format
MAX_NAME = 63  # PostgreSQL's longest identifier
CLOSING_PATIENCE = 2  # seconds


@dataclass
class CheckedDump:
    source: Path
    scratch: str  # the checked database on the studio's server that takes the studio's place
    server: "Server"

    def discard(self) -> None:
        self.server.execute(f"DROP DATABASE IF EXISTS {_name(self.scratch)} WITH (FORCE)")


class Server:
    """Statements about databases (CREATE, DROP, RENAME), run from the server's
    `postgres` database with autocommit: they cannot run inside the studio's
    own database or transaction."""

    def __init__(self, studio: PostgresqlDatabase) -> None:
        self.studio_name = studio.database
        self.params = dict(studio.connect_params)

    def execute(self, *statements: str, one_transaction: bool = False) -> list[tuple]:
        admin = PostgresqlDatabase("postgres", **self.params)
        admin.connect()
        try:
            connection = admin.connection()
            connection.autocommit = not one_transaction
            rows: list[tuple] = []
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
                    rows = cursor.fetchall() if cursor.description else []
            if one_transaction:
                connection.commit()
            return rows
        finally:
            admin.close()


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_dump(source: Path) -> CheckedDump:
    """The dump restored into a scratch database and checked there;
    BackupRejected (one line: what is wrong) when it is no backup to restore from."""
    require(Permission.RESTORE_BACKUP)
    if not source.is_file():
        raise BackupRejected(f"there is no file {source}.")
    with open(source, "rb") as head:
        if head.read(len(DUMP_HEADER)) != DUMP_HEADER:
            raise BackupRejected(
                f"{source} is not a backup of a PostgreSQL studio: it is not a pg_dump archive (`spectra backup` "
                "makes them)."
            )
    studio = database.obj
    server = Server(studio)
    scratch = f"{studio.database[: MAX_NAME - 19]}_restoring_{secrets.token_hex(4)}"
    try:
        server.execute(f"CREATE DATABASE {_name(scratch)}")
    except Exception as error:
        raise DatabaseError(
            f"the scratch database to check the backup in cannot be made: {one_line(error)} "
            "(the studio's role needs CREATEDB)."
        ) from error
    checked = CheckedDump(source, scratch, server)
    try:
        _restore_into(checked, studio)
        copy = PostgresqlDatabase(scratch, **server.params)
        database.initialize(copy)
        try:
            copy.connect()
            check_restored_books(source, copy)
        finally:
            copy.close()
            database.initialize(studio)
    except BaseException:
        checked.discard()
        raise
    return checked


def _restore_into(checked: CheckedDump, studio: PostgresqlDatabase) -> None:
    options = pg_options(checked.scratch, checked.server.params)
    program = shutil.which("pg_restore")
    if program is None:
        raise BackupRejected(
            "pg_restore is not installed here (Debian: apt-get install postgresql-client); by hand, with no "
            "terminal open: PGPASSWORD=... "
            + shlex.join(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    *pg_options(studio.database, checked.server.params),
                    str(checked.source),
                ]
            )
        )
    env = {**os.environ}
    if checked.server.params.get("password"):
        env["PGPASSWORD"] = str(checked.server.params["password"])
    done = subprocess.run(
        [program, "--no-owner", "--exit-on-error", *options, str(checked.source)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupRejected(
            f"{checked.source} cannot be restored: pg_restore says {one_line(RuntimeError(done.stderr or done.stdout))}"
        )


def others_connected(server: Server) -> int:
    """Connections to the studio's database other than this one (terminals, a
    psql): a database is renamed only with nobody in it."""
    rows = server.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
        f"{_literal(server.studio_name)} AND pid <> pg_backend_pid()"
    )
    return int(rows[0][0])


def refuse_if_connected(server: Server, mine: int = 0) -> None:
    """StudioInUse unless only ``mine`` connections are on the studio's
    database (a connection just closed leaves the list a moment later)."""
    others = others_connected(server) - mine
    for _ in range(CLOSING_PATIENCE * 10):
        if others <= 0:
            return
        time.sleep(0.1)
        others = others_connected(server) - mine
    raise StudioInUse(
        f"{others} other connection{'s are' if others != 1 else ' is'} open on the studio's database "
        "(terminals of the studio, or another program): close them, then restore."
    )


def restore_dump(checked: CheckedDump) -> Restored:
    """Put the checked scratch database in the studio's place, keeping the studio's."""
    require(Permission.RESTORE_BACKUP)
    studio = database.obj
    server = checked.server
    identity = studio_key.StudioIdentity.select().first()
    place = studio_key.database_place()
    kept = f"{server.studio_name[: MAX_NAME - 23]}_replaced_{clock.now():%Y%m%d_%H%M%S}"
    close_connections(studio)
    try:
        refuse_if_connected(server)
        server.execute(
            f"ALTER DATABASE {_name(server.studio_name)} RENAME TO {_name(kept)}",
            f"ALTER DATABASE {_name(checked.scratch)} RENAME TO {_name(server.studio_name)}",
            one_transaction=True,
        )
    except DomainError:
        checked.discard()
        raise
    except Exception as error:
        checked.discard()
        raise DatabaseError(f"the studio's database could not be replaced: {one_line(error)}") from error
    if identity is not None:
        kept_place = place.rsplit("/", 1)[0] + f"/{kept}"
        studio_key.move_anchor(identity.studio_id, place, kept_place)
    # The studio's database object names the database by its name: its next connection is the restored one.
    with database.atomic():
        audit.record("studio.restore", "studio", None, after={"from": str(checked.source.resolve()), "kept": kept})
    return Restored(checked.source, Path(kept))
