"""Staff users and who is signed in at this terminal (--user or $SPECTRA_USER).

The signed-in user is per process: each terminal runs its own process.
The audit log records this user's name with every change.
"""

from .errors import NotFound, ValidationError
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


def create_user(username: str, full_name: str, role: str = "receptionist", color: str = "#5f87af") -> User:
    username = (username or "").strip().lower()
    full_name = (full_name or "").strip()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise ValidationError("A user name needs letters or digits (., _ and - allowed).", "username")
    if not full_name:
        raise ValidationError("Enter the person's full name.", "full_name")
    if role not in User.ROLES:
        raise ValidationError(f"Role must be one of: {', '.join(User.ROLES)}.", "role")
    if User.select().where(User.username == username).exists():
        raise ValidationError(f"The user name '{username}' is taken.", "username")
    return User.create(username=username, full_name=full_name, role=role, color=color)


def find_user(name: str) -> User:
    """A user by user name or full name (case-insensitive)."""
    key = (name or "").strip().lower()
    for user in User.select().where(User.active == True):  # noqa: E712
        if key in (user.username.lower(), user.full_name.lower()):
            return user
    raise NotFound(f"No active user named '{name}'.")


def photographers() -> list[User]:
    return list(
        User.select().where((User.role == "photographer") & (User.active == True)).order_by(User.full_name)  # noqa: E712
    )


def active_users() -> list[User]:
    return list(User.select().where(User.active == True).order_by(User.full_name))  # noqa: E712
