"""Every benchmark, one after another, with a summary: ``python benchmarks/run_all.py``.

Each script measures against its own baseline in the same run and prints ratios; this
runs them with the same interpreter, shows their output as it comes, and ends with one
line per script: ok, or MISSED when it exited non-zero or printed MISSED or FAIL.
``--quick`` passes fewer runs and skips the NDJSON data sets (minutes instead of about
ten). Exits 1 when any goal was missed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (script, arguments for a full run, arguments for --quick)
BENCHMARKS = (
    ("bench_startup.py", [], ["--runs", "10"]),
    ("bench_list.py", [], []),
    ("bench_diagnose.py", [], ["--runs", "1"]),
    ("bench_triage.py", [], ["--runs", "2", "--skip-ndjson"]),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no NDJSON sets")
    quick = parser.parse_args(argv).quick
    summary: list[tuple[str, bool, float]] = []
    for script, full, short in BENCHMARKS:
        print(f"== {script}", flush=True)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(HERE / script), *(short if quick else full)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=HERE.parent,
        )
        print(done.stdout, end="", flush=True)
        missed = done.returncode != 0 or "MISSED" in done.stdout or "FAIL" in done.stdout
        summary.append((script, not missed, time.perf_counter() - started))
    print("== summary")
    for script, ok, seconds in summary:
        print(f"  {script:<20} {'ok' if ok else 'MISSED':<7} {seconds:6.1f} s")
    return 0 if all(ok for _, ok, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
