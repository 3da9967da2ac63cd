"""Benchmark: start-up to the first frame of Spectra, against a bare Textual app.

Each start is a fresh Python process (what a receptionist waits for after
typing ``spectra``): interpreter, imports, opening the database, composing
the sign-in screen, until the app outputs its first frame of it (headless,
120x40; a frame is what ``App._display`` receives). Then Rita signs in with
the demo's PIN (checked against its argon2id hash), and the time until a
frame shows the Home hub's data (its open balances) is reported too. The yardstick is a
bare Textual app with a Header, a DataTable and a Footer, started the same
way, in the same run, alternating with Spectra so both see the same
machine. Target: Spectra's median within 1.5x of the bare app's median.

    python benchmarks/bench_startup.py            # 9 starts of each
    python benchmarks/bench_startup.py --runs 3   # quick check
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `benchmarks` and `spectra_tui` from this checkout
    sys.path.insert(0, str(ROOT))

from benchmarks._common import run_as_script, write_result

NAME = "startup"
TARGET_RATIO = 1.5
DEMO_CLIENTS = 300  # the size of `spectra demo`
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "startup.json"
READY = "FIRST-FRAME"
LOADED = "DATA-SHOWN"


# ---------------------------------------------------------------- the child process

def child(kind: str, db: str | None) -> None:
    """Start one app headless; print READY when it outputs its first frame of
    the first screen (Spectra: the sign-in screen), LOADED when a frame shows
    the Home hub's data (Spectra: once Rita has signed in); exit."""
    if kind == "spectra":
        # The real start: `spectra --db DB --user rita` through the CLI (its
        # parser, its imports, opening the database, the terminal-graphics
        # probe), only run headless at 120x40 so that frames can be seen.
        # (textual.app, not spectra_tui.app: the CLI imports the rest itself.)
        from textual.app import App

        from spectra_tui.cli import main as spectra_main

        run = App.run

        def run_headless(app, *args, **kwargs):
            watch(app)
            return run(app, headless=True, size=(120, 40))

        App.run = run_headless
        os.environ["SPECTRA_KEYS"] = str(Path(db).with_suffix(".no-keys.toml"))

        def shown(screen) -> bool:  # the sign-in screen, the first a person sees
            if type(screen).__name__ != "SignInScreen" or not screen.is_mounted:
                return False
            # Rita signs in as a person would (the demo's PIN, checked against its argon2id hash)
            screen.query_one("#sign-in-secret").value = "1234"
            screen.app.call_later(screen.sign_in)
            return True

        def loaded(screen) -> bool:  # then the Home hub with its open balances in the table
            balances = screen.query("#balances") if type(screen).__name__ == "HomeHub" else None
            return bool(balances) and balances.first().row_count > 0

    else:
        from textual.app import App
        from textual.widgets import DataTable, Footer, Header

        class Bare(App):
            BINDINGS = [("ctrl+l", "bell", "Bell")]

            def compose(self):
                yield Header()
                yield DataTable()
                yield Footer()

        app = Bare()

        def shown(screen) -> bool:
            tables = screen.query(DataTable)
            return bool(tables) and tables.first().is_mounted

        def loaded(screen) -> bool:  # nothing to load
            return True

    def watch(app) -> None:
        """Print READY / LOADED as the app outputs the frames (what
        App._display receives; headless, it is computed, not written)."""
        output = app._display
        marks: list[str] = []

        def display(screen, renderable) -> None:
            output(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if not marks and shown(screen):
                marks.append(READY)
                print(READY, flush=True)
            if marks == [READY] and loaded(screen):
                marks.append(LOADED)
                print(LOADED, flush=True)
                app.call_later(app.exit)

        app._display = display

    if kind == "spectra":
        spectra_main(["--db", db, "--user", "rita"])
    else:
        watch(app)
        app.run(headless=True, size=(120, 40))


# ---------------------------------------------------------------- the parent

def time_start(kind: str, db: Path | None) -> tuple[float, float]:
    """Wall times from spawning the process to its first frame, and to the
    frame with the Home hub's data (after signing in), in ms."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    if db is not None:
        command += ["--db", str(db)]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # Both apps start from compiled modules, as installed software does:
    # Textual's come compiled by pip, ours are written by the warm-up start.
    # (Left set, PYTHONDONTWRITEBYTECODE would make every start recompile
    # Spectra's own modules from source and only Spectra's.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    marks: dict[str, float] = {}
    for line in process.stdout:
        marks[line.strip()] = (time.perf_counter() - began) * 1000
        if LOADED in marks:
            break
    process.wait(timeout=30)
    if READY not in marks or LOADED not in marks:
        raise RuntimeError(f"{kind} did not start: {process.stderr.read()[-2000:]}")
    return marks[READY], marks[LOADED]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="starts of each app (default 9)")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="JSON file to write")
    parser.add_argument("--child", choices=("spectra", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.db)
        return {}

    from benchmarks._cache import demo_database, working_copy

    scratch = Path(tempfile.mkdtemp(prefix="spectra-bench-startup-"))
    try:
        db = working_copy(demo_database(DEMO_CLIENTS), scratch)
        time_start("bare", None)  # warm-up: the OS file cache, .pyc files
        time_start("spectra", db)
        bare, spectra, spectra_data = [], [], []
        for _ in range(args.runs):  # alternate, so both see the same machine
            bare.append(time_start("bare", None)[0])
            first, data = time_start("spectra", db)
            spectra.append(first)
            spectra_data.append(data)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    bare_median, spectra_median = statistics.median(bare), statistics.median(spectra)
    data_median = statistics.median(spectra_data)
    ratio = spectra_median / bare_median
    passed = ratio <= TARGET_RATIO
    result = {
        "name": NAME,
        "pass": passed,
        "summary": (f"first frame: Spectra (the sign-in screen, {DEMO_CLIENTS}-client demo) median "
                    f"{spectra_median:.0f} ms vs bare Textual app {bare_median:.0f} ms = {ratio:.2f}x "
                    f"(target <= {TARGET_RATIO}x); signed in (PIN checked), Home data shown at {data_median:.0f} ms"),
        "spectra_median_ms": round(spectra_median, 1),
        "bare_median_ms": round(bare_median, 1),
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "spectra_data_shown_median_ms": round(data_median, 1),
        "spectra_data_shown_ratio": round(data_median / bare_median, 3),
        "spectra_ms": [round(t, 1) for t in spectra],
        "spectra_data_shown_ms": [round(t, 1) for t in spectra_data],
        "bare_ms": [round(t, 1) for t in bare],
        "runs": args.runs,
        "python": sys.version.split()[0],
    }
    return write_result(args.results, result)


if __name__ == "__main__":
    run_as_script(main)
