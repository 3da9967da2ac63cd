"""`spectra ical`: the bookings from today as an RFC 5545 calendar (.ics).

Runs without a user: it only reads (--user is ignored)."""

import sys
from pathlib import Path

from ..data.errors import ValidationError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ical",
        help="write the bookings from today as an iCalendar (.ics) file",
        description="Write the sessions and appointments from today for N days as an RFC 5545 "
        "calendar in the studio's time zone. Cancelled and no-show bookings are left out "
        "unless --include-cancelled (then they carry STATUS:CANCELLED).",
    )
    parser.add_argument("--photographer", metavar="NAME", help="only this person's bookings (user name or full name)")
    parser.add_argument("--days", type=int, default=60, metavar="N", help="how many days from today (default 60)")
    parser.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    parser.add_argument(
        "--include-cancelled", action="store_true", help="also write cancelled / no-show bookings, as STATUS:CANCELLED"
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..data.ical import build_calendar
    from ..data.users import find_user

    if not 1 <= args.days <= 3660:
        raise ValidationError("--days must be from 1 to 3660.")
    photographer = find_user(args.photographer) if args.photographer else None
    cal, count = build_calendar(days=args.days, photographer=photographer, include_cancelled=args.include_cancelled)
    data = cal.to_ical()
    if args.out:
        target = Path(args.out).expanduser()
        if target.is_dir():
            raise ValidationError(f"{target} is a folder; give the name of the .ics file to write.")
        try:
            target.write_bytes(data)
        except OSError as error:
            raise ValidationError(f"Cannot write {target}: {error.strerror or error}.") from None
        print(f"Wrote {count} booking(s) to {target}.", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
