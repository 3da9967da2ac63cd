"""`spectra check`: integrity check and ledger invariants.

Exit 0: the books are proven whole. Exit 1: a problem was found (a damaged
file included). Exit 2: nothing could be proven: the studio needs upgrading
by the app first, or its key is not on this machine. The database is opened
read-only and never migrated or written; a clean check moves this machine's
anchor of the chain forward (a file beside the studio key, see studio_key.py).
Runs without a user: it only reads (and signing in would write the sign-in counters).
"""


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="verify the database and the books (exit 1 on any problem)")
    parser.set_defaults(handler=run, read_only=True)


DAMAGE_SIGNS = ("malformed", "not a database", "corrupt", "disk i/o")


def run(args) -> int:
    import sqlite3

    from peewee import DatabaseError

    from ..data.check import run_checks  # loaded for this command only, not at every start of the app
    from ..data.db import pending_migrations
    from ..data.models import database

    try:
        pending = pending_migrations(database.obj)
        if pending:
            print(
                "This studio needs upgrading: open it with the app (spectra) first, then check it "
                f"(pending: {', '.join(pending)})."
            )
            return 2
        problems = run_checks(advance_anchor=True)
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        if not any(sign in str(exc).lower() for sign in DAMAGE_SIGNS):
            print(f"The database could not be read: {exc}")
            return 2
        print(f"database file: the file is damaged ({exc}); restore it from a backup.")
        return 1
    for problem in problems:
        print(problem)
    found = [p for p in problems if not p.unverifiable]
    if found:
        print(f"{len(found)} problem(s) found.")
        return 1
    if problems:
        print("Not verified: the books could not be proven whole on this machine.")
        return 2
    print("OK: database intact, ledger consistent, numbers without gaps, audit chain keyed and complete.")
    return 0
