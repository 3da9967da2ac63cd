"""`spectra migrate-to URL`: move the --db studio (SQLite) into an empty
PostgreSQL database, then verify the copy (data/migrate_to.py).

Prints each table as it is copied, the verification (rows per table in
SQLite and in PostgreSQL, the ledger totals per client, `spectra check` on
the copy) and what to do next. Exit 0: verified; 1: the copy differs (what
differs is listed); 2: refused (one line). The source is opened read-only
here (never migrated: a studio that needs upgrading is refused) and copied
with no other terminal open. Runs without a user: the studio's data is only
read, and the copy records the move in its audit log as "system".
"""

import os
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "migrate-to",
        help="move the studio into an empty PostgreSQL database and verify the copy",
        description="Copy the studio (--db, a SQLite file) into URL, an empty PostgreSQL database, in one "
        "transaction, then verify it: every table's rows, each client's ledger totals, `spectra check`. "
        "No other terminal may have the studio open meanwhile. The SQLite file is left as it was.",
    )
    parser.add_argument("url", metavar="URL", help="postgresql://USER@HOST/DATABASE, an empty database")
    parser.set_defaults(handler=run, read_only=True, to_postgres=True)  # (main keeps PostgreSQL's driver loadable)


def run(args) -> int:
    from ..data.db import resolve_target, shown
    from ..data.migrate_to import migrate_to

    source = resolve_target(args.db)
    print(f"Moving {shown(source)} to {shown(args.url)}, with no other terminal open...")
    verification = migrate_to(source, args.url, progress=_progress(sys.stdout.isatty()))
    _print_counts(verification.counts)
    for line in verification.lines():
        print(line)
    if not verification.ok:
        print(
            f"The copy differs from {shown(source)}: do not use it. Drop the database, make an empty one, and "
            "move the studio again."
        )
        return 1
    print(f"Ledger totals per client: equal ({verification.clients_compared} clients with ledger entries).")
    print("spectra check on PostgreSQL: OK: ledger consistent, numbers without gaps, audit chain keyed and complete.")
    _print_next_steps(source, args.url, verification.studio_id)
    return 0


def _progress(on_terminal: bool):
    def show(table: str, done: int, total: int) -> None:
        if on_terminal:
            end = "\n" if done == total else ""
            print(f"\r  {table:<24} {done:>9,} / {total:,} rows", end=end, flush=True)
        elif done == total:
            print(f"  {table:<24} {total:>9,} rows copied")

    return show


def _print_counts(counts: dict[str, tuple[int, int]]) -> None:
    print(f"{'Table':<24} {'SQLite':>10} {'PostgreSQL':>12}")
    for table, (source, target) in counts.items():
        mark = "" if source == target else "  differs"
        print(f"{table:<24} {source:>10,} {target:>12,}{mark}")


def _print_next_steps(source: str, url: str, studio_id: str) -> None:
    from ..data.db import shown
    from ..data.studio_key import KEY_ENV, key_path

    if os.environ.get(KEY_ENV):
        print(f"Other machines need the studio key: this one reads it from ${KEY_ENV}; set the same value there.")
    else:
        print(
            f"Other machines need the studio key: copy {key_path(studio_id)} into the same folder there "
            f"(owner-only), or set ${KEY_ENV} to its contents."
        )
    print(f"{shown(source)} is left as it was: keep it as the backup of the day of the move.")
    print(f"Next: every terminal opens the studio with `spectra --db {shown(url)}` (or sets SPECTRA_DB to that URL).")
