"""The tests on PostgreSQL: SPECTRA_TEST_PG names a server (a URL of its
`postgres` database) or is `auto` for a throwaway one made here.

Made with the machine's own PostgreSQL programs (initdb, pg_ctl: Debian's
`postgresql` package) in a temporary folder, listening only on a Unix
socket there, with durability off (fsync) since nothing in it is kept.
initdb refuses to run as root, so as root the cluster belongs to the
`postgres` user the package creates.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ON_POSTGRES = bool(os.environ.get("SPECTRA_TEST_PG"))
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about the SQLite file itself")


def admin_sql(server: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE) on ``server`` (a URL)."""
    from playhouse.db_url import connect

    admin = connect(server)
    admin.connect()
    try:
        admin.connection().autocommit = True
        admin.execute_sql(statement)
    finally:
        admin.close()


class ClusterError(RuntimeError):
    pass


def _program(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                                       None)
    if found is None:
        raise ClusterError(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql).")
    return found


class Cluster:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="spectra-pg-"))
        self.data = self.folder / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str) -> None:
        result = subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise ClusterError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")

    def start(self) -> str:
        """Start the server; returns the URL of its `postgres` database."""
        self._run(_program("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
                  "-c full_page_writes=off -c max_connections=200"
        self._run(_program("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "start")
        return f"postgresql://postgres@/postgres?host={self.folder}"

    def stop(self) -> None:
        try:
            self._run(_program("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
