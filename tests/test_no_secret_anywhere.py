"""No password or PIN in clear anywhere (issue 12): a user signs in with a
known PIN, then sets a password through data/accounts.py (with a wrong try
and the password typed into the user-name field on the way); neither secret
is then in the database file's bytes (with its WAL), the audit log's text
(the rows as stored and as the Audit Log shows them), or the crash log of a
failure in the middle of setting the password."""
from pathlib import Path

import pytest

from pg_cluster import sqlite_only
from spectra_tui.cli import crash
from spectra_tui.data import accounts, audit_log, passwords, users
from spectra_tui.data.models import AuditLog, User, database

from staff import add_user

PIN = "90417263"
PASSWORD = "Quokka-velvet-42"
WRONG = "Marmot-azure-77"


def forms_of(secret: str) -> list[bytes]:
    """The secret as bytes, in every encoding a text could be stored in."""
    return [secret.encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be")]


@pytest.fixture
def signed_in_with_pin(db):
    """Pat (front desk) is given the PIN by the owner, signs in with it, makes
    one wrong try first, and then sets a password of her own."""
    add_user("pat", "Pat Doe", "front_desk", password=PIN)
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate("pat", WRONG)
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate(PASSWORD, PIN)  # the password typed where the user name goes
    pat = accounts.sign_in_as("pat", PIN)
    assert users.current_user().username == "pat"
    accounts.set_secret(pat, PASSWORD, current_secret=PIN)
    assert accounts.authenticate("pat", PASSWORD).id == pat.id
    return pat


def audit_text() -> str:
    """Every audit entry as stored, and as the Audit Log screen shows it (read by the owner)."""
    users.sign_in(User.get(User.username == "owner"))
    texts = []
    for entry in AuditLog.select().order_by(AuditLog.id):
        texts += [entry.user_name, entry.action, entry.entity, entry.before, entry.after]
    rows = audit_log.search(audit_log.AuditQuery(), limit=500)
    assert len(rows) == AuditLog.select().count()
    for row in rows:
        texts.append(row.record)
        for change in audit_log.changes(row.entry):
            texts += [change.field, change.before, change.after]
    return "\n".join(texts)


@sqlite_only
def test_no_secret_in_the_database_files(signed_in_with_pin, tmp_path):
    database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
    files = [path for path in Path(database.database).parent.iterdir() if path.name.startswith("t.db")]
    assert files and any(path.name == "t.db" for path in files)
    for path in files:  # the file, its WAL and shared memory: every byte, free pages too
        data = path.read_bytes()
        for secret in (PIN, PASSWORD, WRONG):
            assert not any(form in data for form in forms_of(secret)), (path.name, secret)
    hashed = User.get(User.username == "pat").password_hash
    assert hashed.startswith("$argon2id$") and passwords.matches(hashed, PASSWORD)


def test_no_secret_or_hash_in_the_audit_log(signed_in_with_pin):
    text = audit_text()
    for secret in (PIN, PASSWORD, WRONG):
        assert secret not in text
    assert "$argon2" not in text and "password_hash" not in text and "password hash" not in text
    notes = [entry.after for entry in AuditLog.select().where(AuditLog.action == "user.password")]
    assert notes == ['{"note":"password or PIN set"}']  # Pat's own change; the PIN came with her account
    added = AuditLog.get(AuditLog.action == "user.add", AuditLog.entity_id == signed_in_with_pin.id)
    assert "password" not in added.after


def test_no_secret_in_the_crash_log(signed_in_with_pin, tmp_path, monkeypatch):
    log = tmp_path / "crash.log"
    monkeypatch.setattr(crash, "log_path", lambda: log)

    def broken_hasher(secret: str) -> str:
        raise RuntimeError("the hasher broke")

    monkeypatch.setattr(passwords, "hash_secret", broken_hasher)
    try:
        accounts.set_secret(signed_in_with_pin, WRONG, current_secret=PASSWORD)
    except RuntimeError as error:
        said = crash.report_crash(error)
    else:
        pytest.fail("setting the password did not fail")
    written = log.read_text(encoding="utf-8")
    assert "the hasher broke" in written and "set_secret" in written and str(log) in said
    for secret in (PIN, PASSWORD, WRONG):
        assert secret not in written and secret not in said
