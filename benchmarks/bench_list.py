"""``eci-events list`` for 1,000 container groups against the emulator at 100 ms per request.

Run: ``python benchmarks/bench_list.py`` (about 15 s). Everything is measured in this run:

* the SDK import time (``python -c "import alibabacloud_eci20180808.client"``), the
  baseline of the floor: SDK import + 50 requests x 100 ms / concurrency;
* ``list`` with the default concurrency and with ``--concurrency 1`` (what a shell loop
  over ``aliyun eci DescribeContainerGroupEvents`` does: one call after another);
* ``list --demo`` start-up against the bare SDK import.

Goals: default concurrency >= 5x faster than concurrency 1, and within 1.3x of the floor.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eci_events.emulator import Emulator, event
from eci_events.limits import IDS_PER_CALL as BATCH
from eci_events.sources.client import DEFAULT_CONCURRENCY

GROUPS = 1000
LATENCY = 0.100
KEY_ID, SECRET = "LTAIbenchmark0001", "bench-secret"
REPO = Path(__file__).resolve().parent.parent


def wall(argv: list[str], env: dict[str, str], repeat: int = 1) -> float:
    """Median wall time of a subprocess, output discarded; fails loudly on a bad exit."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(
                f"{' '.join(argv[:6])}... exited {done.returncode}: {done.stderr.decode()[-500:]}"
            )
    return statistics.median(times)


def account_env(key_id: str, secret: str) -> dict[str, str]:
    """This environment for a benchmarked command: no proxy, no credentials of the person
    running it, an empty HOME, and the emulator's key pair."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_")) and "proxy" not in k.lower()
    }
    env.update(
        HOME=tempfile.mkdtemp(prefix="bench-home-"),
        ALIBABA_CLOUD_ACCESS_KEY_ID=key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret,
        ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
    )
    return env


def main() -> None:
    env = account_env(KEY_ID, SECRET)
    python = sys.executable
    sdk_import = wall([python, "-c", "import alibabacloud_eci20180808.client"], env, repeat=5)
    demo = wall([python, "-m", "eci_events", "list", "--demo"], env, repeat=5)

    ids = [f"eci-bench{n:05d}" for n in range(GROUPS)]
    requests = -(-GROUPS // BATCH)
    with Emulator(credentials={KEY_ID: SECRET}, latency=LATENCY) as emu:
        for gid in ids:
            emu.add_group(
                gid,
                name=gid.replace("eci-", "pod-"),
                events=[
                    event("Started", "Started container app", type="Normal", component="kubelet"),
                    event("BackOff", "Back-off restarting failed container", count=3),
                ],
            )
        base = [
            python,
            "-m",
            "eci_events",
            "list",
            *ids,
            "--endpoint",
            emu.endpoint,
            "--region",
            "cn-hangzhou",
            "-o",
            "json",
        ]
        default = wall(base, env)
        assert emu.request_count == requests, emu.request_count
        serial = wall([*base, "--concurrency", "1"], env)
        assert emu.request_count == 2 * requests

    floor = sdk_import + requests * LATENCY / DEFAULT_CONCURRENCY
    speedup = serial / default
    over_floor = default / floor
    print(
        f"{GROUPS} groups, {requests} requests of <= {BATCH} ids, {LATENCY * 1000:.0f} ms latency each"
    )
    print(f"  SDK import (python -c 'import alibabacloud_eci20180808.client'): {sdk_import:6.2f} s")
    print(f"  list, --concurrency 1 (a shell loop's pace)             : {serial:6.2f} s")
    print(
        f"  list, default --concurrency {DEFAULT_CONCURRENCY:<2}                         : {default:6.2f} s"
    )
    print(
        f"  ideal floor (import + {requests} x {LATENCY * 1000:.0f} ms / {DEFAULT_CONCURRENCY})                   : {floor:6.2f} s"
    )
    print(
        f"  speed-up over concurrency 1: {speedup:5.1f}x   (goal >= 5x)  {'ok' if speedup >= 5 else 'MISSED'}"
    )
    print(
        f"  default / floor            : {over_floor:5.2f}x   (goal <= 1.3x) {'ok' if over_floor <= 1.3 else 'MISSED'}"
    )
    print("start-up")
    print(f"  list --demo (whole run, 6 groups)  : {demo:6.3f} s")
    print(f"  python -c 'import ...eci client'   : {sdk_import:6.3f} s")
    print(f"  ratio                              : {demo / sdk_import:5.2f}x")


if __name__ == "__main__":
    main()
