"""Helpers for tests that drive the real SDK against the loopback ECI endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from click.testing import Result

from eci_events.emulator import Emulator, event
from tests.conftest import run

KEY_ID = "LTAI5tEmulatorKeyId01"
# A canary: no test output may ever contain it.
SECRET = "CANARY-secret-7f3a9c1e5b-never-print"
REGION = "cn-hangzhou"
DEAD_PROXY = "http://127.0.0.1:9"  # nothing listens there
# Reasons the bundled demo (eci_events/emulator/data/demo-world.json) must show.
DEMO_STORIES = (
    "NoStock",
    "OOMKilled",
    "BackOff",
    "ImageCacheMissed",
    "ImageCacheAutoCreated",
    "SpotToBeReleased",
    "DiskCapacityQuotaFull",
    "ScheduledMaintenance",
    "QuotaExceeded",
)


def ago(**delta: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(**delta)


def ev(reason: str, message: str = "", **fields: Any) -> dict[str, Any]:
    return event(reason, message, **fields)


def running(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """For an ``emu`` fixture: a running emulator, credentials in the environment, and a dead proxy configured.

    The proxy variables prove that loopback endpoints bypass them (the SDK would
    otherwise send every request to the proxy).
    """
    with Emulator(credentials={KEY_ID: SECRET}) as emulator:
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        monkeypatch.setenv("HTTP_PROXY", DEAD_PROXY)
        monkeypatch.setenv("https_proxy", DEAD_PROXY)
        yield emulator


def list_cmd(emulator: Emulator, *args: str, input: str | None = None) -> Result:
    """``eci-events list`` against the emulator, with fast retries and timeouts."""
    return run(
        "list",
        "--endpoint",
        emulator.endpoint,
        "--region",
        REGION,
        "--read-timeout",
        "2",
        *args,
        input=input,
    )
