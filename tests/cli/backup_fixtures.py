"""What tests/cli/test_backup.py and test_restore.py share: a small studio
(its owner, a manager, Rita at the front desk, a client with an invoice and a
payment) copied fresh for each test, and `spectra` run in this process."""
import io
import os
import sqlite3

import pytest

from spectra_tui.data import accounts, clients, db as dbmod, invoices, ledger, users
from spectra_tui.data.models import Invoice

OWNER_PASSWORD = "owner-secret-9"
PIN = "4321"
AS_OWNER = {"SPECTRA_USER": "admin", "SPECTRA_PASSWORD": OWNER_PASSWORD}
AS_MANAGER = {"SPECTRA_USER": "mona", "SPECTRA_PASSWORD": PIN}
AS_RITA = {"SPECTRA_USER": "rita", "SPECTRA_PASSWORD": PIN}


@pytest.fixture(autouse=True)
def fresh_process_state(monkeypatch, tmp_path):
    for name in ("SPECTRA_USER", "SPECTRA_PASSWORD", "SPECTRA_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    yield
    dbmod.close_database()
    users.sign_in(None)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("backup-cli") / "studio.db"
    dbmod.open_database(str(path), create=True)
    try:
        owner = accounts.create_user("admin", "Ann Admin", "owner", password=OWNER_PASSWORD)
        users.sign_in(owner)
        accounts.create_user("mona", "Mona Lee", "manager", password=PIN)
        accounts.create_user("rita", "Rita Gomez", "front_desk", password=PIN)
        client = clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
        invoice = invoices.create_invoice(Invoice.GENERIC, client=client)
        invoices.add_line(invoice, description="Wall portrait", unit_price_cents=100000, taxable=False)
        ledger.take_payment(invoice, 80000, "card")
    finally:
        users.sign_in(None)
        dbmod.close_database()
    return path


def copy_file(source, dest):
    source_conn, dest_conn = sqlite3.connect(source), sqlite3.connect(dest)
    try:
        source_conn.backup(dest_conn)
    finally:
        dest_conn.close()
        source_conn.close()
    os.chmod(dest, 0o600)
    return dest


@pytest.fixture
def studio(template, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    return copy_file(template, folder / "studio.db")


def query(path, sql, *params):
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(sql, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()
