"""`spectra user add|passwd|disable|enable|unlock|list`: the staff's accounts, for admins at a shell.

Every action runs as a signed-in manager or owner (the credentials: see
cli/credentials.py), except during a new studio's first start: its first
account, the owner's, is added by nobody (`user add NAME --role owner`), and
that owner's first password is set by nobody (`user passwd NAME`). The rules
are data/accounts.py's; a refusal is one line and exit 2.

A new password is asked twice at a terminal, or read as one line from
standard input with --password-stdin (for scripts): never an argument, which
``ps`` would show to everyone.
"""

import argparse
import getpass
import sys

from ..data.errors import ValidationError

# data/models.py User.ROLES (not imported here: the parser is built before the database library loads)
ROLES = ("front_desk", "photographer", "manager", "owner")


def register(subparsers) -> None:
    from . import add_common_options

    parser = subparsers.add_parser(
        "user",
        help="add staff accounts, set passwords, disable, enable, unlock, list (a manager or the owner)",
        description="The staff's accounts. Runs as a manager or the owner (see --user and --credentials), "
        "except a new studio's first account, its owner's, and that owner's first password.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add an account (no password yet: then `spectra user passwd NAME`)")
    add.add_argument("username", metavar="NAME", help="the user name: small letters, digits, . _ -")
    add.add_argument("--full-name", required=True, metavar="TEXT", help="the person's full name")
    add.add_argument("--role", required=True, choices=ROLES, help="what the person may do")
    add.add_argument("--initials", default="", metavar="XX", help="default: from the full name")
    add.add_argument(
        "--photographs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="in the calendar's photographer columns (default: only a photographer)",
    )
    add.set_defaults(handler=run_add, needs_user=studio_has_accounts)

    passwd = actions.add_parser("passwd", help="set an account's password or PIN (unlocks it)")
    passwd.add_argument("username", metavar="NAME", help="user name, initials or full name")
    passwd.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new password as one line from standard input (for scripts)",
    )
    passwd.set_defaults(handler=run_passwd, needs_user=not_the_first_owners_password)

    for name, words, handler in (
        ("disable", "disable an account: it can no longer sign in (its history stays)", run_disable),
        ("enable", "enable a disabled account again", run_enable),
        ("unlock", "let a locked account try to sign in again at once", run_unlock),
    ):
        action = actions.add_parser(name, help=words)
        action.add_argument("username", metavar="NAME", help="user name, initials or full name")
        action.set_defaults(handler=handler, needs_user=True)

    listing = actions.add_parser(
        "list", help="every account: role, photographs (Shoots), active, whether it has a password, locked until"
    )
    listing.set_defaults(handler=run_list, needs_user=True)

    for action in actions.choices.values():
        add_common_options(action)


def studio_has_accounts(args) -> bool:
    from ..data.models import User

    return User.select().exists()


def not_the_first_owners_password(args) -> bool:
    from ..data.users import find_user, needs_first_start

    return not (needs_first_start() and find_user(args.username, include_disabled=True).role == "owner")


def described(user) -> str:
    return f"{user.username} ({user.full_name})"


def run_add(args) -> int:
    from ..data.accounts import Account, add_account

    user = add_account(Account(args.username, args.full_name, args.role, args.initials, args.photographs))
    print(f"Added {described(user)}, initials {user.initials}, {user.role_label.lower()}.")
    print(f"Set a password or PIN: spectra user passwd {user.username}")
    return 0


def run_passwd(args) -> int:
    from ..data.accounts import set_secret
    from ..data.users import find_user

    user = find_user(args.username, include_disabled=True)
    secret = read_new_password(user.username, from_stdin=args.password_stdin)
    set_secret(user, secret)
    print(f"Password set for {described(user)}.")
    return 0


def read_new_password(username: str, from_stdin: bool) -> str:
    """One line of standard input, or asked twice at the terminal (not echoed)."""
    if from_stdin:
        try:
            line = sys.stdin.readline()
        except UnicodeDecodeError:
            raise ValidationError("The password on standard input is not UTF-8 text.") from None
        secret = line.removesuffix("\n").removesuffix("\r")
        if not secret:
            raise ValidationError("No password on standard input (one line was expected).")
        return secret
    if sys.stdin is None or not sys.stdin.isatty():
        raise ValidationError(
            "Give the new password on standard input with --password-stdin (never as an argument), "
            "or run the command at a terminal."
        )
    secret = getpass.getpass(f"New password or PIN for {username}: ")
    if getpass.getpass("The same again: ") != secret:
        raise ValidationError("The two passwords differ: nothing was changed.")
    return secret


def run_disable(args) -> int:
    from ..data.accounts import set_active
    from ..data.users import find_user

    user = set_active(find_user(args.username, include_disabled=True), False)
    print(f"Disabled {described(user)}: the account can no longer sign in; its history stays.")
    return 0


def run_enable(args) -> int:
    from ..data.accounts import set_active
    from ..data.users import find_user

    user = set_active(find_user(args.username, include_disabled=True), True)
    print(f"Enabled {described(user)}: the account can sign in again.")
    return 0


def run_unlock(args) -> int:
    from ..data.accounts import unlock
    from ..data.users import find_user

    user = unlock(find_user(args.username, include_disabled=True))
    print(f"Unlocked {described(user)}: the account may try to sign in again now.")
    return 0


def run_list(args) -> int:
    from ..data import clock
    from ..data.permissions import Permission, require
    from ..data.users import all_users

    require(Permission.MANAGE_USERS)
    now = clock.utc_now()
    # Password before Locked until, mostly empty: the usual row fits 80 columns. Shoots: in the photographer columns.
    rows = [("User", "Init.", "Name", "Role", "Shoots", "Active", "Password", "Locked until")]
    for user in all_users():
        locked = user.locked_until is not None and user.locked_until > now
        rows.append(
            (
                user.username,
                user.initials,
                user.full_name,
                user.role_label,
                yes_no(user.photographs),
                yes_no(user.active),
                yes_no(bool(user.password_hash)),  # whether there is one; never the hash
                f"{clock.to_local(user.locked_until):%m/%d/%Y %H:%M}" if locked else "",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def yes_no(value: bool) -> str:
    return "yes" if value else "no"
