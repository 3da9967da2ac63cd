"""`spectra export clients|sessions|invoices|payments --out FILE.csv [--force]`.

A CSV file of the studio's data (data/exports.py: UTF-8 with a BOM, a header
row; the clients' file reads back through Import Clients). Exporting is a
manager's or the owner's, so the command runs as a user signed in with a
password (cli/credentials.py). An existing file is replaced only with --force.
"""

import argparse
from pathlib import Path

# data/exports.py's EXPORTS (not imported here: building the parser must not load the data layer)
WHAT = ("clients", "sessions", "invoices", "payments")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the clients, sessions, invoices or payments to a CSV file",
        description="Write the studio's clients, sessions, invoices or payments (every money entry of the ledger) "
        "to a CSV file: UTF-8 with a header row, money as exact decimals, times in the studio's time zone. "
        "The clients' file reads back through Import Clients. Exporting is a manager's or the owner's: the "
        "command runs as the user of the credentials (see README, Users and sign-in).",
    )
    parser.add_argument("what", choices=WHAT, help="what to export")
    parser.add_argument("--out", metavar="FILE.csv", required=True, help="the CSV file to write")
    parser.add_argument("--force", action="store_true", help="replace FILE.csv when it is already there")
    parser.set_defaults(handler=run, needs_user=True)


def run(args: argparse.Namespace) -> int:
    from ..data import exports
    from ..data.errors import ValidationError

    if not args.out.strip():
        raise ValidationError("--out is empty: give the CSV file to write.")
    path = Path(args.out).expanduser()
    try:
        count = exports.export(args.what, path, overwrite=args.force)
    except exports.ExportFileExists as exists:
        raise exports.ExportFileExists(f"{exists} Add --force to replace it, or choose another --out.") from None
    print(f"Wrote {exports.rows_written(args.what, count)} to {path}")
    return 0
