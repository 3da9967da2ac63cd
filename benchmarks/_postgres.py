"""The PostgreSQL half of the benchmarks: their studios on a PostgreSQL server.

The server: $SPECTRA_BENCH_PG (a URL of a server's `postgres` database:
the databases template_* and bench_* there are made anew), or one throwaway
server for the run, made like the tests' (tests/pg_cluster.py) and stopped
at exit. A cached SQLite studio (benchmarks/_cache.py) is moved
into it once by ``migrate_to`` (data/migrate_to.py, what `spectra
migrate-to` runs, verified) as a template database; each benchmark then
works on a copy of that template (CREATE DATABASE ... TEMPLATE: a file copy,
seconds). The databases use an en-US collation when the server has ICU: the
order a studio's server usually has, not the C order of a bare cluster.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRESQL = "postgresql"
DATABASES = ("sqlite", POSTGRESQL)
ICU = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"


class Unavailable(RuntimeError):
    """No PostgreSQL server can be had (the message says why)."""


_server: dict[str, str] = {}  # "url" of the server, or "why" not
_templates: dict[str, str] = {}  # what a template holds -> its database


def server() -> str:
    """The URL of the server's `postgres` database (started on first use)."""
    if "url" not in _server and "why" not in _server:
        _server.update(_start(os.environ.get("SPECTRA_BENCH_PG", "")))
        if "url" in _server:
            try:
                _admin("SELECT 1")
            except Exception as error:  # psycopg2's errors, and a URL that is not one
                _server["why"] = f"cannot connect to {_server.pop('url')}: {str(error).strip().splitlines()[0]}"
    if "why" in _server:
        raise Unavailable(_server["why"])
    return _server["url"]


def _start(given: str) -> dict[str, str]:
    if given:
        return {"url": given}
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    try:
        from pg_cluster import Cluster, ClusterError
    except ImportError as missing:  # pytest is not installed (only the test extra brings it)
        return {"why": f"tests/pg_cluster.py cannot be imported: {missing}"}
    try:
        cluster = Cluster()  # finds PostgreSQL's programs (or says it cannot)
    except (ClusterError, OSError) as error:
        return {"why": str(error).strip().splitlines()[0]}
    try:
        url = cluster.start()
    except (ClusterError, OSError, subprocess.SubprocessError) as error:
        with contextlib.suppress(ClusterError, OSError, subprocess.SubprocessError):
            cluster.stop()
        return {"why": str(error).strip().splitlines()[0]}
    atexit.register(cluster.stop)
    # A run ended by SIGTERM (timeout, kill) stops its server too: exit through atexit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return {"url": url}


def url_of(name: str) -> str:
    return urlsplit(server())._replace(path=f"/{name}").geturl()


def _admin(statement: str, database: str = "postgres") -> None:
    """Run ``statement`` outside a transaction (CREATE DATABASE, VACUUM) in ``database``."""
    from playhouse.db_url import connect

    admin = connect(url_of(database))
    admin.connect()
    try:
        admin.connection().autocommit = True
        admin.execute_sql(statement)
    finally:
        admin.close()


def new_database(name: str, template: str | None = None) -> str:
    """A new database ``name`` (dropped first if there), empty or a copy of ``template``; its URL."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if template is not None:
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return url_of(name)
    try:
        _admin(f'CREATE DATABASE "{name}" {ICU}')
    except Exception:  # a server built without ICU: its own collation
        _admin(f'CREATE DATABASE "{name}"')
    return url_of(name)


def template(key: str, make: Callable[[str], None]) -> str:
    """The template database ``key`` stands for, made once per run: a new
    database filled by ``make(url)``, then its statistics taken (what
    autovacuum does on a live server; its copies keep them)."""
    if key not in _templates:
        name = "template_" + re.sub(r"\W", "_", key)
        make(new_database(name))
        _admin("VACUUM ANALYZE", name)
        _templates[key] = name
    return _templates[key]


def moved(studio: Path) -> Callable[[str], None]:
    """Fills a database with the SQLite studio at ``studio`` by migrate_to,
    whose verification must find nothing (counts, ledger totals, check)."""

    def make(url: str) -> None:
        from spectra_tui.data.migrate_to import migrate_to

        verification = migrate_to(studio, url)
        if not verification.ok:
            raise RuntimeError(f"{studio.name} moved to PostgreSQL with differences: {verification.lines()[:3]}")

    return make


def copy_of(studio: Path, name: str) -> str:
    """A new database ``name``: the SQLite studio at ``studio``, moved to the
    server once per run; its URL."""
    return new_database(name, template(studio.stem, moved(studio)))


def studio(database: str, cached: Path, scratch: Path, name: str) -> str:
    """Where a benchmark works: a copy of the cached SQLite studio in
    ``scratch``, or on PostgreSQL a database ``bench_<name>`` copied from it."""
    if database == POSTGRESQL:
        return copy_of(cached, f"bench_{name}")
    from benchmarks._cache import working_copy

    return str(working_copy(cached, scratch))
