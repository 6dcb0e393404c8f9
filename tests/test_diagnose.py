"""``eci-events diagnose``: events plus live context, through the real SDKs against the
loopback endpoint's world (groups, stock per zone, vSwitches, containers, usage, logs)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import Result

from eci_events.emulator import Emulator, container, event, state
from tests.conftest import run
from tests.emulated import KEY_ID, REGION, ago, running

NOW = "2026-12-01T12:00:00Z"
VPC = "vpc-bp1test0000000000001"
STOCK_ID = "eci-bp1test000000stock"
OOM_ID = "eci-bp1test0000000oom01"
QUOTA_ID = "eci-bp1test00000quota01"
SPOT_ID = "eci-bp1test000000spot01"
NOSTOCK = (
    "Create ECI failed because the specified instance is out of stock. "
    "ecs.c6.xlarge in cn-hangzhou-k"
)


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    yield from running(monkeypatch)


def stock_world(emu: Emulator, *ids: str) -> None:
    """Groups stuck in zone k without stock; h, i and j have stock; j has no free IPs."""
    emu.set_region(REGION, recommend=("cn-hangzhou-h",))
    for zone, free in (("k", 30), ("h", 200), ("i", 120), ("j", 0)):
        emu.add_vswitch(f"vsw-test{zone}", vpc=VPC, zone=f"cn-hangzhou-{zone}", free_ips=free)
    emu.add_vswitch("vsw-otherh", vpc="vpc-other", zone="cn-hangzhou-h", free_ips=250)
    for zone in "hij":
        emu.set_stock(f"cn-hangzhou-{zone}", "ecs.c6.xlarge", "WithStock")
    emu.set_stock("cn-hangzhou-k", "ecs.c7.xlarge", "WithStock")
    for group_id in ids or (STOCK_ID,):
        emu.add_group(
            group_id,
            name="web-0",
            zone="cn-hangzhou-k",
            vswitch="vsw-testk",
            vpc=VPC,
            instance_type="ecs.c6.xlarge",
            cpu=4,
            memory=8,
            status="Pending",
            events=[event("NoStock", NOSTOCK, type="Warning", count=3, last=ago(minutes=2))],
        )


def oom_world(emu: Emulator, log: str = "heap full\nkilled") -> None:
    emu.add_group(
        OOM_ID,
        name="worker-0",
        instance_type="ecs.c6.large",
        containers=[
            container(
                "worker",
                memory=2,
                restart_count=4,
                current=state("Waiting", reason="CrashLoopBackOff"),
                previous=state(
                    "Terminated", reason="OOMKilled", exit_code=137, finished=ago(minutes=3)
                ),
                logs={"previous": log},
            ),
            container("sidecar", memory=0.5),
        ],
        events=[
            event("OOMKilled", "container worker", type="Warning", last=ago(minutes=3)),
            event("BackOff", "Back-off restarting failed container", type="Warning", count=4),
        ],
    )


def quota_world(emu: Emulator) -> None:
    emu.usage.update({"UsedCpu": 196, "MaxCpu": 200, "UsedImageCacheCount": 3})
    emu.usage.update({"MaxImageCacheCount": 50})
    emu.add_group(
        QUOTA_ID,
        name="trainer-0",
        instance_type="ecs.g6.4xlarge",
        cpu=16,
        memory=64,
        status="ScheduleFailed",
        failed_time=ago(minutes=20),
        events=[event("QuotaExceeded", "quota exceeded", type="Warning", last=ago(minutes=20))],
    )


def diagnose(emu: Emulator, *args: str, input: str | None = None) -> Result:
    return run(
        "diagnose",
        "--endpoint",
        emu.endpoint,
        "--region",
        REGION,
        "--read-timeout",
        "2",
        "--max-attempts",
        "2",
        "--now",
        NOW,
        *args,
        input=input,
    )


def context_block(stdout: str) -> str:
    return stdout[stdout.index("Live context") :]


def data(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def actions(emu: Emulator) -> Counter[str]:
    return Counter(r.action for r in emu.requests)


def test_a_group_without_stock_gets_zones_and_vswitches_to_paste(emu: Emulator) -> None:
    stock_world(emu)
    result = diagnose(emu, STOCK_ID, "--width", "100")
    assert result.exit_code == 0, result.stderr
    assert context_block(result.stdout) == (
        "Live context\n"
        "  eci-bp1test000000stock · web-0 · Pending · ecs.c6.xlarge (4 vCPU, 8 GiB) · cn-hangzhou-k\n"
        "    ecs.c6.xlarge has stock now in cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-j; this group may\n"
        "      only use cn-hangzhou-k (vsw-testk).\n"
        "    To let it use them, give it these vSwitches (zones with stock and free addresses):\n"
        "      VSwitchId=vsw-testh,vsw-testi\n"
        '      k8s.aliyun.com/eci-vswitch: "vsw-testh,vsw-testi"\n'
        "    Create a vSwitch in cn-hangzhou-j in vpc-bp1test0000000000001 (no vSwitch there has free\n"
        "      addresses), then add it.\n"
        "    Other instance types of this size have stock in cn-hangzhou-k (ecs.c7.xlarge); to accept them:\n"
        '      k8s.aliyun.com/eci-use-specs: "ecs.c6.xlarge,ecs.c7.xlarge"\n'
        "    Zones the region recommends now: cn-hangzhou-h.\n"
    )
    assert result.stderr == ""


def test_capacity_as_json(emu: Emulator) -> None:
    stock_world(emu)
    doc = data(diagnose(emu, STOCK_ID, "-o", "json"))
    assert doc["kind"] == "EciEventsDiagnosis" and doc["schema_version"] == 1
    # One page of events, whatever the context's calls made at the same time.
    assert doc["sources"][0]["documents"] == 1
    (group,) = doc["context"]["groups"]
    assert group["needs"] == ["stock"]
    assert group["capacity"] == {
        "resource": "ecs.c6.xlarge",
        "allowed_zones": ["cn-hangzhou-k"],
        "stocked_zones": ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"],
        "ready_vswitches": ["vsw-testh", "vsw-testi"],
        "create_vswitch_in": ["cn-hangzhou-j"],
        "vpc": VPC,
        "recommended_zones": ["cn-hangzhou-h"],
        "specs": ["ecs.c7.xlarge"],
        "paste": [
            "VSwitchId=vsw-testh,vsw-testi",
            'k8s.aliyun.com/eci-vswitch: "vsw-testh,vsw-testi"',
        ],
        "use_specs": 'k8s.aliyun.com/eci-use-specs: "ecs.c6.xlarge,ecs.c7.xlarge"',
    }
    assert doc["findings"][0]["reason"] == "NoStock"


def test_a_spot_group_is_asked_about_spot_stock(emu: Emulator) -> None:
    stock_world(emu)
    emu.set_stock("cn-hangzhou-i", "ecs.c6.xlarge", "WithStock", spot=True)
    emu.add_group(
        SPOT_ID,
        instance_type="ecs.c6.xlarge",
        cpu=4,
        memory=8,
        vswitch="vsw-testk",
        vpc=VPC,
        spot_strategy="SpotAsPriceGo",
        events=[event("NoStock", NOSTOCK, type="Warning")],
    )
    doc = data(diagnose(emu, SPOT_ID, "-o", "json"))
    assert doc["context"]["groups"][0]["capacity"]["stocked_zones"] == ["cn-hangzhou-i"]
    spot = [r for r in emu.requests if r.action == "DescribeAvailableResource"]
    assert spot and all(r.query.get("SpotResource.SpotStrategy") == "SpotAsPriceGo" for r in spot)


def test_every_question_is_asked_once_for_many_groups(emu: Emulator) -> None:
    ids = [f"eci-bp1test0000same{n:04d}" for n in range(30)]
    stock_world(emu, *ids)
    result = diagnose(emu, *ids, "-o", "json")
    assert len(data(result)["context"]["groups"]) == 30
    asked = actions(emu)
    # 2 batches of events and of specifications; one stock question for the type, one for
    # its size; one region question; one listing of the shared VPC.
    assert asked == Counter(
        {
            "DescribeContainerGroupEvents": 2,
            "DescribeContainerGroups": 2,
            "DescribeAvailableResource": 2,
            "DescribeRegions": 1,
            "DescribeVSwitches": 1,
        }
    )
    vpc_calls = [r for r in emu.requests if r.action == "DescribeVSwitches"]
    assert vpc_calls[0].version == "2016-04-28"


def test_no_context_makes_only_the_event_calls(emu: Emulator) -> None:
    stock_world(emu)
    doc = data(diagnose(emu, STOCK_ID, "--no-context", "-o", "json"))
    assert "context" not in doc
    assert set(actions(emu)) == {"DescribeContainerGroupEvents"}


def test_an_oom_group_gets_its_container_limit_exit_code_and_restarts(emu: Emulator) -> None:
    oom_world(emu)
    result = diagnose(emu, OOM_ID, "--width", "100")
    assert result.exit_code == 0, result.stderr
    block = context_block(result.stdout)
    assert (
        "Container worker (memory limit 2 GiB, restarts: 4): last run ended OOMKilled, exit code 137"
        in block
    )
    assert "It was killed for using more memory than its limit" in block
    assert "Container sidecar (memory limit 0.5 GiB, restarts: 0): now Running." in block
    assert "DescribeContainerLog" not in actions(emu)  # logs only with --logs


def test_logs_show_the_previous_run_escaped(emu: Emulator) -> None:
    oom_world(emu, log="line one\n\x1b]0;PWNED\x07title\n[bold]markup[/bold]\nlast line")
    result = diagnose(emu, OOM_ID, "--logs", "--color", "always", "--width", "100")
    assert result.exit_code == 0, result.stderr
    assert "\x1b]0;" not in result.stdout and "\x07" not in result.stdout
    assert "^[]0;PWNED^Gtitle" in result.stdout
    assert "[bold]markup[/bold]" in result.stdout  # shown as text, not taken as markup
    calls = [r for r in emu.requests if r.action == "DescribeContainerLog"]
    assert [c.query["ContainerName"] for c in calls] == ["worker"]
    assert calls[0].query["LastTime"] in ("True", "true")
    assert int(calls[0].query["Tail"]) <= 2000 and int(calls[0].query["LimitBytes"]) <= 1 << 20


def test_exit_137_without_oom_is_said_plainly(emu: Emulator) -> None:
    emu.add_group(
        OOM_ID,
        containers=[
            container(
                "app",
                restart_count=2,
                previous=state("Terminated", reason="Error", exit_code=137, signal=9),
            )
        ],
        events=[event("BackOff", "Back-off restarting failed container", type="Warning")],
    )
    result = diagnose(emu, OOM_ID, "--width", "200")
    assert "last run ended Error, exit code 137, signal 9" in result.stdout
    assert "Exit 137 without OOMKilled: the process got SIGKILL from outside" in result.stdout


def test_a_quota_group_gets_used_and_left(emu: Emulator) -> None:
    quota_world(emu)
    result = diagnose(emu, QUOTA_ID, "--width", "200")
    assert result.exit_code == 0, result.stderr
    block = context_block(result.stdout)
    assert (
        "It needs 16 vCPU and 4 of the 200 are left: free 12 vCPU or raise the vCPU quota to at "
        "least 212." in block
    )
    assert "Status ScheduleFailed since " in block
    assert (
        "Account in cn-hangzhou: vCPU 196 of 200 used, image caches 3 of 50, automatic image "
        "caches 0 of 25, data caches 0 of 100." in block
    )
    doc = data(diagnose(emu, QUOTA_ID, "-o", "json"))
    group = doc["context"]["groups"][0]
    assert group["quota"] == {
        "vcpu_needed": 16.0,
        "vcpu_used": 196.0,
        "vcpu_limit": 200.0,
        "vcpu_short": 12.0,
    }
    assert doc["context"]["usage"]["MaxCpu"] == 200


def test_an_expired_spot_group_is_a_reclaim_not_a_crash(emu: Emulator) -> None:
    emu.add_group(
        SPOT_ID,
        spot_strategy="SpotWithPriceLimit",
        spot_price_limit=0.5,
        status="Expired",
        expired_time=ago(minutes=4),
        events=[
            event(
                "SpotToBeReleased",
                "Spot ECI will be released in 3 minutes",
                type="Warning",
                last=ago(minutes=7),
            )
        ],
    )
    result = diagnose(emu, SPOT_ID, "--width", "200")
    block = context_block(result.stdout)
    assert "Spot: SpotWithPriceLimit, price limit 0.5." in block
    assert "the spot instance was reclaimed, it did not crash" in block


def test_a_missing_permission_degrades_only_its_part(emu: Emulator) -> None:
    stock_world(emu)
    quota_world(emu)
    emu.deny(KEY_ID, "eci:ListUsage")
    emu.deny(KEY_ID, "vpc:DescribeVSwitches")
    result = diagnose(emu, STOCK_ID, QUOTA_ID, "--width", "200")
    assert result.exit_code == 0, result.stderr
    notes = result.stderr.splitlines()
    assert len(notes) == 2
    assert any("account usage" in n and "eci:ListUsage" in n for n in notes)
    vpc = next(n for n in notes if "vSwitches" in n)
    # The denial names the action once, and the policy of the action's own product.
    assert vpc.count("vpc:DescribeVSwitches") == 1 and "AliyunVPCReadOnlyAccess" in vpc
    block = context_block(result.stdout)
    assert "ecs.c6.xlarge has stock now in cn-hangzhou-h" in block
    assert "The VPC's vSwitches could not be listed; add vSwitches of" in block
    assert "Account in" not in block


def test_groups_the_api_does_not_describe_are_noted(emu: Emulator) -> None:
    stock_world(emu)
    emu.inject(
        "body",
        body=b'{"RequestId":"r1","TotalCount":0,"ContainerGroups":[]}',
        status=200,
        actions=["DescribeContainerGroups"],
        times=10,
    )
    result = diagnose(emu, STOCK_ID)
    assert result.exit_code == 0
    assert (
        "none of the groups asked for" in result.stderr
        and "eci:DescribeContainerGroups" in result.stderr
    )


def test_failed_events_exit_4_with_the_rest_printed(emu: Emulator) -> None:
    ids = [f"eci-bp1test0000same{n:04d}" for n in range(20)]  # a batch of their own
    stock_world(emu, *ids)
    oom_world(emu)
    emu.inject("error", status=500, code="InternalError", ids=[OOM_ID], times=10)
    result = diagnose(emu, *ids, OOM_ID, "--width", "200")
    assert result.exit_code == 4
    assert "NoStock" in result.stdout and "Live context" in result.stdout
    assert OOM_ID in result.stderr


def test_fail_on(emu: Emulator) -> None:
    stock_world(emu)
    assert diagnose(emu, STOCK_ID, "--fail-on", "warning").exit_code == 1
    assert diagnose(emu, STOCK_ID, "--fail-on", "critical").exit_code == 0


def kubectl_pods(*pods: tuple[str, str | None]) -> str:
    items = []
    for name, group_id in pods:
        annotations = {"k8s.aliyun.com/eci-instance-id": group_id} if group_id else {}
        items.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "namespace": "shop", "annotations": annotations},
                "status": {
                    "phase": "Pending",
                    "reason": "ProviderFailed",
                    "conditions": [
                        {
                            "type": "ContainerInstanceCreated",
                            "status": "False",
                            "reason": "ContainerGroup.NoStock",
                            "message": "out of stock",
                        }
                    ],
                },
            }
        )
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


def test_pods_from_kubectl_resolve_to_their_instances(emu: Emulator) -> None:
    stock_world(emu)
    pods = kubectl_pods(("web-0", STOCK_ID), ("db-0", None))
    result = diagnose(emu, "-", "--width", "200", input=pods)
    assert result.exit_code == 0, result.stderr
    assert "not on ECI" in result.stderr and "shop/db-0" in result.stderr
    block = context_block(result.stdout)
    assert (
        "Pod shop/web-0: Pending, ProviderFailed, ContainerInstanceCreated: ContainerGroup.NoStock "
        "(out of stock)." in block
    )
    assert [r.ids for r in emu.requests if r.action == "DescribeContainerGroupEvents"] == [
        [STOCK_ID]
    ]


def test_plain_ids_on_stdin(emu: Emulator) -> None:
    stock_world(emu)
    oom_world(emu)
    result = diagnose(emu, "-", "-o", "json", input=f"{STOCK_ID}\n{OOM_ID}\n{STOCK_ID}\n")
    ids = [g["group_id"] for g in data(result)["context"]["groups"]]
    assert ids == [STOCK_ID, OOM_ID]


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("", "stdin: empty; pipe container group ids"),
        ("{broken: [", "neither container group ids (one per line) nor pods"),
        ("just words", "no pods in it; expected container group ids"),
        (kubectl_pods(("db-0", None)), "none of the pods on stdin runs on ECI"),
    ],
)
def test_unusable_stdin_exits_2(emu: Emulator, stdin: str, words: str) -> None:
    result = diagnose(emu, "-", input=stdin)
    assert result.exit_code == 2
    assert words in result.stderr
    assert emu.requests == []


def test_name_selects_the_groups_of_that_name(emu: Emulator) -> None:
    stock_world(emu)
    oom_world(emu)
    doc = data(diagnose(emu, "--name", "worker-0", "-o", "json"))
    assert [g["group_id"] for g in doc["context"]["groups"]] == [OOM_ID]
    named = [r for r in emu.requests if r.action == "DescribeContainerGroups"]
    assert named[0].query.get("ContainerGroupName") == "worker-0"


def test_an_unknown_name_is_a_usage_error(emu: Emulator) -> None:
    result = diagnose(emu, "--name", "nobody")
    assert result.exit_code == 2
    assert "no container group is named 'nobody' in cn-hangzhou" in result.stderr


def test_markdown_carries_the_context_in_code_blocks(emu: Emulator) -> None:
    stock_world(emu)
    text = diagnose(emu, STOCK_ID, "-o", "markdown").stdout
    assert text.startswith("## eci-events diagnose: Diagnosis of 1 event")
    assert "### Live context" in text
    assert "    ```\n    VSwitchId=vsw-testh,vsw-testi\n" in text


def test_demo_tells_the_stock_oom_and_quota_stories() -> None:
    result = run("diagnose", "--demo", "--width", "200")
    assert result.exit_code == 0, result.stderr
    block = context_block(result.stdout)
    assert "VSwitchId=vsw-" in block and "k8s.aliyun.com/eci-vswitch:" in block
    assert "Container worker (memory limit 2 GiB, restarts: 4): last run ended OOMKilled" in block
    assert "raise the vCPU quota to at least" in block
    assert result.stderr == ""


def test_japanese_context_reads_as_japanese(emu: Emulator) -> None:
    oom_world(emu)
    block = context_block(
        diagnose(emu, OOM_ID, "--lang", "ja", "--width", "200").stdout.replace(
            "ライブコンテキスト", "Live context"
        )
    )
    assert re.search(
        r"コンテナ worker \(メモリ上限 2 GiB、再起動 4 回\): 前回の実行は OOMKilled、終了コード 137 "
        r"で終了 \(\w+前\)。",
        block,
    )
    assert ". " not in block and "; " not in block


def test_the_vpc_api_sits_beside_the_eci_endpoint(emu: Emulator) -> None:
    from eci_events.library import vpc_api_endpoint
    from eci_events.sources.client import Client, Settings

    def host(eci: str, given: str | None = None) -> tuple[str, str]:
        return vpc_api_endpoint(Client(Settings(REGION, eci, "https")), given)

    assert host("eci.cn-hangzhou.aliyuncs.com") == ("vpc.cn-hangzhou.aliyuncs.com", "https")
    assert host("eci-vpc.cn-hangzhou.aliyuncs.com") == ("vpc.cn-hangzhou.aliyuncs.com", "https")
    assert host("127.0.0.1:8080") == ("127.0.0.1:8080", "https")
    assert host("eci.cn-hangzhou.aliyuncs.com", "http://127.0.0.1:9") == ("127.0.0.1:9", "http")


def test_an_unreachable_vpc_api_leaves_the_rest(emu: Emulator) -> None:
    stock_world(emu)
    result = diagnose(emu, STOCK_ID, "--vpc-api-endpoint", "http://127.0.0.1:9", "--width", "200")
    assert result.exit_code == 0
    assert "context without the VPC's vSwitches" in result.stderr
    assert "vpc:DescribeVSwitches" in result.stderr
    assert "ecs.c6.xlarge has stock now in cn-hangzhou-h" in result.stdout
    assert "DescribeVSwitches" not in actions(emu)


def test_a_line_to_paste_moves_left_to_stay_whole_within_the_width() -> None:
    result = run("diagnose", "--demo", "--width", "80")
    assert result.exit_code == 0, result.stderr
    paste = 'k8s.aliyun.com/eci-vswitch: "vsw-bp1demo0000000000h,vsw-bp1demo0000000000i"'
    assert f"\n     {paste}\n" in result.stdout  # 5 spaces, not 6: 80 cells in all
    assert "\n      VSwitchId=vsw-bp1demo0000000000h,vsw-bp1demo0000000000i\n" in result.stdout


def test_suggested_commands_read_from_where_diagnose_read(emu: Emulator) -> None:
    oom_world(emu)
    doc = data(diagnose(emu, OOM_ID, "--since", "2h", "-o", "json"))
    assert doc["options"]["since_seconds"] == 7200
    listed = [n for f in doc["findings"] for n in f["next"] if n.startswith("eci-events list")]
    assert listed and all(
        n.endswith(f"--region {REGION} --endpoint {emu.endpoint}") for n in listed
    )


def test_groups_without_events_say_so(emu: Emulator) -> None:
    stock_world(emu)
    result = diagnose(emu, "eci-bp1nobody00000001", "--no-context", "--width", "100")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Diagnosis of 0 events")
    assert lines[1].split() == ["Window", "no", "events"]
    assert lines[-1] == "No events for these container groups."


@pytest.mark.parametrize(
    "args, words",
    [
        (("--no-context", "--logs"), "--logs reads the live context, which --no-context skips"),
        ((STOCK_ID, "--zone", "cn-hangzhou-k"), "give container group ids or --zone, not both"),
        (("--name", "web", "--tag", "a=b"), "give --name or --tag, not both"),
    ],
)
def test_contradicting_options_are_refused(
    emu: Emulator, args: tuple[str, ...], words: str
) -> None:
    result = diagnose(emu, *args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert emu.requests == []


def test_details_are_asked_while_events_are_read(emu: Emulator) -> None:
    stock_world(emu)
    emu.latency = 0.1
    data(diagnose(emu, STOCK_ID, "-o", "json"))
    arrived = {r.action: r.at for r in emu.requests}
    # DescribeContainerGroups went out before DescribeContainerGroupEvents came back.
    assert arrived["DescribeContainerGroups"] - arrived["DescribeContainerGroupEvents"] < 0.05
    assert actions(emu)["DescribeContainerGroups"] == 1


def test_concurrency_bounds_every_call_in_flight(emu: Emulator) -> None:
    ids = [f"eci-bp1test0000same{n:04d}" for n in range(30)]
    stock_world(emu, *ids)
    emu.latency = 0.05
    data(diagnose(emu, *ids, "--concurrency", "1", "-o", "json"))
    assert emu.peak_in_flight == 1
