"""Exit codes and the errors that carry them.

Domain code raises these; only the CLI layer turns them into click exceptions.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # findings at or above --fail-on
    USAGE = 2  # usage error or unreadable input
    CONFIG = 3  # credentials or configuration problem
    API = 4  # API or network failure, including partial failure
    INTERRUPTED = 130


class EciEventsError(Exception):
    """An expected failure: one line for the user and the exit code it maps to."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(EciEventsError):
    exit_code = ExitCode.USAGE


class ConfigError(EciEventsError):
    exit_code = ExitCode.CONFIG


class ApiError(EciEventsError):
    exit_code = ExitCode.API
