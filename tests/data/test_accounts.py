"""Staff accounts and signing in (data/accounts.py, data/passwords.py)."""
import datetime as dt
import json

import pytest

from staff import add_user  # tests/ is on sys.path
from spectra_tui.data import accounts, clock, users
from spectra_tui.data.accounts import Account, SignInRefused
from spectra_tui.data.errors import DomainError, FieldErrors, ValidationError
from spectra_tui.data.models import AuditLog, User

START = dt.datetime(2026, 11, 30, 15, 0)  # UTC: 9:00 in the studio (America/Chicago)


@pytest.fixture
def now():
    """The studio's clock, frozen; ``now.move(seconds)`` moves it on."""
    class Clock:
        at = START

        def move(self, seconds):
            Clock.at = Clock.at + dt.timedelta(seconds=seconds)

    clock.set_clock(lambda: Clock.at)
    return Clock()


@pytest.fixture
def rita(db):
    return add_user("rita", "Rita Gomez", "front_desk", password="2468")


def test_the_right_pin_signs_in_by_user_name_or_initials(rita, now):
    assert accounts.sign_in_as("RITA", "2468").id == rita.id and users.current_user().id == rita.id
    assert accounts.authenticate("rg", "2468").id == rita.id


def test_the_secret_is_kept_only_as_an_argon2id_hash_and_never_audited(rita):
    stored = User.get_by_id(rita.id).password_hash
    assert stored.startswith("$argon2id$") and "2468" not in stored
    log = " ".join(row.before + row.after for row in AuditLog.select())
    assert "2468" not in log and "argon2" not in log and "password_hash" not in log
    assert json.loads(AuditLog.select().order_by(AuditLog.id.desc()).get().after) != {}


def test_a_wrong_name_and_a_wrong_pin_read_the_same(rita, now):
    with pytest.raises(SignInRefused, match=r"^Wrong user name or password\.$"):
        accounts.authenticate("nobody", "2468")
    with pytest.raises(SignInRefused, match=r"^Wrong user name or password \(5 tries left before the account locks\)"):
        accounts.authenticate("rita", "1111")


def test_wrong_tries_slow_down_then_lock_until_a_manager_unlocks(rita, now):
    for tries_left in (5, 4, 3):
        with pytest.raises(SignInRefused, match=f"{tries_left} tries left"):
            accounts.authenticate("rita", "0000")
    with pytest.raises(SignInRefused, match="wait 2 seconds"):  # even with the right PIN
        accounts.authenticate("rita", "2468")
    now.move(2)
    with pytest.raises(SignInRefused, match="2 tries left"):
        accounts.authenticate("rita", "0000")
    with pytest.raises(SignInRefused, match="wait 4 seconds"):
        accounts.authenticate("rita", "0000")
    now.move(4)
    with pytest.raises(SignInRefused, match="1 try left"):
        accounts.authenticate("rita", "0000")
    now.move(8)
    with pytest.raises(SignInRefused, match="now locked for 15 minutes"):
        accounts.authenticate("rita", "0000")
    now.move(60)
    with pytest.raises(SignInRefused, match=r"locked after 6 wrong tries, until 09:15"):
        accounts.authenticate("rita", "2468")
    assert AuditLog.select().where(AuditLog.action == "user.locked").count() == 1
    users.sign_in(User.get(User.username == "owner"))
    accounts.unlock(rita)
    assert accounts.authenticate("rita", "2468").failed_sign_ins == 0


def test_a_lock_ends_by_itself(rita, now):
    User.update(failed_sign_ins=6, last_failed_at=clock.utc_now(),
                locked_until=clock.utc_now() + dt.timedelta(minutes=15)).where(User.id == rita.id).execute()
    now.move(15 * 60)
    assert accounts.authenticate("rita", "2468").locked_until is None


def test_the_right_pin_clears_the_count_of_wrong_tries(rita, now):
    for _ in range(2):
        with pytest.raises(SignInRefused):
            accounts.authenticate("rita", "0000")
    accounts.authenticate("rita", "2468")
    with pytest.raises(SignInRefused, match="5 tries left"):
        accounts.authenticate("rita", "0000")


def test_disabled_accounts_and_accounts_without_a_password_cannot_sign_in(rita, now):
    accounts.set_active(rita, False)
    with pytest.raises(SignInRefused, match="Rita Gomez's account is disabled: a manager can enable it"):
        accounts.authenticate("rita", "2468")
    add_user("sam", "Sam Okafor")
    with pytest.raises(SignInRefused, match=r"Sam Okafor has no password yet: a manager sets one"):
        accounts.authenticate("sam", "")


@pytest.mark.parametrize("secret, message", [
    ("", "Type a password or a PIN"),
    ("123", "A PIN needs at least 4 digits"),
    ("short", "A password needs at least 8 characters"),
    ("x" * 129, "at most 128"),
    ("tab\there!", "control characters"),
    ("rita", "needs at least 8"),
    ("ritagomez", None),
])
def test_what_a_password_or_pin_may_be(rita, secret, message):
    if message is None:
        assert accounts.set_secret(rita, secret).password_hash.startswith("$argon2id$")
    else:
        with pytest.raises(ValidationError, match=message):
            accounts.set_secret(rita, secret)


def test_a_password_is_not_the_user_name(db):
    user = add_user("samokafor", "Sam Okafor")
    with pytest.raises(ValidationError, match="cannot be the user name"):
        accounts.set_secret(user, "SamOkafor")


def test_a_user_changes_their_own_password_with_the_current_one(rita):
    users.sign_in(rita)
    with pytest.raises(ValidationError, match="not your current password"):
        accounts.set_secret(rita, "13579", current_secret="1111")
    accounts.set_secret(rita, "13579", current_secret="2468")
    assert accounts.authenticate("rita", "13579").id == rita.id


def test_the_form_s_problems_come_all_at_once(db):
    with pytest.raises(FieldErrors) as caught:
        accounts.add_account(Account("Bad Name!", "  ", role="boss", initials="toolong", color="blue"))
    assert set(caught.value.errors) == {"username", "full_name", "role", "initials", "color"}


def test_initials_are_made_from_the_name_and_kept_apart(db):
    first = add_user("ava", "Ava Reyes", "photographer")
    second = add_user("arturo", "Arturo Ruiz")
    assert (first.initials, second.initials) == ("AR", "AR2")
    assert first.photographs and not second.photographs
    with pytest.raises(FieldErrors, match="AR are someone else's initials"):
        accounts.add_account(Account("anna", "Anna Roe", initials="ar"))


def test_the_first_account_of_a_studio_is_its_owner_s(empty_db):
    assert users.needs_first_start()
    with pytest.raises(ValidationError, match="first account is its owner's"):
        accounts.create_user("rita", "Rita Gomez")
    owner = accounts.create_user("dana", "Dana Cole", "owner")
    assert users.needs_first_start()  # no password yet
    accounts.set_secret(owner, "97531")  # the first start sets it, nobody signed in yet
    assert not users.needs_first_start()
    with pytest.raises(DomainError, match="Sign in as a manager or the owner to manage"):
        accounts.create_user("rita", "Rita Gomez")


def test_the_studio_keeps_an_owner(db):
    owner = User.get(User.username == "owner")
    users.sign_in(add_user("mia", "Mia Chen", "manager"))
    with pytest.raises(DomainError, match="only owner: make someone else owner before you disable"):
        accounts.set_active(owner, False)
    with pytest.raises(DomainError, match="only owner: make someone else owner before you change the role of"):
        accounts.update_account(owner, Account("owner", "Studio Owner", "manager"))
    with pytest.raises(DomainError, match="cannot disable your own account"):
        accounts.set_active(users.current_user(), False)


def test_an_account_form_saved_in_another_terminal_meanwhile_is_not_overwritten(db):
    ava = add_user("ava", "Ava Reyes", "photographer")
    stale = User.get_by_id(ava.id)
    accounts.update_account(User.get_by_id(ava.id), Account("ava", "Ava Reyes-Lin", "photographer"))
    with pytest.raises(DomainError, match="changed in another terminal"):
        accounts.update_account(stale, Account("ava", "Ava R.", "manager"))
    assert User.get_by_id(ava.id).full_name == "Ava Reyes-Lin"


def test_find_user_by_name_initials_or_full_name(db):
    ava = add_user("ava", "Ava Reyes", "photographer")
    assert users.find_user("AR").id == users.find_user("ava reyes").id == ava.id
    add_user("ar", "Arnold Rimmer")  # a user name wins over someone's initials
    assert users.find_user("ar").username == "ar"
