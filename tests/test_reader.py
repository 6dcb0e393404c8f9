"""Reading triage input: format detection, limits, every bad input (exit 2, one line),
property tests."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eci_events.errors import InputError
from eci_events.model import Event
from eci_events.sources import reader
from eci_events.sources.reader import read_batches
from eci_events.sources.shapes import SourceSummary
from tests.conftest import DATA, REPO, run

FIXTURES = DATA / "triage"
NOW = "--now=2026-11-20T09:00:00Z"


def read_stream(stream: object, name: str = "stdin", input_format: str = "auto") -> list[Event]:
    return [e for batch in read_batches(stream, SourceSummary(name), input_format) for e in batch]  # type: ignore[arg-type]


def read(data: bytes, input_format: str = "auto") -> tuple[list[Event], SourceSummary]:
    summary = SourceSummary("stdin")
    events = [e for batch in read_batches(io.BytesIO(data), summary, input_format) for e in batch]
    return events, summary


def problem(data: bytes, input_format: str = "auto") -> str:
    with pytest.raises(InputError) as caught:
        read(data, input_format)
    message = caught.value.message
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("name", "fmt", "shapes", "events"),
    [
        ("aliyun-cli.json", "json", {"api": 1}, 12),
        ("sdk-to-map.json", "ndjson", {"api": 1}, 12),  # one line: the one-line case of NDJSON
        ("doc-camel.json", "json", {"api": 1}, 12),
        ("kubectl-list.json", "json", {"kubectl-list": 1, "core-v1": 6}, 6),
        ("kubectl-list.yaml", "yaml", {"kubectl-list": 1, "core-v1": 6}, 6),
        ("kubectl-multi.yaml", "yaml", {"core-v1": 3}, 3),
        ("events-v1.json", "json", {"kubectl-list": 1, "events-v1": 3}, 3),
        ("events.ndjson", "ndjson", {"core-v1": 6}, 6),
        ("responses.ndjson", "ndjson", {"api": 2}, 12),
        ("list-output.json", "json", {"eci-events-list": 1, "eci-events-record": 9}, 9),
        ("list-output.ndjson", "ndjson", {"eci-events-record": 9}, 9),
        ("kubectl-watch.ndjson", "ndjson", {"watch": 4, "core-v1": 3}, 3),
        ("kubectl-watch-pretty.json", "json", {"core-v1": 3}, 3),
        ("eventrouter.ndjson", "ndjson", {"watch": 2, "core-v1": 2}, 2),
        ("metricbeat.ndjson", "ndjson", {"metricbeat": 2}, 2),
        ("otel-logs.json", "json", {"otel": 1}, 2),
        ("describe-container-groups.json", "json", {"container-groups": 1}, 1),
        ("describe-image-caches.json", "json", {"image-caches": 1}, 1),
    ],
)
def test_every_shape_is_detected(name: str, fmt: str, shapes: dict[str, int], events: int) -> None:
    got, summary = read((FIXTURES / name).read_bytes())
    assert summary.format == fmt
    assert summary.shapes == shapes
    assert len(got) == events == summary.events


def test_yaml_and_json_of_the_same_list_agree() -> None:
    from_json, _ = read((FIXTURES / "kubectl-list.json").read_bytes())
    from_yaml, _ = read((FIXTURES / "kubectl-list.yaml").read_bytes())
    assert from_json == from_yaml


def test_bom_blank_lines_and_forced_format() -> None:
    raw = (FIXTURES / "kubectl-list.json").read_bytes()
    events, _ = read(b"\xef\xbb\xbf\n\n" + raw)
    assert len(events) == 6
    events, source = read(raw, "yaml")  # JSON is YAML too
    assert len(events) == 6 and source.format == "yaml"


def test_unquoted_yaml_timestamps_are_understood() -> None:
    text = "reason: X\nmessage: m\nlastTimestamp: 2026-11-20T08:00:00Z\ncount: .nan\n"
    events, _ = read(text.encode())
    assert events[0].last_seen is not None and events[0].count == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "stamp", ["2026-11-20T08:00:00.9999995Z", "2026-11-20T08:00:00.1234564+08:00", "2026-11-20"]
)
def test_an_unquoted_yaml_timestamp_reads_as_its_json_string_does(stamp: str) -> None:
    """PyYAML would build its own datetime (cutting a 7th digit that JSON's reading rounds,
    taking a bare date that JSON's refuses): the text goes to the one parser instead."""
    api = '{{"Data": [{{"ContainerGroupId": "eci-a", "Events": [{{"Reason": "X", "LastTimestamp": "{}"}}]}}]}}'
    as_json, _ = read(api.format(stamp).encode())
    as_yaml, _ = read(f"reason: X\nlastTimestamp: {stamp}\n".encode(), "yaml")
    assert as_yaml[0].last_seen == as_json[0].last_seen  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "fmt", "expected"),
    [
        (b"", "auto", "stdin: empty input; expected event JSON, NDJSON or YAML"),
        (b"  \n\t\n", "auto", "stdin: empty input"),
        (b"---\n---\n", "auto", "stdin: empty input; the YAML stream holds no documents"),
        (b'{\n  "Data": [\n    {"Events": [}\n  ]\n}\n', "auto", "stdin: not valid JSON: line 3"),
        (
            b'{\n  "items": [1, 2\n',
            "auto",
            "stdin: not valid JSON: line 2, column 17: unexpected end of input",
        ),
        (b'{"a": "\xff"}\n', "json", "stdin: invalid UTF-8 at line 1, column 8 (byte 7)"),
        (b'\n{"reason": "A"}\n{"b": \xfe}\n', "auto", "stdin: invalid UTF-8 at line 3, column 7"),
        (b'{"reason": "X"}\n{"reason": \n', "auto", "stdin: not valid JSON: line 2, column"),
        (b"a: [1, 2\nb: 3\n", "auto", "stdin: not valid JSON or YAML: line 2, column 2"),
        (b"hello world\n", "auto", "stdin: not JSON or YAML event data (a YAML document is plain"),
        (b"42\n", "auto", "a YAML document is a number"),
        (b'{"kind": "PodList", "items": [{"kind": "Pod"}]}', "auto", "no events in this input"),
        (b'{"foo": 1}\n', "auto", "stdin: line 1: unknown input shape (an object with keys foo)"),
        (b"[1e999]\n", "json", "stdin: not valid JSON: line 1, column 2: a number out of range"),
        (b'[\n "\\ud800"]', "json", "stdin: not valid JSON: line 2, column 3: a lone UTF-16"),
        (
            b"LAST SEEN   TYPE      REASON    OBJECT    MESSAGE\n5m  Warning  BackOff  pod/x  m\n",
            "auto",
            "stdin: this looks like a table, not event data: ask for JSON",
        ),
        (
            b"NAMESPACE   LAST SEEN   TYPE   REASON   OBJECT   MESSAGE\n",
            "auto",
            "kubectl get events -o json",
        ),
        (b"[" * 5000 + b"]" * 5000, "json", "stdin: input nested too deeply to read"),
        (b'{"Reasons": "X"}', "yaml", "unknown input shape"),
    ],
)
def test_bad_input_gets_one_clear_line(data: bytes, fmt: str, expected: str) -> None:
    assert expected in problem(data, fmt)


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b'{\n  "Data": [\n    {"Events": [}\n  ]\n}\n', "auto"),
        (b'{"a": "\xff"}\n', "json"),
        (b'\xef\xbb\xbf\n{\n  "items": [1, 2\n', "auto"),
        (b"a: [1, 2\nb: 3\n", "auto"),
    ],
)
def test_a_mapped_file_gives_the_same_events_and_errors_as_a_stream(
    tmp_path: Path, data: bytes, fmt: str
) -> None:
    """Regular files are memory-mapped; pipes are read. Both must say the same."""
    path = tmp_path / "input"
    path.write_bytes(data)
    with path.open("rb") as stream, pytest.raises(InputError) as caught:
        read_stream(stream, "stdin", fmt)
    assert caught.value.message == problem(data, fmt)
    for name in ("aliyun-cli.json", "kubectl-list.yaml", "kubectl-watch-pretty.json"):
        raw = b"\xef\xbb\xbf" + (FIXTURES / name).read_bytes()
        path.write_bytes(raw)
        with path.open("rb") as stream:
            assert read_stream(stream, name) == read(raw)[0]


def test_concatenated_json_objects_are_read_one_after_another() -> None:
    """``kubectl get events -w -o json`` prints pretty objects back to back."""
    events, summary = read((FIXTURES / "kubectl-watch-pretty.json").read_bytes())
    assert [(e.reason, e.count) for e in events] == [
        ("OOMKilled", 1),
        ("BackOff", 5),
        ("OOMKilled", 3),
    ]
    assert summary.documents == 3
    bad = (FIXTURES / "kubectl-watch-pretty.json").read_bytes() + b'{\n  "reason": \n'
    assert "not valid JSON: line" in problem(bad)


class Endless(io.RawIOBase):
    """A stream that never ends and never has a newline (/dev/zero, yes '{')."""

    def __init__(self, fill: bytes) -> None:
        self.fill = fill
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        buffer[:size] = (self.fill * (size // len(self.fill) + 1))[:size]
        self.read_so_far += size
        return size


@pytest.mark.parametrize(
    ("fill", "what"), [(b"\0", "a line"), (b"{", "a line"), (b"{\n", "the input")]
)
def test_an_endless_stream_is_refused_at_the_document_limit(
    monkeypatch: pytest.MonkeyPatch, fill: bytes, what: str
) -> None:
    monkeypatch.setattr(reader, "DOCUMENT_BYTES", 1 << 20)
    endless = Endless(fill)
    with pytest.raises(InputError, match=f"stdin: {what} is larger than 1 MiB"):
        read_stream(io.BufferedReader(endless))
    assert endless.read_so_far < 4 << 20  # stopped near the limit, not at the end of time


def test_a_file_over_the_document_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(reader, "DOCUMENT_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"1," * 1000 + b"1]")
    with path.open("rb") as stream, pytest.raises(InputError, match="larger than 0 MiB"):
        read_stream(stream, "big.json")


def test_unknown_shape_names_the_accepted_shapes() -> None:
    message = problem(b'{"hello": "world"}')
    for words in ("DescribeContainerGroupEvents", "kubectl", "events.k8s.io/v1", "NDJSON", "list"):
        assert words in message


def test_bad_input_through_the_command_exits_2_with_one_line() -> None:
    result = run("triage", NOW, input=b'{"Data": [')
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: stdin: not valid JSON: line 1, column 11")
    assert result.stderr.count("\n") == 1


def test_missing_file_directory_and_stdin_twice(tmp_path: Path) -> None:
    result = run("triage", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "nope.json: cannot read: No such file or directory" in result.stderr
    result = run("triage", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.stderr
    result = run("triage", "-", "-", input=b"[]")
    assert result.exit_code == 2 and "stdin ('-') can be read only once" in result.stderr


def test_files_and_stdin_together() -> None:
    raw = (FIXTURES / "kubectl-list.json").read_bytes()
    result = run("triage", NOW, "-o", "json", str(FIXTURES / "aliyun-cli.json"), "-", input=raw)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["name"] for s in data["sources"]] == [str(FIXTURES / "aliyun-cli.json"), "stdin"]
    assert data["summary"]["events"] == 18


def test_terminal_stdin_without_files_prints_how_to_pipe_and_does_not_wait() -> None:
    leader, follower = pty.openpty()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "eci_events", "triage"],
            stdin=follower,
            capture_output=True,
            timeout=20,
            cwd=REPO,
            env={**os.environ, "NO_COLOR": "1"},
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert completed.returncode == 2
    err = completed.stderr.decode()
    assert err.startswith("Error: no input: pipe events in or name files")
    assert "kubectl get events -o json | eci-events triage" in err
    assert err.count("\n") == 1
    assert completed.stdout == b""


def test_ndjson_from_a_real_pipe() -> None:
    raw = (FIXTURES / "events.ndjson").read_bytes()
    completed = subprocess.run(
        [sys.executable, "-m", "eci_events", "triage", NOW, "-o", "json"],
        input=raw,
        capture_output=True,
        timeout=30,
        cwd=REPO,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["sources"][0]["format"] == "ndjson"


# ---------------------------------------------------------------------------------------------
# Property tests: whatever comes in, the answer is exit 0 or 2, never a traceback.

KEYS = [
    "Data",
    "data",
    "Events",
    "events",
    "items",
    "kind",
    "apiVersion",
    "body",
    "reason",
    "Reason",
    "message",
    "Message",
    "note",
    "type",
    "Type",
    "count",
    "Count",
    "series",
    "involvedObject",
    "regarding",
    "metadata",
    "Metadata",
    "firstTimestamp",
    "FirstTimestamp",
    "lastTimestamp",
    "LastTimestamp",
    "eventTime",
    "group_id",
    "first_seen",
    "uid",
    "Uid",
    "name",
    "namespace",
    "ContainerGroupId",
    "schema_version",
    "groups",
    "failed",
    "deprecatedCount",
    "lastObservedTime",
    "annotations",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "2026-11-20T08:00:00Z",
            "0001-01-01T00:00:00Z",
            "2025-**-**T07:51:06Z",
            "Warning",
            "Pod",
            "eci-1",
            "events.k8s.io/v1",
            "EciEventList",
            "NoStock",
            "OOMKilled",
            "BackOff",
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had taint",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=25,
)

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(json_values, st.sampled_from(["json", "markdown", "table"]))
def test_any_json_value_gives_exit_0_or_2(value: object, output: str) -> None:
    data = json.dumps(value).encode()
    result = run("triage", NOW, "-o", output, input=data)
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


@PROPERTY
@given(st.lists(json_values, min_size=1, max_size=4))
def test_any_ndjson_gives_exit_0_or_2(values: list[object]) -> None:
    data = b"".join(json.dumps(v).encode() + b"\n" for v in values)
    result = run("triage", NOW, "-o", "json", input=data)
    assert result.exit_code in (0, 2), result.stderr


@PROPERTY
@given(st.binary(max_size=300), st.sampled_from(["auto", "json", "ndjson", "yaml"]))
def test_any_bytes_give_exit_0_or_2(data: bytes, input_format: str) -> None:
    result = run("triage", NOW, "--input-format", input_format, input=data)
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


@PROPERTY
@given(st.text(max_size=200))
def test_any_text_gives_exit_0_or_2(text: str) -> None:
    result = run("triage", NOW, input=text.encode("utf-8", "surrogatepass"))
    assert result.exit_code in (0, 2), result.stderr
