"""`spectra timesheet`: a week's time sheets as a CSV file, for payroll.

One row per user and day (paid hours per time code, the day's paid hours and
overtime), then the user's week total. Reading another person's sheet is for
a manager or the owner (data/timesheet.py), so the command runs as a user
signed in with a password (cli/credentials.py: $SPECTRA_USER and
$SPECTRA_PASSWORD, the credentials file, or the terminal).
"""

import csv
import io
from pathlib import Path

from ..data.errors import DomainError, ValidationError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "timesheet",
        help="write a week's time sheets to a CSV file",
        description="Write the time sheets of the week holding DAY to a CSV file: one row per user and day "
        "with the hours per time code, the paid hours and the overtime, then each user's week total. "
        "All the staff unless --user names one. Others' sheets are a manager's or the owner's to read: "
        "the command runs as the user of the credentials (see README, Users and sign-in).",
    )
    parser.add_argument(
        "--week", metavar="DAY", required=True, help="any day of the week: 11/26/2026, 2026-11-26, today, -1w ..."
    )
    parser.add_argument("--user", metavar="NAME", dest="sheet_user", help="only this person's sheet")
    parser.add_argument("--out", metavar="FILE.csv", required=True, help="the CSV file to write")
    parser.set_defaults(handler=run, needs_user=True)


def run(args) -> int:
    from ..data.timeclock import TIME_CODES
    from ..data.timesheet import sheet_users, time_sheet, week_start
    from ..data.users import find_user
    from ..data.when import DAY_EXAMPLES, parse_day

    if not args.week.strip():
        raise ValidationError(f"--week is empty: give a day of the week, e.g. {DAY_EXAMPLES}.")
    day = parse_day(args.week)
    people = [find_user(args.sheet_user, include_disabled=True)] if args.sheet_user else sheet_users(day)
    sheets = [time_sheet(person, day) for person in people]
    rows = io.StringIO()
    out = csv.writer(rows)
    codes = list(TIME_CODES)
    out.writerow(["user", "name", "date", *(f"{code}_hours" for code in codes), "paid_hours", "overtime_hours"])
    for sheet in sheets:
        who = [sheet.user.username, sheet.user.full_name]
        for sheet_day in sheet.days:
            spent = [_hours(sheet_day.seconds[code]) for code in codes]
            out.writerow([*who, sheet_day.day.isoformat(), *spent, _hours(sheet_day.paid), _hours(sheet_day.overtime)])
        totals = [_hours(sheet.total(code)) for code in codes]
        out.writerow([*who, "week total", *totals, _hours(sheet.paid), _hours(sheet.overtime)])
    path = Path(args.out).expanduser()
    try:
        path.write_text(rows.getvalue(), encoding="utf-8", newline="")
    except OSError as error:
        raise DomainError(f"cannot write {path}: {error.strerror or error}.") from None
    people_count = f"{len(sheets)} {'person' if len(sheets) == 1 else 'people'}"
    print(f"Time sheets of the week of {week_start(day):%a %m/%d/%Y} for {people_count} written to {path}.")
    return 0


def _hours(seconds: int) -> str:
    """'8.25': hours to two decimals."""
    from ..data.timesheet import hours

    return str(hours(seconds))
