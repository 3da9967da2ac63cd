"""Who is signed in at this terminal, and the staff as lists.

The signed-in user is per process: each terminal runs its own process. The
audit log records this user's name with every change. Only accounts.py signs
someone in after checking a password (the app's sign-in screen, the CLI's
credentials); tests and the demo builder call ``sign_in`` directly.
"""

from .errors import NotFound
from .models import User

_current: User | None = None
SYSTEM_NAME = "system"


def sign_in(user: User | None) -> None:
    global _current
    _current = user


def current_user() -> User | None:
    return _current


def current_user_name() -> str:
    return _current.username if _current is not None else SYSTEM_NAME


def find_user(name: str, include_disabled: bool = False) -> User:
    """A user by user name, initials or full name (case-insensitive)."""
    key = (name or "").strip().lower()
    query = User.select() if include_disabled else User.select().where(User.active == True)  # noqa: E712
    matches = [
        user for user in query if key and key in (user.username.lower(), user.full_name.lower(), user.initials.lower())
    ]
    exact = [user for user in matches if user.username.lower() == key]  # a user name wins over others' initials
    if exact or len(matches) == 1:
        return (exact or matches)[0]
    if matches:
        raise NotFound(f"'{name}' could be {' or '.join(u.username for u in matches)}: type the user name.")
    raise NotFound(f"No {'' if include_disabled else 'active '}user named '{name}'.")


def photographers() -> list[User]:
    return list(
        User.select().where((User.photographs == True) & (User.active == True)).order_by(User.full_name)  # noqa: E712
    )


def active_users() -> list[User]:
    return list(User.select().where(User.active == True).order_by(User.full_name))  # noqa: E712


def all_users() -> list[User]:
    """Every account, the disabled ones last (the Staff screen)."""
    return list(User.select().order_by(User.active.desc(), User.full_name))


def needs_first_start() -> bool:
    """True until the studio has an active owner who can sign in: the app
    then opens on the first-start setup instead of the sign-in screen."""
    return not (
        User.select()
        .where((User.role == "owner") & (User.active == True) & (User.password_hash != ""))  # noqa: E712
        .exists()
    )
