"""Who may do what: the roles' permissions, checked by the services.

A service calls ``require(permission)`` before it changes anything; the
screens, the CLI and a second terminal therefore obey the same rules, and a
screen asks ``allowed`` only to hide or dim what the user may not do.

Roles, from least to most trusted: front desk, photographer, manager, owner.
Everyone signed in may do the studio's daily work; the permissions below are
restricted to a manager or the owner. Nobody signed in (a command run without
a user) may do none of them.
"""

from enum import Enum

from .errors import PermissionDenied
from .models import User
from .users import current_user

MANAGERS = frozenset({"manager", "owner"})


class Permission(Enum):
    """Each restricted action, with what it is called in a refusal."""

    VOID_PAYMENT = "void a payment"
    VOID_INVOICE = "void an invoice"
    CHANGE_PRICE = "change a price from the price list"
    LARGE_REFUND = "refund more than the studio's limit"
    EDIT_TIME_CLOCK = "edit time-clock entries"
    CHANGE_SETTINGS = "change the studio's settings"
    MANAGE_USERS = "manage the staff's accounts"
    READ_AUDIT_LOG = "read the audit log"
    POST_END_OF_DAY = "post End of Day"
    IMPORT_CLIENTS = "import clients"


ROLES_ALLOWED: dict[Permission, frozenset[str]] = {permission: MANAGERS for permission in Permission}


def allowed(permission: Permission, user: User | None = None) -> bool:
    """May ``user`` (default: whoever is signed in) do this?"""
    user = user if user is not None else current_user()
    return user is not None and bool(user.active) and user.role in ROLES_ALLOWED[permission]


def require(permission: Permission, user: User | None = None) -> None:
    """Raise PermissionDenied, saying who may, unless the user may."""
    user = user if user is not None else current_user()
    if allowed(permission, user):
        return
    if user is None:
        raise PermissionDenied(f"Sign in as a manager or the owner to {permission.value}.")
    raise PermissionDenied(
        f"Only a manager or the owner may {permission.value}; "
        f"{user.full_name} is signed in as {user.role_label.lower()}."
    )


def why_not(permission: Permission, user: User | None = None) -> str:
    """The refusal's words, or "" when the user may (for a dimmed entry's hint)."""
    try:
        require(permission, user)
    except PermissionDenied as denied:
        return str(denied)
    return ""
