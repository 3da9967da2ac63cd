"""Benchmark: Import Clients, 100,000 rows of a CSV into a studio, against a floor.

The file is an address book's export (Outlook-style headings, UTF-8 with a
byte-order mark, quoted notes holding commas and line breaks, accents,
2% of the rows repeating an earlier person, 0.5% with a bad email or date),
generated once and cached (``$SPECTRA_BENCH_DATA`` or the temp folder). The
studio is the demo's (300 clients, benchmarks/_cache.py), a fresh copy each run.

* floor: a plain ``csv.reader`` pass over the file and an ``executemany`` of
  its rows, as they are, into the studio's client table (no check, no
  duplicates, no search keys): the least any importer does;
* import: ``open_client_file``, ``guess_mapping`` and ``import_clients``
  (every row cleaned with the client form's rules, duplicates skipped, the
  valid rows accepted), one transaction, audited.

The target: the import in under 60 s; the ratio floor/import is reported.
`spectra check` must pass on the studio afterwards (not timed).

    python benchmarks/bench_import_clients.py              # 100,000 rows
    python benchmarks/bench_import_clients.py --rows 5000  # quick check
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `benchmarks` and `spectra_tui` from this checkout
    sys.path.insert(0, str(ROOT))

from benchmarks._common import run_as_script, write_result

DEFAULT_ROWS = 100_000
DEMO_CLIENTS = 300
TARGET_SECONDS = 60.0
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "import_clients.json"
GENERATOR_VERSION = 1  # bump when the generated file changes
HEADINGS = ["First Name", "Middle Name", "Last Name", "Company", "Home Street", "Home City", "Home State",
            "Home Postal Code", "Mobile Phone", "Home Phone", "E-mail Address", "Birthday", "Notes"]
FIRST = ["Ann", "José", "Zoë", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Chloé", "Ava", "Ethan", "Mia",
         "Lucas", "Sofía", "Mason", "Harper", "Elijah", "Amélie", "James", "Isabella", "Benjamin", "Léa"]
LAST = ["Lee", "Núñez", "O'Brien", "Smith", "García", "McDonald", "van der Berg", "Nguyen", "Patel", "Johnson",
        "Müller", "Williams", "Brown", "Dubois", "Kowalski", "Rossi", "Haddad", "Okafor", "Silva", "Schmidt"]
CITIES = [("Austin", "TX", "787"), ("Chicago", "IL", "606"), ("Denver", "CO", "802"), ("Portland", "OR", "972"),
          ("Boston", "MA", "021"), ("Seattle", "WA", "981"), ("Miami", "FL", "331"), ("Phoenix", "AZ", "850")]
AREA_CODES = ["512", "312", "303", "503", "617", "206", "305", "602"]
STREETS = ["Oak St", "Maple Ave", "Congress Ave", "Elm Dr", "Lakeview Blvd", "Cedar Ln"]


def default_data_dir() -> Path:
    configured = os.environ.get("SPECTRA_BENCH_DATA")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "spectra-bench"


def generated_row(rng: random.Random, index: int) -> list[str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, state, zip3 = rng.choice(CITIES)
    email = f"{first}.{last}{index}@example.com".lower().replace("'", "").replace(" ", "")
    birthday = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(1950, 2006)}"
    if rng.random() < 0.0025:
        email = f"{first}@"  # rejected: not an address
    elif rng.random() < 0.0025:
        birthday = "02/30/1990"  # rejected: no such day
    elif rng.random() < 0.3:
        birthday = "0/0/00"  # Outlook's empty date
    note = ""
    if rng.random() < 0.1:
        note = f'Prefers mornings, "outdoor" sessions\nReferred by {rng.choice(FIRST)}'
    return [
        first,
        rng.choice(["", "", "", "Marie", "J."]),
        last,
        "Acme Photo LLC" if rng.random() < 0.02 else "",
        f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
        city,
        state,
        f"{zip3}{rng.randint(10, 99)}",
        f"({rng.choice(AREA_CODES)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
        f"{rng.choice(AREA_CODES)}.{rng.randint(200, 989)}.{rng.randint(1000, 9999)}" if rng.random() < 0.3 else "",
        email if rng.random() < 0.85 else "",
        birthday,
        note,
    ]


def ensure_file(folder: Path, rows: int) -> Path:
    """The client file of ``rows`` rows (2% of them repeat an earlier person), generated once."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"clients-{rows}-v{GENERATOR_VERSION}.csv"
    if path.exists():
        return path
    rng = random.Random(16)
    partial = path.with_name(f".{path.name}.tmp")
    made: list[list[str]] = []
    with open(partial, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADINGS)
        for index in range(rows):
            row = rng.choice(made) if made and rng.random() < 0.02 else generated_row(rng, index)
            if len(made) < 5000:
                made.append(row)
            writer.writerow(row)
    os.replace(partial, path)
    return path


def time_floor(path: Path, database: Path) -> float:
    """csv.reader over the file and executemany of its rows into the client table, as they are."""
    columns = ["first_name", "middle_name", "last_name", "company", "address1", "city", "state", "postal_code",
               "phone_mobile", "phone_home", "email", "lead_source", "notes"]  # (the birthday as lead source text)
    rest = {"address2": "", "country": "", "phone_work": "", "do_not_market": 0, "do_not_call": 0, "first_key": "",
            "last_key": "", "email_key": "", "city_key": "", "phone_key": "", "phone2_key": "",
            "created_at": "2026-11-26 12:00:00", "updated_at": "2026-11-26 12:00:00"}
    names = columns + list(rest)
    sql = f"INSERT INTO client ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    tail = list(rest.values())
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    try:
        with open(path, encoding="utf-8-sig", newline="") as data:
            rows = csv.reader(data)
            next(rows)
            with connection:
                connection.executemany(sql, (cells + tail for cells in rows))
    finally:
        connection.close()
    return time.perf_counter() - started


def time_import(path: Path, database: Path, workers: int | None) -> tuple[float, object, list]:
    from spectra_tui.data import check, users
    from spectra_tui.data.client_files import guess_mapping, open_client_file
    from spectra_tui.data.client_import import import_clients
    from spectra_tui.data.db import close_database, open_database
    from spectra_tui.data.models import User

    open_database(str(database))
    try:
        users.sign_in(User.get(User.role == "owner"))
        started = time.perf_counter()
        file = open_client_file(path)
        result = import_clients(file, guess_mapping(file.headers), accept_valid=True, workers=workers)
        seconds = time.perf_counter() - started
        problems = check.run_checks()
    finally:
        users.sign_in(None)
        close_database()
    return seconds, result, problems


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows in the file (default 100,000)")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(), help="where the file is cached")
    parser.add_argument("--workers", type=int, default=None, help="processes cleaning rows (default: one a core)")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="JSON file to write")
    args = parser.parse_args(argv)

    from benchmarks._cache import demo_database, working_copy

    path = ensure_file(args.data_dir, args.rows)
    studio = demo_database(DEMO_CLIENTS, progress=lambda message: print(message, file=sys.stderr, flush=True))
    scratch = Path(tempfile.mkdtemp(prefix="spectra-bench-import-clients-"))
    try:
        (scratch / "floor").mkdir()
        floor_seconds = time_floor(path, working_copy(studio, scratch / "floor"))
        import_seconds, result, problems = time_import(path, working_copy(studio, scratch), args.workers)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    ratio = floor_seconds / import_seconds
    accounted = result.imported + result.skipped + result.merged + len(result.rejected)
    outcome = {
        "benchmark": "import_clients",
        "rows": args.rows,
        "file_mb": round(path.stat().st_size / 1e6, 2),
        "studio_clients_before": DEMO_CLIENTS,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_average_1min_after": round(os.getloadavg()[0], 2),  # a shared machine: how busy it was
        "floor_seconds": round(floor_seconds, 3),
        "import_seconds": round(import_seconds, 3),
        "rows_per_second": round(args.rows / import_seconds),
        "ratio_floor_to_import": round(ratio, 3),
        "target_seconds": TARGET_SECONDS,
        "imported": result.imported,
        "skipped": result.skipped,
        "rejected": len(result.rejected),
        "committed": result.committed,
        "check_problems": [str(problem) for problem in problems[:5]],
        "pass": import_seconds < TARGET_SECONDS * args.rows / DEFAULT_ROWS
        and result.committed
        and accounted == args.rows
        and not problems,
    }
    target = TARGET_SECONDS * args.rows / DEFAULT_ROWS
    outcome["summary"] = (
        f"{args.rows:,} rows: import {import_seconds:.1f} s (target < {target:.0f} s), "
        f"floor (csv.reader + executemany) {floor_seconds:.1f} s, ratio {ratio:.3f}; {result.imported:,} imported, "
        f"{result.skipped:,} skipped, {len(result.rejected):,} rejected; check "
        f"{'passes' if not problems else 'FAILS'}"
    )
    write_result(args.results, outcome)
    return outcome


if __name__ == "__main__":
    run_as_script(main)
