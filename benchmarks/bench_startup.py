"""Start-up of ``eci-events explain`` against importing click and rich, in the same run.

Usage: python benchmarks/bench_startup.py [--runs N]
Goals: rendered (piped) <= 0.8x the baseline (it was 1.2x), ``-o json`` <= 0.8x.
Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE = [sys.executable, "-c", "import click, rich.console, rich.table"]
# Installed packages run from compiled bytecode; let the warm-up write ours too.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def eci_events() -> str:
    script = Path(sys.executable).with_name("eci-events")
    found = str(script) if script.exists() else shutil.which("eci-events")
    if not found:
        sys.exit("eci-events is not installed in this environment: pip install -e .")
    return found


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    tool = eci_events()
    commands = {
        "baseline: import click, rich.console, rich.table": BASELINE,
        "eci-events explain OOMKilled (piped)": [tool, "explain", "OOMKilled"],
        "eci-events explain OOMKilled -o json": [tool, "explain", "OOMKilled", "-o", "json"],
    }
    for command in commands.values():  # warm the file cache
        timed(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so drift hits every command alike
        for name, command in commands.items():
            samples[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    base = next(iter(medians.values()))
    goals = [None, 0.8, 0.8]
    missed = False
    print(f"{'command':<48} {'median':>9} {'ratio':>7}  goal  (median of {runs})")
    for (name, median), goal in zip(medians.items(), goals, strict=True):
        ok = goal is None or median / base <= goal
        missed = missed or not ok
        verdict = "" if goal is None else f"<= {goal}x {'ok' if ok else 'MISSED'}"
        print(f"{name:<48} {median * 1000:7.1f}ms {median / base:6.2f}x  {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
