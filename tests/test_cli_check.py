"""`spectra check` as a user runs it (issue 9, sections 3, 6 and 7): it reads
one snapshot while other terminals write and never alarms on honest work, it
never writes (no migration, no backup, the file untouched), a studio needing
an upgrade or missing its key is reported (exit 2), tampering is named (exit
1), and a damaged file is said to be damaged (exit 1), never a traceback."""
import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from staff import add_user
from spectra_tui.data import audit
from test_cli import make_studio, query, spectra  # noqa: F401 - tests/ is on sys.path

STRESS_SECONDS = float(os.environ.get("SPECTRA_CHECK_STRESS_SECONDS", "3"))

WRITER = r"""
import sys, time
from pathlib import Path
from spectra_tui.data import invoices, ledger
from spectra_tui.data.db import open_database
from spectra_tui.data.models import Client, Invoice
from spectra_tui.data.users import find_user, sign_in

db_path, name, seconds, folder = sys.argv[1], sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
open_database(db_path)
sign_in(find_user(name))
client = Client.get()
(folder / f"ready-{name}").touch()
end = time.monotonic() + seconds
done = 0
while time.monotonic() < end:
    invoice = invoices.create_invoice(Invoice.GENERIC, client=client)
    invoices.add_line(invoice, description="Frame", unit_price_cents=6000, taxable=True)
    payment = ledger.take_payment(invoice, 3000, "cash")
    if done % 3 == 0:
        ledger.void_entry(payment, "wrong amount")
        invoices.void_invoice(invoices.create_invoice(Invoice.GENERIC, client=client), "made by mistake")
    done += 1
print(done)
"""


@pytest.fixture
def studio_file(tmp_path):
    """A small studio made through the services, closed."""
    from spectra_tui.data import clients, invoices, ledger, users
    from spectra_tui.data.db import close_database, open_database
    from spectra_tui.data.models import Invoice

    path = tmp_path / "studio.db"
    open_database(path, create=True)
    try:
        users.sign_in(add_user("rita", "Rita Gomez", "manager"))  # voids: a manager's
        add_user("front2", "Front Desk Two", "manager")  # its writer voids
        client = clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"})
        invoice = invoices.create_invoice(Invoice.GENERIC, client=client)
        invoices.add_line(invoice, description="Wall portrait", unit_price_cents=100000, taxable=False)
        ledger.take_payment(invoice, 80000, "card")
        for i in range(200):  # a file of several pages
            clients.save_client(None, {"first_name": f"Client{i}", "last_name": "Many", "notes": "x" * 300})
    finally:
        users.sign_in(None)
        close_database()
    return path


def file_state(path):
    """What a write would change: size and modification time of the file and its WAL."""
    state = {}
    for suffix in ("", "-wal"):
        name = f"{path}{suffix}"
        if os.path.exists(name):
            st = os.stat(name)
            state[suffix] = (st.st_size, st.st_mtime_ns)
    return state


def test_check_never_writes(studio_file):
    before, files = file_state(studio_file), set(os.listdir(studio_file.parent))
    result = spectra("--db", studio_file, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    after = file_state(studio_file)
    assert after[""] == before[""]
    assert after.get("-wal", (0, 0))[0] == before.get("-wal", (0, 0))[0]  # a reader may leave an empty WAL
    assert {f for f in os.listdir(studio_file.parent) if not f.endswith(("-wal", "-shm"))} == \
        {f for f in files if not f.endswith(("-wal", "-shm"))}  # no backup file


def test_a_studio_that_needs_upgrading_is_not_upgraded_by_check(studio_file):
    query(studio_file, "DELETE FROM schema_migration WHERE name = '0006_keyed_audit_chain'")
    before, files = file_state(studio_file), set(os.listdir(studio_file.parent))
    result = spectra("--db", studio_file, "check")
    assert result.returncode == 2
    assert result.stdout.startswith("This studio needs upgrading: open it with the app (spectra) first")
    assert file_state(studio_file)[""] == before[""]
    assert not [f for f in set(os.listdir(studio_file.parent)) - files if ".before-" in f]


def test_check_while_other_terminals_write_never_alarms(studio_file, tmp_path):
    """Two writers in other processes for a few seconds (SPECTRA_CHECK_STRESS_SECONDS);
    check runs again and again meanwhile, through the CLI: never a violation."""
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(studio_file), name, str(STRESS_SECONDS),
                                 str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("rita", "front2")]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in ("rita", "front2")):
        assert time.monotonic() < deadline and all(w.poll() is None for w in writers), \
            [w.communicate() for w in writers]
        time.sleep(0.01)
    runs = 0
    while any(w.poll() is None for w in writers) or runs < 2:
        result = spectra("--db", studio_file, "check")
        assert result.returncode == 0, result.stdout + result.stderr
        runs += 1
    done = [w.communicate(timeout=120) for w in writers]
    assert all(w.returncode == 0 for w in writers), done
    assert sum(int(out) for out, _ in done) > 0
    assert runs >= 2
    assert spectra("--db", studio_file, "check").returncode == 0


def test_a_payment_lowered_and_the_chain_rehashed_is_named_by_the_cli(studio_file):
    (entry_id, amount), = query(studio_file, "SELECT id, amount_cents FROM ledger_entry WHERE kind = 'payment'")
    (audit_id, after), = query(studio_file, "SELECT id, after FROM audit_log WHERE entity = 'ledger' AND entity_id = ?",
                               entry_id)
    query(studio_file, "UPDATE ledger_entry SET amount_cents = ? WHERE id = ?", amount - 50000, entry_id)
    query(studio_file, "UPDATE invoice SET paid_cents = paid_cents - 50000, balance_cents = balance_cents + 50000")
    data = json.loads(after)
    data["amount_cents"] -= 50000
    query(studio_file, "UPDATE audit_log SET after = ? WHERE id = ?", audit.canonical(data), audit_id)
    # re-hash every link from there on, unkeyed as the old program did (no key, no valid HMAC)
    rows = query(studio_file, "SELECT id, at, user_name, action, entity, entity_id, before, after, row_hash, hash "
                              "FROM audit_log ORDER BY id")
    prev = audit.GENESIS
    for row in rows:
        if row[0] >= audit_id:
            fields = dict(zip(("id", "at", "user_name", "action", "entity", "entity_id", "before", "after", "row_hash"),
                              row[:9]))
            link = audit.AuditLog(**fields)
            new = audit.legacy_entry_hash(prev, link)
            query(studio_file, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", prev, new, row[0])
            prev = new
        else:
            prev = row[9]
    result = spectra("--db", studio_file, "check")
    assert result.returncode == 1
    assert f"ledger row {entry_id} (payment on invoice 1001): was changed after it was written" in result.stdout
    assert f"audit entry {audit_id} (ledger.payment ledger {entry_id}): the audit log was changed" in result.stdout
    assert "more entries after these do not verify either" in result.stdout


def test_an_invoice_voided_behind_the_apps_back_is_named_by_the_cli(studio_file):
    query(studio_file, "UPDATE ledger_entry SET invoice_id = NULL, kind = 'deposit'")  # make it an invoice without money
    query(studio_file, "UPDATE invoice SET status = 'Void' WHERE number = 1001")
    result = spectra("--db", studio_file, "check")
    assert result.returncode == 1
    assert "invoice 1001: was changed behind the app's back (status 'Open' -> 'Void')" in result.stdout
    assert "was changed after it was written (kind 'payment' -> 'deposit', invoice 1 -> (none))" in result.stdout


def test_a_counter_moved_back_is_named_by_the_cli(studio_file):
    query(studio_file, "UPDATE counter SET value = 1000 WHERE name = 'invoice'")
    result = spectra("--db", studio_file, "check")
    assert result.returncode == 1
    assert "invoice counter: was moved back to 1000 behind the app's back, below invoice number 1001" in result.stdout


def test_check_without_the_key_says_it_cannot_verify(studio_file, tmp_path):
    result = spectra("--db", studio_file, "check", env={"XDG_CONFIG_HOME": str(tmp_path / "another-machine")})
    assert result.returncode == 2
    assert "audit log: cannot be verified: The key of this studio" in result.stdout
    assert "Not verified" in result.stdout


def test_a_damaged_page_is_reported_as_a_damaged_file(studio_file):
    size = os.path.getsize(studio_file)
    page = sqlite3.connect(studio_file).execute("PRAGMA page_size").fetchone()[0]
    assert size >= 8 * page
    with open(studio_file, "r+b") as damaged:
        damaged.seek((size // page // 2) * page)
        damaged.write(b"\xff" * page)
    result = spectra("--db", studio_file, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "database file:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
