"""What a person sees: the real program in a pseudo-terminal of a fixed size.

Each command runs as ``python -m eci_events ...`` with stdin, stdout and stderr on
pseudo-terminals sized with TIOCSWINSZ (stdout and stderr on one each, so the table and the
notes under it can be told apart), and everything is read until EOF. Escape sequences are
removed only to measure the text; OSC 8 hyperlink targets are kept to check links.
"""

from __future__ import annotations

import json
import os
import re
import select
import struct
import subprocess
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from eci_events.render.layout import display_width

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pseudo-terminals are POSIX only", allow_module_level=True)

import fcntl
import termios

ROOT = Path(__file__).resolve().parents[1]
EVENT_LIST = "tests/data/triage/kubectl-list.json"  # kubectl get events -o json (kind: List)
SIZES = [(80, 24), (200, 50)]
SIZE_IDS = [f"{cols}x{rows}" for cols, rows in SIZES]
TIMEOUT = 30.0

COMMANDS: dict[str, tuple[str, ...]] = {
    "list": ("list", "--demo"),
    "list-warning": ("list", "--demo", "--type", "Warning"),
    "list-wide": ("list", "--demo", "-o", "wide"),
    "explain": ("explain", "NoStock"),
    "explain-ja": ("explain", "NoStock", "--lang", "ja"),
    "explain-all": ("explain", "--all"),
    "triage": ("triage", EVENT_LIST),
    "triage-group": ("triage", "--by", "group", EVENT_LIST),
    "triage-ja": ("triage", "--lang", "ja", EVENT_LIST),
    "diagnose": ("diagnose", "--demo"),
    "diagnose-logs": ("diagnose", "--demo", "--logs"),
}

CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
ST = r"(?:\x07|\x1b\\)"
OSC8 = re.compile(rf"\x1b\]8;[^;\x07\x1b]*;([^\x07\x1b]+){ST}(.*?)\x1b\]8;;{ST}", re.S)
URL = re.compile(r"https?://\S+")
LONE_URL = re.compile(r" *https?://\S+")
CELL = re.compile(r"\S+(?: \S+)*")  # a header name or cell: words one space apart
AGE = re.compile(r"\d+[smhd]|<unknown>")
SEV = {"info": "info", "warning": "warn", "error": "err", "critical": "crit"}
JAPANESE = "\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff00-\uffef"
NO_START = "、。，．・：；？！）」』】〕〉》"
NO_END = "（「『【〔〈《"


def strip(text: str) -> str:
    """Text as the terminal shows it: CSI (colour) and OSC (hyperlink) sequences removed."""
    return CSI.sub("", OSC.sub("", text))


def lines_of(raw: str) -> list[str]:
    text = strip(raw).replace("\r\n", "\n")
    assert "\x1b" not in text, "an escape sequence the measurement does not know"
    assert "\r" not in text, "a bare carriage return: the screen would not show these lines"
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


@dataclass(frozen=True)
class Screen:
    cols: int
    rows: int
    code: int
    raw_out: str
    raw_err: str

    @property
    def out(self) -> list[str]:
        return lines_of(self.raw_out)

    @property
    def err(self) -> list[str]:
        return lines_of(self.raw_err)

    @property
    def lines(self) -> list[str]:
        return self.out + self.err

    @property
    def links(self) -> list[tuple[str, str]]:
        """OSC 8 hyperlinks: (target, the text shown for it)."""
        return [(target, CSI.sub("", shown)) for target, shown in OSC8.findall(self.raw_out)]

    def show(self) -> str:
        return "\n".join([*self.out, "--- stderr", *self.err])


def environment(home: Path, extra: dict[str, str]) -> dict[str, str]:
    """A plain terminal session: no COLUMNS or LINES (the size comes from the tty), English."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
    }
    env.update(extra)
    return env


def run_in_tty(args: Sequence[str], cols: int, rows: int, env: dict[str, str]) -> Screen:
    masters, slaves = [], []
    for _ in range(2):  # stdout, stderr
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        masters.append(master)
        slaves.append(slave)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "eci_events", *args],
            stdin=slaves[0],
            stdout=slaves[0],
            stderr=slaves[1],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
    finally:
        for slave in slaves:
            os.close(slave)
    chunks: dict[int, list[bytes]] = {m: [] for m in masters}
    reading = set(masters)
    deadline = time.monotonic() + TIMEOUT
    try:
        while reading:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                pytest.fail(f"{' '.join(args)} did not finish in {TIMEOUT:.0f}s")
            ready, _, _ = select.select(sorted(reading), [], [], left)
            for master in ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every writer closed (Linux)
                    data = b""
                if data:
                    chunks[master].append(data)
                else:
                    reading.discard(master)
        code = proc.wait(TIMEOUT)
    finally:
        for master in masters:
            os.close(master)
    out, err = (b"".join(chunks[m]).decode("utf-8") for m in masters)
    return Screen(cols, rows, code, out, err)


def run_piped(args: Sequence[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "eci_events", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    return result.stdout.decode("utf-8")


Tty = Callable[..., Screen]
Piped = Callable[..., str]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def tty(home: Path) -> Tty:
    """Run a command in a terminal of ``cols`` x ``rows`` (each distinct run once)."""
    seen: dict[Any, Screen] = {}

    def run(args: Sequence[str], cols: int, rows: int, **env: str) -> Screen:
        key = (tuple(args), cols, rows, tuple(sorted(env.items())))
        if key not in seen:
            seen[key] = run_in_tty(args, cols, rows, environment(home, env))
        return seen[key]

    return run


@pytest.fixture(scope="module")
def piped(home: Path) -> Piped:
    seen: dict[Any, str] = {}

    def run(*args: str) -> str:
        if args not in seen:
            seen[args] = run_piped(args, environment(home, {}))
        return seen[args]

    return run


# -- reading a table off the screen ----------------------------------------------------


def cells(line: str, starts: Sequence[int]) -> list[str]:
    """The line cut at the display columns where the header's names start."""
    out = [""] * len(starts)
    column = 0
    for char in line:
        index = bisect_right(starts, column) - 1
        if index >= 0:
            out[index] += char
        column += display_width(char)
    return [cell.strip() for cell in out]


def read_table(lines: Sequence[str], first: str) -> tuple[list[str], list[dict[str, list[str]]]]:
    """The table whose header starts with ``first``: its names and its records, each the
    lines of its cells (a record starts where its first cell is filled; a blank line or
    the end closes the table)."""
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(first))
    header = lines[at]
    found = list(CELL.finditer(header))
    names = [m.group() for m in found]
    starts = [display_width(header[: m.start()]) for m in found]
    records: list[dict[str, list[str]]] = []
    for line in lines[at + 1 :]:
        if not line.strip():
            break
        row = cells(line, starts)
        if row[0] or not records:
            records.append({name: [] for name in names})
        for name, cell in zip(names, row, strict=True):
            if cell:
                records[-1][name].append(cell)
    return names, records


def shown_whole_or_cut(shown: Sequence[str], whole: str) -> str | None:
    """Why the lines of a cell do not show ``whole`` word for word, or None when they do.

    A word may be cut short with an ellipsis (a word wider than its cell), and the cell
    may stop early if its last word shown ends with one; a word is never split.
    """
    words, full = " ".join(shown).split(), whole.split()
    for index, word in enumerate(words):
        expected = full[index] if index < len(full) else ""
        if word == expected:
            continue
        if word.endswith("…") and expected.startswith(word[:-1]):
            continue
        return f"{word!r} where {whole!r} has {expected or 'nothing'!r}"
    if len(words) < len(full) and not (words and words[-1].endswith("…")):
        return f"{len(full) - len(words)} words of {whole!r} lost without an ellipsis"
    return None


def digitless(text: str) -> str:
    """The demo's times follow the clock: two runs may differ in a digit, never in words."""
    return re.sub(r"\d", "0", text)


def events_json(piped: Piped, *args: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(piped(*args, "-o", "json"))["events"]
    return events


# -- every command, both sizes ---------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_line_wider_than_the_terminal(tty: Tty, name: str, size: tuple[int, int]) -> None:
    """Nothing relies on the terminal's own wrapping, on stdout or stderr. The one thing
    allowed past the edge is a link alone on its line: a URL is never broken, so one
    longer than the line runs on (the terminal folds it, the hyperlink stays whole)."""
    screen = tty(COMMANDS[name], *size)
    assert screen.code == 0, screen.show()
    assert screen.out, screen.show()
    links = {target for target, _ in screen.links}
    too_wide = [
        f"{display_width(line)}: {line}"
        for line in screen.lines
        if display_width(line) > screen.cols
        and not (LONE_URL.fullmatch(line) and line.strip() in links)
    ]
    assert not too_wide, "\n".join(too_wide)


TABLES = {  # command: the first name in its table's header
    "list": "LAST SEEN",
    "list-warning": "LAST SEEN",
    "list-wide": "LAST SEEN",
    "explain-all": "REASON",
}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", list(TABLES))
def test_table_cells_keep_whole_words(
    tty: Tty, piped: Piped, name: str, size: tuple[int, int]
) -> None:
    """Fitted to the terminal, a cell shows the same words as the same command piped
    (whole cells); a cell that does not fit is cut with an ellipsis, and no word is
    split across lines."""
    first = TABLES[name]
    names, records = read_table(tty(COMMANDS[name], *size).out, first)
    whole_names, whole_records = read_table(piped(*COMMANDS[name]).splitlines(), first)
    assert len(records) == len(whole_records)
    assert set(names) <= set(whole_names)
    wrapped = name == "list-wide"
    problems = []
    for number, (record, whole) in enumerate(zip(records, whole_records, strict=True), 1):
        for column in names:
            if column in ("LAST SEEN", "FIRST SEEN"):  # ages tick between the two runs
                continue
            shown = record[column]
            if not wrapped:
                assert len(shown) <= 1, f"row {number}: {column} took {len(shown)} lines"
            problem = shown_whole_or_cut(
                [digitless(line) for line in shown], digitless(" ".join(whole[column]))
            )
            if problem:
                problems.append(f"row {number}, {column}: {problem}")
    assert not problems, "\n".join(problems)


# -- list: severity in words, the first columns ----------------------------------------

COLOURS = {
    "colour": ((), {}),
    "NO_COLOR": ((), {"NO_COLOR": "1"}),
    "never": (("--color", "never"), {}),
}


@pytest.mark.parametrize("colour", list(COLOURS))
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", ["list", "list-warning"])
def test_list_severity_reads_without_colour(
    tty: Tty, piped: Piped, name: str, size: tuple[int, int], colour: str
) -> None:
    extra, env = COLOURS[colour]
    screen = tty((*COMMANDS[name], *extra), *size, **env)
    assert screen.code == 0, screen.show()
    if colour != "colour":
        assert not CSI.search(screen.raw_out + screen.raw_err), "colour despite " + colour
    else:
        assert re.search(r"\x1b\[[0-9;]*3[1-3]m", screen.raw_out), "no colour on a terminal"
    names, records = read_table(screen.out, "LAST SEEN")
    assert "SEV" in names
    expected = [SEV[e["catalog"]["severity"]] for e in events_json(piped, *COMMANDS[name])]
    assert [r["SEV"] for r in records] == [[sev] for sev in expected]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", ["list", "list-warning", "list-wide"])
def test_list_shows_when_and_what_first(
    tty: Tty, piped: Piped, name: str, size: tuple[int, int]
) -> None:
    """LAST SEEN and REASON come first and whole at any width; severity is beside them."""
    names, records = read_table(tty(COMMANDS[name], *size).out, "LAST SEEN")
    assert names[0] == "LAST SEEN"
    assert "REASON" in names
    assert {"SEV", "SEVERITY"} & set(names)
    events = events_json(piped, *COMMANDS[name])
    assert [r["REASON"] for r in records] == [[e["reason"]] for e in events]
    for record in records:
        assert len(record["LAST SEEN"]) == 1
        assert AGE.match(record["LAST SEEN"][0]), record["LAST SEEN"]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", ["triage", "triage-group", "diagnose"])
def test_triage_findings_show_reason_and_severity(
    tty: Tty, piped: Piped, name: str, size: tuple[int, int]
) -> None:
    screen = tty(COMMANDS[name], *size)
    names, records = read_table(screen.out, "#  SEVERITY")
    assert names[:2] == ["#", "SEVERITY"]
    assert "REASON" in names
    findings = json.loads(piped(*COMMANDS[name], "-o", "json"))["findings"]
    assert [r["REASON"] for r in records] == [[f["reason"]] for f in findings]
    assert [r["SEVERITY"] for r in records] == [[f["severity"]] for f in findings]
    if "GROUP" in names:
        for record, finding in zip(records, findings, strict=True):
            problem = shown_whole_or_cut(record["GROUP"], finding["group"])
            assert problem is None, problem


# -- explain: links whole, Japanese set properly, the frame closed ---------------------


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", ["explain", "explain-ja"])
def test_explain_links_are_whole_and_clickable(
    tty: Tty, piped: Piped, name: str, size: tuple[int, int]
) -> None:
    screen = tty(COMMANDS[name], *size)
    urls = [link["url"] for link in json.loads(piped(*COMMANDS[name], "-o", "json"))["links"]]
    assert urls
    lines = screen.out
    for url in urls:
        assert any(url in line for line in lines), f"{url} is not whole on one line"
    printed = [m.group() for line in lines for m in URL.finditer(line)]
    assert sorted(printed) == sorted(urls), "a URL printed in pieces or mangled"
    assert sorted(screen.links) == sorted((url, url) for url in urls)


def inside(line: str) -> str:
    """A line of a framed text without its frame."""
    return line.strip().strip("│").strip()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", ["explain-ja", "triage-ja"])
def test_japanese_breaks_where_japanese_breaks(tty: Tty, name: str, size: tuple[int, int]) -> None:
    screen = tty(COMMANDS[name], *size)
    text = [inside(line) for line in screen.out]
    assert sum(bool(re.search(f"[{JAPANESE}]", line)) for line in text) > 10
    starts = [line for line in text if line[:1] in NO_START and line]
    assert not starts, "a line starts with closing punctuation:\n" + "\n".join(starts)
    ends = [line for line in text if line[-1:] in NO_END and line]
    assert not ends, "a line ends with opening punctuation:\n" + "\n".join(ends)
    # one space (two or more align a table's columns)
    spaced = [line for line in text if re.search(f"[{JAPANESE}] [{JAPANESE}]", line)]
    assert not spaced, "an ASCII space between Japanese words:\n" + "\n".join(spaced)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", ["explain", "explain-ja"])
def test_explain_frame_is_closed(tty: Tty, name: str, size: tuple[int, int]) -> None:
    """Every line of the box is as wide as its top: the right edge is straight, wide
    characters counted as two cells."""
    framed = [line for line in tty(COMMANDS[name], *size).out if line[:1] in "╭│╰"]
    widths = {display_width(line) for line in framed}
    assert len(widths) == 1, sorted(widths)
    assert all(line.endswith(("│", "╮", "╯")) for line in framed)


# -- piped: whole cells -------------------------------------------------------------------


def test_piped_tables_keep_whole_cells(piped: Piped) -> None:
    """Not a terminal: nothing is cut, however long (grep and awk see every word)."""
    wide = piped("list", "--demo", "-o", "wide")
    assert "…" not in wide
    _, records = read_table(wide.splitlines(), "LAST SEEN")
    events = events_json(piped, "list", "--demo")
    assert len(records) == len(events)
    for record, event in zip(records, events, strict=True):
        assert [digitless(m) for m in record["MESSAGE"]] == [digitless(event["message"])]
        assert [digitless(h) for h in record["HINT"]] == [
            digitless(event["catalog"]["remedies"][0])
        ]
        assert record["OBJECT"] == [f"pod/{event['object_name']}"]
    table = piped("list", "--demo")  # its HINT is a first sentence, cut by design
    _, records = read_table(table.splitlines(), "LAST SEEN")
    assert [digitless(r["MESSAGE"][0]) for r in records] == [
        digitless(e["message"]) for e in events
    ]
    assert "…" not in piped("explain", "--all")


def test_the_program_sees_the_terminal_size(tty: Tty) -> None:
    """The terminal really is one: the child reads its size (a table fitted to 80, and
    wider at 200)."""
    screen = tty(COMMANDS["list"], 80, 24)
    assert max(display_width(line) for line in screen.out) <= 80
    assert max(display_width(line) for line in tty(COMMANDS["list"], 200, 50).out) > 80
