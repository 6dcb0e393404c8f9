"""Credentials through ``alibabacloud-credentials``, with one precise line when they fail.

The standard chain (environment, OIDC/RRSA, aliyun CLI profile, credentials.ini, ECS RAM
role, credentials URI) is walked here provider by provider, in the library's own order,
so that a failure can say which source was configured and what is wrong with it, and
whether it is a configuration problem (exit 3) or an unreachable STS or URI (exit 4).
Every text from the library passes ``redact``; no secret reaches a message.
"""

from __future__ import annotations

import configparser
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eci_events.errors import ApiError, ConfigError, EciEventsError
from eci_events.sources.redact import redact, remember

PROFILE_ENV = ("ALIBABACLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")
FIX = (
    "set ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET, a profile in "
    "~/.aliyun/config.json (--profile NAME) or ~/.alibabacloud/credentials.ini"
)
_NETWORK_WORDS = (
    "max retries exceeded",
    "connection refused",
    "failed to establish",
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "failed to resolve",
    "timed out",
    "proxyerror",
    "unable to connect to proxy",
    "connection aborted",
    "connection reset",
    "remote end closed",
)


def home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def cli_config_path() -> Path:
    return home() / ".aliyun" / "config.json"


def ini_path() -> Path:
    return Path(
        os.environ.get("ALIBABA_CLOUD_CREDENTIALS_FILE")
        or home() / ".alibabacloud" / "credentials.ini"
    )


def cli_profile(name: str | None) -> dict[str, Any] | None:
    """The aliyun CLI profile: ``name``, else $ALIBABA_CLOUD_PROFILE & co., else ``current``.

    Returns None when there is no config file; raises ConfigError when a profile
    named explicitly is missing or the file is unreadable. Remembers its secrets.
    """
    path = cli_config_path()
    if not path.is_file():
        if name:
            raise ConfigError(
                f"--profile {name}: {path} does not exist; create the profile with: "
                f"aliyun configure --profile {name}"
            )
        return None
    config = _cli_config(path)
    profiles = [p for p in config.get("profiles") or [] if isinstance(p, dict)]
    for profile in profiles:
        remember(*(str(profile.get(k) or "") for k in ("access_key_secret", "sts_token")))
    wanted = name or next((os.environ[v] for v in PROFILE_ENV if os.environ.get(v)), None)
    wanted = wanted or config.get("current")
    for profile in profiles:
        if profile.get("name") == wanted:
            return profile
    if name:
        known = ", ".join(str(p.get("name")) for p in profiles)
        raise ConfigError(
            f"profile {name!r} is not in {path} (profiles: {known or 'none'}); "
            f"create it with: aliyun configure --profile {name}"
        )
    return None


def _cli_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise ConfigError(f"cannot read {path}: {problem.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; fix or remove it") from None
    except json.JSONDecodeError as problem:
        where = f"line {problem.lineno}, column {problem.colno}"
        raise ConfigError(f"{path} is not valid JSON ({where}); fix or remove it") from None
    if not isinstance(config, dict):
        raise ConfigError(
            f"{path} is not an aliyun CLI configuration (no profiles); fix or remove it"
        )
    return config


# -- the chain --------------------------------------------------------------------------------


class _Failure:
    """One provider that could not give credentials: its name and what went wrong."""

    def __init__(self, source: str, problem: BaseException) -> None:
        self.source = source
        self.problem = problem
        self.text = redact(f"{type(problem).__name__}: {problem}")


def _chain(profile: str | None) -> list[tuple[str, Callable[[], Any]]]:
    """(source, provider factory) in the order ``alibabacloud-credentials`` tries them."""
    from alibabacloud_credentials import provider as providers
    from alibabacloud_credentials.utils import auth_util as au

    if profile:
        return [
            (
                f"profile {profile!r} in {cli_config_path()}",
                lambda: providers.CLIProfileCredentialsProvider(
                    profile_name=profile, profile_file=str(cli_config_path())
                ),
            )
        ]
    chain: list[tuple[str, Callable[[], Any]]] = [
        ("the environment", providers.EnvironmentVariableCredentialsProvider)
    ]
    if au.enable_oidc_credential:
        chain.append(
            ("OIDC (ALIBABA_CLOUD_OIDC_TOKEN_FILE)", providers.OIDCRoleArnCredentialsProvider)
        )
    chain.append((str(cli_config_path()), providers.CLIProfileCredentialsProvider))
    chain.append((str(ini_path()), providers.ProfileCredentialsProvider))
    if au.environment_ecs_metadata_disabled.lower() != "true":
        chain.append(("the ECS RAM role", providers.EcsRamRoleCredentialsProvider))
    if au.environment_credentials_uri:
        chain.append(("ALIBABA_CLOUD_CREDENTIALS_URI", providers.URLCredentialsProvider))
    return chain


def credential_client(profile: str | None, debug: Callable[[str], None]) -> tuple[Any, Any]:
    """(a CredentialClient for the SDK's Config, the credentials it resolved now).

    Raises ConfigError (exit 3) or, when STS or a credentials URI cannot be reached,
    ApiError (exit 4), with the cause of the first configured source that failed.
    """
    import importlib
    import logging

    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_credentials.utils import auth_constant, auth_util

    # The chain logs every failed attempt with a traceback; our one line says it better.
    logging.getLogger("credentials").disabled = True
    # The library reads the environment when first imported; read this run's.
    importlib.reload(auth_util)
    importlib.reload(auth_constant)
    remember(
        os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        os.environ.get("ALIBABA_CLOUD_SECURITY_TOKEN"),
    )
    if profile:
        cli_profile(profile)  # a missing file or profile says so plainly
    failures: list[_Failure] = []
    for source, make in _chain(profile):
        try:
            provider = make()
            resolved = provider.get_credentials()
        except Exception as problem:
            failure = _Failure(source, problem)
            debug(f"credentials: {source}: {failure.text}")
            failures.append(failure)
            continue
        if resolved is None:
            continue
        remember(resolved.get_access_key_secret(), resolved.get_security_token())
        _check_whitespace(resolved, source)
        debug(f"credentials: {source}: {resolved.get_provider_name()}")
        return CredentialClient(provider=provider), resolved
    raise _chain_error(failures, profile)


def _check_whitespace(resolved: Any, source: str) -> None:
    for what, value in (
        ("AccessKey id", resolved.get_access_key_id()),
        ("AccessKey secret", resolved.get_access_key_secret()),
    ):
        if value and value != "".join(value.split()):
            raise ConfigError(
                f"the {what} from {source} has whitespace in it (a trailing \\r or newline from "
                "a copy-paste?); remove it and try again"
            )


def _chain_error(failures: list[_Failure], profile: str | None) -> EciEventsError:
    hint = "; --debug shows every source's answer"
    for failure in failures:
        found = _cause(failure)
        if found is not None:
            network, cause = found
            if network:
                return ApiError(
                    f"cannot get credentials: {cause}; check the network or proxy{hint}"
                )
            return ConfigError(f"no usable Alibaba Cloud credentials: {cause}{hint}")
    where = f"profile {profile!r}" if profile else "any standard place"
    return ConfigError(f"no Alibaba Cloud credentials in {where}; {FIX}{hint}")


def _cause(failure: _Failure) -> tuple[bool, str] | None:
    """(is it the network, the cause) for a source that was configured; None when the
    source simply was not set up (no variables, no file)."""
    source, problem, text = failure.source, failure.problem, failure.text
    lowered = text.lower()
    if source == "the environment":
        has_id = bool(os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID"))
        has_secret = bool(os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET"))
        if has_id == has_secret:
            return None
        present, absent = (
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
            if has_id
            else ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ACCESS_KEY_ID")
        )
        return False, f"{present} is set but {absent} is empty; set both"
    if source.startswith("OIDC"):
        token = os.environ.get("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "")
        if isinstance(problem, OSError) or not os.path.isfile(token):
            return (
                False,
                f"the OIDC token file {token!r} (ALIBABA_CLOUD_OIDC_TOKEN_FILE) cannot be read",
            )
    if source == "ALIBABA_CLOUD_CREDENTIALS_URI":
        uri = redact(os.environ.get("ALIBABA_CLOUD_CREDENTIALS_URI", ""))
        if _is_network(lowered):
            return True, f"the credentials URI {uri} could not be reached"
        return False, (
            f"the credentials URI {uri} did not answer with AccessKeyId, AccessKeySecret, "
            "SecurityToken and Expiration"
        )
    if source == str(ini_path()):
        if not ini_path().is_file():
            return None
        return False, _ini_problem(ini_path())
    if source == str(cli_config_path()) and not cli_config_path().is_file():
        return None
    if source == "the ECS RAM role":
        return None  # not on ECS, or no role attached: not a configuration of the user's
    if _is_network(lowered):
        return True, f"STS could not be reached for {source} (role assumption)"
    if source == str(cli_config_path()) or source.startswith("profile"):
        try:
            _cli_config(cli_config_path())
        except ConfigError as bad:
            return False, bad.message
    return False, f"{source}: {text}"


def _is_network(lowered: str) -> bool:
    return any(word in lowered for word in _NETWORK_WORDS)


def _ini_problem(path: Path) -> str:
    """What is wrong with credentials.ini, by line number only (never a line's text)."""
    parser = configparser.ConfigParser()
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return f"{path} cannot be read as UTF-8 text"
    except configparser.ParsingError as problem:
        lines = ", ".join(str(number) for number, _ in problem.errors[:5])
        return f"{path}: line {lines} is not 'key = value'"
    except configparser.Error as problem:
        line = getattr(problem, "lineno", None)
        return f"{path}: {type(problem).__name__}" + (f" at line {line}" if line else "")
    section = os.environ.get("ALIBABA_CLOUD_PROFILE") or "default"
    if not parser.has_section(section):
        return f"{path} has no [{section}] section"
    return f"{path} [{section}] does not give usable credentials (type, access_key_id, ...)"
