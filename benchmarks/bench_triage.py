"""Benchmark ``eci-events triage`` against ``json.load`` of the same file, in the same run.

    python benchmarks/bench_triage.py            # generates the data on first use
    python benchmarks/bench_triage.py --runs 5 --skip-ndjson

1. 200,000 events (4,000 groups x 50) in the API shape as the aliyun CLI prints it:
   ``eci-events triage FILE -o json`` vs ``python -c "import json; json.load(open(FILE))"``.
   Goals: wall time <= 0.8x and peak memory (max RSS) <= 1.0x of the baseline.
2. NDJSON of 1,000,000 events (20,000 groups x 50): peak memory <= 150 MiB.

Each command runs in a fresh child of a small wrapper process that reports the child's wall
time and max RSS (``resource.getrusage(RUSAGE_CHILDREN)``); the best of ``--runs`` counts.
The children may write bytecode (PYTHONDONTWRITEBYTECODE is dropped) and one unmeasured
warm-up run compiles it, so eci_events runs from .pyc files as an installed package does,
like the baseline's json module.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
API_FILE = DATA / "api-200000.json"
NDJSON_FILE = DATA / "ndjson-1000000.ndjson"

_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "peak_mib": peak_kib / 1024, "code": done.returncode}))
"""


# Children run from compiled bytecode, as an installed package and the standard library do.
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        capture_output=True,
        text=True,
        check=True,
        env=_ENV,
    )
    result: dict[str, float] = json.loads(out.stdout)
    if result["code"] not in (0, 1):
        raise SystemExit(f"command failed ({result['code']}): {' '.join(command)}")
    return result


def best(command: list[str], runs: int) -> dict[str, float]:
    results = [measure(command) for _ in range(runs)]
    return {
        "wall": min(r["wall"] for r in results),
        "peak_mib": min(r["peak_mib"] for r in results),
    }


def interleaved(a: list[str], b: list[str], runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Best of ``runs`` for each command, run alternately so machine noise hits both alike."""
    first: list[dict[str, float]] = []
    second: list[dict[str, float]] = []
    for _ in range(runs):
        first.append(measure(a))
        second.append(measure(b))
    pick = [
        {key: min(r[key] for r in results) for key in ("wall", "peak_mib")}
        for results in (first, second)
    ]
    return pick[0], pick[1]


def ensure(path: Path, *args: str) -> None:
    if not path.exists():
        subprocess.run(
            [sys.executable, str(HERE / "gen_events.py"), *args, "--out", str(path)], check=True
        )


def triage(path: Path) -> list[str]:
    return [sys.executable, "-m", "eci_events", "triage", str(path), "-o", "json"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-ndjson", action="store_true")
    args = parser.parse_args(argv)
    ensure(API_FILE, "--format", "api", "--groups", "4000", "--per-group", "50")
    size = API_FILE.stat().st_size / 1e6
    measure(triage(API_FILE))  # warm-up: writes the .pyc files, not counted
    baseline, ours = interleaved(
        [sys.executable, "-c", f"import json; json.load(open({str(API_FILE)!r}))"],
        triage(API_FILE),
        args.runs,
    )
    wall_ratio = ours["wall"] / baseline["wall"]
    peak_ratio = ours["peak_mib"] / baseline["peak_mib"]
    ok = wall_ratio <= 0.8 and peak_ratio <= 1.0
    print(f"API shape, 200,000 events, {size:.1f} MB (best of {args.runs})")
    print(f"  {'':34} {'wall s':>8} {'peak MiB':>9}")
    print(f"  {'json.load (baseline)':34} {baseline['wall']:8.2f} {baseline['peak_mib']:9.1f}")
    print(f"  {'eci-events triage -o json':34} {ours['wall']:8.2f} {ours['peak_mib']:9.1f}")
    print(
        f"  ratio: wall {wall_ratio:.2f}x (goal <= 0.8), peak {peak_ratio:.2f}x (goal <= 1.0)"
        f"  {'PASS' if ok else 'FAIL'}"
    )
    if not args.skip_ndjson:
        ensure(NDJSON_FILE, "--format", "ndjson", "--groups", "20000", "--per-group", "50")
        nd_size = NDJSON_FILE.stat().st_size / 1e6
        nd = best(triage(NDJSON_FILE), 1)
        nd_ok = nd["peak_mib"] <= 150
        print(f"NDJSON, 1,000,000 events, {nd_size:.1f} MB")
        print(
            f"  eci-events triage -o json: wall {nd['wall']:.1f} s, peak {nd['peak_mib']:.1f} MiB"
            f" (goal <= 150)  {'PASS' if nd_ok else 'FAIL'}"
        )
        ok = ok and nd_ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
