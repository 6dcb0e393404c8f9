"""``eci-events diagnose`` of 100 container groups against the emulator at 100 ms per request.

Run: ``python benchmarks/bench_diagnose.py [--runs N]`` (about 15 s). Everything is measured
in this run, each figure the median of ``--runs`` (default 3), the two diagnoses interleaved:

* the SDK import time (``python -c "import alibabacloud_eci20180808.client"``), the
  baseline of the floor: SDK import + (calls / concurrency) x 100 ms, where ``calls`` is
  what the emulator recorded for one diagnose and ``concurrency`` the CLI's default;
* ``diagnose ID... -o json`` with its live context (the goal: <= 1.3x that floor);
* the same with ``--no-context`` (events only), the baseline of the context's cost: the
  ratio context / no-context.

The world: 100 groups, each with a NoStock event and its specification, sharing four
specifications (three instance types, one of them also as a spot group; two VPCs), so
that the stock, size and vSwitch questions repeat and are asked once; every fifth group
has a container killed for memory (OOMKilled, restarted); one group has a quota event.

Also printed, for reading the floor: the calls by action, and what the waves of calls the
command must make one after another (events and specifications, then the questions they
raise) allow at best.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench_list import account_env  # this script's folder is first on sys.path

from eci_events.emulator import Emulator, container, event, state
from eci_events.sources.client import DEFAULT_CONCURRENCY

GROUPS = 100
LATENCY = 0.100
KEY_ID, SECRET = "LTAIbenchmark0002", "bench-secret"
REGION = "cn-hangzhou"
REPO = Path(__file__).resolve().parent.parent
NOW = datetime.now(timezone.utc).replace(microsecond=0)
VPCS = ("vpc-bp1bench0000000001", "vpc-bp1bench0000000002")
# (instance type, vCPU, GiB, spot strategy, VPC): the shared specifications.
SPECS = (
    ("ecs.c6.xlarge", 4, 8, "NoSpot", VPCS[0]),
    ("ecs.g6.xlarge", 4, 16, "NoSpot", VPCS[0]),
    ("ecs.c6.large", 2, 4, "NoSpot", VPCS[1]),
    ("ecs.c6.xlarge", 4, 8, "SpotAsPriceGo", VPCS[1]),
)
# The calls diagnose makes one wave after another: a wave needs the answers of the one before
# (the groups of ids given are described while their events are read).
WAVES = (
    ("DescribeContainerGroupEvents", "DescribeContainerGroups"),
    ("DescribeAvailableResource", "DescribeRegions", "DescribeVSwitches", "ListUsage"),
)


def build(emu: Emulator) -> list[str]:
    """The world of the docstring; returns the group ids."""
    emu.set_region(REGION, recommend=("cn-hangzhou-h",))
    for vpc_number, vpc in enumerate(VPCS):
        for zone in "hijk":
            emu.add_vswitch(
                f"vsw-bench{vpc_number}{zone}",
                vpc=vpc,
                zone=f"cn-hangzhou-{zone}",
                free_ips=0 if zone == "j" else 200,
            )
    for instance_type, _, _, spot, _ in SPECS:
        for zone in "hi":
            emu.set_stock(f"cn-hangzhou-{zone}", instance_type, "WithStock", spot=spot != "NoSpot")
    emu.usage.update({"UsedCpu": 396, "MaxCpu": 400})
    ids = []
    for number in range(GROUPS):
        group_id = f"eci-bp1bench{number:010d}"
        instance_type, cpu, memory, spot, vpc = SPECS[number % len(SPECS)]
        last = NOW - timedelta(minutes=2 + number % 30)
        message = (
            "[eci.containergroup]Create ECI failed because the specified instance is out of "
            f"stock. zone: cn-hangzhou-k, instanceType: {instance_type}"
        )
        events = [event("NoStock", message, count=1 + number % 4, last=last)]
        containers = [container("app", memory=memory / 2)]
        if number % 5 == 0:
            events += [
                event("OOMKilled", "container app", last=last),
                event("BackOff", "Back-off restarting failed container", count=3, last=last),
            ]
            containers = [
                container(
                    "app",
                    memory=memory / 2,
                    restart_count=3,
                    current=state("Waiting", reason="CrashLoopBackOff"),
                    previous=state("Terminated", reason="OOMKilled", exit_code=137),
                ),
                container("sidecar", memory=0.5),
            ]
        if number == GROUPS - 1:
            events.append(event("QuotaExceeded", "quota exceeded", last=last))
        emu.add_group(
            group_id,
            name=f"web-{number}",
            zone="cn-hangzhou-k",
            vswitch=f"vsw-bench{VPCS.index(vpc)}k",
            vpc=vpc,
            instance_type=instance_type,
            cpu=cpu,
            memory=memory,
            spot_strategy=spot,
            status="Pending",
            containers=containers,
            events=events,
        )
        ids.append(group_id)
    return ids


def wall(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of a subprocess, output discarded; fails loudly on a bad exit."""
    started = time.perf_counter()
    done = subprocess.run(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv[:6])}... exited {done.returncode}: {done.stderr.decode()[-800:]}"
        )
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args(argv).runs
    env = account_env(KEY_ID, SECRET)
    python = sys.executable
    sdk_import = statistics.median(
        wall([python, "-c", "import alibabacloud_eci20180808.client"], env) for _ in range(5)
    )
    context_times: list[float] = []
    bare_times: list[float] = []
    with Emulator(credentials={KEY_ID: SECRET}, latency=LATENCY) as emu:
        ids = build(emu)
        base = [python, "-m", "eci_events", "diagnose", *ids]
        base += ["--endpoint", emu.endpoint, "--region", REGION, "-o", "json"]
        calls: Counter[str] = Counter()
        bare_calls: Counter[str] = Counter()
        for run in range(runs):
            before = emu.request_count
            context_times.append(wall(base, env))
            done = Counter(r.action for r in emu.requests[before:])
            if run == 0:
                calls = done
            elif done != calls:
                raise SystemExit(f"diagnose made other calls on run {run + 1}: {done} != {calls}")
            before = emu.request_count
            bare_times.append(wall([*base, "--no-context"], env))
            bare_calls = Counter(r.action for r in emu.requests[before:])
    context = statistics.median(context_times)
    bare = statistics.median(bare_times)
    total = sum(calls.values())
    floor = sdk_import + total / DEFAULT_CONCURRENCY * LATENCY
    bare_floor = sdk_import + sum(bare_calls.values()) / DEFAULT_CONCURRENCY * LATENCY
    waves = sum(math.ceil(sum(calls[a] for a in wave) / DEFAULT_CONCURRENCY) for wave in WAVES)
    waved = sdk_import + waves * LATENCY
    over_floor = context / floor
    print(
        f"diagnose of {GROUPS} groups, {LATENCY * 1000:.0f} ms latency a request,"
        f" --concurrency {DEFAULT_CONCURRENCY} (the default); median of {runs}"
    )
    print(
        f"  calls with context: {total} ({', '.join(f'{a} {n}' for a, n in sorted(calls.items()))})"
    )
    print(f"  calls --no-context: {sum(bare_calls.values())}")
    print(f"  SDK import (python -c 'import alibabacloud_eci20180808.client'): {sdk_import:6.2f} s")
    print(f"  diagnose, --no-context (baseline)             : {bare:6.2f} s")
    print(f"  diagnose, with context                        : {context:6.2f} s")
    print(
        f"  floor: import + {total} calls / {DEFAULT_CONCURRENCY} x {LATENCY * 1000:.0f} ms"
        f"          : {floor:6.2f} s"
    )
    print(
        f"  (the waves allow at best: import + {waves} x {LATENCY * 1000:.0f} ms"
        f"        : {waved:6.2f} s)"
    )
    print(f"  context / no-context       : {context / bare:5.2f}x")
    print(f"  no-context / its floor     : {bare / bare_floor:5.2f}x")
    print(
        f"  context / floor            : {over_floor:5.2f}x   (goal <= 1.3x)"
        f" {'ok' if over_floor <= 1.3 else 'MISSED'}"
    )
    return 0 if over_floor <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
