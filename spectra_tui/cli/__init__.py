"""`spectra`: opens the TUI, or runs a subcommand for the shell.

Each subcommand lives in its own module of this package with
``register(subparsers)``; its handler receives the parsed arguments after the
database is open and returns the exit code. Only a command that sets
``makes_studio`` (init, demo) may make a new studio.

A command that changes the studio runs as a staff user, signed in with a
password (cli/credentials.py says from where; the lockout applies) before its
handler runs: it sets ``needs_user`` (True, or a function of the parsed
arguments asked once the studio is open: the first owner's account needs
nobody). They are `user`, `capture`, `import-images` (each picture's
audit entry names who brought it in), `import-clients` and `restore`. Commands
that only read (check, sessions, ical, invoice-pdf, backup, report but the
manager's reports) or make a studio (init, demo) run without a user and ignore --user,
as does the scheduled send-reminders (it runs as "system").
`timesheet` and `export` run as a user too: what they read is partly or
wholly a manager's (data/permissions.py).

A refusal exits 2 with one line; an unexpected error exits 1 with one line,
its traceback in a log file (cli/crash.py).
"""

import argparse
import gc
import importlib
import os
import sys

from ..data.errors import DomainError

# Modules of this package that add subcommands, in the order --help lists them.
COMMAND_MODULES = (
    "init",
    "demo",
    "check",
    "ical",
    "sessions",
    "invoice_pdf",
    "capture",
    "import_images",
    "import_clients",
    "user",
    "timesheet",
    "export",
    "report",
    "send_reminders",
    "backup",
    "restore",
    "migrate_to",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spectra",
        description="Spectra TUI: studio management for portrait photography studios. "
        "With no subcommand, opens the app.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file or postgresql:// URL (default: $SPECTRA_DB, else a file in your data directory)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="the staff user a command runs as (default: $SPECTRA_USER); the password comes from "
        "$SPECTRA_PASSWORD, the credentials file or the terminal, never from an argument",
    )
    parser.add_argument(
        "--credentials",
        metavar="FILE",
        help="the credentials file (user = NAME, password = SECRET; chmod 600) of a command run as a user "
        "(default: credentials in your config folder, when there is one)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    for command in subparsers.choices.values():  # `spectra init --db PATH` reads as well as `spectra --db PATH init`
        add_common_options(command)
    return parser


def add_common_options(command: argparse.ArgumentParser) -> None:
    """The options a command also takes after its name (`spectra user list --db X`)."""
    command.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="as before the command")
    command.add_argument("--credentials", metavar="FILE", default=argparse.SUPPRESS, help="as before the command")


def open_db(args) -> None:
    from ..data.db import open_database

    makes = getattr(args, "makes_studio", "")  # "" opens an existing one; "new" (init), "if missing" (demo)
    # a subcommand that only reads (check) opens the studio as it is: read-only, not migrated
    open_database(args.db, create=bool(makes), must_be_new=makes == "new", read_only=getattr(args, "read_only", False))
    needs_user = getattr(args, "needs_user", False)
    if needs_user is True or (callable(needs_user) and needs_user(args)):
        sign_in_for_command(args)


def sign_in_for_command(args) -> None:
    """Sign in the user the command runs as, checking the password (cli/credentials.py)."""
    from ..data.accounts import SignInRefused, sign_in_as
    from .credentials import ENV_PASSWORD, find_credentials, terminal_asker

    found = find_credentials(args.user, args.credentials, ask=terminal_asker())
    os.environ.pop(ENV_PASSWORD, None)  # read: not handed down to the processes this one starts
    try:
        sign_in_as(found.user, found.password)
    except SignInRefused as refused:
        raise SignInRefused(f"{str(refused).rstrip('.')}; the user and password came from {found.source}.") from None


# Options whose value may begin with a dash ("--date -1d"): argparse would take it for an option.
DASHED_VALUE_OPTIONS = ("--date", "--week", "--from", "--to")


def attach_dashed_values(argv: list[str]) -> list[str]:
    """["--date", "-1d"] -> ["--date=-1d"], so argparse reads the value as the option's."""
    joined: list[str] = []
    for arg in argv:
        if joined and joined[-1] in DASHED_VALUE_OPTIONS and arg.startswith("-") and arg[1:2].isdigit():
            joined[-1] = f"{joined[-1]}={arg}"
        else:
            joined.append(arg)
    return joined


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(attach_dashed_values(sys.argv[1:] if argv is None else argv))
    if "://" not in (args.db or os.environ.get("SPECTRA_DB") or "") and not getattr(args, "to_postgres", False):
        skip_postgres_drivers()
    try:
        if args.command is None:
            return run_app(args)
        open_db(args)
        return int(args.handler(args) or 0)
    except DomainError as error:
        print(f"spectra: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("spectra: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        from .crash import report_crash

        print(f"spectra: {report_crash(error)}", file=sys.stderr)
        return 1


def skip_postgres_drivers() -> None:
    """A SQLite studio never needs PostgreSQL's drivers, which peewee imports
    as it loads whenever they are installed (psycopg2 alone ~8 ms of every
    start). Marked unimportable for this process, before peewee loads."""
    if "peewee" not in sys.modules:
        for name in ("psycopg2", "psycopg2cffi", "psycopg"):
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "cannot be imported" (not in typeshed)


def run_app(args) -> int:
    """The app signs in on its own screen, checking the password: --user (or
    $SPECTRA_USER) only fills in the name there."""
    open_db(args)
    from ..data.users import sign_in

    sign_in(None)  # (a subcommand runs as --user; the app asks)
    from ..app import SpectraApp

    try:
        # textual-image asks the terminal about graphics (kitty, Sixel) and its
        # cell size now: once the app runs, the terminal's answers would go to Textual.
        import textual_image.widget  # noqa: F401
    except Exception:  # no answer / not a terminal: previews fall back to half-blocks
        pass
    # What start-up built (modules, classes) lives as long as the program:
    # frozen, the garbage collector no longer walks it while the first
    # screen is made (a full collection there cost ~15 ms of start-up).
    gc.freeze()
    app = SpectraApp(
        user_name=args.user or os.environ.get("SPECTRA_USER") or "", send_messages=True, daily_backups=True
    )
    app.run()
    if app.crash is not None:  # SpectraApp ended on it without printing it (locals hold client data)
        raise app.crash
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
