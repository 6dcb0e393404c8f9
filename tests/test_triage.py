"""``eci-events triage``: ranking, the cross-event rules, every output, the flags, exit codes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from eci_events import library
from eci_events.analysis.diagnosis import Conclusion, Diagnosis
from eci_events.analysis.messages import composite_parts, plan_exec_time
from eci_events.analysis.timeline import Histogram
from eci_events.catalog import load_catalog
from eci_events.model import Event
from eci_events.render import diagnosis_words
from eci_events.render.layout import display_width, plain
from eci_events.render.remedies import raw
from eci_events.render.triage_text import report_lines
from eci_events.severity import Severity
from tests.conftest import DATA, run

FIXTURES = DATA / "triage"
NOW = "--now=2026-11-20T09:00:00Z"
T0 = datetime(2026, 11, 20, 9, 0, 0, tzinfo=timezone.utc)


def at(hhmm: str) -> datetime:
    hour, minute = hhmm.split(":")
    return datetime(2026, 11, 20, int(hour), int(minute), tzinfo=timezone.utc)


def ev(
    reason: str,
    group: str = "eci-1",
    message: str = "",
    when: str | None = "08:00",
    type_: str = "Warning",
    count: int = 1,
    **more: Any,
) -> Event:
    moment = at(when) if when else None
    return Event(
        reason=reason,
        message=message,
        type=type_,
        count=count,
        first_seen=moment,
        last_seen=moment,
        group_id=group,
        **more,
    )


def diagnose(events: list[Event], **options: Any) -> Diagnosis:
    return library.diagnose(events, now=T0, **options)


def conclusion_advice(c: Conclusion, lang: str) -> str:
    return diagnosis_words.conclusion_advice(c, load_catalog(), lang, raw)


def table_lines(d: Diagnosis, width: int, timeline: bool = False) -> Any:
    return report_lines(d, load_catalog(), "en", width, timeline=timeline)


def triage_json(*args: str, input: bytes | None = None, code: int = 0) -> dict[str, Any]:
    result = run("triage", NOW, "-o", "json", *args, input=input)
    assert result.exit_code == code, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def rules(data: dict[str, Any]) -> list[str]:
    return [c["rule"] for c in data["conclusions"]]


# --------------------------------------------------------------------------------------------
# Every shape from a real tool gives a correct ranked diagnosis


@pytest.mark.parametrize(
    "name", ["aliyun-cli.json", "sdk-to-map.json", "responses.ndjson", "doc-camel.json"]
)
def test_api_shapes_give_the_same_ranked_findings(name: str) -> None:
    data = triage_json(str(FIXTURES / name))
    assert [(f["reason"], f["severity"]) for f in data["findings"]][:4] == [
        ("SpotToBeReleased", "critical"),
        ("OOMKilled", "critical"),
        ("ScheduledMaintenance", "critical"),
        ("InsufficientBalance", "critical"),
    ] or name == "doc-camel.json"  # masked times: same findings, ranked by count instead
    assert {f["reason"] for f in data["findings"]} == {
        "SpotToBeReleased",
        "OOMKilled",
        "ScheduledMaintenance",
        "InsufficientBalance",
        "BackOff",
        "NoStock",
        "ImageCacheMissed",
        "MysteryReason",
    }
    assert data["summary"]["groups"] == 4 and data["summary"]["events"] == 12
    assert set(rules(data)) == {"account", "platform", "memory", "spot", "capacity", "image-cache"}


def test_doc_camel_case_with_masked_times_keeps_every_event_undated() -> None:
    data = triage_json(str(FIXTURES / "doc-camel.json"))
    summary = data["summary"]
    assert summary["undated"] == 12 and summary["first_seen"] is None
    assert all(f["last_seen"] is None for f in data["findings"])


@pytest.mark.parametrize("name", ["kubectl-list.json", "kubectl-list.yaml", "events.ndjson"])
def test_kubectl_shapes_group_ack_pods_by_namespace_and_name(name: str) -> None:
    data = triage_json(str(FIXTURES / name))
    keys = {g["key"] for g in data["groups"]}
    assert keys == {"default/api-7d9f-abcde", "default/api-7d9f-fghij", "eci-bp1ddddddddddddd0004"}
    oom = next(f for f in data["findings"] if f["reason"] == "OOMKilled")
    assert oom["groups"] == ["default/api-7d9f-abcde"]
    assert oom["params"] == {"pid": "4242", "process": "java", "score": "998"}
    assert "kubectl describe pod/api-7d9f-abcde -n default" in oom["next"]
    assert rules(data) == ["memory", "platform"]


def test_multi_document_yaml() -> None:
    data = triage_json(str(FIXTURES / "kubectl-multi.yaml"))
    assert data["sources"][0]["documents"] == 3 and data["summary"]["events"] == 3


def test_events_k8s_io_v1() -> None:
    data = triage_json(str(FIXTURES / "events-v1.json"))
    backoff = next(f for f in data["findings"] if f["reason"] == "BackOff")
    assert backoff["count"] == 12 and backoff["last_seen"] == "2026-11-20T08:30:00Z"
    assert rules(data) == ["memory"]
    assert data["noise"]["reasons"] == [{"reason": "Pulling", "count": 1}]


@pytest.mark.parametrize("name", ["list-output.json", "list-output.ndjson"])
def test_our_own_list_output(name: str) -> None:
    data = triage_json(str(FIXTURES / name), code=4 if name.endswith(".json") else 0)
    assert data["summary"]["events"] == 9
    assert {"capacity", "memory", "spot"} <= set(rules(data))
    if name.endswith(".json"):
        assert data["sources"][0]["truncated_groups"] == 1
        assert data["sources"][0]["failed_groups"] == 1


def test_list_json_piped_back_in() -> None:
    raw = (FIXTURES / "list-output.json").read_bytes()
    assert triage_json(input=raw, code=4)["summary"]["events"] == 9


# --------------------------------------------------------------------------------------------
# Ranking, noise, unknown reasons, composite messages


def test_rank_by_severity_then_recency_then_count() -> None:
    d = diagnose(
        [
            ev("BackOff", when="08:10", count=50),  # error, older
            ev("NoStock", when="08:30", count=1),  # error, newer
            ev("Unhealthy", message="Readiness probe failed: x", when="08:50", count=9),  # warning
            ev(
                "ImageCacheMissed", message="Missed image cache.", when="08:50", count=20
            ),  # warning
            ev("OOMKilled", message="Out of memory", when="08:00"),  # critical
        ]
    )
    assert [f.reason for f in d.findings] == [
        "OOMKilled",
        "NoStock",
        "BackOff",
        "ImageCacheMissed",
        "Unhealthy",
    ]


def test_undated_findings_rank_after_dated_ones_of_the_same_severity() -> None:
    d = diagnose([ev("NoStock", when=None, count=99), ev("BackOff", when="07:00")])
    assert [f.reason for f in d.findings] == ["BackOff", "NoStock"]


def test_normal_noise_is_one_line_and_unknown_reasons_are_never_dropped() -> None:
    d = diagnose(
        [
            ev("Pulling", type_="Normal", message='Pulling image "a"', count=2),
            ev("Started", type_="Normal", message="Started container a", count=3),
            ev("SomethingNew", type_="Normal", message="a quiet new thing"),
            ev("WeirdFailure", message="it broke"),
        ]
    )
    assert d.noise.events == 2 and d.noise.reasons == (("Started", 3), ("Pulling", 2))
    unknown = {f.reason: f for f in d.findings}
    assert set(unknown) == {"SomethingNew", "WeirdFailure"}
    assert unknown["WeirdFailure"].severity == Severity.WARNING
    assert unknown["SomethingNew"].severity == Severity.INFO
    assert unknown["WeirdFailure"].messages == ("it broke",)
    assert not unknown["WeirdFailure"].known


def test_repeats_collapse_and_samples_stay_distinct() -> None:
    d = diagnose([ev("Mystery", message=f"m{i % 5}", count=2) for i in range(20)])
    (finding,) = d.findings
    assert (finding.events, finding.count) == (20, 40)
    assert finding.messages == ("m0", "m1", "m2")


def test_composite_messages_are_split_into_parts() -> None:
    parts = composite_parts(
        "0/216 nodes are available: 3 Insufficient cpu, 10 node(s) had untolerated taint "
        "{virtual-kubelet.io/provider: alibabacloud}, 203 node(s) didn't match Pod's node "
        "affinity/selector. preemption: 0/216 nodes are available: 216 Preemption is not "
        "helpful for scheduling."
    )
    assert [(p.count, p.text) for p in parts] == [
        (203, "node(s) didn't match Pod's node affinity/selector"),
        (10, "node(s) had untolerated taint {virtual-kubelet.io/provider: alibabacloud}"),
        (3, "Insufficient cpu"),
    ]
    assert composite_parts("Started container a") == ()


# --------------------------------------------------------------------------------------------
# The cross-event rules


def conclusion(d: Any, rule: str) -> Any:
    return next((c for c in d.conclusions if c.rule == rule), None)


NOSTOCK = "Create ECI failed because the specified instance is out of stock. zone: {}"


def test_capacity_needs_several_groups_or_zones() -> None:
    one = diagnose([ev("NoStock", "eci-1", NOSTOCK.format("cn-hangzhou-k"), count=9)])
    assert conclusion(one, "capacity") is None
    groups = diagnose(
        [
            ev("NoStock", "eci-1", NOSTOCK.format("cn-hangzhou-k")),
            ev("StockExhaust", "eci-2", "The stock of the specified zones will be used up. x"),
        ]
    )
    capacity = conclusion(groups, "capacity")
    assert capacity.reasons == ("NoStock", "StockExhaust") and len(capacity.groups) == 2
    zones = diagnose(
        [
            ev("NoStock", "eci-1", NOSTOCK.format("cn-hangzhou-k ecs.c6.large")),
            ev("NoStock", "eci-1", NOSTOCK.format("cn-hangzhou-j")),
        ]
    )
    capacity = conclusion(zones, "capacity")
    assert capacity.zones == ("cn-hangzhou-j", "cn-hangzhou-k")
    assert capacity.instance_types == ("ecs.c6.large",)
    condition = diagnose([ev("ContainerGroup.NoStock", "eci-1"), ev("SpotDegraded", "eci-2")])
    assert conclusion(condition, "capacity") is not None


def test_oom_with_backoff_or_restarts_in_the_same_group_is_the_memory_limit() -> None:
    alone = diagnose([ev("OOMKilled", "eci-1", "Out of memory"), ev("BackOff", "eci-2")])
    assert conclusion(alone, "memory") is None
    backoff = diagnose([ev("OOMKilled", "eci-1", "Out of memory"), ev("BackOff", "eci-1")])
    assert [g.key for g in conclusion(backoff, "memory").groups] == ["eci-1"]
    restarts = diagnose(
        [
            ev("PodOOMKilled", "eci-1"),
            ev("Started", "eci-1", "Started container a", type_="Normal", count=4),
        ]
    )
    assert conclusion(restarts, "memory").reasons == ("PodOOMKilled",)
    repeated = diagnose([ev("OOMKilled", "eci-1", "Out of memory", count=3)])
    assert conclusion(repeated, "memory") is not None


def test_spot() -> None:
    d = diagnose([ev("SpotToBeReleased", message="Spot ECI will be released in 3 minutes")])
    spot = conclusion(d, "spot")
    assert spot.minutes == "3" and spot.severity == Severity.CRITICAL
    remedies = diagnosis_words.finding_remedies(d.findings[0], load_catalog(), "en", raw)
    assert "Use the 3 minutes left" in remedies[0]  # catalog remedy, filled


def test_image_cache() -> None:
    d = diagnose(
        [
            ev("ImageCacheMissed", message="Missed image cache."),
            ev(
                "ImageCacheAutoCreated", message="Image cache imc-1 is auto created", type_="Normal"
            ),
        ]
    )
    assert conclusion(d, "image-cache").reasons == ("ImageCacheMissed", "ImageCacheAutoCreated")


@pytest.mark.parametrize(
    "reason", ["InsufficientBalance", "QuotaExceeded", "Unauthorized", "DiskCapacityQuotaFull"]
)
def test_quota_balance_permission_need_account_action(reason: str) -> None:
    account = conclusion(diagnose([ev(reason)]), "account")
    assert account is not None and account.reasons == (reason,)


def test_platform_with_scheduled_maintenance_deadline() -> None:
    message = (
        '{"originReason":"Redeploy","originMessage":"Redeploy",'
        '"planExecTime":"2026-11-22T09:00:00.000+08:00"}'
    )
    d = diagnose([ev("ScheduledMaintenance", message=message), ev("GPULostCard", "eci-2")])
    platform = conclusion(d, "platform")
    assert platform.deadline == datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc)
    assert set(platform.reasons) == {"ScheduledMaintenance", "GPULostCard"}
    assert plan_exec_time("[eci.containergroup]" + message) == platform.deadline
    assert plan_exec_time("not json {") is None


MAINTENANCE_MESSAGE = (
    '{"originReason":"Redeploy","originMessage":"Redeploy",'
    '"planExecTime":"2026-11-22T09:00:00.000+08:00"}'
)


def test_platform_advice_tells_planned_maintenance_from_a_failure() -> None:
    planned = conclusion(
        diagnose([ev("ScheduledMaintenance", message=MAINTENANCE_MESSAGE)]), "platform"
    )
    assert planned.planned == ("ScheduledMaintenance",)
    assert conclusion_advice(planned, "en") == (
        "Maintenance is planned on the host; nothing has failed yet and your workload is not the "
        "cause. Recreate the affected container groups at a quiet time before "
        "2026-11-22T01:00:00Z; otherwise the platform restarts or moves them at the planned time."
    )
    assert "2026-11-22T01:00:00Z までに" in conclusion_advice(planned, "ja")
    assert "障害です" not in conclusion_advice(planned, "ja")

    failed = conclusion(diagnose([ev("GPULostCard")]), "platform")
    assert failed.planned == () and failed.deadline is None
    assert conclusion_advice(failed, "en") == (
        "The instance or its host failed, not your workload. Recreate the affected container "
        "groups; otherwise the platform restarts them."
    )

    both = conclusion(
        diagnose(
            [
                ev("ScheduledMaintenance", message=MAINTENANCE_MESSAGE),
                ev("GPULostCard", "eci-2"),
            ]
        ),
        "platform",
    )
    assert both.planned == ("ScheduledMaintenance",)
    assert conclusion_advice(both, "en") == (
        "GPULostCard: the instance or its host failed, not your workload; recreate those "
        "container groups. ScheduledMaintenance: maintenance is planned and nothing has failed "
        "yet; recreate those groups at a quiet time before 2026-11-22T01:00:00Z, otherwise the "
        "platform restarts or moves them at the planned time."
    )


def test_system_reboot_deadline_from_within_hours() -> None:
    message = (
        "It is strongly recommended that you re-create this instance within 48 hours because "
        "of host maintenance, otherwise, the pod will be forced to restart."
    )
    d = diagnose([ev("SystemReboot", message=message, when="08:00")])
    assert conclusion(d, "platform").deadline == datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
    assert d.findings[0].params == {"reason": ("host maintenance",)}


def test_conclusion_text_through_the_command() -> None:
    data = triage_json(str(FIXTURES / "aliyun-cli.json"))
    by_rule = {c["rule"]: c for c in data["conclusions"]}
    assert by_rule["account"]["advice"].startswith("Retrying will not help.")
    assert by_rule["platform"]["deadline"] == "2026-11-22T01:00:00Z"
    assert "before 2026-11-22T01:00:00Z" in by_rule["platform"]["advice"]
    assert by_rule["capacity"]["zones"] == ["cn-hangzhou-j", "cn-hangzhou-k"]
    assert by_rule["capacity"]["title"] == (
        "Capacity shortage: NoStock in 2 container groups across zones cn-hangzhou-j, cn-hangzhou-k"
    )


def test_pod_without_eci_id_merges_into_the_eci_group_of_the_same_pod() -> None:
    d = diagnose(
        [
            ev("OOMKilled", "eci-9", "Out of memory", group_name="api-0", namespace="default"),
            ev("BackOff", "", object_name="api-0", namespace="default", object_kind="Pod"),
        ]
    )
    assert [g.ref.key for g in d.groups] == ["eci-9"]
    assert [g.key for g in conclusion(d, "memory").groups] == ["eci-9"]
    assert all(f.groups[0].key == "eci-9" for f in d.findings)


# --------------------------------------------------------------------------------------------
# Flags


def test_by_group() -> None:
    data = triage_json("--by", "group", str(FIXTURES / "aliyun-cli.json"))
    nostock = [f for f in data["findings"] if f["reason"] == "NoStock"]
    assert sorted(f["group"] for f in nostock) == [
        "eci-bp1aaaaaaaaaaaa0001",
        "eci-bp1bbbbbbbbbbbb0002",
    ]
    assert all(len(f["groups"]) == 1 for f in nostock)
    assert data["options"]["by"] == "group"


def test_min_severity_applies_to_findings_and_conclusions() -> None:
    data = triage_json("--min-severity", "critical", str(FIXTURES / "aliyun-cli.json"))
    assert {f["severity"] for f in data["findings"]} == {"critical"}
    assert "capacity" not in rules(data) and "image-cache" not in rules(data)
    assert data["summary"]["hidden_findings"] == 4
    assert data["summary"]["worst_severity"] == "critical"


SMALL = {
    "backoff": b'[{"reason": "BackOff", "type": "Warning", "message": "Back-off restarting failed container"}]',
    "noise": b'[{"reason": "Pulling", "type": "Normal", "message": "Pulling image \\"a\\""}]',
}


@pytest.mark.parametrize(
    ("fail_on", "name", "code"),
    [
        ("critical", "aliyun-cli.json", 1),
        ("error", "events-v1.json", 1),
        ("critical", "backoff", 0),  # worst there: error
        ("error", "backoff", 1),
        ("warning", "backoff", 1),
        ("warning", "noise", 0),
    ],
)
def test_fail_on_exits_1_at_or_above(fail_on: str, name: str, code: int) -> None:
    path = str(FIXTURES / name) if "." in name else "-"
    result = run("triage", NOW, "--fail-on", fail_on, "-o", "json", path, input=SMALL.get(name))
    assert result.exit_code == code, result.stderr
    assert json.loads(result.stdout)["schema_version"] == 1  # output first, then the exit code


def test_fail_on_counts_findings_hidden_by_min_severity() -> None:
    args = ("--min-severity", "critical", "--fail-on", "error")
    result = run("triage", NOW, *args, input=SMALL["backoff"])
    assert result.exit_code == 1
    assert result.stdout.endswith("critical, not shown: 1\n\nNo findings at or above critical.\n")


def test_without_fail_on_findings_exit_0() -> None:
    assert run("triage", NOW, str(FIXTURES / "aliyun-cli.json")).exit_code == 0


def test_since_is_relative_to_now_and_says_what_it_left_out() -> None:
    data = triage_json("--since", "30m", str(FIXTURES / "aliyun-cli.json"))
    summary = data["summary"]
    assert summary["events"] == 3  # BackOff 08:45, SpotToBeReleased 08:50, OOMKilled 08:40
    assert summary["skipped_old"] == 8 and summary["skipped_undated"] == 1
    assert data["options"]["since_seconds"] == 1800


@pytest.mark.parametrize("bad", ["10", "5h30x", "-1m", "0s", "99999999d"])
def test_bad_since_is_a_usage_error(bad: str) -> None:
    result = run("triage", "--since", bad, input=b"[]")
    assert result.exit_code == 2 and "--since" in result.stderr


def test_empty_list_is_an_empty_diagnosis() -> None:
    result = run("triage", NOW, input=b'{"kind": "List", "items": []}')
    assert result.exit_code == 0
    assert result.stdout.endswith("\nNo events in the input.\n")


# --------------------------------------------------------------------------------------------
# Outputs


EXPECTED_TABLE_HEAD = """\
Triage of 6 events (17 with repeats) in 3 container groups from 1 source
Window   2026-11-20T07:58:00Z → 2026-11-20T08:42:00Z (44m), last event 18m ago
Sources  {name} (kubectl-list, core-v1: 6 events)

Conclusions
  critical  Memory limit: OOMKilled with restarts in 1 container group
            The container was killed for exceeding its memory limit and restarted; this is the
            workload, not the platform. Raise the memory limit (and request) or reduce the process's
            memory use.
            Groups: default/api-7d9f-abcde
  warning   Platform side: SandboxNotReady in 1 container group
            The instance or its host failed, not your workload. Recreate the affected container
            groups; otherwise the platform restarts them.
            Groups: eci-bp1ddddddddddddd0004

Findings
  #  SEVERITY  REASON            GROUPS  COUNT  FIRST SEEN            LAST SEEN
  1  critical  OOMKilled              1      1  2026-11-20T08:20:00Z  2026-11-20T08:20:00Z
  2  error     BackOff                1      7  2026-11-20T08:21:00Z  2026-11-20T08:41:00Z
  3  error     FailedScheduling       1      4  2026-11-20T07:58:00Z  2026-11-20T08:04:00Z
  4  warning   SandboxNotReady        1      1  2026-11-20T08:42:00Z  2026-11-20T08:42:00Z

1. OOMKilled · critical · Warning · variant 2 · 1 container group · x1
"""


def test_table_at_width_100() -> None:
    name = str(FIXTURES / "kubectl-list.json")
    result = run("triage", NOW, name)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith(EXPECTED_TABLE_HEAD.format(name=name))
    assert all(len(line) <= 100 for line in out.splitlines())
    assert "\x1b" not in out  # not a terminal: no colour
    assert (
        """\
3. FailedScheduling · error · Warning · variant 3 · 1 container group · x4
   The instance or pod could not be scheduled anywhere.
   Groups: default/api-7d9f-fghij
   Message:
   - 0/216 nodes are available: 3 Insufficient cpu, 10 node(s) had untolerated taint
     {virtual-kubelet.io/provider: alibabacloud}, 203 node(s) didn't match Pod's node
     affinity/selector. preemption: 0/216 nodes are available: 216 Preemption is not helpful for
     scheduling.
   Causes:
   - 203 node(s) didn't match Pod's node affinity/selector
   - 10 node(s) had untolerated taint {virtual-kubelet.io/provider: alibabacloud}
   - 3 Insufficient cpu
   What to do:
"""
        in out
    )
    assert (
        """\
   Next: eci-events explain OOMKilled
         kubectl describe pod/api-7d9f-abcde -n default
"""
        in out
    )
    assert out.endswith(
        """\
   Next: eci-events explain SandboxNotReady
         eci-events list eci-bp1ddddddddddddd0004 --since 1h

Normal: 2 events (4 with repeats), nothing to do (Started x3, Scheduled x1)
"""
    )


def test_table_notes_escapes_and_coverage() -> None:
    out = run("triage", NOW, str(FIXTURES / "aliyun-cli.json")).stdout
    assert "Notes    events without a time: 1 (kept, not placed in time)\n" in out
    assert (
        "   - something ^[[31mred^[0m and [bold]markup[/bold] happened\n"
        in out.replace("^[[0m", "^[0m")
        or "   - something ^[[31mred^[[0m and [bold]markup[/bold] happened\n" in out
    )
    assert "\x1b" not in out


def test_colour_follows_severity_and_markup_stays_literal() -> None:
    result = run("triage", NOW, "--color", "always", str(FIXTURES / "aliyun-cli.json"))
    out = result.stdout
    assert "\x1b[1;91mcritical" in out  # SEVERITY_STYLES: bold bright_red
    assert "\x1b[33mwarning" in out
    assert "[bold]markup[/bold]" in out
    assert "\x1b[31mred" not in out  # the message's own escape codes are neutralised


def test_no_color_env_wins_over_auto() -> None:
    result = run("triage", NOW, str(FIXTURES / "aliyun-cli.json"), env={"NO_COLOR": "1"})
    assert "\x1b" not in result.stdout


def test_timeline_one_row_per_group_coloured_by_the_worst_event() -> None:
    d = diagnose(
        [
            ev("OOMKilled", "eci-a", "Out of memory", when="08:00"),
            ev("Started", "eci-a", "Started container x", type_="Normal", when="08:59"),
            ev("ImageCacheMissed", "eci-b", "Missed image cache.", when="08:30"),
            ev("Pulling", "eci-b", 'Pulling image "x"', type_="Normal", when="08:30"),
        ],
        timeline=True,
    )
    text = plain(table_lines(d, 100, timeline=True))
    block = text.split("Timeline", 1)[1].split("\n\n", 1)[0]
    lines = block.splitlines()
    assert lines[0] == "  2026-11-20T08:00:00Z → 2026-11-20T08:59:00Z, one cell = 59s"
    assert lines[1] == "  eci-a  █" + "·" * 58 + "▂"  # critical OOM, later a Normal start
    assert lines[2] == "  eci-b  " + "·" * 30 + "▄" + "·" * 29  # warning beats info
    assert "Timeline" not in plain(table_lines(d, 100, timeline=False))


def test_timeline_data_is_kept_only_when_asked_for() -> None:
    events = [
        ev("OOMKilled", "eci-a", "Out of memory", when="08:00"),
        ev("Started", "eci-a", "Started container x", type_="Normal", when="08:59"),
    ]
    plain_run = diagnose(events)
    assert [g.timeline for g in plain_run.groups] == [()]
    assert "Timeline" not in plain(table_lines(plain_run, 100, timeline=True))
    drawn = diagnose(events, timeline=True)
    assert drawn.groups[0].timeline == (
        (int(at("08:00").timestamp()), Severity.CRITICAL),
        (int(at("08:59").timestamp()), Severity.INFO),
    )
    # Everything else is the same either way.
    assert drawn.findings == plain_run.findings
    assert (drawn.events, drawn.first_seen, drawn.last_seen) == (2, at("08:00"), at("08:59"))
    assert (plain_run.events, plain_run.first_seen, plain_run.last_seen) == (
        2,
        at("08:00"),
        at("08:59"),
    )


def _on_terminal(*args: str) -> str:
    """The command run with stdout on a pseudo-terminal, as a user at a shell sees it."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "eci_events", "triage", NOW, *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    ) as child:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait(timeout=30) == 0, child.stderr.read() if child.stderr else ""
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_the_command_draws_the_timeline_only_on_a_terminal() -> None:
    fixture = str(FIXTURES / "aliyun-cli.json")
    assert "Timeline" in _on_terminal(fixture)
    assert "Timeline" not in _on_terminal(fixture, "-o", "markdown")
    assert "Timeline" not in run("triage", NOW, fixture).stdout  # piped: no timeline


def test_histogram_stays_small_and_keeps_the_worst() -> None:
    histogram = Histogram()
    base = int(at("08:00").timestamp())
    for minute in range(0, 600, 3):  # ten hours, out of order at the end
        histogram.mark(base + minute * 60, Severity.INFO)
    histogram.mark(base + 300 * 60, Severity.CRITICAL)
    histogram.mark(base - 7200, Severity.WARNING)
    buckets = histogram.buckets()
    assert len(histogram.cells) == 64 and len(buckets) <= 64
    assert max(s for _, s in buckets) == Severity.CRITICAL
    assert buckets[0] == (base - 7200 - (base - 7200) % histogram.resolution, Severity.WARNING)


def test_json_fields_are_stable() -> None:
    data = triage_json(str(FIXTURES / "aliyun-cli.json"))
    assert list(data) == [
        "schema_version",
        "kind",
        "generated_at",
        "lang",
        "options",
        "sources",
        "summary",
        "conclusions",
        "findings",
        "noise",
        "groups",
    ]
    assert data["schema_version"] == 1 and data["kind"] == "EciEventsTriage"
    assert data["generated_at"] == "2026-11-20T09:00:00Z"
    assert list(data["summary"]) == [
        "groups",
        "events",
        "occurrences",
        "first_seen",
        "last_seen",
        "window_seconds",
        "undated",
        "skipped_old",
        "skipped_undated",
        "capped_groups",
        "hidden_findings",
        "worst_severity",
        "objects",
        "duplicates",
        "failed_groups",
    ]
    assert list(data["sources"][0]) == [
        "name",
        "format",
        "shapes",
        "documents",
        "events",
        "ignored",
        "truncated_groups",
        "failed_groups",
    ]
    assert list(data["conclusions"][0]) == [
        "rule",
        "severity",
        "title",
        "advice",
        "reasons",
        "groups",
        "zones",
        "instance_types",
        "deadline",
        "group_count",
        "object_count",
    ]
    spot = data["findings"][0]
    assert list(spot) == [
        "rank",
        "reason",
        "variant",
        "known",
        "section",
        "severity",
        "types",
        "summary",
        "remedies",
        "params",
        "group",
        "groups",
        "events",
        "count",
        "first_seen",
        "last_seen",
        "messages",
        "parts",
        "next",
        "group_count",
        "object_count",
        "generic",
    ]
    assert spot["rank"] == 1 and spot["params"] == {"minutes": "3"}
    assert spot["section"] == "instance" and spot["variant"] == 0 and spot["known"] is True
    assert spot["next"] == [
        "eci-events explain SpotToBeReleased",
        "eci-events list eci-bp1cccccccccccc0003 --since 1h",
    ]
    mystery = next(f for f in data["findings"] if f["reason"] == "MysteryReason")
    assert mystery["messages"] == [
        "something \x1b[31mred\x1b[0m and [bold]markup[/bold] happened"
    ]  # raw in JSON
    assert mystery["known"] is False and mystery["remedies"] == []
    assert list(data["groups"][0]) == [
        "key",
        "group_id",
        "group_name",
        "namespace",
        "events",
        "count",
        "worst_severity",
        "first_seen",
        "last_seen",
        "kind",
    ]
    assert data["noise"] == {
        "events": 3,
        "count": 3,
        "reasons": [
            {"reason": "Pulled", "count": 1},
            {"reason": "Pulling", "count": 1},
            {"reason": "Started", "count": 1},
        ],
    }


def test_capped_groups_are_reported() -> None:
    events = [
        {
            "Reason": "Started",
            "Message": "Started container a",
            "Type": "Normal",
            "Count": 1,
            "LastTimestamp": "2026-11-20T08:00:00Z",
        }
    ] * 50
    body = json.dumps({"Data": [{"ContainerGroupId": "eci-1", "Events": events}]}).encode()
    data = triage_json(input=body)
    assert data["summary"]["capped_groups"] == 1
    out = run("triage", NOW, input=body).stdout
    assert "groups at the ECI API's limit of 50 events, so older events are missing: 1" in out


def test_markdown_for_a_ticket() -> None:
    result = run("triage", NOW, "-o", "markdown", str(FIXTURES / "aliyun-cli.json"))
    out = result.stdout
    assert out.startswith(
        "## eci-events triage: Triage of 12 events (20 with repeats) in 4 container groups "
        "from 1 source\n"
    )
    assert "| # | SEVERITY | REASON | GROUPS | COUNT | FIRST SEEN | LAST SEEN |\n" in out
    assert "| 1 | **critical** | SpotToBeReleased | 1 | 1 | 2026-11-20T08:50:00Z |" in out
    assert "#### 8. MysteryReason (warning)" in out
    assert "- **Message:** `something ^[[31mred^[[0m and [bold]markup[/bold] happened`" in out
    assert "- **Next:** `eci-events explain NoStock`, `eci-events list" in out
    assert "\x1b" not in out


def test_japanese() -> None:
    result = run("triage", NOW, "--lang", "ja", str(FIXTURES / "kubectl-list.json"))
    out = result.stdout
    assert "結論" in out and "所見" in out and "対処方法:" in out
    data = triage_json("--lang", "ja", str(FIXTURES / "kubectl-list.json"))
    assert data["lang"] == "ja" and data["conclusions"][0]["title"].startswith("メモリ上限")
    assert (
        data["conclusions"][0]["title"] == "メモリ上限: コンテナグループ 1 個で OOMKilled と再起動"
    )


def test_japanese_title_wraps_at_the_width() -> None:
    name = str(FIXTURES / "kubectl-list.json")
    out = run("triage", NOW, "--lang", "ja", "--width", "80", name).stdout
    assert out.startswith(
        "トリアージ: 入力 1 件、コンテナグループ 3 個、イベント 6 件 (繰り返しを含め 17\n  件)\n"
    )
    assert all(display_width(line) <= 80 for line in out.splitlines())


def test_help_lists_the_flags() -> None:
    out = run("triage", "--help").stdout
    for flag in (
        "--input-format",
        "--by",
        "--min-severity",
        "--fail-on",
        "--since",
        "-o",
        "--color",
        "--lang",
    ):
        assert flag in out
    assert "--now" not in out


# --------------------------------------------------------------------------------------------
# A busy cluster's kubectl export: kinds, duplicates, old events, generic variants

BUSY = str(FIXTURES / "kubectl-busy.json")


def test_a_busy_cluster_counts_pods_as_groups_and_other_objects_by_kind() -> None:
    data = triage_json(BUSY)
    assert data["summary"]["groups"] == 3  # the three pods
    assert data["summary"]["objects"] == 5  # Deployment, ReplicaSet, Job, Node, HPA
    kinds = {g["key"]: g["kind"] for g in data["groups"] if g["kind"]}
    assert kinds == {
        "shop/deployment/web": "Deployment",
        "shop/replicaset/web-7c9d5": "ReplicaSet",
        "shop/job/etl-nightly": "Job",
        "node/virtual-kubelet-cn-hangzhou-k": "Node",
        "shop/horizontalpodautoscaler/web": "HorizontalPodAutoscaler",
    }
    steps = {f["reason"]: f["next"][-1] for f in data["findings"]}
    assert steps["FailedCreate"] == "kubectl describe replicaset/web-7c9d5 -n shop"
    assert steps["BackoffLimitExceeded"] == "kubectl describe job/etl-nightly -n shop"
    assert steps["NodeNotReady"] == "kubectl describe node/virtual-kubelet-cn-hangzhou-k"
    assert steps["Unhealthy"] == "kubectl describe pod/api-0 -n shop"
    created = next(f for f in data["findings"] if f["reason"] == "FailedCreate")
    assert (created["group_count"], created["object_count"]) == (0, 1)
    # every everyday reason of a busy cluster is in the catalog
    assert all(f["known"] for f in data["findings"])
    assert {r["reason"] for r in data["noise"]["reasons"]} == {
        "ScalingReplicaSet",
        "Scheduled",
        "Started",
        "SuccessfulCreate",
    }


def test_the_table_names_other_objects_apart_from_groups() -> None:
    result = run("triage", NOW, "--width", "120", BUSY)
    assert result.stdout.startswith(
        "Triage of 13 events (72 with repeats) in 3 container groups and 5 other objects"
    )
    assert "1. FailedCreate · error · Warning · 1 object · x5" in result.stdout
    finding = result.stdout[result.stdout.index("1. FailedCreate") :]
    assert "\n   Objects: shop/replicaset/web-7c9d5\n" in finding


def test_a_generic_variant_ranks_after_the_specific_one() -> None:
    """ "Error: ErrImagePull" restates the pull failure and is newer; the pull failure, whose
    message says why, comes first."""
    findings = triage_json(BUSY)["findings"]
    failed = [
        (f["rank"], f["generic"], f["messages"][0]) for f in findings if f["reason"] == "Failed"
    ]
    assert failed[0][1] is False and failed[0][2].startswith("Failed to pull image")
    assert failed[1][1] is True and failed[1][2] == "Error: ErrImagePull"
    assert failed[0][0] < failed[1][0]


def test_the_same_export_twice_counts_once_and_says_so() -> None:
    once = triage_json(BUSY)
    twice = run("triage", NOW, "-o", "json", BUSY, BUSY)
    data = json.loads(twice.stdout)
    assert data["summary"]["events"] == once["summary"]["events"] == 13
    assert data["summary"]["occurrences"] == once["summary"]["occurrences"]
    assert data["summary"]["duplicates"] == 13
    table = run("triage", NOW, "--width", "120", BUSY, BUSY).stdout
    assert "copies of events already read (same uid), dropped: 13" in table


def test_since_that_leaves_nothing_says_how_old_the_newest_is() -> None:
    result = run("triage", "--now=2026-11-30T09:00:00Z", "--since", "1h", "--width", "120", BUSY)
    assert result.exit_code == 0
    assert "Window   no event within --since\n" in result.stdout
    assert "all 13 events are older than --since 1h; the newest is 10d old" in result.stdout
    assert "no event carries a time" not in result.stdout


# --------------------------------------------------------------------------------------------
# One pod known by two names (its ECI id in one source, namespace/name in another) is one
# group: counts add up, times widen, samples and parameters join (mutation survivors)

NOSTOCK_K = "Create ECI failed because the specified instance is out of stock. ecs.c6.large in cn-hangzhou-k"
NOSTOCK_J = "Create ECI failed because the specified instance is out of stock. ecs.c6.large in cn-hangzhou-j"


def two_names(**options: Any) -> Diagnosis:
    by_id = dict(group_name="api-0", namespace="shop")
    by_pod = dict(object_name="api-0", namespace="shop", object_kind="Pod")
    return diagnose(
        [
            ev("NoStock", "eci-9", NOSTOCK_K, when="08:10", count=3, **by_id),
            Event(
                reason="NoStock",
                message=NOSTOCK_J,
                type="Warning",
                count=4,
                first_seen=at("07:50"),
                last_seen=at("08:30"),
                **by_pod,
            ),
            ev("Started", "", "Started container", when="08:40", type_="Normal", **by_pod),
        ],
        **options,
    )


@pytest.mark.parametrize("by", ["reason", "group"])
def test_a_pod_known_by_two_names_is_one_group_with_everything_added_up(by: str) -> None:
    d = two_names(by=by)
    (group,) = d.groups
    assert group.ref.key == "eci-9"
    assert (group.events, group.count) == (3, 8)
    assert (group.first_seen, group.last_seen) == (at("07:50"), at("08:40"))
    assert group.worst == Severity.ERROR
    (finding,) = [f for f in d.findings if f.reason == "NoStock"]
    assert (finding.events, finding.count, finding.group_count) == (2, 7, 1)
    assert (finding.first_seen, finding.last_seen) == (at("07:50"), at("08:30"))
    assert set(finding.messages) == {NOSTOCK_K, NOSTOCK_J}
    assert set(finding.params["detail"]) == {
        "ecs.c6.large in cn-hangzhou-k",
        "ecs.c6.large in cn-hangzhou-j",
    }
    assert [ref.key for ref in finding.groups] == ["eci-9"]
    (capacity,) = [c for c in d.conclusions if c.rule == "capacity"]  # two zones of one group
    assert (capacity.zones, capacity.instance_types) == (
        ("cn-hangzhou-j", "cn-hangzhou-k"),
        ("ecs.c6.large",),
    )
    if by == "group":
        assert finding.group is not None and finding.group.key == "eci-9"
    assert d.group_count == 1 and d.object_count == 0


def test_two_names_join_types_parts_deadlines_severity_and_timelines() -> None:
    """The rest of what folding a pod's second name into its ECI id must carry over."""
    by_id = dict(group_name="api-0", namespace="shop")
    by_pod = dict(object_name="api-0", namespace="shop", object_kind="Pod")
    plan = '{{"originReason":"Redeploy","originMessage":"Redeploy","planExecTime":"{}"}}'
    events = [
        ev(
            "FailedScheduling",
            "eci-9",
            "0/5 nodes are available: 5 Insufficient cpu, 2 node(s) had untolerated taint {a: b}.",
            when="08:10",
            **by_id,
        ),
        ev(
            "ScheduledMaintenance",
            "eci-9",
            plan.format("2026-11-22T09:00:00Z"),
            when="08:12",
            **by_id,
        ),
        ev(
            "FailedScheduling",
            "",
            "0/3 nodes are available: 3 Insufficient cpu, 1 Insufficient memory.",
            when="08:20",
            type_="Normal",
            **by_pod,
        ),
        ev("ScheduledMaintenance", "", plan.format("2026-11-21T09:00:00Z"), when="08:22", **by_pod),
        ev("OOMKilled", "", "Out of memory", when="08:30", **by_pod),
        ev("BackOff", "", "Back-off restarting failed container", when=None, **by_pod),
    ]
    d = diagnose(events, by="group", timeline=True)
    (group,) = d.groups
    assert group.ref.key == "eci-9"
    assert d.undated == 1  # the pod's BackOff, undated, still counted
    assert len(group.timeline) == 5  # a bucket for each dated event, from both names
    (quiet,) = diagnose([events[0], events[4]]).groups  # error by id, critical by pod
    assert quiet.worst == Severity.CRITICAL
    (scheduling,) = [f for f in d.findings if f.reason == "FailedScheduling"]
    assert scheduling.types == ("Normal", "Warning")
    assert {(p.text, p.count) for p in scheduling.parts} == {
        ("Insufficient cpu", 5),
        ("node(s) had untolerated taint {a: b}", 2),
        ("Insufficient memory", 1),
    }
    (platform,) = [c for c in d.conclusions if c.rule == "platform"]
    assert platform.deadline == datetime(2026, 11, 21, 9, tzinfo=timezone.utc)  # the earlier


def test_ties_rank_by_count_then_reason_then_variant_then_group() -> None:
    d = diagnose(
        [
            ev("BackOff", "eci-b", when="08:30", count=1),
            ev("NoStock", "eci-a", when="08:30", count=5),  # more: before BackOff
            ev("BidFailed", "eci-a", when="08:30", count=1),  # same count: by name
            ev("Failed", "eci-c", 'Failed to pull image "x": denied', when="08:30", count=1),
            ev("Failed", "eci-c", "Internal PreStartContainer hook failed: x", when="08:30"),
        ]
    )
    assert [(f.reason, f.variant) for f in d.findings] == [
        ("NoStock", None),
        ("BackOff", None),
        ("BidFailed", None),
        ("Failed", 0),
        ("Failed", 2),
    ]
    by_group = diagnose(
        [ev("NoStock", "eci-b", when="08:30"), ev("NoStock", "eci-a", when="08:30")], by="group"
    )
    assert [f.group.key for f in by_group.findings if f.group] == ["eci-a", "eci-b"]


# --------------------------------------------------------------------------------------------
# Ranking of groups and findings, levels and kinds (mutation survivors)

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def _event(group: str, reason: str, minutes_ago: int, count: int = 1) -> Event:
    when = NOON - timedelta(minutes=minutes_ago)
    return Event(
        reason=reason,
        message="",
        type="Warning",
        count=count,
        first_seen=when,
        last_seen=when,
        group_id=group,
        name=f"{group}.{reason}",
    )


def test_groups_rank_by_worst_severity_then_recency_then_count() -> None:
    events = [
        _event("eci-quiet", "Pulled", 1),  # info, most recent
        _event("eci-old-oom", "OOMKilled", 50),  # critical, old
        _event("eci-new-oom", "OOMKilled", 5),  # critical, recent
        _event("eci-late-few", "BackOff", 30, count=2),  # warning, older, fewer, seen first
        _event("eci-late-many", "BackOff", 30, count=9),  # warning, as old, more
        _event("eci-recent-few", "BackOff", 10, count=2),  # warning, recent, fewer
    ]
    diagnosis = library.diagnose(events, now=NOON)
    assert [g.ref.key for g in diagnosis.groups] == [
        "eci-new-oom",
        "eci-old-oom",
        "eci-recent-few",
        "eci-late-many",
        "eci-late-few",
        "eci-quiet",
    ]


def test_findings_of_a_severity_rank_by_recency_then_count_then_reason() -> None:
    events = [
        _event("eci-a", "Zulu", 30, count=5),  # not in the catalog: Warning by its type
        _event("eci-a", "Alpha", 30, count=1),
        _event("eci-a", "Mike", 20, count=1),
        _event("eci-b", "OOMKilled", 60),
    ]
    diagnosis = library.diagnose(events, now=NOON)
    assert [f.reason for f in diagnosis.findings] == ["OOMKilled", "Mike", "Zulu", "Alpha"]


def test_min_severity_keeps_findings_at_that_severity() -> None:
    events = [_event("eci-a", "Zulu", 5), _event("eci-a", "Pulled", 5)]
    diagnosis = library.diagnose(events, now=NOON, min_severity=Severity.WARNING)
    assert [f.reason for f in diagnosis.findings] == ["Zulu"]


def test_objects_are_counted_apart_from_container_groups() -> None:
    deployment = Event(
        reason="ScalingReplicaSet",
        type="Normal",
        namespace="default",
        object_kind="Deployment",
        object_name="web",
        last_seen=NOON,
    )
    diagnosis = library.diagnose([deployment, _event("eci-a", "BackOff", 5)], now=NOON)
    assert (diagnosis.group_count, diagnosis.object_count) == (1, 1)
