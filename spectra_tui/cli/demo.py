"""`spectra demo`: fill an empty database with a realistic studio."""
from ..data.demo import DEFAULT_CLIENTS, fill_demo


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="fill an EMPTY database with a realistic demo studio")
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS, metavar="N", help=f"number of clients (default {DEFAULT_CLIENTS})")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1): same seed, same studio")
    parser.set_defaults(handler=run)


def run(args) -> int:
    summary = fill_demo(clients=args.clients, seed=args.seed, progress=print)
    print(summary)
    return 0
