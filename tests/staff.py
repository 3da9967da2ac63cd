"""Staff accounts for tests, added the way the studio's owner adds them.

``add_user`` signs in the studio's owner for the moment it adds the account
(only an owner or a manager adds accounts, data/permissions.py), then puts
back whoever was signed in; in a studio with no account yet it makes the
owner account the tests' ``db`` fixture otherwise makes.
"""
from spectra_tui.data import accounts, users
from spectra_tui.data.models import User


def add_user(username, full_name, role="front_desk", color="#5f87af", photographs=None, password=None):
    before = users.current_user()
    owner = User.get_or_none((User.role == "owner") & (User.active == True))  # noqa: E712
    if owner is None and not User.select().exists():
        owner = accounts.create_user("owner", "Studio Owner", "owner")
    users.sign_in(owner)
    try:
        return accounts.create_user(username, full_name, role, color, photographs=photographs, password=password)
    finally:
        users.sign_in(before)
