"""`spectra restore SRC` as an admin meets it: a file that is no sound backup
of this program is refused before anything changes (not SQLite, another
program's, damaged, newer, failing `spectra check`); a studio another
terminal has open is refused; otherwise the replaced database is kept, the
restored studio passes `spectra check` and its audit log says who restored
it from where. Only a manager or the owner restores."""
import json
import signal
import stat
import subprocess
import sys

import pytest

from pg_cluster import sqlite_only
from shell import Terminal
from spectra_tui.data import db as dbmod
from spectra_tui.data.models import AuditLog

from .backup_fixtures import (  # noqa: F401 - fixtures
    AS_MANAGER,
    AS_OWNER,
    AS_RITA,
    copy_file,
    fresh_process_state,
    query,
    studio,
    template,
)

pytestmark = sqlite_only

HOLDER = r"""
import sys, time
from spectra_tui.data.db import open_database
open_database(sys.argv[1])
print("open", flush=True)
time.sleep(600)
"""


@pytest.fixture
def backup_file(studio, tmp_path):
    """A backup of the studio; then the studio gains a client the backup does not have."""
    path = copy_file(studio, tmp_path / "backup.db")
    query(path, "PRAGMA journal_mode = delete")
    query(studio, "UPDATE client SET notes = 'after the backup' WHERE id = 1")  # a change of the studio's own
    return path


def leftovers(studio):
    return sorted(p.name for p in studio.parent.iterdir() if ".replaced-" in p.name or ".restoring-" in p.name)


def refused(run, studio, source, message):
    before = studio.read_bytes()
    code, out, err = run("--db", studio, "restore", source, "--yes", env=AS_OWNER)
    assert code == 2, out + err
    assert err.startswith(f"spectra: {message}"), err
    assert err.count("\n") == 1
    assert studio.read_bytes() == before
    assert leftovers(studio) == []


def test_a_file_that_is_not_sqlite_is_refused(run, studio, tmp_path):
    text = tmp_path / "clients.csv"
    text.write_text("First name,Last name\nAnn,Lee\n")
    refused(run, studio, text, f"{text} is not a Spectra backup: it is not an SQLite database.")


def test_a_missing_file_is_refused(run, studio, tmp_path):
    refused(run, studio, tmp_path / "nothing.db", f"there is no file {tmp_path / 'nothing.db'}.")


def test_another_programs_database_is_refused(run, studio, tmp_path):
    other = tmp_path / "other.db"
    query(other, "CREATE TABLE contacts (name TEXT)")
    refused(run, studio, other, f"{other} is not a Spectra backup: it is a database of another program "
                                "(tables such as 'contacts').")


def test_a_damaged_backup_is_refused(run, studio, backup_file):
    raw = bytearray(backup_file.read_bytes())
    for page in range(1, len(raw) // 4096):
        raw[page * 4096:page * 4096 + 16] = b"\xff" * 16  # every page's b-tree header
    backup_file.write_bytes(bytes(raw))
    refused(run, studio, backup_file, f"{backup_file} is damaged")


def test_a_backup_of_a_newer_spectra_is_refused(run, studio, backup_file):
    query(backup_file, "INSERT INTO schema_migration (name, applied) VALUES ('9999_from_the_future', '2030-01-01')")
    refused(run, studio, backup_file, f"{backup_file} was made by a newer Spectra than this one")


def test_a_backup_failing_check_is_refused_naming_the_problem(run, studio, backup_file):
    (entry_id,) = query(backup_file, "SELECT id FROM ledger_entry WHERE kind = 'payment'")[0]
    query(backup_file, "UPDATE ledger_entry SET amount_cents = 1 WHERE id = ?", entry_id)
    refused(run, studio, backup_file, f"{backup_file} fails `spectra check`, so it was not restored: "
                                      f"ledger row {entry_id} (payment on invoice")


def test_the_front_desk_may_not_restore(run, studio, backup_file):
    code, _, err = run("--db", studio, "restore", backup_file, "--yes", env=AS_RITA)
    assert code == 2
    assert err == ("spectra: Only a manager or the owner may restore the studio from a backup; "
                   "Rita Gomez is signed in as front desk.\n")


def test_refused_while_another_process_has_the_studio_open(run, studio, backup_file):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(studio)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        refused(run, studio, backup_file, "1 other terminal has the studio open; close it first.")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    code, out, err = run("--db", studio, "restore", backup_file, "--yes", env=AS_MANAGER)  # killed: free again
    assert code == 0, err


def test_restore_keeps_the_replaced_database_and_the_restored_one_passes_check(run, studio, backup_file):
    code, out, err = run("--db", studio, "restore", backup_file, "--yes", env=AS_OWNER)
    assert code == 0, err
    (kept_name,) = leftovers(studio)
    kept = studio.parent / kept_name
    assert out.splitlines() == [
        f"{backup_file} is a sound backup: it passes SQLite's integrity check and `spectra check`.",
        f"Restored from {backup_file}. The replaced database is kept as {kept}.",
    ]
    assert stat.S_IMODE(kept.stat().st_mode) == stat.S_IMODE(studio.stat().st_mode) == 0o600
    assert query(kept, "SELECT notes FROM client WHERE id = 1") == [("after the backup",)]
    assert query(studio, "SELECT notes FROM client WHERE id = 1") == [("",)]
    code, out, err = run("--db", studio, "check")
    assert code == 0, out + err
    code, out, err = run("--db", kept, "check")  # the replaced one keeps this machine's anchor of its chain
    assert code == 0, out + err
    dbmod.open_database(studio)
    try:
        entry = AuditLog.select().order_by(AuditLog.id.desc()).first()
        assert (entry.action, entry.entity, entry.user_name) == ("studio.restore", "studio", "admin")
        assert json.loads(entry.after) == {"from": str(backup_file), "kept": str(kept)}
    finally:
        dbmod.close_database()


def test_restore_asks_at_a_terminal(run, studio, backup_file):
    code, out, _ = run("--db", studio, "restore", backup_file, env=AS_OWNER, stdin=Terminal("n\n"))
    assert code == 1
    assert out.endswith(f"Replace the studio at {studio} with it? [y/N] Nothing was changed.\n")
    assert leftovers(studio) == []
    code, out, err = run("--db", studio, "restore", backup_file, env=AS_OWNER, stdin=Terminal("y\n"))
    assert code == 0, err
    assert "The replaced database is kept as" in out


def test_without_a_terminal_restore_needs_yes(run, studio, backup_file):
    code, _, err = run("--db", studio, "restore", backup_file, env=AS_OWNER)
    assert code == 2
    assert err == "spectra: restore replaces the studio: confirm with --yes (no terminal to ask).\n"
    assert leftovers(studio) == []
