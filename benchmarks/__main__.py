"""`python -m benchmarks` (`make bench`): run every benchmarks/bench_*.py.

Each module has ``main(argv=None) -> dict`` with at least a boolean "pass"
and a one-line "summary". The runner calls ``main([])`` (their defaults),
prints one PASS/FAIL line per benchmark, writes every result with the time
and the machine to benchmarks/results/summary.json, and exits 1 if any
benchmark failed (or crashed).

A module with ``ON_POSTGRESQL = True`` runs again with ``--database
postgresql`` (benchmarks/_postgres.py: a throwaway server, or
$SPECTRA_BENCH_PG), same targets; its "figures" ({what: [p50, p95]}) are
printed at the end beside the SQLite ones. When no PostgreSQL server can be
had, one line says so and the run goes on (it does not fail for that).

    python -m benchmarks              # all of them
    python -m benchmarks --only import
    python -m benchmarks --list
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUMMARY = HERE / "results" / "summary.json"


def discover() -> dict[str, Path]:
    """bench_import.py -> {"import": path}, in name order."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def run(name: str, argv: list[str]) -> dict:
    started = time.perf_counter()
    try:
        if str(HERE.parent) not in sys.path:
            sys.path.insert(0, str(HERE.parent))  # `import spectra_tui` from a bare checkout
        # A real import (not exec of the file): worker processes unpickle the
        # benchmark's functions by their module name.
        module = importlib.import_module(f"benchmarks.bench_{name}")
        result = module.main(argv)
        if not isinstance(result, dict) or not isinstance(result.get("pass"), bool):
            raise TypeError(f"main() returned {type(result).__name__} without a boolean 'pass'")
        result = dict(result)
    except (Exception, SystemExit) as exc:  # one broken benchmark must not hide the others
        result = {"pass": False, "summary": f"crashed: {exc!r}", "error": traceback.format_exc()}
    result.setdefault("summary", "")
    result["runner_seconds"] = round(time.perf_counter() - started, 2)
    return result


def on_postgresql(name: str) -> bool:
    try:
        return bool(getattr(importlib.import_module(f"benchmarks.bench_{name}"), "ON_POSTGRESQL", False))
    except Exception:  # the run itself reports the broken module
        return False


def postgresql_server(no_postgresql: list[str]) -> bool:
    """A PostgreSQL server is there (started on first use); if not, say why once."""
    if no_postgresql:
        return False
    from benchmarks._postgres import Unavailable, server

    try:
        server()
    except Unavailable as why:
        no_postgresql.append(str(why))
        print(f"PostgreSQL: not run ({why})", flush=True)
        return False
    return True


def print_side_by_side(results: dict[str, dict]) -> None:
    """Each benchmark's figures on SQLite and on PostgreSQL, p50 / p95 in ms."""
    pairs = [(name, results[name], results[f"{name} on PostgreSQL"]) for name in results
             if f"{name} on PostgreSQL" in results and "figures" in results[name]]
    if not pairs:
        return
    print(f"{'p50 / p95 ms':<40} {'SQLite':>17} {'PostgreSQL':>17}")
    for name, sqlite, postgresql in pairs:
        for what, (p50, p95) in sqlite["figures"].items():
            other = postgresql.get("figures", {}).get(what)
            shown = f"{other[0]:.1f} / {other[1]:.1f}" if other else "-"
            print(f"{name + ': ' + what:<40} {f'{p50:.1f} / {p95:.1f}':>17} {shown:>17}")


def machine() -> dict:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu_count": os.cpu_count(), "usable_cpus": usable, "python": platform.python_version(),
            "implementation": platform.python_implementation(), "platform": platform.platform(),
            "machine": platform.machine()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Run the Spectra benchmarks.")
    parser.add_argument("--only", metavar="NAME", help="run one benchmark (e.g. import for bench_import.py)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--summary", type=Path, default=SUMMARY, help="where to write the JSON summary")
    args = parser.parse_args(argv)

    found = discover()
    if args.list:
        print("\n".join(found) or "no benchmarks found")
        return 0
    if args.only is not None:
        name = args.only.removeprefix("bench_").removesuffix(".py")
        if name not in found:
            parser.error(f"no benchmark '{args.only}'; there are: {', '.join(found) or 'none'}")
        found = {name: found[name]}
    if not found:
        print("no benchmarks/bench_*.py found", file=sys.stderr)
        return 1

    results: dict[str, dict] = {}
    no_postgresql: list[str] = []
    for name in found:
        runs = [(name, [])]
        if on_postgresql(name) and postgresql_server(no_postgresql):
            runs.append((f"{name} on PostgreSQL", ["--database", "postgresql"]))
        for label, argv in runs:
            print(f"running {label}...", flush=True)
            results[label] = result = run(name, argv)
            verdict = "PASS" if result["pass"] else "FAIL"
            print(f"{verdict} {label}: {result['summary']} ({result['runner_seconds']:.1f}s)", flush=True)
    print_side_by_side(results)

    failed = [name for name, result in results.items() if not result["pass"]]
    summary = {
        "timestamp": dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "pass": not failed,
        "benchmarks": results,
    }
    args.summary.parent.mkdir(parents=True, exist_ok=True)
    args.summary.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    print(f"{len(results) - len(failed)} of {len(results)} passed"
          + (f"; failed: {', '.join(failed)}" if failed else "") + f". Summary: {args.summary}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
