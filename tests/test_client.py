"""The API client and DescribeContainerGroupEvents: set-up, batching, paging, retries,
credentials, and every odd answer a server can give, against the loopback endpoint."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eci_events.emulator import Emulator, event
from eci_events.errors import ApiError, ConfigError
from eci_events.sources import client as api
from eci_events.sources.client import (
    Client,
    Settings,
    backoff,
    bypass_proxy,
    resolve_endpoint,
    resolve_region,
)
from eci_events.sources.events_api import Query, Result, fetch_events
from tests.emulated import DEAD_PROXY, KEY_ID, REGION, SECRET, running


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    yield from running(monkeypatch)


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "BACKOFF_BASE", 0.01)


class Fetcher:
    """A client for the emulator and the one query this file asks of it."""

    def __init__(self, emulator: Emulator, **options: object) -> None:
        host, protocol = resolve_endpoint(emulator.endpoint, "unused")
        bypass_proxy(host, protocol)
        self.client = Client(Settings(REGION, host, protocol, **options))  # type: ignore[arg-type]

    def fetch(self, query: Query) -> Result:
        return fetch_events(self.client, query)


def fetcher(emulator: Emulator, **options: object) -> Fetcher:
    return Fetcher(emulator, **options)


def write_cli_config(home: Path, profiles: list[dict[str, str]], current: str) -> Path:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"current": current, "profiles": profiles}))
    return path


# -- region and endpoint --------------------------------------------------------------


def test_region_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path(os.environ["HOME"])
    write_cli_config(
        home,
        [
            {"name": "default", "mode": "AK", "region_id": "cn-shanghai"},
            {"name": "jp", "mode": "AK", "region_id": "ap-northeast-1"},
        ],
        current="default",
    )
    assert resolve_region(None, None) == "cn-shanghai"
    assert resolve_region(None, "jp") == "ap-northeast-1"
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "jp")
    assert resolve_region(None, None) == "ap-northeast-1"
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "cn-beijing")
    assert resolve_region(None, "jp") == "cn-beijing"
    assert resolve_region("cn-shenzhen", "jp") == "cn-shenzhen"


def test_missing_region_and_profile_say_what_to_do() -> None:
    with pytest.raises(ConfigError, match="pass --region"):
        resolve_region(None, None)
    with pytest.raises(ConfigError, match="aliyun configure --profile ops"):
        resolve_region(None, "ops")
    write_cli_config(Path(os.environ["HOME"]), [{"name": "a", "mode": "AK"}], current="a")
    with pytest.raises(ConfigError, match=r"profile 'ops' is not in .*\(profiles: a\)"):
        resolve_region(None, "ops")
    with pytest.raises(ConfigError, match="not a region id"):
        resolve_region("cn hangzhou; rm", None)


def test_endpoints() -> None:
    default = "eci.cn-hangzhou.aliyuncs.com"
    assert resolve_endpoint(None, default) == (default, "https")
    assert resolve_endpoint("http://127.0.0.1:8080", default) == ("127.0.0.1:8080", "http")
    assert resolve_endpoint("https://eci.example.com/", default) == ("eci.example.com", "https")
    assert resolve_endpoint("eci.example.com:8443", default) == ("eci.example.com:8443", "https")
    assert resolve_endpoint("http://[::1]:8080", default) == ("[::1]:8080", "http")


@pytest.mark.parametrize(
    ("endpoint", "words"),
    [
        ("ftp://host", "not a host or an http(s) URL"),
        ("http://host/path", "give the host (and port) only"),
        ("http://host:99999", "not a valid URL"),
        ("http://[::1", "not a valid URL"),
        ("http://ex ample.com", "not a valid host name"),
        ("http://127.0.0.1:0", "port 0 is not a port"),
        ("http://user:pw@host", "give the host (and port) only"),
    ],
)
def test_bad_endpoints_are_configuration_errors(endpoint: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        resolve_endpoint(endpoint, "unused")


def test_proxy_variables_are_dropped_only_for_loopback_or_no_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", DEAD_PROXY)
    assert not bypass_proxy("eci.cn-hangzhou.aliyuncs.com", "https")
    assert os.environ["HTTPS_PROXY"] == DEAD_PROXY
    monkeypatch.setenv("NO_PROXY", ".aliyuncs.com")
    assert bypass_proxy("eci-vpc.cn-hangzhou.aliyuncs.com", "https")
    assert "HTTPS_PROXY" not in os.environ
    monkeypatch.setenv("http_proxy", DEAD_PROXY)
    assert bypass_proxy("localhost:8080", "http")
    assert "http_proxy" not in os.environ


# -- backoff ------------------------------------------------------------------------------


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    lows = [backoff(n, None, rng=lambda: 0.0) for n in (1, 2, 3)]
    highs = [backoff(n, None, rng=lambda: 0.999999) for n in (1, 2, 3)]
    assert lows == pytest.approx([0.005, 0.01, 0.02])  # BACKOFF_BASE patched to 0.01
    assert highs == pytest.approx([0.01, 0.02, 0.04], rel=1e-3)
    assert backoff(1, 1.5) == 1.5
    assert backoff(60, None, rng=lambda: 1.0) == api.BACKOFF_CAP
    assert backoff(1, 7200.0) == api.RETRY_AFTER_CAP  # a server cannot make us wait hours


# -- batching, order, paging ------------------------------------------------------------


def test_batches_of_20_in_input_order(emu: Emulator) -> None:
    ids = [f"eci-{n:03d}" for n in range(45)]
    for gid in reversed(ids):  # the emulator's own order differs from the input's
        emu.add_group(gid, events=[event("Started", gid, type="Normal")])
    emu.latency = 0.05
    result = fetcher(emu, concurrency=3).fetch(Query(ids=(*ids, "eci-000")))
    assert [g.group_id for g in result.groups] == ids
    assert [e.message for e in result.events] == ids
    sizes = sorted(len(r.ids) for r in emu.requests)
    assert sizes == [5, 20, 20]
    assert all(len(set(r.ids)) == len(r.ids) for r in emu.requests)
    assert result.requests == 3 and not result.failed and not result.missing


def test_batches_run_concurrently(emu: Emulator) -> None:
    ids = [f"eci-{n:03d}" for n in range(100)]
    emu.latency = 0.2
    started = time.monotonic()
    fetcher(emu, concurrency=5).fetch(Query(ids=tuple(ids)))
    assert time.monotonic() - started < 0.6  # 5 calls at once, not 5 x 0.2 s in a row
    assert emu.request_count == 5


def test_paging_follows_next_token_and_never_sends_an_empty_one(emu: Emulator) -> None:
    emu.page_size = 4
    for n in range(10):
        emu.add_group(f"eci-{n}", tags={"app": "web"}, events=[event("Started", type="Normal")])
    emu.add_group("eci-other", tags={"app": "db"})
    result = fetcher(emu).fetch(Query(tags=(("app", "web"),)))
    assert [g.group_id for g in result.groups] == [f"eci-{n}" for n in range(10)]
    tokens = [r.query.get("NextToken") for r in emu.requests]
    assert tokens[0] is None and all(tokens[1:]) and len(tokens) == 3
    assert all(r.query["Tag.1.Key"] == "app" for r in emu.requests)


def test_missing_ids_are_reported(emu: Emulator) -> None:
    emu.add_group("eci-a")
    result = fetcher(emu).fetch(Query(ids=("eci-a", "eci-gone")))
    assert [g.group_id for g in result.groups] == ["eci-a"]
    assert result.missing == ["eci-gone"]


def test_truncated_when_a_group_returns_50(emu: Emulator) -> None:
    emu.add_group("eci-a", events=[event("Tick", str(n)) for n in range(55)])
    emu.add_group("eci-b", events=[event("Tick")])
    result = fetcher(emu).fetch(Query(ids=("eci-a", "eci-b")))
    assert [(g.events, g.truncated) for g in result.groups] == [(50, True), (1, False)]


# -- retries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("throttle", {}),
        ("throttle", {"retry_after_ms": 50}),
        ("unavailable", {}),
        ("html", {}),
        ("drop", {}),
        ("slow", {"delay": 0.6}),
        ("truncate", {}),
    ],
)
def test_transient_failures_are_retried(
    emu: Emulator, kind: str, options: dict[str, object]
) -> None:
    emu.add_group("eci-a", events=[event("Started", type="Normal")])
    emu.inject(kind, times=2, **options)
    result = fetcher(emu, read_timeout=0.3, max_attempts=3).fetch(Query(ids=("eci-a",)))
    assert not result.failed
    assert len(result.events) == 1
    assert emu.request_count == 3


def test_retry_after_is_honoured(emu: Emulator) -> None:
    emu.inject("throttle", retry_after_ms=400)
    started = time.monotonic()
    fetcher(emu).fetch(Query(ids=("eci-a",)))
    assert time.monotonic() - started >= 0.4
    assert emu.request_count == 2


def test_retries_are_bounded(emu: Emulator) -> None:
    emu.inject("unavailable", times=None)
    result = fetcher(emu, max_attempts=3).fetch(Query(ids=("eci-a",)))
    assert emu.request_count == 3
    [failure] = result.failed
    assert failure.group_ids == ["eci-a"]
    assert failure.exit_code == 4
    assert "HTTP 503 ServiceUnavailable" in failure.error
    assert "gave up after 3 attempts" in failure.error


def test_an_answer_cut_short_is_named_as_such(emu: Emulator) -> None:
    emu.add_group("eci-a", events=[event("Started", type="Normal")])
    emu.inject("truncate", times=None)
    [failure] = fetcher(emu, max_attempts=2).fetch(Query(ids=("eci-a",))).failed
    assert failure.error.startswith("the connection was cut in the middle of the answer")
    assert "gave up after 2 attempts" in failure.error
    assert "IncompleteRead" not in failure.error and "Caused by" not in failure.error


def test_a_tls_failure_is_named_as_such(emu: Emulator) -> None:
    """HTTPS spoken to a plain-HTTP server fails the handshake, as an intercepting proxy does."""
    host, _ = resolve_endpoint(emu.endpoint, "unused")
    bypass_proxy(host, "https")
    client = Client(Settings(REGION, host, "https", max_attempts=1))
    [failure] = fetch_events(client, Query(ids=("eci-a",))).failed
    assert failure.error.startswith("the TLS handshake failed")
    assert "SSLError" not in failure.error and "Caused by" not in failure.error


@pytest.mark.parametrize(
    ("setup", "code", "words"),
    [
        (lambda e: e.credentials.update({KEY_ID: "other"}), 3, "secret does not match"),
        (lambda e: e.credentials.clear(), 3, "AccessKey ID is not known"),
        (lambda e: e.denied.add(KEY_ID), 3, "eci:DescribeContainerGroupEvents"),
        (lambda e: e.regions.clear(), 3, "check --region"),
        (
            lambda e: e.inject("error", status=400, code="InvalidParameter", message="bad id"),
            4,
            "bad id",
        ),
    ],
)
def test_permanent_failures_are_not_retried(
    emu: Emulator, setup: object, code: int, words: str
) -> None:
    setup(emu)  # type: ignore[operator]
    result = fetcher(emu, max_attempts=4).fetch(Query(ids=("eci-a",)))
    assert emu.request_count == 1
    [failure] = result.failed
    assert failure.exit_code == code
    assert words in failure.error
    assert SECRET not in failure.error


def test_partial_failure_keeps_the_successes(emu: Emulator) -> None:
    ids = [f"eci-{n:02d}" for n in range(30)]
    for gid in ids:
        emu.add_group(gid, events=[event("Started", type="Normal")])
    emu.inject("unavailable", times=None, ids=["eci-25"])
    result = fetcher(emu, max_attempts=2).fetch(Query(ids=tuple(ids)))
    assert [g.group_id for g in result.groups] == ids[:20]
    assert [f.group_ids for f in result.failed] == [ids[20:]]


# -- credentials --------------------------------------------------------------------------


def test_no_credentials_anywhere(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    with pytest.raises(ConfigError, match="no Alibaba Cloud credentials in any standard place"):
        fetcher(emu)
    assert emu.request_count == 0


def test_cli_profile_and_credentials_ini(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    home = Path(os.environ["HOME"])
    emu.credentials["LTAIsts"] = "sts-secret"
    write_cli_config(
        home,
        [
            {"name": "default", "mode": "AK", "access_key_id": KEY_ID, "access_key_secret": SECRET},
            {
                "name": "sts",
                "mode": "StsToken",
                "access_key_id": "LTAIsts",
                "access_key_secret": "sts-secret",
                "sts_token": "token-xyz",
            },
        ],
        current="default",
    )
    emu.add_group("eci-a")
    assert fetcher(emu).fetch(Query(ids=("eci-a",))).groups  # default chain: current profile
    assert "x-acs-security-token" not in emu.requests[-1].headers
    assert fetcher(emu, profile="sts").fetch(Query(ids=("eci-a",))).groups
    assert emu.requests[-1].headers["x-acs-security-token"] == "token-xyz"
    assert emu.requests[-1].headers["x-acs-credentials-provider"].startswith("cli_profile")
    (home / ".aliyun" / "config.json").unlink()
    ini = home / ".alibabacloud" / "credentials.ini"
    ini.parent.mkdir()
    ini.write_text(
        f"[default]\ntype = access_key\naccess_key_id = {KEY_ID}\naccess_key_secret = {SECRET}\n"
    )
    assert fetcher(emu).fetch(Query(ids=("eci-a",))).groups
    assert "profile" in emu.requests[-1].headers["x-acs-credentials-provider"]


def test_debug_log_masks_secrets(emu: Emulator) -> None:
    lines: list[str] = []
    host, protocol = resolve_endpoint(emu.endpoint, "unused")
    bypass_proxy(host, protocol)
    client = Client(Settings(REGION, host, protocol), debug=lines.append)
    client.debug(f"oops {SECRET}")
    emu.inject("throttle")
    fetch_events(client, Query(ids=("eci-a",)))
    text = "\n".join(lines)
    assert SECRET not in text and "oops ***" in text
    assert "LTAI****Id01" in text  # the key id, masked
    assert "attempt 1/4 [1 ids] failed" in text and "retrying in" in text


def test_unexpected_errors_are_api_errors() -> None:
    problem = api.classify(RuntimeError("boom"), Settings(REGION, "h"), "X")
    assert isinstance(problem.error, ApiError) and not problem.retry


SIGNED = "https://sts.aliyuncs.com/?AccessKeyId=LTAIcanary&Signature=c4n4ry%3D&SecurityToken=tok"


def test_errors_nobody_foresaw_are_redacted_too() -> None:
    """The two catch-all messages carry the library's own text: it passes the scrubber."""
    from darabonba.exceptions import UnretryableException
    from darabonba.policy.retry import RetryPolicyContext

    inner = ValueError(f"cannot sign {SIGNED}")
    wrapped = UnretryableException(RetryPolicyContext(exception=inner))
    for exc in (wrapped, RuntimeError(f"cannot sign {SIGNED}")):
        text = str(api.classify(exc, Settings(REGION, "h"), "X").error)
        assert "https://sts.aliyuncs.com/?***" in text
        assert "canary" not in text and "c4n4ry" not in text and "tok" not in text


# -- answers that are not what the API promises (nothing is ever "no events") ----------------


def answer(**body: object) -> bytes:
    return json.dumps({"RequestId": "r1", **body}).encode()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            answer(Code="InternalError", Message="boom"),
            "answered without a list of groups (Data): InternalError boom (request id r1)",
        ),
        (answer(), "answered without a list of groups (Data) (request id r1)"),
        (answer(Data=None), "without a list of groups"),
        (answer(Data="eci-a"), "without a list of groups"),
        (answer(Data={"ContainerGroupId": "eci-a"}), "without a list of groups"),
        (b"[1, 2]", "a body that is not a JSON object"),
    ],
)
def test_http_200_without_groups_is_an_api_failure(emu: Emulator, body: bytes, words: str) -> None:
    emu.inject("body", times=None, status=200, body=body)
    result = fetcher(emu, max_attempts=1).fetch(Query(ids=("eci-a", "eci-b")))
    [failure] = result.failed
    assert failure.group_ids == ["eci-a", "eci-b"] and failure.exit_code == 4
    assert words in failure.error
    assert not result.events and not result.missing


def test_entries_without_an_id_and_repeated_ids_are_all_kept(emu: Emulator) -> None:
    e1, e2, e3 = (event("Tick", str(n), name=f"t{n}") for n in range(3))
    body = answer(
        Data=[
            {"Events": [e1]},
            {"Events": [e2]},
            {"ContainerGroupId": "eci-a", "Events": [e1]},
            {"ContainerGroupId": "eci-a", "Events": [e2, e1]},
        ],
        NextToken="page2",
    )
    second = answer(Data=[{"ContainerGroupId": "eci-a", "Events": [e3]}])
    emu.inject("body", times=2, status=200, body=lambda hit: body if hit == 1 else second)
    result = fetcher(emu).fetch(Query(tags=(("app", "web"),)))
    assert result.without_id == 2
    assert [(g.group_id, g.events) for g in result.groups] == [("eci-a", 3), ("", 1), ("", 1)]
    assert sorted(e.message for e in result.events) == ["0", "0", "1", "1", "2"]


def test_a_camel_case_answer_is_read_like_triage_reads_it(emu: Emulator) -> None:
    body = json.dumps(
        {
            "requestId": "r1",
            "data": [
                {
                    "containerGroupId": "eci-a",
                    "name": "web-0",
                    "events": [
                        {"reason": "NoStock", "message": "m", "count": 2, "type": "Warning"}
                    ],
                }
            ],
        }
    ).encode()
    emu.inject("body", status=200, body=body)
    result = fetcher(emu).fetch(Query(ids=("eci-a",)))
    assert [(e.group_id, e.reason, e.count) for e in result.events] == [("eci-a", "NoStock", 2)]
    assert [g.group_name for g in result.groups] == ["web-0"] and not result.missing


def test_more_events_than_the_api_returns_keeps_the_latest(emu: Emulator) -> None:
    from tests.emulated import ago

    events = [event("Tick", str(n), last=ago(minutes=2000 - n), name=f"t{n}") for n in range(1000)]
    emu.inject(
        "body", status=200, body=answer(Data=[{"ContainerGroupId": "eci-a", "Events": events}])
    )
    result = fetcher(emu).fetch(Query(ids=("eci-a",)))
    assert result.overfull == [("eci-a", 1000)]
    assert [e.message for e in result.events] == [str(n) for n in range(950, 1000)]


def test_an_answer_larger_than_any_real_one_is_refused_unparsed(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "RESPONSE_BYTES", 4096)
    emu.inject(
        "body",
        status=200,
        body=answer(Data=[{"ContainerGroupId": "eci-a", "Events": [event("X", "y" * 9000)]}]),
    )
    result = fetcher(emu).fetch(Query(ids=("eci-a",)))
    [failure] = result.failed
    assert "the answer is larger than 0 MiB" in failure.error
    assert emu.request_count == 1  # not retried: it would only come again


def test_an_endless_next_token_is_cut_off_keeping_what_was_read(emu: Emulator) -> None:
    def page(hit: int) -> bytes:
        return answer(Data=[{"ContainerGroupId": f"eci-{hit}", "Events": []}], NextToken=f"t{hit}")

    emu.inject("body", times=None, status=200, body=page)
    result = fetcher(emu).fetch(Query(ids=("eci-1", "eci-2")))
    assert emu.request_count == 3  # one page per id, and one more
    [failure] = result.failed
    assert "kept returning NextToken after 3 pages" in failure.error
    assert [g.group_id for g in result.groups] == ["eci-1", "eci-2", "eci-3"]


def test_a_repeated_next_token_stops_at_once(emu: Emulator) -> None:
    emu.inject("body", times=None, status=200, body=answer(Data=[], NextToken="same"))
    result = fetcher(emu).fetch(Query(tags=(("a", "b"),)))
    assert emu.request_count == 2
    assert "kept returning NextToken" in result.failed[0].error


def test_a_trickling_answer_is_bounded_by_the_attempt_deadline(emu: Emulator) -> None:
    emu.add_group("eci-a", events=[event("Started", type="Normal")])
    emu.inject("trickle", times=None, delay=0.05)
    started = time.monotonic()
    result = fetcher(emu, connect_timeout=0.2, read_timeout=0.3, max_attempts=2).fetch(
        Query(ids=("eci-a",))
    )
    assert time.monotonic() - started < 3.0  # two attempts of 0.5 s, not a byte a 50 ms forever
    [failure] = result.failed
    assert "read timeout" in failure.error and "gave up after 2 attempts" in failure.error


def test_a_redirect_to_another_host_is_refused(emu: Emulator) -> None:
    emu.inject("redirect", times=None, location="http://127.0.0.2:9/steal")
    result = fetcher(emu).fetch(Query(ids=("eci-a",)))
    [failure] = result.failed
    assert "redirected to another host" in failure.error
    assert emu.request_count == 1


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b[2J\x1b]8;;http://evil.example\x07click\x1b]8;;\x07",
        "\x1b]0;PWNED\x07title\rover\u202eevil",
    ],
)
def test_server_text_is_kept_raw_here_for_the_cli_to_escape(emu: Emulator, hostile: str) -> None:
    emu.inject("error", times=None, status=400, code=f"Bad{hostile}", message=hostile)
    result = fetcher(emu).fetch(Query(ids=("eci-a",)))
    assert hostile in result.failed[0].error  # escaped where it is printed (test_list)


# -- what each answer means (mutation survivors) ------------------------------------------


def test_waits_are_bounded_in_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real BACKOFF_BASE, not this file's fast one
    assert 0.1 <= backoff(1, None, rng=lambda: 0.0) <= backoff(1, None, rng=lambda: 0.99) <= 0.2
    assert backoff(1, 7200.0) == 60.0  # x-acs-retry-after of two hours: a minute at most
    assert backoff(40, None, rng=lambda: 1.0) == 20.0  # exponential growth stops at 20 s


def test_a_server_asking_for_hours_waits_a_minute(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(api.time, "sleep", waits.append)
    emu.add_group("eci-a", events=[event("Started", type="Normal")])
    emu.inject("throttle", retry_after_ms=7_200_000)
    result = fetcher(emu).fetch(Query(ids=("eci-a",)))
    assert not result.failed and waits == [60.0]


@pytest.mark.parametrize("status", [500, 502, 599])
def test_every_5xx_is_retried(emu: Emulator, status: int) -> None:
    emu.inject("error", status=status, code="InternalError", times=None)
    [failure] = fetcher(emu, max_attempts=2).fetch(Query(ids=("eci-a",))).failed
    assert emu.request_count == 2
    assert f"HTTP {status} InternalError" in failure.error


def test_a_403_is_a_permission_problem_whatever_its_code(emu: Emulator) -> None:
    emu.inject("error", status=403, code="SomethingNew", message="no", times=None)
    [failure] = fetcher(emu).fetch(Query(ids=("eci-a",))).failed
    assert emu.request_count == 1
    assert failure.exit_code == 3
    assert "grant this identity the RAM action eci:DescribeContainerGroupEvents" in failure.error


def test_an_action_the_endpoint_does_not_serve_names_the_endpoint(emu: Emulator) -> None:
    client = fetcher(emu).client
    with pytest.raises(ConfigError, match="the endpoint does not serve NoSuchAction"):
        client.call("NoSuchAction", {"RegionId": REGION})
    assert emu.request_count == 1


def test_when_every_call_fails_the_error_says_so(emu: Emulator) -> None:
    from eci_events.sources.events_api import fetch_all

    ids = [f"eci-{n:02d}" for n in range(21)]  # two calls
    emu.inject("error", status=400, code="InvalidParameter", message="boom", ids=ids[:20])
    emu.inject("error", status=400, code="InvalidParameter", message="bang", ids=ids[20:])
    with pytest.raises(ApiError, match=r"every call failed; first: .*boom"):
        fetch_all(fetcher(emu).client, Query(ids=tuple(ids)))


def test_when_every_call_is_denied_it_is_a_configuration_error(emu: Emulator) -> None:
    from eci_events.sources.events_api import fetch_all

    emu.denied.add(KEY_ID)
    with pytest.raises(ConfigError, match="eci:DescribeContainerGroupEvents"):
        fetch_all(fetcher(emu).client, Query(ids=("eci-a", "eci-b")))
