"""`spectra init`: make a new, empty studio (the schema, nothing else)."""


def register(subparsers) -> None:
    parser = subparsers.add_parser("init", help="make a new, empty studio at --db (refuses an existing one)")
    parser.set_defaults(handler=run, makes_studio="new")


def run(args) -> int:
    from ..data.db import resolve_target, shown

    print(f"New studio ready at {shown(resolve_target(args.db))}.")
    return 0
