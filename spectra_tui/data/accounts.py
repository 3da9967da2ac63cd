"""The staff's accounts: adding, changing and disabling them, passwords, and
signing in with the lockout.

Managing accounts is for a manager or the owner (permissions.py), with two
exceptions: a studio's very first account, which is its owner (the first
start), and a user changing their own password. The studio keeps at least
one active owner who can sign in.

Signing in: after ``SLOW_AFTER`` wrong tries in a row each further try must
wait longer (2, 4, 8... seconds after the last one); at ``LOCK_AFTER`` the
account locks for ``LOCK_MINUTES`` or until a manager unlocks it. The tries
are counted in the database, so every terminal sees the same count.
"""

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from . import audit, clock, passwords, versions
from .db import write_transaction
from .errors import DomainError, FieldErrors, NotFound, ValidationError
from .models import User
from .permissions import Permission, require
from .text import one_line
from .users import all_users, current_user, needs_first_start, sign_in

SLOW_AFTER = 3
LOCK_AFTER = 6
LOCK_MINUTES = 15
MAX_NAME = 80
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")


class SignInRefused(DomainError):
    """Wrong name or secret, a locked or disabled account, or a try too soon."""


@dataclass(frozen=True)
class Account:
    """An account's fields as a form has them (text as typed)."""

    username: str
    full_name: str
    role: str = "front_desk"
    initials: str = ""  # empty: from the full name
    photographs: bool | None = None  # None: a photographer photographs, others do not
    color: str = "#5f87af"


def _clean(account: Account, user: User | None = None) -> dict:
    """The stored values of ``account``, every field's problem at once (FieldErrors)."""
    errors: dict[str, str] = {}
    username = one_line(account.username).lower()
    full_name = one_line(account.full_name)
    initials = one_line(account.initials).upper() or _free_initials(full_name, user)
    if not USERNAME.match(username):
        errors["username"] = "A user name is 1 to 32 small letters or digits (., _ and - allowed after the first)."
    elif User.select().where((User.username == username) & (User.id != (user.id if user else 0))).exists():
        errors["username"] = f"The user name '{username}' is taken."
    if not full_name:
        errors["full_name"] = "Enter the person's full name."
    elif len(full_name) > MAX_NAME:
        errors["full_name"] = f"A name is at most {MAX_NAME} characters long."
    if not initials.isalnum() or len(initials) > 5:
        errors["initials"] = "Initials are 1 to 5 letters or digits."
    elif _taken_initials(initials, user):
        errors["initials"] = f"{initials} are someone else's initials: add a letter."
    if account.role not in User.ROLES:
        errors["role"] = f"Choose a role: {', '.join(User.ROLE_LABELS.values())}."
    if not COLOR.match(account.color or ""):
        errors["color"] = "A colour is written #rrggbb, e.g. #5f87af."
    if errors:
        raise FieldErrors(errors)
    photographs = account.role == "photographer" if account.photographs is None else bool(account.photographs)
    return {
        "username": username,
        "full_name": full_name,
        "initials": initials,
        "role": account.role,
        "photographs": photographs,
        "color": account.color.lower(),
    }


def _taken_initials(initials: str, user: User | None) -> bool:
    return User.select().where((User.initials == initials) & (User.id != (user.id if user else 0))).exists()


def _free_initials(full_name: str, user: User | None) -> str:
    """The name's initials, with a digit added when someone else has them (AR, AR2...)."""
    initials = "".join(part[0] for part in full_name.split() if part[:1].isalnum()).upper()[:3] or "X"
    candidate, n = initials, 1
    while _taken_initials(candidate, user):
        n += 1
        candidate = f"{initials}{n}"
    return candidate


@write_transaction
def add_account(account: Account, secret: str | None = None) -> User:
    """A new account (a manager's or the owner's work; the studio's first one is its owner's)."""
    if not User.select().exists():
        if account.role != "owner":
            raise ValidationError("The studio's first account is its owner's.", "role")
    else:
        require(Permission.MANAGE_USERS)
    values = _clean(account)
    if secret is not None:
        values["password_hash"] = passwords.hash_secret(passwords.check_secret(secret, values["username"]))
    user = User.create(**values)
    audit.record("user.add", "user", user.id, None, user)
    return user


def staff_accounts() -> list[User]:
    """Every account, the disabled ones last: the Staff screen's list (a manager's or the owner's)."""
    require(Permission.MANAGE_USERS)
    return all_users()


def check_typed_twice(secret: str, again: str) -> None:
    """A new password or PIN is typed twice: the same both times."""
    if (secret or "") != (again or ""):
        raise ValidationError("The two passwords (or PINs) are not the same: type them again.", "again")


def owner_without_password() -> User | None:
    """An upgraded studio's owner account that cannot sign in yet (no password)."""
    return (
        User.select()
        .where((User.role == "owner") & (User.active == True) & (User.password_hash == ""))  # noqa: E712
        .order_by(User.id)
        .first()
    )


@write_transaction
def set_up_owner(account: Account, secret: str, again: str) -> User:
    """The first start's owner account, then signed in: a new studio's first
    account; or, in an upgraded studio whose owner has no password yet, that
    owner's password (the account as it is). Refused once the studio has an
    owner who can sign in."""
    if not needs_first_start():
        raise DomainError("The studio's owner account is already set up: the owner signs in with it.")
    check_typed_twice(secret, again)
    existing = owner_without_password()
    if existing is not None:
        owner = set_secret(existing, secret)
    elif User.select().exists():
        raise DomainError("The studio has accounts but no owner: run `spectra user add` to make the owner's.")
    else:
        owner = add_account(dataclasses.replace(account, role="owner"), secret)
    sign_in(owner)
    return owner


def create_user(
    username: str,
    full_name: str,
    role: str = "front_desk",
    color: str = "#5f87af",
    photographs: bool | None = None,
    password: str | None = None,
) -> User:
    """``add_account`` with the fields as arguments (the demo, tests, the CLI)."""
    return add_account(Account(username, full_name, role, "", photographs, color), password)


@write_transaction
def update_account(user: User, account: Account) -> User:
    """Save the account form; refused when another terminal saved it since it was loaded."""
    require(Permission.MANAGE_USERS)
    stored = versions.current(user, f"{user.full_name}'s account")
    values = _clean(account, stored)
    if stored.role == "owner" and values["role"] != "owner":
        _keep_an_owner(stored, "change the role of")
    before = audit.snapshot(stored)
    if versions.write_changes(stored, f"{user.full_name}'s account", **values):
        audit.record("user.edit", "user", user.id, before, stored)
    return versions.adopt(user, stored)


@write_transaction
def set_active(user: User, active: bool) -> User:
    """Disable an account (it can no longer sign in; its history stays) or enable it again."""
    require(Permission.MANAGE_USERS)
    stored = _stored(user)
    me = current_user()
    if not active and me is not None and me.id == stored.id:
        raise DomainError("You cannot disable your own account while signed in with it.")
    if not active and stored.role == "owner":
        _keep_an_owner(stored, "disable")
    before = audit.snapshot(stored)
    if versions.write_changes(stored, f"{stored.full_name}'s account", active=bool(active)):
        audit.record("user.enable" if active else "user.disable", "user", stored.id, before, stored)
    return versions.adopt(user, stored)


@write_transaction
def set_secret(user: User, secret: str, current_secret: str | None = None) -> User:
    """A new password or PIN: a manager sets anyone's; a user changes their own
    by giving the current one. Unlocks the account."""
    stored = _stored(user)
    me = current_user()
    if me is not None and me.id == stored.id and current_secret is not None:
        if not passwords.matches(stored.password_hash, current_secret):
            raise ValidationError("That is not your current password.", "current_password")
    elif not (needs_first_start() and stored.role == "owner"):
        require(Permission.MANAGE_USERS)
    new_hash = passwords.hash_secret(passwords.check_secret(secret, stored.username))
    versions.write_changes(
        stored, f"{stored.full_name}'s account", password_hash=new_hash, failed_sign_ins=0, locked_until=None
    )
    audit.record("user.password", "user", stored.id, None, {"note": "password or PIN set"})
    return versions.adopt(user, stored)


@write_transaction
def unlock(user: User) -> User:
    """A manager lets a locked account try again at once."""
    require(Permission.MANAGE_USERS)
    stored = _stored(user)
    before = audit.snapshot(stored)
    if versions.write_changes(stored, f"{stored.full_name}'s account", failed_sign_ins=0, locked_until=None):
        audit.record("user.unlock", "user", stored.id, before, stored)
    return versions.adopt(user, stored)


def _stored(user: User) -> User:
    stored = User.get_or_none(User.id == user.id)
    if stored is None:
        raise NotFound(f"{user.full_name}'s account no longer exists.")
    return stored


def _keep_an_owner(user: User, doing: str) -> None:
    others = User.select().where((User.role == "owner") & (User.active == True) & (User.id != user.id))  # noqa: E712
    if not others.exists():
        raise DomainError(
            f"{user.full_name} is the studio's only owner: make someone else owner before you {doing} them."
        )


# ---------------------------------------------------------------- signing in


def authenticate(name: str, secret: str) -> User:
    """The user ``name`` (user name or initials) if ``secret`` is theirs; else
    SignInRefused, after counting the failure. Does not sign in (see ``sign_in_as``)."""
    user = User.get_or_none(User.username == (name or "").strip().lower())
    if user is None and (name or "").strip():
        user = User.get_or_none(User.initials == name.strip().upper())
    if user is None:
        passwords.spend_time_as_if_checking(secret or "")
        raise SignInRefused("Wrong user name or password.")
    if not user.active:
        raise SignInRefused(f"{user.full_name}'s account is disabled: a manager can enable it.")
    now = clock.utc_now()
    if user.locked_until is not None and user.locked_until > now:
        until = clock.to_local(user.locked_until)
        raise SignInRefused(
            f"{user.full_name}'s account is locked after {LOCK_AFTER} wrong tries, until {until:%H:%M}: "
            "a manager can unlock it sooner."
        )
    wait = _seconds_to_wait(user, now)
    if wait > 0:
        raise SignInRefused(f"Too many wrong tries: wait {wait} seconds before the next one.")
    if not user.password_hash:
        raise SignInRefused(
            f"{user.full_name} has no password yet: a manager sets one (Staff, or `spectra user passwd "
            f"{user.username}`)."
        )
    if not passwords.matches(user.password_hash, secret or ""):
        failures = _count_failure(user, now)
        if failures >= LOCK_AFTER:
            raise SignInRefused(
                f"Wrong password. {user.full_name}'s account is now locked for {LOCK_MINUTES} minutes "
                "(a manager can unlock it)."
            )
        left = LOCK_AFTER - failures
        tries = "1 try" if left == 1 else f"{left} tries"
        raise SignInRefused(f"Wrong user name or password ({tries} left before the account locks).")
    _count_success(user, secret)
    return User.get_by_id(user.id)


def sign_in_as(name: str, secret: str) -> User:
    """Check the password, then make the user the one signed in at this terminal."""
    user = authenticate(name, secret)
    sign_in(user)
    return user


def _seconds_to_wait(user: User, now: dt.datetime) -> int:
    if user.failed_sign_ins < SLOW_AFTER or user.last_failed_at is None:
        return 0
    delay = 2 ** (user.failed_sign_ins - SLOW_AFTER + 1)
    left = (user.last_failed_at + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(left + 0.999))


@write_transaction
def _count_failure(user: User, now: dt.datetime) -> int:
    """One more wrong try (counted in SQL: two terminals' tries both count)."""
    User.update(failed_sign_ins=User.failed_sign_ins + 1, last_failed_at=now).where(User.id == user.id).execute()
    failures = User.get_by_id(user.id).failed_sign_ins
    if failures >= LOCK_AFTER:
        User.update(locked_until=now + dt.timedelta(minutes=LOCK_MINUTES)).where(User.id == user.id).execute()
        audit.record("user.locked", "user", user.id, None, {"failed_sign_ins": failures})
    return failures


@write_transaction
def _count_success(user: User, secret: str) -> None:
    values: dict = {}
    if user.failed_sign_ins or user.locked_until is not None:
        values.update(failed_sign_ins=0, locked_until=None, last_failed_at=None)
    if passwords.needs_rehash(user.password_hash):
        values["password_hash"] = passwords.hash_secret(secret)
    if values:
        User.update(**values).where(User.id == user.id).execute()
