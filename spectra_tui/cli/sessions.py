"""`spectra sessions`: the day's sessions with their numbers, for photographers at a shell.

Runs without a user: it only reads (--user is ignored)."""

from ..data.errors import ValidationError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sessions",
        help="list the day's sessions with their numbers (default: today)",
        description="Print the sessions of one day (default today) in time order: number, time, client, "
        "session type, photographer and status. Cancelled sessions are left out. The number "
        "is what `spectra capture` and `spectra import-images` take.",
    )
    parser.add_argument(
        "--date", metavar="DAY", help="the day: 11/26/2026, 2026-11-26, tomorrow, fri, +2d, -1d, last fri ..."
    )
    parser.add_argument(
        "--photographer", metavar="NAME", help="only this photographer's sessions (user name or full name)"
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..data.clock import today
    from ..data.sessions import day_schedule
    from ..data.users import find_user
    from ..data.when import DAY_EXAMPLES, parse_day

    if args.date is not None and not args.date.strip():
        raise ValidationError(f"--date is empty: give a day, e.g. {DAY_EXAMPLES} (or leave --date out for today).")
    day = parse_day(args.date) if args.date is not None else today()
    photographer = find_user(args.photographer) if args.photographer else None
    if photographer is not None and not photographer.is_photographer:
        raise ValidationError(f"{photographer.full_name} is not a photographer.")
    rows = [("No.", "Time", "Client", "Type", "Photographer", "Status")]
    for item in day_schedule(day):
        session, client = item.session, item.client
        if item.kind != "session" or session is None or client is None:  # a session's item has both
            continue
        if photographer is None or session.photographer_id == photographer.id:
            rows.append(
                (
                    str(session.number),
                    f"{item.start:%H:%M}-{item.end:%H:%M}",
                    client.full_name,
                    item.what,
                    item.who,
                    item.status,
                )
            )
    heading = f"{day:%A %m/%d/%Y}" + (f" · {photographer.full_name}" if photographer else "")
    if len(rows) == 1:
        print(f"No sessions on {heading}.")
        return 0
    print(f"Sessions on {heading}:")
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0
