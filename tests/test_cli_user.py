"""`spectra user ...` and who runs a command, as an admin meets them at a
shell: run in-process through spectra_tui.cli.main (a subprocess costs a
second each), the studio's rules from data/accounts.py, every refusal one
line and exit 2, and no password in an argument, a listing or the crash log."""
import argparse
import datetime as dt
import io
import os
import sqlite3

import pytest

from shell import Terminal
from spectra_tui.cli import build_parser
from spectra_tui.data import accounts, clock, db as dbmod, users
from spectra_tui.data.models import AuditLog, User

OWNER_PASSWORD = "owner-secret-9"
PIN = "4321"


@pytest.fixture(autouse=True)
def fresh_process_state(monkeypatch, tmp_path):
    """What main() leaves behind in this process (the open studio, who is
    signed in) is put back; no credentials from the developer's shell."""
    for name in ("SPECTRA_USER", "SPECTRA_PASSWORD", "SPECTRA_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    yield
    dbmod.close_database()
    users.sign_in(None)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A studio with its owner (a password), a manager, Rita at the front desk and Ava, a photographer (PINs)."""
    path = tmp_path_factory.mktemp("cli-user") / "studio.db"
    dbmod.open_database(str(path), create=True)
    try:
        owner = accounts.create_user("admin", "Ann Admin", "owner", password=OWNER_PASSWORD)
        users.sign_in(owner)
        accounts.create_user("mona", "Mona Lee", "manager", password=PIN)
        accounts.create_user("rita", "Rita Gomez", "front_desk", password=PIN)
        accounts.create_user("ava", "Ava Reyes", "photographer")
    finally:
        users.sign_in(None)
        dbmod.close_database()
    return path


@pytest.fixture
def studio(template, tmp_path):
    path = tmp_path / "studio.db"
    source, dest = sqlite3.connect(template), sqlite3.connect(path)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return path


AS_OWNER = {"SPECTRA_USER": "admin", "SPECTRA_PASSWORD": OWNER_PASSWORD}
AS_RITA = {"SPECTRA_USER": "rita", "SPECTRA_PASSWORD": PIN}


def stored(path, username):
    dbmod.open_database(str(path))
    try:
        return User.get(User.username == username)
    finally:
        dbmod.close_database()


# ---------------------------------------------------------------- a new studio's first start

def test_a_new_studio_gets_its_owner_with_nobody_signed_in_then_needs_one(run, tmp_path):
    path = tmp_path / "new.db"
    assert run("--db", path, "init")[0] == 0
    code, _, err = run("--db", path, "user", "add", "rita", "--full-name", "Rita Gomez", "--role", "front_desk")
    assert (code, err) == (2, "spectra: The studio's first account is its owner's.\n")
    code, out, _ = run("--db", path, "user", "add", "ann", "--full-name", "Ann Owner", "--role", "owner")
    assert code == 0
    assert out == "Added ann (Ann Owner), initials AO, owner.\nSet a password or PIN: spectra user passwd ann\n"
    code, out, _ = run("--db", path, "user", "passwd", "ann", "--password-stdin", stdin=io.StringIO("first-pass\n"))
    assert (code, out) == (0, "Password set for ann (Ann Owner).\n")
    # from now on a user command runs as a manager or the owner
    code, _, err = run("--db", path, "user", "add", "rita", "--full-name", "Rita Gomez", "--role", "front_desk")
    assert code == 2 and err.startswith("spectra: This command runs as a staff user: set $SPECTRA_USER")
    assert len(err.splitlines()) == 1
    code, out, _ = run("--db", path, "user", "add", "rita", "--full-name", "Rita Gomez", "--role", "front_desk",
                       env={"SPECTRA_USER": "ann", "SPECTRA_PASSWORD": "first-pass"})
    assert code == 0 and out.startswith("Added rita (Rita Gomez), initials RG, front desk.")
    dbmod.open_database(str(path))
    assert [(e.user_name, e.action) for e in AuditLog.select().where(AuditLog.entity == "user")
            .order_by(AuditLog.id)] == [("system", "user.add"), ("system", "user.password"), ("ann", "user.add")]


# ---------------------------------------------------------------- the actions

def test_list_shows_every_account_but_never_a_hash(run, studio):
    code, out, _ = run("--db", studio, "user", "list", env=AS_OWNER)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["User", "Init.", "Name", "Role", "Shoots", "Active", "Password", "Locked", "until"]
    assert max(len(line) for line in lines) <= 80
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["admin"] == ["admin", "AA", "Ann", "Admin", "Owner", "no", "yes", "yes"]
    assert rows["ava"] == ["ava", "AR", "Ava", "Reyes", "Photographer", "yes", "yes", "no"]
    assert rows["rita"] == ["rita", "RG", "Rita", "Gomez", "Front", "desk", "no", "yes", "yes"]
    assert "$argon2" not in out and OWNER_PASSWORD not in out


def test_disable_enable_and_unlock(run, studio):
    code, out, _ = run("--db", studio, "user", "disable", "RG", env=AS_OWNER)
    assert (code, out) == (0, "Disabled rita (Rita Gomez): the account can no longer sign in; its history stays.\n")
    code, _, err = run("--db", studio, "user", "list", env=AS_RITA)
    assert (code, err) == (2, "spectra: Rita Gomez's account is disabled: a manager can enable it; "
                              "the user and password came from $SPECTRA_USER and $SPECTRA_PASSWORD.\n")
    assert run("--db", studio, "user", "enable", "rita", env=AS_OWNER)[:2] == \
        (0, "Enabled rita (Rita Gomez): the account can sign in again.\n")

    dbmod.open_database(str(studio))
    until = clock.utc_now() + dt.timedelta(minutes=15)
    User.update(failed_sign_ins=accounts.LOCK_AFTER, locked_until=until).where(User.username == "rita").execute()
    dbmod.close_database()
    code, out, _ = run("--db", studio, "user", "list", env={"SPECTRA_USER": "mona", "SPECTRA_PASSWORD": PIN})
    assert f"{clock.to_local(until):%m/%d/%Y %H:%M}" in next(line for line in out.splitlines() if line.startswith("rita"))
    code, _, err = run("--db", studio, "user", "list", env=AS_RITA)
    assert code == 2 and "account is locked after 6 wrong tries" in err
    code, out, _ = run("--db", studio, "user", "unlock", "rita", env={"SPECTRA_USER": "mona", "SPECTRA_PASSWORD": PIN})
    assert (code, out) == (0, "Unlocked rita (Rita Gomez): the account may try to sign in again now.\n")
    assert stored(studio, "rita").locked_until is None


def test_passwd_asks_twice_at_a_terminal(run, studio, monkeypatch):
    typed = iter(["new-pin-1", "new-pin-2", "56789", "56789"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    code, _, err = run("--db", studio, "user", "passwd", "ava", env=AS_OWNER, stdin=Terminal())
    assert (code, err) == (2, "spectra: The two passwords differ: nothing was changed.\n")
    assert run("--db", studio, "user", "passwd", "ava", env=AS_OWNER, stdin=Terminal())[:2] == \
        (0, "Password set for ava (Ava Reyes).\n")
    code, _, err = run("--db", studio, "user", "passwd", "ava", env=AS_OWNER)
    assert code == 2 and "with --password-stdin (never as an argument)" in err
    code, _, err = run("--db", studio, "user", "passwd", "ava", "--password-stdin", env=AS_OWNER,
                       stdin=io.StringIO("12\n"))
    assert (code, err) == (2, "spectra: A PIN needs at least 4 digits.\n")
    dbmod.open_database(str(studio))
    assert accounts.authenticate("ava", "56789").username == "ava"


@pytest.mark.parametrize("args", [
    ["list"], ["disable", "ava"], ["unlock", "ava"], ["passwd", "ava", "--password-stdin"],
    ["add", "ben", "--full-name", "Ben Ito", "--role", "photographer"],
])
def test_the_front_desk_may_not_manage_accounts(run, studio, args):
    code, out, err = run("--db", studio, "user", *args, env=AS_RITA, stdin=io.StringIO("98765\n"))
    assert (code, out) == (2, "")
    assert err == ("spectra: Only a manager or the owner may manage the staff's accounts; "
                   "Rita Gomez is signed in as front desk.\n")


def test_refusals_of_the_rules_are_one_line(run, studio):
    code, _, err = run("--db", studio, "user", "add", "rita", "--full-name", "Rita Again", "--role", "front_desk",
                       env=AS_OWNER)
    assert (code, err) == (2, "spectra: The user name 'rita' is taken.\n")
    code, _, err = run("--db", studio, "user", "disable", "admin", env=AS_OWNER)
    assert (code, err) == (2, "spectra: You cannot disable your own account while signed in with it.\n")
    code, _, err = run("--db", studio, "user", "enable", "nobody", env=AS_OWNER)
    assert (code, err) == (2, "spectra: No user named 'nobody'.\n")


# ---------------------------------------------------------------- who runs a command

def test_a_wrong_password_counts_toward_the_lockout(run, studio):
    code, _, err = run("--db", studio, "user", "list", env={"SPECTRA_USER": "admin", "SPECTRA_PASSWORD": "guess-1234"})
    assert code == 2
    assert err == ("spectra: Wrong user name or password (5 tries left before the account locks); "
                   "the user and password came from $SPECTRA_USER and $SPECTRA_PASSWORD.\n")
    assert stored(studio, "admin").failed_sign_ins == 1


def test_the_credentials_file_and_the_terminal(run, studio, tmp_path, monkeypatch):
    file = tmp_path / "credentials"
    file.write_text(f"user = admin\npassword = {OWNER_PASSWORD}\n")
    file.chmod(0o644)
    code, _, err = run("--db", studio, "--credentials", file, "user", "list")
    assert (code, err) == (2, f"spectra: Permissions 0644 for the credentials file {file} are too open: "
                              f"it must be readable by you alone (chmod 600 {file}).\n")
    file.chmod(0o600)
    assert run("--db", studio, "user", "list", "--credentials", file)[0] == 0
    # at a terminal, with --user naming the user: only the password is asked
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PIN if prompt == "Password or PIN for mona: " else "?")
    assert run("--db", studio, "--user", "mona", "user", "list", stdin=Terminal())[0] == 0


@pytest.mark.parametrize("command, needs_user", [
    (["sessions"], False),
    (["ical", "--days", "1", "--out", "{tmp}/bookings.ics"], False),
    (["import-images", "1", "{tmp}"], True),
    (["capture", "1"], True),
    (["user", "list"], True),
])
def test_which_commands_run_as_a_user(run, studio, tmp_path, command, needs_user):
    """Commands that change the studio (audited with a user's name) run as a
    user; those that only read do not, and ignore --user."""
    args = [arg.format(tmp=tmp_path) for arg in command]
    code, _, err = run("--db", studio, "--user", "nobody", *args)
    if needs_user:
        assert code == 2 and err.startswith("spectra: This command runs as a staff user")
    else:
        assert code == 0, err


# ---------------------------------------------------------------- no password in clear

def options(parser, command=""):
    """(command, option) for every option of ``parser`` and its subcommands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from options(sub, f"{command} {name}".strip())
        else:
            yield command, action


def test_no_option_takes_a_password_as_an_argument():
    """`ps` shows every process's arguments to everyone."""
    words = {"pass", "password", "pin", "secret", "passwd"}  # --password-stdin; not --mapping
    suspicious = [(a.option_strings, a.nargs) for _, a in options(build_parser())
                  if any(words & set(option.strip("-").split("-")) for option in a.option_strings)]
    assert suspicious and all(nargs == 0 for _, nargs in suspicious), suspicious


def test_no_command_option_overwrites_who_runs_the_command():
    """A command's own option stored as args.user (say `timesheet --user NAME`,
    whose sheet) would replace `spectra --user NAME`, the user it runs as: it
    needs a dest of its own (dest="for_user"). --db and --credentials may
    follow a command only as the same option, absent unless given."""
    for command, action in options(build_parser()):
        if not command:
            continue
        assert action.dest != "user", f"`spectra {command}` {action.option_strings}: give it another dest"
        if action.dest in ("db", "credentials"):
            assert action.default == argparse.SUPPRESS, f"`spectra {command}` {action.option_strings}"


def test_a_crash_after_passwords_were_read_keeps_them_out_of_the_crash_log(run, studio, monkeypatch, tmp_path):
    new_password = "brand-new-secret-77"

    def hash_crashes(secret):
        raise RuntimeError("the hasher broke")

    monkeypatch.setattr("spectra_tui.data.passwords.hash_secret", hash_crashes)
    code, out, err = run("--db", studio, "user", "passwd", "rita", "--password-stdin", env=AS_OWNER,
                         stdin=io.StringIO(new_password + "\n"))
    log = tmp_path / "state" / "spectra-tui" / "log" / "crash.log"
    assert (code, err) == (1, f"spectra: unexpected error (RuntimeError); the details are in {log}\n")
    text = log.read_text()
    assert "RuntimeError: the hasher broke" in text and "hash_secret" in text
    for secret in (OWNER_PASSWORD, new_password):
        assert secret not in text and secret not in out + err
    assert "SPECTRA_PASSWORD" not in os.environ  # read, then dropped: no process it starts inherits it
