"""`spectra restore SRC [--yes]`: put a backup in the place of the studio.

The backup is checked first (an SQLite file of this program, whole, and the
whole of `spectra check` on it alone: data/restore.py; on PostgreSQL a
pg_dump archive restored into a scratch database and checked there:
data/restore_postgres.py); then, with no other terminal open, the database
is kept beside itself and the backup takes its place. Runs as a manager or
the owner of the studio being replaced; asks at a terminal unless --yes.
"""

import sys
from collections.abc import Callable
from pathlib import Path

from ..data.errors import DomainError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "restore",
        help="replace the studio with a checked backup, keeping the replaced one (a manager or the owner)",
        description="Check SRC (an SQLite backup of this program: integrity and `spectra check`; on PostgreSQL "
        "a pg_dump archive, restored into a scratch database and checked there), then, when no other terminal "
        "has the studio open, keep the database as <db>.replaced-DATE-TIME (PostgreSQL: <db>_replaced_DATE_TIME) "
        "and put SRC in its place. Runs as a manager or the owner (see --user and --credentials).",
    )
    parser.add_argument("source", metavar="SRC", help="the backup file")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(handler=run, needs_user=True)


def run(args) -> int:
    from ..data.db import is_postgres

    source = Path(args.source).expanduser()
    if is_postgres():
        from ..data.restore_postgres import check_dump, refuse_if_connected, restore_dump

        dump = check_dump(source)
        return put_in_place(
            dump,
            lambda: refuse_if_connected(dump.server, mine=1),  # this command's own connection
            "pg_restore reads it whole, and it passes `spectra check`",
            f"the studio's database {dump.server.studio_name}",
            restore_dump,
            args.yes,
        )
    from ..data.backup import studio_file
    from ..data.restore import check_backup, refuse_if_open_elsewhere, restore

    return put_in_place(
        check_backup(source),
        refuse_if_open_elsewhere,
        "it passes SQLite's integrity check and `spectra check`",
        f"the studio at {studio_file()}",
        restore,
        args.yes,
    )


def put_in_place(checked, refuse_if_open: Callable[[], None], proof: str, studio: str, restore, yes: bool) -> int:
    """Ask (unless ``yes``), then put the checked backup in the studio's place;
    the checked copy is discarded unless it took the studio's place."""
    try:
        refuse_if_open()
        print(f"{checked.source} is a sound backup: {proof}.")
        if not yes and not confirmed(f"Replace {studio} with it?"):
            print("Nothing was changed.")
            checked.discard()
            return 1
        done = restore(checked)
    except BaseException:
        checked.discard()
        raise
    print(f"Restored from {done.source}. The replaced database is kept as {done.kept}.")
    return 0


def confirmed(question: str) -> bool:
    if sys.stdin is None or not sys.stdin.isatty():
        raise DomainError("restore replaces the studio: confirm with --yes (no terminal to ask).")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
