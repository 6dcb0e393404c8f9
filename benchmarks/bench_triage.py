"""Benchmark ``eci-events triage`` against plain JSON reading of the same file, in the same run.

    python benchmarks/bench_triage.py            # generates the data on first use
    python benchmarks/bench_triage.py --runs 5 --skip-ndjson

1. 200,000 events in the API shape as the aliyun CLI prints it, two data sets: 4,000
   groups x 50 events of 18 reasons, and the same with 50 reasons (a dozen per group).
   ``eci-events triage FILE -o json`` vs ``python -c "import json; json.load(open(FILE))"``.
   Goals: wall time <= 0.6x and peak memory (max RSS) <= 1.0x of the baseline.
2. NDJSON of 1,000,000 events over 1,000,000 distinct pods (``list -o ndjson`` records):
   peak memory <= 256 MiB, next to a baseline that ``json.loads`` each line and keeps
   nothing; the summary's counts must equal the input's (events, groups, occurrences,
   counted here in a separate pass) and every list of groups must be capped.
3. NDJSON of 1,000,000 events over 20,000 groups: peak memory <= 150 MiB, same baseline.

Each command runs in a fresh child of a small wrapper process that reports the child's wall
time and max RSS (``resource.getrusage(RUSAGE_CHILDREN)``); the best of ``--runs`` counts
(one run each for the NDJSON sets). The children may write bytecode
(PYTHONDONTWRITEBYTECODE is dropped) and one unmeasured warm-up run compiles it, so
eci_events runs from .pyc files as an installed package does, like the baseline's json module.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
API_FILE = DATA / "api-200000.json"
API_R50_FILE = DATA / "api-200000-r50.json"
NDJSON_PODS_FILE = DATA / "ndjson-1000000-pods.ndjson"
NDJSON_FILE = DATA / "ndjson-1000000.ndjson"

GROUPS_LISTED = 100  # eci_events.analysis.triage: groups in the diagnosis
FINDING_GROUPS = 10  # and per finding or conclusion
MIB = 1024 * 1024

_WRAPPER = """
import json, resource, subprocess, sys, time
out = open(sys.argv[1], "wb") if sys.argv[1] != "-" else subprocess.DEVNULL
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=out)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "peak_mib": peak_kib / 1024, "code": done.returncode}))
"""

_LINES = "import json, sys\nfor line in open(sys.argv[1], 'rb'):\n    json.loads(line)\n"

# Children run from compiled bytecode, as an installed package and the standard library do.
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str], stdout: Path | None = None) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(stdout or "-"), *command],
        capture_output=True,
        text=True,
        check=True,
        env=_ENV,
    )
    result: dict[str, float] = json.loads(out.stdout)
    if result["code"] not in (0, 1):
        raise SystemExit(f"command failed ({result['code']}): {' '.join(command)}")
    return result


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


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def api_shape(path: Path, title: str, runs: int) -> bool:
    size = path.stat().st_size / 1e6
    measure(triage(path))  # warm-up: writes the .pyc files, not counted
    baseline, ours = interleaved(
        [sys.executable, "-c", f"import json; json.load(open({str(path)!r}))"],
        triage(path),
        runs,
    )
    wall_ratio = ours["wall"] / baseline["wall"]
    peak_ratio = ours["peak_mib"] / baseline["peak_mib"]
    ok = wall_ratio <= 0.6 and peak_ratio <= 1.0
    print(f"API shape, {title}, {size:.1f} MB (best of {runs})")
    print(f"  {'':34} {'wall s':>8} {'peak MiB':>9}")
    print(f"  {'json.load (baseline)':34} {baseline['wall']:8.2f} {baseline['peak_mib']:9.1f}")
    print(f"  {'eci-events triage -o json':34} {ours['wall']:8.2f} {ours['peak_mib']:9.1f}")
    print(
        f"  ratio: wall {wall_ratio:.2f}x (goal <= 0.6), peak {peak_ratio:.2f}x (goal <= 1.0)"
        f"  {verdict(ok)}"
    )
    return ok


def input_counts(path: Path) -> dict[str, int]:
    """Events, distinct groups and occurrences of an NDJSON file of list records."""
    groups: set[str] = set()
    events = occurrences = 0
    with path.open("rb") as lines:
        for line in lines:
            record = json.loads(line)
            events += 1
            occurrences += record["count"]
            groups.add(record["group_id"])
    return {"events": events, "groups": len(groups), "occurrences": occurrences}


def capped(document: dict[str, Any]) -> bool:
    """Every list of groups in a triage -o json document is within its cap."""
    return (
        len(document["groups"]) <= GROUPS_LISTED
        and all(len(f["groups"]) <= FINDING_GROUPS for f in document["findings"])
        and all(len(c["groups"]) <= FINDING_GROUPS for c in document["conclusions"])
    )


def ndjson(path: Path, title: str, goal_mib: float, check_counts: bool) -> bool:
    size = path.stat().st_size / 1e6
    with tempfile.TemporaryDirectory(prefix="bench-triage-") as tmp:
        output = Path(tmp) / "triage.json"
        measure(triage(DATA / "ndjson-warmup.ndjson"))  # compiles the .pyc files
        baseline = measure([sys.executable, "-c", _LINES, str(path)])
        ours = measure(triage(path), stdout=output)
        document = json.loads(output.read_text(encoding="utf-8"))
    ok = ours["peak_mib"] <= goal_mib
    print(f"NDJSON, {title}, {size:.1f} MB (one run)")
    print(f"  {'':34} {'wall s':>8} {'peak MiB':>9}")
    print(
        f"  {'json.loads per line (baseline)':34} {baseline['wall']:8.2f} {baseline['peak_mib']:9.1f}"
    )
    print(f"  {'eci-events triage -o json':34} {ours['wall']:8.2f} {ours['peak_mib']:9.1f}")
    print(
        f"  ratio: wall {ours['wall'] / baseline['wall']:.2f}x,"
        f" peak {ours['peak_mib'] / baseline['peak_mib']:.2f}x;"
        f" peak {ours['peak_mib']:.1f} MiB (goal <= {goal_mib:.0f})  {verdict(ok)}"
    )
    summary = document["summary"]
    is_capped = capped(document)
    print(
        f"  lists of groups capped ({len(document['groups'])} groups listed,"
        f" <= {FINDING_GROUPS} per finding or conclusion)  {verdict(is_capped)}"
    )
    ok = ok and is_capped
    if check_counts:
        wanted = input_counts(path)
        got = {key: summary[key] for key in wanted}
        exact = got == wanted
        shown = ", ".join(f"{key} {got[key]:,} (input {wanted[key]:,})" for key in wanted)
        print(f"  counts: {shown}  {verdict(exact)}")
        ok = ok and exact
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-ndjson", action="store_true")
    args = parser.parse_args(argv)
    ensure(API_FILE, "--format", "api", "--groups", "4000", "--per-group", "50")
    ensure(
        API_R50_FILE, "--format", "api", "--groups", "4000", "--per-group", "50", "--reasons", "50"
    )
    ok = api_shape(API_FILE, "200,000 events, 4,000 groups, 18 reasons", args.runs)
    ok = api_shape(API_R50_FILE, "200,000 events, 4,000 groups, 50 reasons", args.runs) and ok
    if not args.skip_ndjson:
        ensure(DATA / "ndjson-warmup.ndjson", "--format", "ndjson", "--groups", "2")
        ensure(
            NDJSON_PODS_FILE,
            *("--format", "ndjson", "--groups", "20000", "--per-group", "50", "--distinct-pods"),
        )
        ensure(NDJSON_FILE, "--format", "ndjson", "--groups", "20000", "--per-group", "50")
        pods = "1,000,000 events over 1,000,000 distinct pods"
        ok = ndjson(NDJSON_PODS_FILE, pods, 256, check_counts=True) and ok
        ok = ndjson(NDJSON_FILE, "1,000,000 events over 20,000 groups", 150, True) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
