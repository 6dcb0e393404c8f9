"""What the terminal can take: colour, language, width, hyperlinks. Rich only on demand."""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

SEVERITY_STYLES = {0: "green", 1: "yellow", 2: "red", 3: "bold bright_red"}  # by Severity
MIN_WIDTH = 40


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def color_enabled(choice: str, stream: IO[str] | None = None) -> bool:
    """--color auto|always|never; auto honours NO_COLOR, TERM=dumb and non-terminals."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream or sys.stdout)


def default_lang() -> str:
    """``ja`` when the locale says Japanese, else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def columns_env() -> int | None:
    """$COLUMNS when it is a plain number (``²`` and friends are not)."""
    value = os.environ.get("COLUMNS", "").strip()
    if value.isascii() and value.isdigit() and 0 < len(value) < 6:
        return max(int(value), MIN_WIDTH)
    return None


def fit_width(flag: int | None, stream: IO[str] | None = None) -> int | None:
    """The width tables fit: --width, else on a terminal $COLUMNS or its real width.

    None when the output is piped: tables then keep whole cells for grep and awk.
    """
    if flag is not None:
        return max(flag, MIN_WIDTH)
    stream = stream or sys.stdout
    if not is_terminal(stream):
        return None
    return columns_env() or _terminal_columns(stream)


def _terminal_columns(stream: IO[str]) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):
        return 80


def prose_width(flag: int | None, stream: IO[str] | None = None) -> int:
    """The width prose wraps at: --width, $COLUMNS, the terminal's, else 80."""
    return fit_width(flag, stream) or columns_env() or 80


def note_text(text: str, stream: IO[str] | None = None) -> str:
    """A note for stderr: on a terminal wrapped at its width (later lines indented by
    two), so the terminal never folds a word; elsewhere one line, for logs and grep."""
    width = fit_width(None, stream or sys.stderr)
    if width is None:
        return text
    from eci_events.render.layout import plain, wrapped

    return plain(wrapped(text, max(width, MIN_WIDTH), 2, first=[])).rstrip("\n")


def hyperlinks(stream: IO[str] | None = None) -> bool:
    """Whether our own links may be OSC 8 hyperlinks: a terminal that is not dumb, and
    not switched off with ECI_EVENTS_NO_HYPERLINKS."""
    if os.environ.get("ECI_EVENTS_NO_HYPERLINKS") or os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream or sys.stdout)


def make_console(color: bool, width: int | None = None, stderr: bool = False) -> Console:
    from rich.console import Console

    # Both dimensions given: rich then never reads COLUMNS/LINES itself (it would crash on
    # COLUMNS=²). Lines are printed with soft_wrap and no crop, so 80 only names a size.
    return Console(
        stderr=stderr,
        width=width or 80,
        height=25,
        color_system="standard" if color else None,
        force_terminal=color or None,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
