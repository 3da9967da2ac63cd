"""`spectra report NAME [--from DAY] [--to DAY] [--format table|csv|pdf] [--out FILE]`.

The table goes to the terminal; CSV and PDF go to --out, or into the studio's
documents folder (the command says where). A report that needs a permission
(the time sheet: a manager's) runs as a user signed in with a password; the
others only read the books and run without one."""

import argparse
import sys
from pathlib import Path

FORMATS = ("table", "csv", "pdf")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="print a report, or write it as CSV or PDF",
        description="Run report NAME over a period (both days included; default: the report's own period, "
        "such as this month). Days as the app reads them: 11/1, today, 2026-11-01, -1w...",
    )
    parser.add_argument("name", metavar="NAME", help="the report (an unknown name lists them)")
    parser.add_argument("--from", dest="start", metavar="DAY", default="", help="the period's first day")
    parser.add_argument("--to", dest="end", metavar="DAY", default="", help="the period's last day")
    parser.add_argument("--format", choices=FORMATS, default="table", help="table (default), csv or pdf")
    parser.add_argument(
        "--out", metavar="FILE", help="the CSV or PDF file to write (replaced if there); default: the documents folder"
    )
    parser.set_defaults(handler=run, needs_user=needs_user)


def needs_user(args: argparse.Namespace) -> bool:
    """A report with a permission runs as a signed-in user; an unknown name needs nobody (it is refused)."""
    from ..data import reports

    spec = reports.REPORTS.get(args.name)
    return spec is not None and spec.permission is not None


def run(args: argparse.Namespace) -> int:
    from ..data import reports
    from ..data.errors import ValidationError

    spec = reports.get_spec(args.name)
    if args.out is not None and not args.out.strip():
        raise ValidationError("--out is empty: give the file to write (or no --out: the documents folder).")
    if args.format == "table" and args.out:
        raise ValidationError("--out is for --format csv or pdf: the table is printed here.")
    start, end = reports.parse_period(args.start, args.end, spec.default_period)
    report = reports.build(spec, start, end)
    if args.format == "table":
        sys.stdout.write(reports.to_text(report))
        return 0
    path = reports.save(report, args.format, Path(args.out) if args.out else None)
    print(f"{report.title} ({report.period}) written to {path}.")
    return 0
