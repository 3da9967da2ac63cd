"""Benchmark: the app's peak memory on the 100,000-client studio.

The real app (SpectraApp, headless, 120x40) runs in a child process of its
own on the cached 100,000-client demo (benchmarks/_cache.py) and does what a
day at the desk does: Home, the Clients hub (everyone's first page, then a
search typed one key at a time, then ten pages down its results), the
calendar's week, the Invoices hub and ten pages down its list. The child
then reports its peak resident set size (Linux's VmHWM, see peak_kb:
interpreter, imports, the database's caches, every screen that was open).
Target: under 150 MB. On PostgreSQL too (``--database postgresql``).

    python benchmarks/bench_memory.py
    python benchmarks/bench_memory.py --database postgresql
"""
from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `benchmarks` and `spectra_tui` from this checkout
    sys.path.insert(0, str(ROOT))

from benchmarks._common import add_database_argument, results_file, run_as_script, write_result

NAME = "memory"
ON_POSTGRESQL = True  # `make bench` runs it on PostgreSQL too (benchmarks/__main__.py)
CLIENTS = 100_000
TARGET_MB = 150.0
SEARCH = "mar"
PAGES_DOWN = 10
PEAK = "PEAK-KB"


# ---------------------------------------------------------------- the child process

async def _until(condition, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not show what was expected")
        await asyncio.sleep(0.01)


async def desk_day() -> dict[str, int]:
    """Home, Clients (a search, pages down), Calendar, Invoices (pages down);
    the rows each list had loaded."""
    from spectra_tui.app import SpectraApp
    from spectra_tui.data.clients import ClientQuery, search_clients
    from spectra_tui.screens.calendar import CalendarHub
    from spectra_tui.screens.clients import ClientsHub
    from spectra_tui.screens.invoices.hub import InvoicesHub
    from spectra_tui.screens.widgets import PAGE_SIZE

    app = SpectraApp(keys_file=Path(tempfile.gettempdir()) / "spectra-bench-no-keys.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await _until(lambda: isinstance(app.screen, ClientsHub))
        table = app.screen.query_one("#client-results")
        await _until(lambda: len(table.loaded_rows) > 0)
        await pilot.press(*SEARCH)
        expected = [c.id for c in search_clients(ClientQuery(name=SEARCH), PAGE_SIZE)]
        await _until(lambda: [c.id for c in table.loaded_rows] == expected)
        await _pages_down(pilot, table)
        loaded = {"client rows": len(table.loaded_rows)}
        await pilot.press("f4")
        await _until(lambda: isinstance(app.screen, CalendarHub) and app.screen.data is not None)
        await pilot.press("f7")
        await _until(lambda: isinstance(app.screen, InvoicesHub))
        invoices = app.screen.table
        await _until(lambda: len(invoices.loaded_rows) > 0)
        await _pages_down(pilot, invoices)
        loaded["invoice rows"] = len(invoices.loaded_rows)
    return loaded


async def _pages_down(pilot, table) -> None:
    table.focus()
    for _ in range(PAGES_DOWN):
        await pilot.press("pagedown")
        await pilot.pause()
    await _until(lambda: not table._loading)


def child(target: str) -> None:
    from spectra_tui.data.db import close_database, open_database
    from spectra_tui.data.users import find_user, sign_in

    open_database(target)
    sign_in(find_user("rita"))
    try:
        loaded = asyncio.run(desk_day())
    finally:
        close_database()
    print(PEAK, peak_kb(), json.dumps(loaded), flush=True)


def peak_kb() -> int:
    """This process's peak resident set size in KB: Linux's VmHWM (that of
    this program only; ru_maxrss would keep a forking parent's size across
    exec), else ru_maxrss (KB on Linux, bytes on macOS)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak // 1024 if sys.platform == "darwin" else peak
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))


# ---------------------------------------------------------------- the benchmark

def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, help="JSON file to write (default results/memory[-DATABASE].json)")
    parser.add_argument("--child", metavar="TARGET", help=argparse.SUPPRESS)
    add_database_argument(parser)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return {}

    from benchmarks._cache import demo_database
    from benchmarks._postgres import studio

    cached = demo_database(CLIENTS, progress=lambda message: print(message, file=sys.stderr, flush=True))
    scratch = Path(tempfile.mkdtemp(prefix="spectra-bench-memory-"))
    try:
        target = studio(args.database, cached, scratch, NAME)
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "benchmarks.bench_memory", "--child", target],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - began
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    marks = [line.split(maxsplit=2) for line in done.stdout.splitlines() if line.startswith(PEAK)]
    if done.returncode != 0 or not marks:
        raise RuntimeError(f"the app's run failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    peak_mb, loaded = int(marks[-1][1]) / 1024, json.loads(marks[-1][2])
    result = {
        "name": NAME,
        "database": args.database,
        "pass": peak_mb < TARGET_MB,
        "summary": (f"{CLIENTS:,} clients: the app's peak memory (RSS) {peak_mb:.1f} MB (target < {TARGET_MB:.0f} MB) "
                    f"through Home, Clients (search '{SEARCH}', {PAGES_DOWN} pages down), the calendar's week, "
                    f"Invoices ({PAGES_DOWN} pages down); rows loaded: {loaded['client rows']:,} clients, "
                    f"{loaded['invoice rows']:,} invoices"),
        "peak_rss_mb": round(peak_mb, 1),
        "target_mb": TARGET_MB,
        "rows_loaded": loaded,
        "run_seconds": round(seconds, 2),
        "python": sys.version.split()[0],
    }
    return write_result(args.results or results_file(NAME, args.database), result)


if __name__ == "__main__":
    run_as_script(main)
