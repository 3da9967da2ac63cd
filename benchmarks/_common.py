"""What every benchmark module shares: percentiles, the JSON result file, and
running one benchmark as a script (summary, PASS/FAIL, exit code)."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path


def percentile(values: list[float], fraction: float) -> float:
    """The value at ``fraction`` (0.95 for p95) of the sorted values, nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def write_result(path: Path, result: dict) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def run_as_script(main: Callable[[], dict]) -> None:
    """``python benchmarks/bench_x.py``: run, print the summary and the verdict, exit 1 on FAIL."""
    outcome = main()
    if not outcome:  # a child process of the benchmark (it prints its own marks)
        return
    print(outcome["summary"])
    print("PASS" if outcome["pass"] else "FAIL")
    sys.exit(0 if outcome["pass"] else 1)


def add_database_argument(parser) -> None:
    """``--database sqlite|postgresql`` (benchmarks/_postgres.py: the PostgreSQL server)."""
    from benchmarks._postgres import DATABASES

    parser.add_argument("--database", choices=DATABASES, default=DATABASES[0],
                        help="the studio's database (default sqlite)")


def results_file(name: str, database: str) -> Path:
    """benchmarks/results/NAME.json, NAME-postgresql.json for the PostgreSQL run."""
    suffix = "" if database == "sqlite" else f"-{database}"
    return Path(__file__).resolve().parent / "results" / f"{name}{suffix}.json"
