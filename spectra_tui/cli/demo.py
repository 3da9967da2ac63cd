"""`spectra demo`: fill an empty database with a realistic studio (made if missing).

Runs without a user: an empty studio has none; the demo adds its staff itself."""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="fill an EMPTY database with a realistic demo studio (made if there is none)"
    )
    parser.add_argument(
        "--clients", type=int, metavar="N", help="number of clients (default: the demo studio's usual few hundred)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, metavar="S", help="random seed (default 1): same seed, same studio"
    )
    parser.set_defaults(handler=run, makes_studio="if missing")


def run(args) -> int:
    from ..data.db import wait_for_writers
    from ..data.demo import fill_demo  # loaded for this command only, not at every start of the app

    sizes = {} if args.clients is None else {"clients": args.clients}
    wait_for_writers(minutes=30)  # a second `demo` started at once waits for the first, then finds the data
    summary = fill_demo(seed=args.seed, progress=print, **sizes)
    print(summary)
    return 0
