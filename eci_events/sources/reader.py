"""Bytes in, Events out: JSON, NDJSON, concatenated JSON and YAML from stdin or files.

The format is sniffed from the first non-blank line unless ``--input-format`` forces it:

- a first line that is a complete JSON value on its own means NDJSON, read line by line
  in bounded memory (a one-line JSON document is the one-line case of this);
- a first line starting with ``{`` or ``[`` that is not complete means JSON: one document,
  or several written back to back (``kubectl get events -w -o json``);
- a kubectl or eci-events table is refused with a hint to ask for JSON;
- anything else is YAML (``kubectl get events -o yaml``, multi-document streams).

One document or one NDJSON line may hold at most ``limits.DOCUMENT_BYTES``. Every problem
is an InputError with one line: where (source, line, column) and what.
"""

from __future__ import annotations

import io
import mmap
import os
import re
import stat
from collections.abc import Callable, Iterator
from functools import cache
from typing import IO, Any

import msgspec

from eci_events.errors import InputError
from eci_events.limits import DOCUMENT_BYTES
from eci_events.model import Event
from eci_events.sources.shapes import BATCH, SourceSummary, Walk, batched
from eci_events.sources.typed import json_batches, record_event

# What a whole input is held in: a mapped file (a memoryview over an mmap), or bytes read.
Buffer = bytes | bytearray | memoryview

FORMATS = ("auto", "json", "ndjson", "yaml")
STDIN = "-"
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
# The header of `kubectl get events` (with or without -A) or of `eci-events list`.
_TABLE = re.compile(rb"^\s*(?:NAMESPACE\s+)?(?:LAST SEEN|LAST\s+SEEN)\s+TYPE\s+REASON\b")

PIPE_HINT = (
    "no input: pipe events in or name files, e.g. "
    "kubectl get events -o json | eci-events triage; "
    "aliyun eci DescribeContainerGroupEvents --RegionId cn-hangzhou "
    "--ContainerGroupIds '[\"eci-...\"]' | eci-events triage; "
    "or eci-events triage events.json (see: eci-events triage --help)"
)
TABLE_HINT = (
    "this looks like a table, not event data: ask for JSON, e.g. "
    "'kubectl get events -o json' or 'eci-events list -o json'"
)


def source_name(path: str) -> str:
    return "stdin" if path == STDIN else path


def open_source(path: str, stdin: IO[bytes]) -> IO[bytes]:
    """A binary stream for ``path`` (``-`` is stdin); an InputError if it cannot be read."""
    if path == STDIN:
        return stdin
    try:
        if os.path.isdir(path):
            raise InputError(f"{path}: is a directory; give event files (or - for stdin)")
        return open(path, "rb")
    except OSError as problem:
        reason = problem.strerror or str(problem)
        raise InputError(f"{path}: cannot read: {reason}") from problem


def read_batches(
    stream: IO[bytes], summary: SourceSummary, input_format: str = "auto"
) -> Iterator[list[Event]]:
    """Every event in ``stream``, in lists; ``summary`` counts what was seen."""
    try:
        yield from _read(stream, summary, input_format)
    except RecursionError as problem:
        raise InputError(f"{summary.name}: input nested too deeply to read") from problem
    except MemoryError as problem:
        raise InputError(f"{summary.name}: input too large for memory") from problem
    except OSError as problem:
        raise InputError(f"{summary.name}: cannot read: {problem.strerror or problem}") from problem


def _too_large(summary: SourceSummary, what: str) -> InputError:
    return InputError(
        f"{summary.name}: {what} is larger than {DOCUMENT_BYTES >> 20} MiB, the most one document or line may "
        "hold; split the input, or give it as NDJSON (one event or answer per line)"
    )


def _read(stream: IO[bytes], summary: SourceSummary, input_format: str) -> Iterator[list[Event]]:
    first, number = _first_line(stream, summary)
    if first is None:
        raise InputError(
            f"{summary.name}: empty input; expected event JSON, NDJSON or YAML "
            "(e.g. kubectl get events -o json)"
        )
    fmt = input_format
    if fmt == "auto":
        if _TABLE.match(first):
            raise InputError(f"{summary.name}: {TABLE_HINT}")
        fmt = _sniff(first)
    summary.format = fmt
    if fmt == "ndjson":
        yield from _ndjson(first, number, stream, summary)
        return
    data = _rest(first, number, stream, summary)
    if fmt == "json":
        yield from _json(data, summary)
    else:
        yield from _yaml(data, summary)


def _readline(stream: IO[bytes], summary: SourceSummary) -> bytes:
    line = stream.readline(DOCUMENT_BYTES + 1)
    if len(line) > DOCUMENT_BYTES:
        raise _too_large(summary, "a line")
    return line


def _first_line(stream: IO[bytes], summary: SourceSummary) -> tuple[bytes | None, int]:
    """The first non-blank line (BOM removed) and its line number, or None at end of input."""
    number = 0
    while True:
        line = _readline(stream, summary)
        if not line:
            return None, number
        number += 1
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        if line.strip(_WHITESPACE):
            return line, number


def _sniff(first: bytes) -> str:
    start = first.lstrip(_WHITESPACE)[:1]
    if start not in (b"{", b"["):
        return "yaml"
    try:
        msgspec.json.decode(first)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return "json"
    return "ndjson"


def _rest(first: bytes, number: int, stream: IO[bytes], summary: SourceSummary) -> Buffer:
    """The whole input from the first non-blank line on, read with as few copies as possible."""
    try:
        if stream.seekable():
            return _whole_file(stream, summary)
    except (OSError, ValueError):
        pass
    buffer = bytearray(b"\n" * (number - 1) + first)  # keep line numbers in errors true
    read1 = getattr(stream, "read1", stream.read)
    while True:
        chunk = read1(1 << 20)
        if not chunk:
            return buffer
        buffer += chunk
        if len(buffer) > DOCUMENT_BYTES:
            raise _too_large(summary, "the input")


def _whole_file(stream: IO[bytes], summary: SourceSummary) -> Buffer:
    """A seekable input: mapped when it is a regular file, else read once at its exact size."""
    size = stream.seek(0, os.SEEK_END)
    if size > DOCUMENT_BYTES:
        raise _too_large(summary, "the input")
    stream.seek(0)
    mapped = _mapped(stream)
    if mapped is not None:
        return mapped
    buffer = bytearray(stream.read(DOCUMENT_BYTES + 1))
    if len(buffer) > DOCUMENT_BYTES:
        raise _too_large(summary, "the input")
    if buffer.startswith(_BOM):
        del buffer[: len(_BOM)]
    return buffer


def _mapped(stream: IO[bytes]) -> memoryview | None:
    """A regular file mapped read-only, without its BOM; None when it cannot be mapped.

    msgspec decodes straight from the mapping, so the file is never copied into a buffer of
    our own: less wall time than reading it (no copy, no 100 MB allocation) and no more
    memory (the page cache pages it touches count once either way). The mapping is freed
    when the last view of it (the decoder's undecoded Raw slices included) is dropped.
    """
    try:
        fileno = stream.fileno()
        info = os.fstat(fileno)
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return None
        mapping = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    view = memoryview(mapping)
    return view[len(_BOM) :] if mapping[: len(_BOM)] == _BOM else view


# ---------------------------------------------------------------------------------------------
# JSON and NDJSON


def _position(data: Buffer, offset: int, line_base: int = 1) -> str:
    data = bytes(data) if isinstance(data, memoryview) else data
    offset = max(0, min(offset, len(data)))
    line = data.count(b"\n", 0, offset) + line_base
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _utf8_problem(data: Buffer, line_base: int = 1) -> str | None:
    """Where the first invalid UTF-8 byte is, or None when the data is valid UTF-8."""
    raw = bytes(data)
    if raw.isascii():
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        return f"invalid UTF-8 at {_position(raw, problem.start, line_base)} (byte {problem.start})"
    return None


_BYTE = re.compile(r"\(byte (\d+)\)$")
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
# A \uD800-\uDBFF escape not followed by a \uDC00-\uDFFF one, or a low one alone.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<![0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _json_problem(data: Buffer, problem: Exception, name: str, line_base: int = 1) -> InputError:
    utf8 = _utf8_problem(data, line_base)
    if utf8 is not None:
        return InputError(f"{name}: {utf8}; event data must be UTF-8")
    text = str(problem).split(" - at ")[0]
    text = text.removeprefix("JSON is malformed: ")
    offset: int | None = None
    found = _BYTE.search(text)
    if found:
        offset = int(found.group(1))
        text = text[: found.start()].rstrip()
    elif text == "Number out of range":
        offset = _first(data, _NUMBER, lambda m: float(m.group()) in (float("inf"), -float("inf")))
        text = "a number out of range (beyond a 64-bit float)"
    elif text == "Input data was truncated":
        offset = _first(data, _LONE_SURROGATE, lambda m: True)
        if offset is not None:
            text = "a lone UTF-16 surrogate escape (\\uD800-\\uDFFF without its pair)"
        else:
            offset = len(bytes(data).rstrip(_WHITESPACE))
            text = "unexpected end of input (truncated JSON, or an invalid escape)"
    where = "" if offset is None else _position(data, offset, line_base) + ": "
    return InputError(f"{name}: not valid JSON: {where}{text}")


def _first(
    data: Buffer, pattern: re.Pattern[bytes], wanted: Callable[[re.Match[bytes]], bool]
) -> int | None:
    """Where the first match of ``pattern`` that is ``wanted`` starts, if any."""
    for found in pattern.finditer(bytes(data)):
        if wanted(found):
            return found.start()
    return None


_TRAILING = "trailing characters"


def _json(data: Buffer, summary: SourceSummary) -> Iterator[list[Event]]:
    """One JSON document, or several back to back (``kubectl get events -w -o json``)."""
    view = memoryview(data)
    start = 0
    walk = Walk(summary)
    while start < len(view):
        part = view[start:]
        try:
            yield from json_batches(part, walk)
            return
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as problem:
            end = _trailing_at(problem)
            if end is None:
                raise _json_problem(data, _shifted(problem, start), summary.name) from problem
        except InputError as problem:
            raise InputError(f"{summary.name}: {problem.message}") from problem
        try:  # the first of several documents: read it alone, then go on after it
            yield from json_batches(part[:end], walk)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as problem:
            raise _json_problem(data, _shifted(problem, start), summary.name) from problem
        except InputError as problem:
            raise InputError(f"{summary.name}: {problem.message}") from problem
        start += end
        while start < len(view) and view[start] in _WHITESPACE:
            start += 1


def _trailing_at(problem: Exception) -> int | None:
    """Where the next document starts, when msgspec stopped at trailing characters (its
    offset is one past their first byte)."""
    text = str(problem)
    found = _BYTE.search(text.split(" - at ")[0])
    if _TRAILING in text and found:
        return int(found.group(1)) - 1
    return None


def _shifted(problem: Exception, offset: int) -> Exception:
    """The decoder's error with its byte offset counted from the start of the input."""
    if not offset:
        return problem
    text = str(problem)
    return type(problem)(_BYTE.sub(lambda m: f"(byte {int(m.group(1)) + offset})", text))


def _ndjson(
    first: bytes, number: int, stream: IO[bytes], summary: SourceSummary
) -> Iterator[list[Event]]:
    """Every event of an NDJSON stream, many lines' worth at a time (up to BATCH); the
    events of the lines before a bad one go out before its error."""
    line: bytes = first
    walk = Walk(summary)
    pending: list[Event] = []
    try:
        while True:
            if line.strip(_WHITESPACE):
                event = record_event(line, summary)  # the common line, typed
                if event is not None:
                    pending.append(event)
                else:
                    for events in _line(line, number, walk, summary):
                        pending += events
                        if len(pending) >= BATCH:
                            yield pending
                            pending = []
                if len(pending) >= BATCH:
                    yield pending
                    pending = []
            line = _readline(stream, summary)
            if not line:
                break
            number += 1
    except Exception:
        if pending:
            yield pending
        raise
    if pending:
        yield pending


def _line(line: bytes, number: int, walk: Walk, summary: SourceSummary) -> Iterator[list[Event]]:
    """The events of one NDJSON line of any shape; its problems as an InputError."""
    try:
        yield from json_batches(line, walk)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as problem:
        raise _json_problem(line, problem, summary.name, number) from problem
    except InputError as problem:
        raise InputError(f"{summary.name}: line {number}: {problem.message}") from problem


# ---------------------------------------------------------------------------------------------
# YAML


@cache
def _text_times_loader() -> Any:
    """The safe loader (in C where PyYAML has it), but timestamps stay text: parse_time reads
    them as it reads JSON's. PyYAML's own datetimes would cut a 7th fractional digit that
    the JSON reading rounds, and a document must read the same either way."""
    import yaml  # type: ignore[import-untyped,unused-ignore]

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class TextTimes(base):
        pass

    TextTimes.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )
    return TextTimes


def _yaml(data: Buffer, summary: SourceSummary) -> Iterator[list[Event]]:
    import yaml  # type: ignore[import-untyped,unused-ignore]

    text = bytes(data)  # the one copy the YAML loader reads from
    del data
    utf8 = _utf8_problem(text)
    if utf8 is not None:
        raise InputError(f"{summary.name}: {utf8}; event data must be UTF-8")
    loader = _text_times_loader()(io.BytesIO(text))
    walk = Walk(summary, aliases=True)
    documents = 0
    try:
        while True:
            try:
                if not loader.check_data():
                    break
                document = loader.get_data()
            except yaml.YAMLError as problem:
                raise InputError(f"{summary.name}: {_yaml_problem(problem)}") from problem
            except (ValueError, TypeError, OverflowError) as problem:  # odd tags or values
                raise InputError(f"{summary.name}: not valid YAML: {problem}") from problem
            if document is None:
                continue
            documents += 1
            if not isinstance(document, (dict, list)):
                raise InputError(
                    f"{summary.name}: not JSON or YAML event data (a YAML document is "
                    f"{_scalar(document)}); accepted: "
                    "JSON, NDJSON or YAML holding events (e.g. kubectl get events -o json|yaml)"
                )
            try:
                yield from batched(walk.document(document))
            except InputError as problem:
                where = f"document {documents}: " if documents > 1 else ""
                raise InputError(f"{summary.name}: {where}{problem.message}") from problem
    finally:
        loader.dispose()
    if documents == 0:
        raise InputError(f"{summary.name}: empty input; the YAML stream holds no documents")


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return "plain text"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a " + type(value).__name__


def _yaml_problem(problem: Exception) -> str:
    mark = getattr(problem, "problem_mark", None)
    what = getattr(problem, "problem", None) or str(problem).splitlines()[0]
    context = getattr(problem, "context", None)
    detail = f"{context}, {what}" if context else what
    if mark is not None:
        return f"not valid JSON or YAML: line {mark.line + 1}, column {mark.column + 1}: {detail}"
    return f"not valid JSON or YAML: {detail}"
