"""`spectra check`: integrity check and ledger invariants; exit 1 on any violation."""


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="verify the database and the books (exit 1 on any problem)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..data.check import run_checks  # loaded for this command only, not at every start of the app

    problems = run_checks()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.")
        return 1
    print("OK: database intact, ledger consistent, numbers without gaps.")
    return 0
