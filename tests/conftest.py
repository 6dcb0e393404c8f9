"""Shared fixtures: a clean environment (no real credentials, proxies or home) and a pinned width."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click
import click.utils
import pytest
from click.testing import CliRunner, Result

from eci_events.cli import cli

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
WIDTH = 100

_SCRUB = ("NO_COLOR", "TERM", "LANG", "LC_ALL", "LC_MESSAGES", "DEBUG")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ALIBABACLOUD_")) or name.lower() in (
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ):
            monkeypatch.delenv(name, raising=False)
    for name in _SCRUB:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    # click strips ANSI sequences from any stream that is not a terminal, so under CliRunner
    # an escaping bug would be hidden: every test sees exactly what the program wrote.
    monkeypatch.setattr(click.utils, "should_strip_ansi", lambda stream=None, color=None: False)
    yield


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """Invoke the CLI in-process; stdout and stderr stay separate."""
    return CliRunner().invoke(
        cli, list(args), input=input, env=env, catch_exceptions=False, prog_name="eci-events"
    )
