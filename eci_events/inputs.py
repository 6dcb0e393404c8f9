"""Bytes in, Events out: JSON, NDJSON and YAML from stdin or files.

The format is sniffed from the first non-blank line unless ``--input-format`` forces it:

- a first line that is a complete JSON value on its own means NDJSON, read line by line
  in bounded memory (a one-line JSON document is the one-line case of this);
- a first line starting with ``{`` or ``[`` that is not complete means one JSON document;
- anything else is YAML (``kubectl get events -o yaml``, multi-document streams).

Every problem is an InputError with one line: where (source, line, column) and what.
"""

from __future__ import annotations

import io
import mmap
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import msgspec

from eci_events.errors import InputError
from eci_events.events import Event, Tally, batched, document_events, json_batches

# What a whole input is held in: a mapped file (a memoryview over an mmap), or bytes read.
Buffer = bytes | bytearray | memoryview

FORMATS = ("auto", "json", "ndjson", "yaml")
STDIN = "-"
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"

PIPE_HINT = (
    "no input: pipe events in or name files, e.g. "
    "'kubectl get events -o json | eci-events triage', "
    "'aliyun eci DescribeContainerGroupEvents --RegionId cn-hangzhou "
    "--ContainerGroupIds '[\"eci-...\"]' | eci-events triage' or "
    "'eci-events triage events.json' (see: eci-events triage --help)"
)


@dataclass
class Source:
    """One input: its display name, the format read, and what it held."""

    name: str
    format: str = ""
    tally: Tally = field(default_factory=Tally)


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


def read_events(stream: IO[bytes], source: Source, input_format: str = "auto") -> Iterator[Event]:
    """Every event in ``stream``; ``source.tally`` counts what was seen."""
    for batch in read_batches(stream, source, input_format):
        yield from batch


def read_batches(
    stream: IO[bytes], source: Source, input_format: str = "auto"
) -> Iterator[list[Event]]:
    """``read_events`` in lists of events, the fast way to consume a large input."""
    try:
        yield from _read(stream, source, input_format)
    except RecursionError as problem:
        raise InputError(f"{source.name}: input nested too deeply to read") from problem
    except MemoryError as problem:
        raise InputError(f"{source.name}: input too large for memory") from problem
    except OSError as problem:
        raise InputError(f"{source.name}: cannot read: {problem.strerror or problem}") from problem


def _read(stream: IO[bytes], source: Source, input_format: str) -> Iterator[list[Event]]:
    first, number = _first_line(stream)
    if first is None:
        raise InputError(
            f"{source.name}: empty input; expected event JSON, NDJSON or YAML "
            "(e.g. kubectl get events -o json)"
        )
    fmt = input_format
    if fmt == "auto":
        fmt = _sniff(first)
    source.format = fmt
    if fmt == "ndjson":
        yield from _ndjson(first, number, stream, source)
        return
    data = _rest(first, number, stream)
    if fmt == "json":
        yield from _json(data, source)
    else:
        yield from _yaml(data, source)


def _first_line(stream: IO[bytes]) -> tuple[bytes | None, int]:
    """The first non-blank line (BOM removed) and its line number, or None at end of input."""
    number = 0
    while True:
        line = stream.readline()
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


def _rest(first: bytes, number: int, stream: IO[bytes]) -> Buffer:
    """The whole input from the first non-blank line on, read with as few copies as possible."""
    try:
        if stream.seekable():
            return _whole_file(stream)
    except (OSError, ValueError):
        pass
    buffer = bytearray(b"\n" * (number - 1) + first)  # keep line numbers in errors true
    read1 = getattr(stream, "read1", stream.read)
    while True:
        chunk = read1(1 << 20)
        if not chunk:
            return buffer
        buffer += chunk


def _whole_file(stream: IO[bytes]) -> Buffer:
    """A seekable input: mapped when it is a regular file, else read once at its exact size."""
    mapped = _mapped(stream)
    if mapped is not None:
        return mapped
    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    buffer = bytearray(size)
    view = memoryview(buffer)
    filled = 0
    readinto = getattr(stream, "readinto", None)
    while filled < size and readinto is not None:
        got = readinto(view[filled:])
        if not got:
            break
        filled += got
    view.release()
    if readinto is None:
        buffer = bytearray(stream.read())
        filled = len(buffer)
    del buffer[filled:]
    rest = stream.read()  # the file grew while we read it
    if rest:
        buffer += rest
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


def _position(data: bytes | bytearray, offset: int, line_base: int = 1) -> str:
    offset = max(0, min(offset, len(data)))
    line = data.count(b"\n", 0, offset) + line_base
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _utf8_problem(data: bytes | bytearray, line_base: int = 1) -> str | None:
    """Where the first invalid UTF-8 byte is, or None when the data is valid UTF-8."""
    if data.isascii():
        return None
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError as problem:
        return (
            f"invalid UTF-8 at {_position(data, problem.start, line_base)} (byte {problem.start})"
        )
    return None


def _json_problem(
    data: bytes | bytearray, problem: Exception, name: str, line_base: int = 1
) -> InputError:
    utf8 = _utf8_problem(data, line_base)
    if utf8 is not None:
        return InputError(f"{name}: {utf8}; event data must be UTF-8")
    text = str(problem).split(" - at ")[0]
    if text.startswith("JSON is malformed: "):
        text = text[len("JSON is malformed: ") :]
    where = ""
    marker = text.rfind("(byte ")
    if marker >= 0 and text.endswith(")"):
        digits = text[marker + 6 : -1]
        if digits.isdigit():
            where = _position(data, int(digits), line_base) + ": "
            text = text[:marker].rstrip()
    elif text == "Input data was truncated":
        where = _position(data, len(data.rstrip(_WHITESPACE)), line_base) + ": "
        text = "unexpected end of input (truncated JSON, or an invalid escape)"
    return InputError(f"{name}: not valid JSON: {where}{text}")


def _json(data: Buffer, source: Source) -> Iterator[list[Event]]:
    tally = source.tally
    try:
        yield from json_batches(data, tally)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as problem:
        # A mapped file is copied only here, to find the line and column.
        text = data.tobytes() if isinstance(data, memoryview) else data
        raise _json_problem(text, problem, source.name) from problem
    except InputError as problem:
        raise InputError(f"{source.name}: {problem.message}") from problem


def _ndjson(first: bytes, number: int, stream: IO[bytes], source: Source) -> Iterator[list[Event]]:
    return batched(_ndjson_events(first, number, stream, source))


def _ndjson_events(first: bytes, number: int, stream: IO[bytes], source: Source) -> Iterator[Event]:
    tally = source.tally
    line: bytes = first
    while True:
        if line.strip(_WHITESPACE):
            try:
                for batch in json_batches(line, tally):
                    yield from batch
            except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as problem:
                raise _json_problem(line, problem, source.name, number) from problem
            except InputError as problem:
                raise InputError(f"{source.name}: line {number}: {problem.message}") from problem
        line = stream.readline()
        if not line:
            return
        number += 1


# ---------------------------------------------------------------------------------------------
# YAML


def _yaml(data: Buffer, source: Source) -> Iterator[list[Event]]:
    return batched(_yaml_events(data, source))


def _yaml_events(data: Buffer, source: Source) -> Iterator[Event]:
    import yaml  # type: ignore[import-untyped,unused-ignore]

    text = bytes(data)  # the one copy the YAML loader reads from
    del data
    utf8 = _utf8_problem(text)
    if utf8 is not None:
        raise InputError(f"{source.name}: {utf8}; event data must be UTF-8")
    loader_class: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(io.BytesIO(text))
    tally = source.tally
    documents = 0
    try:
        while True:
            try:
                if not loader.check_data():
                    break
                document = loader.get_data()
            except yaml.YAMLError as problem:
                raise InputError(f"{source.name}: {_yaml_problem(problem)}") from problem
            except (ValueError, TypeError, OverflowError) as problem:  # odd tags or values
                raise InputError(f"{source.name}: not valid YAML: {problem}") from problem
            if document is None:
                continue
            documents += 1
            if not isinstance(document, (dict, list)):
                raise InputError(
                    f"{source.name}: not JSON or YAML event data (a YAML document is "
                    f"{_scalar(document)}); accepted: "
                    "JSON, NDJSON or YAML holding events (e.g. kubectl get events -o json|yaml)"
                )
            try:
                yield from document_events(document, tally)
            except InputError as problem:
                where = f"document {documents}: " if documents > 1 else ""
                raise InputError(f"{source.name}: {where}{problem.message}") from problem
    finally:
        loader.dispose()
    if documents == 0:
        raise InputError(f"{source.name}: empty input; the YAML stream holds no documents")


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
