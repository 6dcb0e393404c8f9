"""A small mutation tester: do the tests notice when the code they guard is made wrong?

    python benchmarks/mutation.py                 # every target, 2 jobs (about 12-14 minutes)
    python benchmarks/mutation.py --list          # the mutants, without running anything
    python benchmarks/mutation.py --target safe --jobs 2 --json report.json

Each mutant is one small change to one file of the repository: a comparison flipped
(``<`` to ``<=``, ``==`` to ``!=``, ``in`` to ``not in``), a number changed (n to n + 1,
x to 2x), ``True`` for ``False``, ``and`` for ``or``, ``+`` for ``-``, a ``not`` or a
unary minus dropped, a call to an escaping, quoting, capping or redacting function
dropped (``escape(text)`` to ``text``, ``min(x, CAP)`` to ``x``, ``shlex.join`` to
``" ".join``), one member taken out of a character class of a ``re.compile`` pattern,
two elements of a sort key swapped, a sort reversed, ``nsmallest`` for ``nlargest``, or a
statement deleted (replaced by ``pass``). Only the parts of each file named in TARGETS
are mutated, and only with the standard library (``ast`` for finding the places, text
substitution for making the change, so the rest of the file stays as written).

For each mutant the repository (without .git, caches and benchmark data) is copied to a
temporary directory, the mutant written there, and the tests that guard that file run
there with ``python -m pytest -x`` and a time limit: the working tree is never touched.
A mutant is *killed* when the tests fail, *survived* when they pass (a test is missing),
*timeout* when they run past the limit (the change made something loop or wait).
Before the mutants, each test subset runs once on an unmutated copy: it must pass, and
its time sets the limit (3x, at least 20 s).

The summary table counts each outcome per file; then every survivor is listed with its
file:line, what was changed and the diff, for writing the test that would kill it.
Exits 0 whatever survives (it reports; it does not judge), 2 when a baseline fails.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_IGNORED = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "build",
    "dist",
    "*.egg-info",
)
_GENERATED = REPO / "benchmarks" / "data"  # hundreds of MB of generated inputs


def _ignored(folder: str, names: list[str]) -> set[str]:
    found = set(_IGNORED(folder, names))
    if Path(folder) == _GENERATED.parent and _GENERATED.name in names:
        found.add(_GENERATED.name)
    return found


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    scopes: tuple[str, ...]  # functions ("Class.method" or "function") and module names; () all
    tests: tuple[str, ...]


# The command-line tests of failures: what the retries and guards end in, as a user sees it.
_LIST_ERRORS = tuple(
    f"tests/test_list.py::{name}"
    for name in (
        "test_missing_credentials_exit_3",
        "test_auth_permission_and_region_errors_fail_at_once_exit_3",
        "test_parameter_error_exit_4",
        "test_throttling_is_retried_then_succeeds",
        "test_throttling_exhausted_exit_4",
        "test_transient_failures_retried_then_reported_exit_4",
        "test_partial_failure_shows_successes_and_exits_4",
        "test_canary_secret_never_printed_even_with_debug",
    )
)

TARGETS = (
    Target(
        "safe",
        "eci_events/render/safe.py",
        (),
        (
            "tests/test_safe.py",
            "tests/test_escaping.py",
            "tests/test_triage.py::test_markdown_for_a_ticket",
            "tests/test_diagnose.py::test_markdown_carries_the_context_in_code_blocks",
        ),
    ),
    Target(
        "triage",
        "eci_events/analysis/triage.py",
        (
            # ranking of findings, conclusions' groups and groups
            "_rank",
            "_neg_time",
            "_is_noise",
            "Triage._group_rank",
            "Triage.finish",
            "Triage._frozen",
            "Triage._groups_of",
            "Triage._restarted",
            # merging: pods known by two names, and findings of merged groups (--by group)
            "Triage._merge_aliases",
            "_Finding.absorb",
            "_Groups.absorb",
        ),
        ("tests/test_triage.py",),
    ),
    Target(
        "client",
        "eci_events/sources/client.py",
        (
            "BACKOFF_BASE",
            "BACKOFF_CAP",
            "RETRY_AFTER_CAP",
            "DEFAULT_MAX_ATTEMPTS",
            "backoff",
            "classify",
            "Client.call",
        ),
        ("tests/test_client.py", *_LIST_ERRORS),
    ),
    Target(
        "events_api",
        "eci_events/sources/events_api.py",
        ("_pages", "_Endless.__init__", "fetch_events", "fetch_all"),
        (
            "tests/test_client.py",
            "tests/test_list.py::test_every_page_is_followed",
            "tests/test_list.py::test_more_than_20_ids_are_batched",
            *_LIST_ERRORS,
        ),
    ),
)

# Calls whose result is their argument made safe, capped or cleaned: dropping one is a mutant.
WRAPPERS = frozenset(
    {"escape", "markdown", "code_span", "code_block", "redact", "shell", "quote", "abs"}
)
COMPARE_SWAPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], str, str]] = {
    ast.Lt: (ast.LtE, "<", "<="),
    ast.LtE: (ast.Lt, "<=", "<"),
    ast.Gt: (ast.GtE, ">", ">="),
    ast.GtE: (ast.Gt, ">=", ">"),
    ast.Eq: (ast.NotEq, "==", "!="),
    ast.NotEq: (ast.Eq, "!=", "=="),
    ast.In: (ast.NotIn, "in", "not in"),
    ast.NotIn: (ast.In, "not in", "in"),
    ast.Is: (ast.IsNot, "is", "is not"),
    ast.IsNot: (ast.Is, "is not", "is"),
}
BINOP_SWAPS: dict[type[ast.operator], tuple[str, str]] = {
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.Mult: ("*", "/"),
    ast.Div: ("/", "*"),
    ast.FloorDiv: ("//", "*"),
    ast.Pow: ("**", "*"),
}


@dataclass
class Mutant:
    target: str
    path: str
    line: int
    what: str
    start: int  # character offsets into the file's text
    end: int
    replacement: str
    outcome: str = ""
    seconds: float = 0.0
    diff: str = ""
    tests: tuple[str, ...] = field(default_factory=tuple)

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end :]


# --------------------------------------------------------------------------------------------
# Finding the mutants


class _Source:
    """Offsets in a file's text from ast positions (lines from 1, columns in UTF-8 bytes)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, byte_col: int) -> int:
        raw = self.lines[line - 1].encode("utf-8")[:byte_col]
        return self.starts[line - 1] + len(raw.decode("utf-8"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]


def _scoped_nodes(tree: ast.Module, scopes: tuple[str, ...]) -> Iterator[ast.AST]:
    """The top-level nodes to mutate: whole functions (by qualified name) and assignments
    of module names; every statement of the module when ``scopes`` is empty."""
    if not scopes:
        yield from tree.body
        return
    wanted = set(scopes)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in wanted:
            yield node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if (
                    isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and f"{node.name}.{item.name}" in wanted
                ):
                    yield item
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            names = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(n, ast.Name) and n.id in wanted for n in names):
                yield node


def _docstring_ids(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0]))
    return found


def _class_members(pattern: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each member of each character class in a regex pattern: a
    character, an escape or a range."""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char != "[":
            index += 1
            continue
        index += 1
        if index < len(pattern) and pattern[index] == "^":
            index += 1
        first = True
        while index < len(pattern) and (pattern[index] != "]" or first):
            first = False
            start = index
            index += 2 if pattern[index] == "\\" else 1
            if index + 1 < len(pattern) and pattern[index] == "-" and pattern[index + 1] != "]":
                index += 1
                index += 2 if pattern[index] == "\\" else 1
            yield start, index, pattern[start:index]
        index += 1


def _literal(value: str) -> str:
    """A Python literal for a pattern: raw when that reads as the original did."""
    if "\\" in value and value.isprintable() and not value.endswith("\\") and '"' not in value:
        return f'r"{value}"'
    return repr(value)


_ATOMS = (ast.Name, ast.Constant, ast.Attribute, ast.Call, ast.Subscript, ast.List, ast.Dict)


class _Finder(ast.NodeVisitor):
    def __init__(self, target: Target, source: _Source, docstrings: set[int]) -> None:
        self.target = target
        self.source = source
        self.docstrings = docstrings
        self.found: list[Mutant] = []
        self.function = ""  # the scope being visited
        self._fstring = 0

    def add(
        self, node: ast.AST, what: str, replacement: str, span: tuple[int, int] | None = None
    ) -> None:
        start, end = span or self.source.span(node)
        if self.source.text[start:end] == replacement:
            return
        self.found.append(
            Mutant(self.target.name, self.target.path, node.lineno, what, start, end, replacement)  # type: ignore[attr-defined]
        )

    def expression(self, node: ast.AST) -> str:
        """An expression's text, in parentheses unless it is atomic."""
        text = self.source.segment(node)
        return text if isinstance(node, _ATOMS) else f"({text})"

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._fstring += 1
        self.generic_visit(node)
        self._fstring -= 1

    # -- statements ---------------------------------------------------------------------

    def generic_visit(self, node: ast.AST) -> None:
        if (
            isinstance(node, ast.stmt)
            and not isinstance(
                node,
                (
                    ast.FunctionDef,
                    ast.AsyncFunctionDef,
                    ast.ClassDef,
                    ast.Pass,
                    ast.Import,
                    ast.ImportFrom,
                    ast.Global,
                    ast.Nonlocal,
                ),
            )
            and id(node) not in self.docstrings
        ):
            head = self.source.segment(node).splitlines()[0].strip()
            self.add(node, f"deleted statement: {head[:60]}", "pass")
        super().generic_visit(node)

    # -- expressions --------------------------------------------------------------------

    def visit_Compare(self, node: ast.Compare) -> None:
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            swap = COMPARE_SWAPS.get(type(op))
            if swap is not None:
                _, old, new = swap
                start = self.source.span(left)[1]
                end = self.source.span(right)[0]
                gap = self.source.text[start:end]
                if " ".join(gap.replace("(", " ").replace(")", " ").split()) == old:
                    self.add(
                        node, f"comparison {old} -> {new}", gap.replace(old, new, 1), (start, end)
                    )
            left = right
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = BINOP_SWAPS.get(type(node.op))
        strings = any(
            isinstance(side, ast.JoinedStr)
            or (isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes)))
            for side in (node.left, node.right)
        )
        if swap is not None and not strings and not self._fstring:
            old, new = swap
            start = self.source.span(node.left)[1]
            end = self.source.span(node.right)[0]
            gap = self.source.text[start:end]
            if gap.strip(" ()\n") == old:
                self.add(node, f"operator {old} -> {new}", gap.replace(old, new, 1), (start, end))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        for left, right in zip(node.values, node.values[1:], strict=False):
            start, end = self.source.span(left)[1], self.source.span(right)[0]
            gap = self.source.text[start:end]
            if " ".join(gap.replace("(", " ").replace(")", " ").split()) == old:
                self.add(node, f"boolean {old} -> {new}", gap.replace(old, new, 1), (start, end))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, (ast.Not, ast.USub)) and not self._fstring:
            kind = "not" if isinstance(node.op, ast.Not) else "unary minus"
            self.add(node, f"dropped {kind}", self.expression(node.operand))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if self._fstring:
            return
        if isinstance(value, bool):
            self.add(node, f"constant {value} -> {not value}", str(not value))
        elif isinstance(value, int):
            self.add(node, f"constant {value} -> {value + 1}", str(value + 1))
        elif isinstance(value, float):
            new = value * 2 if value else 1.0
            self.add(node, f"constant {value:g} -> {new:g}", repr(new))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        args = node.args
        if name in WRAPPERS and len(args) == 1 and not node.keywords:
            self.add(node, f"dropped call {name}()", self.expression(args[0]))
        if name in ("min", "max") and len(args) == 2 and not node.keywords:
            for arg in args:
                self.add(
                    node,
                    f"dropped {name}() keeping {self.source.segment(arg)[:40]}",
                    self.expression(arg),
                )
        if isinstance(func, ast.Attribute) and self.source.segment(func) == "shlex.join":
            self.add(
                node,
                'shlex.join -> " ".join (no quoting)',
                f'" ".join({self.source.segment(args[0])})',
            )
        if isinstance(func, ast.Attribute) and func.attr in ("nsmallest", "nlargest"):
            new = "nlargest" if func.attr == "nsmallest" else "nsmallest"
            start = self.source.span(func)[1] - len(func.attr)
            self.add(node, f"{func.attr} -> {new}", new, (start, start + len(func.attr)))
        if name in ("sorted", "sort") and not any(k.arg == "reverse" for k in node.keywords):
            given: list[ast.AST] = [*args, *node.keywords]
            if given:
                end = self.source.span(given[-1])[1]
                self.add(node, f"{name}() reversed", ", reverse=True", (end, end))
            else:
                end = self.source.span(node)[1] - 1  # before the closing parenthesis
                self.add(node, f"{name}() reversed", "reverse=True", (end, end))
        for keyword in node.keywords:
            if keyword.arg == "key" and isinstance(keyword.value, ast.Lambda):
                self._tuple_swaps(keyword.value.body, "sort key")
        if name == "compile" and isinstance(func, ast.Attribute) and args:
            pattern = args[0]
            if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str):
                for start, end, member in _class_members(pattern.value):
                    new = pattern.value[:start] + pattern.value[end:]
                    try:
                        re.compile(new)
                    except re.error:
                        continue
                    self.add(pattern, f"regex class member {member!r} removed", _literal(new))
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and "rank" in self.function:  # a sort key function
            self._tuple_swaps(node.value, "rank key")
        self.generic_visit(node)

    def _tuple_swaps(self, node: ast.AST, what: str) -> None:
        if not isinstance(node, ast.Tuple) or len(node.elts) < 2:
            return
        for left, right in zip(node.elts, node.elts[1:], strict=False):
            a, b = self.source.segment(left), self.source.segment(right)
            start, end = self.source.span(left)[0], self.source.span(right)[1]
            middle = self.source.text[self.source.span(left)[1] : self.source.span(right)[0]]
            self.add(node, f"{what}: swapped {a[:30]} and {b[:30]}", b + middle + a, (start, end))


def find_mutants(target: Target, root: Path = REPO) -> list[Mutant]:
    text = (root / target.path).read_text(encoding="utf-8")
    tree = ast.parse(text)
    source = _Source(text)
    finder = _Finder(target, source, _docstring_ids(tree))
    for node in _scoped_nodes(tree, target.scopes):
        finder.function = getattr(node, "name", "")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for statement in node.body:
                finder.visit(statement)
        else:
            finder.visit(node)
    unique: dict[tuple[int, int, str], Mutant] = {}
    for mutant in finder.found:
        mutated = mutant.apply(text)
        try:
            if ast.dump(ast.parse(mutated)) == ast.dump(tree):
                continue  # the same program: not a mutant
        except SyntaxError:
            continue
        unique.setdefault((mutant.start, mutant.end, mutant.replacement), mutant)
    mutants = sorted(unique.values(), key=lambda m: (m.start, m.end, m.what))
    for mutant in mutants:
        mutant.tests = target.tests
        mutant.diff = "".join(
            difflib.unified_diff(
                text.splitlines(keepends=True),
                mutant.apply(text).splitlines(keepends=True),
                f"a/{target.path}",
                f"b/{target.path}",
                n=1,
            )
        )
    return mutants


# --------------------------------------------------------------------------------------------
# Running them


def _copy_repo(into: Path, source: Path = REPO) -> Path:
    """The repository copied into ``into`` itself: a short path, as some tests lay out
    file names in tables of a fixed width (tests/test_triage.py::test_table_at_width_100)."""
    shutil.copytree(source, into, ignore=_ignored, symlinks=True, dirs_exist_ok=True)
    return into


def _scratch() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="mu", dir="/tmp" if os.path.isdir("/tmp") else None)


def _pytest(
    tree: Path, tests: tuple[str, ...], timeout: float, log: Path | None = None
) -> tuple[str, float]:
    """Run the tests in ``tree``: (killed | survived | timeout, seconds); their output goes
    to ``log`` when given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    started = time.monotonic()
    with open(log or os.devnull, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command,
            cwd=tree,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended as a whole on timeout
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return "timeout", time.monotonic() - started
    return ("survived" if code == 0 else "killed"), time.monotonic() - started


def run_mutant(mutant: Mutant, timeout: float, snapshot: Path) -> Mutant:
    with _scratch() as tmp:
        tree = _copy_repo(Path(tmp), snapshot)
        path = tree / mutant.path
        path.write_text(mutant.apply(path.read_text(encoding="utf-8")), encoding="utf-8")
        mutant.outcome, mutant.seconds = _pytest(tree, mutant.tests, timeout)
    return mutant


def baseline(target: Target, snapshot: Path = REPO) -> float:
    """Seconds the target's tests take on an unmutated copy; exits 2 when they fail."""
    with _scratch() as tmp, tempfile.NamedTemporaryFile("r", suffix=".log") as log:
        tree = _copy_repo(Path(tmp), snapshot)
        outcome, seconds = _pytest(tree, target.tests, 600, Path(log.name))
        if outcome != "survived":
            print(f"baseline: the tests of {target.name} do not pass unmutated ({outcome}):")
            print(log.read()[-3000:])
            sys.exit(2)
    return seconds


def report(mutants: list[Mutant], elapsed: float) -> None:
    print()
    print(f"{'file':<36} {'mutants':>7} {'killed':>7} {'survived':>8} {'timeout':>7} {'score':>6}")
    for path in dict.fromkeys(m.path for m in mutants):
        mine = [m for m in mutants if m.path == path]
        counts = {
            kind: sum(m.outcome == kind for m in mine) for kind in ("killed", "survived", "timeout")
        }
        score = (counts["killed"] + counts["timeout"]) / len(mine) if mine else 0.0
        print(
            f"{path:<36} {len(mine):7} {counts['killed']:7} {counts['survived']:8}"
            f" {counts['timeout']:7} {score:6.0%}"
        )
    total = len(mutants)
    killed = sum(m.outcome != "survived" for m in mutants)
    print(
        f"{'all':<36} {total:7} {'':7} {total - killed:8} {'':7} {killed / total if total else 0:6.0%}"
    )
    print(f"({elapsed / 60:.1f} min; score = killed or timed out / mutants)")
    survivors = [m for m in mutants if m.outcome == "survived"]
    if survivors:
        print()
        print(f"Survivors ({len(survivors)}): no test failed with these changes")
        for mutant in survivors:
            print()
            print(f"{mutant.path}:{mutant.line}: {mutant.what}")
            print(mutant.diff.rstrip("\n"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", action="append", choices=[t.name for t in TARGETS])
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--json", type=Path, help="also write every mutant and outcome here")
    args = parser.parse_args(argv)
    targets = [t for t in TARGETS if not args.target or t.name in args.target]
    with tempfile.TemporaryDirectory(prefix="mutation-snapshot-") as tmp:
        # One copy of the tree as it is now: edits made while this runs change nothing.
        snapshot = _copy_repo(Path(tmp))
        mutants = {t.name: find_mutants(t, snapshot) for t in targets}
        if args.list:
            for target in targets:
                for mutant in mutants[target.name]:
                    print(f"{mutant.path}:{mutant.line}: {mutant.what}")
            print(f"{sum(len(m) for m in mutants.values())} mutants")
            return 0
        started = time.monotonic()
        limits = {}
        for target in targets:
            seconds = baseline(target, snapshot)
            limits[target.name] = max(20.0, 3 * seconds)
            print(
                f"{target.name}: {len(mutants[target.name])} mutants of {target.path};"
                f" tests pass unmutated in {seconds:.1f} s (limit {limits[target.name]:.0f} s)",
                flush=True,
            )
        todo = [m for t in targets for m in mutants[t.name]]
        done: list[Mutant] = []
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(run_mutant, m, limits[m.target], snapshot) for m in todo]
            for number, future in enumerate(futures, 1):
                mutant = future.result()
                done.append(mutant)
                mark = {"killed": ".", "survived": "S", "timeout": "T"}[mutant.outcome]
                end = "\n" if number % 60 == 0 or number == len(futures) else ""
                print(mark, end=end, flush=True)
    report(done, time.monotonic() - started)
    if args.json:
        args.json.write_text(json.dumps([asdict(m) for m in done], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
