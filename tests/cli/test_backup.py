"""`spectra backup DEST` and `spectra backup --daily` as an admin or a cron
job meets them: what was written and its size, owner-only, checked, the
studio itself never written; one line for what cannot be done."""
import os
import stat

import pytest

from pg_cluster import sqlite_only

from .backup_fixtures import fresh_process_state, query, studio, template  # noqa: F401 - fixtures

pytestmark = sqlite_only


def test_backup_into_a_folder_says_what_it_wrote(run, studio, tmp_path):
    before = os.stat(studio).st_mtime_ns
    code, out, err = run("--db", studio, "backup", tmp_path)
    assert code == 0, err
    (made,) = [p for p in tmp_path.iterdir() if p.name.startswith("studio-") and p.suffix == ".db"]
    size = made.stat().st_size
    assert out == f"Backup written: {made} ({size / 1024:.1f} KB), checked.\n"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert query(made, "SELECT count(*) FROM invoice") == [(1,)]
    assert query(made, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert os.stat(studio).st_mtime_ns == before  # the studio opened read-only: not written


def test_a_folder_named_with_a_slash_is_made_when_missing(run, studio, tmp_path):
    code, out, err = run("--db", studio, "backup", f"{tmp_path}/nightly/")
    assert code == 0, err
    (made,) = (tmp_path / "nightly").iterdir()
    assert made.name.startswith("studio-") and made.suffix == ".db"
    (tmp_path / "plain").write_text("a file")
    code, out, err = run("--db", studio, "backup", f"{tmp_path}/plain/")
    assert code == 2 and "is a file, not a folder" in err


def test_backup_to_a_file_that_exists_writes_beside_it(run, studio, tmp_path):
    dest = tmp_path / "tonight.db"
    dest.write_text("keep me")
    code, out, _ = run("--db", studio, "backup", dest)
    assert code == 0
    assert out.startswith(f"Backup written: {dest}.2 (")
    assert dest.read_text() == "keep me"


def test_daily_backup_for_a_cron_job(run, studio):
    code, out, err = run("--db", studio, "backup", "--daily")
    assert code == 0, err
    (made,) = (studio.parent / "backups").glob("studio-????-??-??.db")
    assert out.startswith(f"Daily backup written: {made} (")
    code, out, _ = run("--db", studio, "backup", "--daily")
    assert code == 0
    assert out.startswith("Nothing to do: today's backup is in")


def test_daily_backups_kept_in_a_folder_the_cron_job_names(run, studio, tmp_path):
    code, out, err = run("--db", studio, "backup", "--daily", tmp_path / "nightly")
    assert code == 0, err
    (made,) = (tmp_path / "nightly").glob("studio-????-??-??.db")
    assert out.startswith(f"Daily backup written: {made} (")
    assert not (studio.parent / "backups").exists()


@pytest.mark.parametrize("args, message", [
    ((), "give DEST (a file or a folder), or --daily."),
    (("/no/such/folder/x.db",), "there is no folder /no/such/folder to write the backup in."),
])
def test_what_cannot_be_done_is_one_line(run, studio, args, message):
    code, out, err = run("--db", studio, "backup", *args)
    assert (code, out, err) == (2, "", f"spectra: {message}\n")


def test_no_studio_no_backup(run, tmp_path):
    code, _, err = run("--db", tmp_path / "missing.db", "backup", tmp_path)
    assert code == 2
    assert err.startswith("spectra: no studio at")
