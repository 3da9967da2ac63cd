"""Where a command that runs as a user finds its credentials (cli/credentials.py):
the environment first, then a credentials file that must be the user's own
and readable by them alone, then the terminal; refusals that never repeat
the password."""
import os

import pytest

from spectra_tui.cli import credentials
from spectra_tui.cli.credentials import Credentials, CredentialsRefused, find_credentials

SECRET = "Tr0ub4dor&3-not-echoed"


def write(path, text, mode=0o600):
    path.write_text(text)
    os.chmod(path, mode)
    return path


def refused(**kwargs) -> str:
    with pytest.raises(CredentialsRefused) as caught:
        find_credentials(**kwargs)
    assert SECRET not in str(caught.value)
    return str(caught.value)


@pytest.fixture
def no_default_file(tmp_path, monkeypatch):
    monkeypatch.setattr(credentials, "default_path", lambda: tmp_path / "config" / "credentials")
    return tmp_path / "config" / "credentials"


def test_the_environment_wins_over_the_file(tmp_path, no_default_file):
    file = write(tmp_path / "creds", f"user = admin\npassword = {SECRET}\n")
    found = find_credentials(file=file, environ={"SPECTRA_USER": "rita", "SPECTRA_PASSWORD": "1234"})
    assert (found.user, found.password) == ("rita", "1234")
    assert found.source == "$SPECTRA_USER and $SPECTRA_PASSWORD"
    assert SECRET not in repr(Credentials("admin", SECRET))


def test_user_names_whose_password_the_environment_gives(no_default_file):
    assert find_credentials(user="ava", environ={"SPECTRA_PASSWORD": "1234"}).user == "ava"
    assert "set both" in refused(environ={"SPECTRA_PASSWORD": SECRET})
    assert "is whose?" in refused(user="ava", environ={"SPECTRA_USER": "rita", "SPECTRA_PASSWORD": SECRET})
    assert "is empty" in refused(environ={"SPECTRA_USER": "rita", "SPECTRA_PASSWORD": ""})


def test_a_private_file_is_read(tmp_path, no_default_file):
    file = write(tmp_path / "creds", f"# for the nightly reminders\n\nuser = admin\npassword = {SECRET}\n")
    found = find_credentials(file=file, environ={})
    assert (found.user, found.password, found.source) == ("admin", SECRET, f"the credentials file {file}")


def test_the_default_file_is_used_when_there_is_one(no_default_file):
    assert "or run the command at a terminal" in refused(environ={})
    no_default_file.parent.mkdir()
    write(no_default_file, f"user = admin\npassword = {SECRET}\n")
    assert find_credentials(environ={}).password == SECRET
    # a file naming someone else is passed over for the one --user names: the terminal is asked
    asked = find_credentials(user="rita", environ={}, ask=lambda name: Credentials(name, "1234", "the terminal"))
    assert (asked.user, asked.source) == ("rita", "the terminal")
    assert "or run the command at a terminal" in refused(user="rita", environ={})


def test_toml_strings_are_read_as_toml(tmp_path, no_default_file):
    file = write(tmp_path / "creds", 'user = "admin"\npassword = "quote \\" and # hash"  # a comment\n')
    assert find_credentials(file=file, environ={}).password == 'quote " and # hash'
    plain = write(tmp_path / "plain", "user = admin\npassword = 0012 # all of it\n")
    assert find_credentials(file=plain, environ={}).password == "0012 # all of it"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_file_others_may_read_or_write_is_refused(tmp_path, no_default_file, mode):
    file = write(tmp_path / "creds", f"user = admin\npassword = {SECRET}\n", mode)
    message = refused(file=file, environ={})
    assert message == (f"Permissions {mode:04o} for the credentials file {file} are too open: "
                       f"it must be readable by you alone (chmod 600 {file}).")


def test_a_file_of_another_user_is_refused(tmp_path, no_default_file, monkeypatch):
    file = write(tmp_path / "creds", f"user = admin\npassword = {SECRET}\n")
    monkeypatch.setattr(credentials.os, "geteuid", lambda: os.stat(file).st_uid + 1)
    assert f"{file} belongs to another user (uid {os.stat(file).st_uid})" in refused(file=file, environ={})


def test_a_missing_or_unreadable_file_named_with_credentials_is_refused(tmp_path, no_default_file):
    assert refused(file=tmp_path / "nowhere", environ={}) == f"There is no credentials file at {tmp_path / 'nowhere'}."
    assert refused(file=tmp_path, environ={}) == f"The credentials file {tmp_path} is not a file."


def test_a_file_for_someone_else_than_user_is_refused_when_named(tmp_path, no_default_file):
    file = write(tmp_path / "creds", f"user = admin\npassword = {SECRET}\n")
    assert refused(user="rita", file=file, environ={}) == \
        f"{file} holds the credentials of 'admin', not of 'rita'."


@pytest.mark.parametrize("text, words", [
    (f"admin\n{SECRET}\n", "Line 1 of the credentials file {file} is not `user = NAME` or `password = SECRET`."),
    (f"user = admin\nsecret = {SECRET}\n", "Line 2 of the credentials file {file} is not `user = NAME`"),
    (f"user = admin\npassword = \"{SECRET}\n", "Line 2 of the credentials file {file}: the quoted password is not"),
    (f"user = admin\npassword = {SECRET}\npassword = {SECRET}\n", "gives the password twice (line 3)"),
    ("user = admin\npassword =\n", "Line 2 of the credentials file {file}: the password is empty."),
    (f"password = {SECRET}\n", "The credentials file {file} has no `user = ...` line."),
    ("", "The credentials file {file} has no `user = ...` line."),
    (f"[spectra]\nuser = admin\npassword = {SECRET}\n", "Line 1 of the credentials file {file} is not"),
])
def test_a_malformed_file_gets_a_clear_message_without_the_password(tmp_path, no_default_file, text, words):
    file = write(tmp_path / "creds", text)
    assert words.format(file=file) in refused(file=file, environ={})


def test_a_file_that_is_not_text_is_refused(tmp_path, no_default_file):
    file = tmp_path / "creds"
    file.write_bytes(b"user = admin\npassword = \xff\xfe\n")
    os.chmod(file, 0o600)
    assert refused(file=file, environ={}) == f"The credentials file {file} is not UTF-8 text."


def test_the_terminal_asks_for_the_name_and_the_password(monkeypatch, capsys):
    class Terminal:
        def readline(self):
            return "rita\n"

        def isatty(self):
            return True

    monkeypatch.setattr(credentials.sys, "stdin", Terminal())
    monkeypatch.setattr(credentials.getpass, "getpass", lambda prompt: f"{prompt}|1234")
    assert credentials.terminal_asker() is credentials.ask_at_terminal
    found = credentials.ask_at_terminal(None)
    assert (found.user, found.password) == ("rita", "Password or PIN for rita: |1234")
    assert capsys.readouterr().err == "User name or initials: "
