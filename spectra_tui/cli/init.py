"""`spectra init`: make a new, empty studio (the schema, nothing else).

Runs without a user: a new studio has none (its owner: `spectra user add NAME --role owner`)."""


def register(subparsers) -> None:
    parser = subparsers.add_parser("init", help="make a new, empty studio at --db (refuses an existing one)")
    parser.set_defaults(handler=run, makes_studio="new")


def run(args) -> int:
    from ..data.db import resolve_target, shown

    print(f"New studio ready at {shown(resolve_target(args.db))}.")
    return 0
