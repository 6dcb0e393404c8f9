"""DescribeContainerGroupEvents through the official SDK: set-up, batching, paging, retries.

The SDK is imported only inside ``Fetcher`` so that other commands never pay for it.
Errors leave this module as ``ConfigError`` (credentials, region, permission: exit 3)
or ``ApiError`` (API and network: exit 4), one line each, never with a secret in them.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from eci_events.errors import ApiError, ConfigError, EciEventsError
from eci_events.events import Event, api_events

ACTION = "DescribeContainerGroupEvents"
VERSION = "2018-08-08"
BATCH = 20  # ids per call: the API's limit
MAX_EVENTS = 50  # the API returns at most this many (the latest) per instance
DEFAULT_CONCURRENCY = 10
DEFAULT_MAX_ATTEMPTS = 4
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 10.0
BACKOFF_BASE = 0.2  # seconds before the second attempt; doubles each time
BACKOFF_CAP = 20.0
RETRY_AFTER_CAP = 60.0
PROFILE_ENV = ("ALIBABACLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")
_PROXY_ENV = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")

_CREDENTIAL_CODES = {
    "InvalidAccessKeyId.NotFound": "the AccessKey ID is not known to Alibaba Cloud",
    "InvalidAccessKeyId.Inactive": "the AccessKey is disabled",
    "InvalidAccessKeyId": "the AccessKey ID is not valid",
    "SignatureDoesNotMatch": "the AccessKey secret does not match the AccessKey ID",
    "IncompleteSignature": "the request signature was rejected",
    "MissingAuthorization": "the request carried no credentials",
    "InvalidCredentials": "no credentials were configured",
    "InvalidSecurityToken.Expired": "the STS token has expired",
    "InvalidSecurityToken.Malformed": "the STS token is malformed",
    "InvalidSecurityToken.MismatchWithAccessKey": "the STS token belongs to another AccessKey",
    "InvalidTimeStamp.Expired": "the request time is too far from the server's (check the clock)",
}
_CREDENTIAL_FIX = (
    "check the AccessKey in ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET, "
    "~/.aliyun/config.json (--profile NAME) or ~/.alibabacloud/credentials.ini"
)


# -- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """How to reach the API. ``demo_key`` (id, secret) is only for the in-process demo."""

    region: str
    host: str  # host[:port], no scheme
    protocol: str = "https"
    profile: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    concurrency: int = DEFAULT_CONCURRENCY
    demo_key: tuple[str, str] | None = field(default=None, repr=False)


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def cli_config_path() -> Path:
    return _home() / ".aliyun" / "config.json"


def cli_profile(name: str | None) -> dict[str, Any] | None:
    """The aliyun CLI profile: ``name``, else $ALIBABA_CLOUD_PROFILE & co., else ``current``.

    Returns None when there is no config file; raises ConfigError when a profile
    named explicitly is missing or the file is unreadable.
    """
    path = cli_config_path()
    if not path.is_file():
        if name:
            raise ConfigError(
                f"--profile {name}: {path} does not exist; create the profile with: "
                f"aliyun configure --profile {name}"
            )
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        raise ConfigError(f"cannot read {path}: {problem}; fix or remove the file") from None
    wanted = name or next((os.environ[v] for v in PROFILE_ENV if os.environ.get(v)), None)
    wanted = wanted or config.get("current")
    for profile in config.get("profiles") or []:
        if isinstance(profile, dict) and profile.get("name") == wanted:
            return profile
    if name:
        known = ", ".join(str(p.get("name")) for p in config.get("profiles") or [])
        raise ConfigError(
            f"profile {name!r} is not in {path} (profiles: {known or 'none'}); "
            f"create it with: aliyun configure --profile {name}"
        )
    return None


def resolve_region(flag: str | None, profile: str | None) -> str:
    """--region, else $ALIBABA_CLOUD_REGION_ID, else the CLI profile's region_id."""
    region = flag or os.environ.get("ALIBABA_CLOUD_REGION_ID")
    if not region:
        chosen = cli_profile(profile)
        region = (chosen or {}).get("region_id") or None
    if not region:
        raise ConfigError(
            "no region: pass --region (for example cn-hangzhou), set ALIBABA_CLOUD_REGION_ID "
            "or set region_id in your aliyun CLI profile"
        )
    region = str(region).strip()
    if not region.replace("-", "").isalnum():
        raise ConfigError(f"region {region!r} is not a region id like cn-hangzhou")
    return region


def resolve_endpoint(endpoint: str | None, vpc: bool, region: str) -> tuple[str, str]:
    """(host[:port], protocol): eci.<region>.aliyuncs.com, eci-vpc. with --vpc, or --endpoint."""
    if not endpoint:
        prefix = "eci-vpc" if vpc else "eci"
        return f"{prefix}.{region}.aliyuncs.com", "https"
    text = endpoint.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--endpoint {endpoint!r} is not a host or an http(s) URL, "
            "e.g. eci.cn-hangzhou.aliyuncs.com or http://127.0.0.1:8080"
        )
    if parts.path not in ("", "/") or parts.query:
        raise ConfigError(f"--endpoint {endpoint!r}: give the host only, without a path")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"--endpoint {endpoint!r} has an invalid port") from None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return (f"{host}:{port}" if port else host), parts.scheme


def is_loopback(host: str) -> bool:
    name = urlsplit("//" + host).hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def bypass_proxy(host: str, protocol: str) -> bool:
    """Drop proxy variables when the endpoint is loopback or listed in NO_PROXY.

    The SDK reads HTTP(S)_PROXY itself and ignores NO_PROXY, so a loopback endpoint
    (tests, --demo) would otherwise be sent to the proxy. Returns True when dropped.
    """
    from requests.utils import should_bypass_proxies

    if not is_loopback(host) and not should_bypass_proxies(f"{protocol}://{host}/", None):
        return False
    dropped = False
    for name in _PROXY_ENV:
        if os.environ.pop(name, None) is not None:
            dropped = True
    return dropped


# -- query and results -------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    ids: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    zone: str | None = None
    vswitch: str | None = None
    resource_group: str | None = None
    since: int | None = None
    source: str | None = None

    def describe(self) -> str:
        """What was searched, in words, for the empty-result and footer lines."""
        parts = []
        if self.ids:
            shown = ", ".join(self.ids[:3]) + (
                f" and {len(self.ids) - 3} more" if len(self.ids) > 3 else ""
            )
            parts.append(f"group{'s' if len(self.ids) > 1 else ''} {shown}")
        else:
            parts.append("all container groups")
        filters = [f"tag {k}={v}" for k, v in self.tags]
        filters += [
            f"{n} {v}"
            for n, v in (
                ("zone", self.zone),
                ("vSwitch", self.vswitch),
                ("resource group", self.resource_group),
            )
            if v
        ]
        if self.source:
            filters.append(f"source {self.source}")
        if filters:
            parts.append("with " + ", ".join(filters))
        return " ".join(parts)


@dataclass
class GroupInfo:
    group_id: str
    group_name: str
    namespace: str
    events: int
    truncated: bool


@dataclass
class Failure:
    group_ids: list[str]
    error: str
    exit_code: int = 4


@dataclass
class Result:
    events: list[Event] = field(default_factory=list)
    groups: list[GroupInfo] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # requested ids the API did not return
    requests: int = 0


# -- error classification ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    retry: bool
    error: EciEventsError
    retry_after: float | None = None  # seconds, from x-acs-retry-after


def _server_text(exc: Any) -> tuple[str, str, str]:
    data = getattr(exc, "data", None) or {}
    message = str(data.get("Message") or data.get("message") or "").strip()
    if "server string to sign" in message:
        message = message.split("server string to sign", 1)[0].rstrip(" .:") + "."
    request_id = str(data.get("RequestId") or getattr(exc, "request_id", "") or "")
    return str(getattr(exc, "code", "") or ""), message, request_id


def classify(exc: BaseException, timeouts: tuple[float, float]) -> Problem:
    """What an SDK exception means for the user, and whether to try again."""
    from darabonba.exceptions import RetryError
    from darabonba.exceptions import UnretryableException as DaraUnretryable
    from Tea.exceptions import TeaException

    if isinstance(exc, DaraUnretryable):
        inner = getattr(exc, "inner_exception", None)
        name = type(inner).__name__
        if name == "CredentialException":
            return Problem(
                False,
                ConfigError(f"no Alibaba Cloud credentials found; {_CREDENTIAL_FIX}"),
            )
        if isinstance(inner, RetryError):
            return Problem(True, ApiError(_network_text(str(inner.message), timeouts)))
        text = str(inner)
        if "parse the value as json" in text:
            return Problem(
                True,
                ApiError(
                    "the endpoint answered with a non-JSON body (an HTML error page from a "
                    "gateway or proxy?); retry later or check --endpoint and proxy settings"
                ),
            )
        return Problem(False, ApiError(f"request failed: {text[:200]}"))
    if isinstance(exc, TeaException):
        code, message, request_id = _server_text(exc)
        status = getattr(exc, "status_code", None) or (getattr(exc, "data", None) or {}).get(
            "statusCode"
        )
        rid = f" (request id {request_id})" if request_id and request_id != "None" else ""
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            return Problem(
                True,
                ApiError(f"throttled by the API ({code}){rid}; retry later or lower --concurrency"),
                min(float(retry_after) / 1000.0, RETRY_AFTER_CAP),
            )
        if code.startswith("Throttling"):
            return Problem(
                True,
                ApiError(f"throttled by the API ({code}){rid}; retry later or lower --concurrency"),
            )
        if isinstance(status, int) and status >= 500:
            return Problem(
                True,
                ApiError(
                    f"the ECI API failed with HTTP {status} {code}: {message}{rid}; retry later"
                ),
            )
        if code in _CREDENTIAL_CODES:
            return Problem(
                False, ConfigError(f"{_CREDENTIAL_CODES[code]} ({code}){rid}; {_CREDENTIAL_FIX}")
            )
        if code.startswith(("Forbidden", "NoPermission")) or status == 403:
            return Problem(
                False,
                ConfigError(
                    f"access denied ({code}){rid}; grant this identity the RAM action "
                    "eci:DescribeContainerGroupEvents (e.g. the AliyunECIReadOnlyAccess policy)"
                ),
            )
        if code in ("InvalidRegionId", "MissingRegionId", "InvalidRegionId.NotFound"):
            return Problem(
                False,
                ConfigError(
                    f"the API rejected the region ({code}){rid}; check --region or ALIBABA_CLOUD_REGION_ID"
                ),
            )
        if code == "InvalidAction.NotFound":
            return Problem(
                False,
                ConfigError(f"the endpoint does not serve ECI ({code}){rid}; check --endpoint"),
            )
        detail = f": {message}" if message else ""
        return Problem(False, ApiError(f"the ECI API rejected the request ({code}{detail}){rid}"))
    return Problem(False, ApiError(f"unexpected failure: {type(exc).__name__}: {str(exc)[:200]}"))


def _network_text(text: str, timeouts: tuple[float, float]) -> str:
    lowered = text.lower()
    if "read timed out" in lowered:
        return f"no answer within the read timeout ({timeouts[1]:g}s); retry later or raise --read-timeout"
    if "connect timeout" in lowered or "connecttimeout" in lowered:
        return f"could not connect within {timeouts[0]:g}s; check the network, --endpoint or --vpc"
    if "refused" in lowered:
        return "connection refused by the endpoint; check --endpoint"
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or "resolve" in lowered
    ):
        return "cannot resolve the endpoint's host name; check the region, --endpoint or --vpc"
    if "proxy" in lowered:
        return "the proxy in HTTP(S)_PROXY failed; check it or set NO_PROXY for the endpoint"
    if "aborted" in lowered or "disconnected" in lowered or "reset" in lowered:
        return "the connection was dropped before an answer arrived; retry later"
    return f"network failure: {text[:160]}"


def backoff(
    attempt: int, retry_after: float | None, rng: Callable[[], float] = random.random
) -> float:
    """Seconds before attempt ``attempt + 1``: the server's wish, else exponential with jitter."""
    if retry_after is not None:
        return retry_after
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return ceiling / 2 + rng() * ceiling / 2  # "equal jitter"


# -- the fetcher -------------------------------------------------------------------------------


def call_action(client: Any, query: Mapping[str, Any]) -> Any:
    """One DescribeContainerGroupEvents call, no retry: the raw answer (``body`` and headers).

    Through ``call_api`` rather than the typed method, whose response model drops NextToken.
    """
    from alibabacloud_openapi_util.client import Client as OpenApiUtilClient
    from alibabacloud_tea_openapi import models as open_api_models
    from alibabacloud_tea_util import models as util_models

    params = open_api_models.Params(
        action=ACTION,
        version=VERSION,
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = open_api_models.OpenApiRequest(query=OpenApiUtilClient.query(dict(query)))
    return client.call_api(params, request, util_models.RuntimeOptions())


class Fetcher:
    """One configured SDK client; ``fetch(query)`` returns every event of the query."""

    def __init__(self, settings: Settings, debug: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self._debug = debug
        self._secrets: list[str] = []
        self._count_lock = threading.Lock()
        self.requests = 0
        self._client = self._make_client()

    # Debug lines pass through here; any secret we know of is masked as well.
    def debug(self, text: str) -> None:
        if self._debug is None:
            return
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, "***")
        self._debug(text)

    def _credential(self) -> Any:
        import logging

        from alibabacloud_credentials.client import Client as CredentialClient

        # The chain's providers log every failed attempt with a traceback; our own
        # one-line error says what was tried, so keep their log quiet.
        logging.getLogger("credentials").disabled = True

        if self.settings.profile:
            from alibabacloud_credentials.provider import CLIProfileCredentialsProvider

            provider = CLIProfileCredentialsProvider(
                profile_name=self.settings.profile, profile_file=str(cli_config_path())
            )
            return CredentialClient(provider=provider)
        # The library reads the environment when first imported; read it again now,
        # so that the chain sees the variables of this run.
        import importlib

        from alibabacloud_credentials.utils import auth_constant, auth_util

        importlib.reload(auth_util)
        importlib.reload(auth_constant)
        return CredentialClient()

    def _make_client(self) -> Any:
        from alibabacloud_eci20180808.client import Client as EciClient
        from alibabacloud_tea_openapi import models as open_api_models

        s = self.settings
        config = open_api_models.Config(
            region_id=s.region,
            endpoint=s.host,
            protocol=s.protocol,
            connect_timeout=int(s.connect_timeout * 1000),
            read_timeout=int(s.read_timeout * 1000),
            max_idle_conns=max(s.concurrency, 10),
            user_agent="eci-events",
        )
        if s.demo_key is not None:
            config.access_key_id, config.access_key_secret = s.demo_key
            self._secrets.append(s.demo_key[1])
            source = "demo key"
        else:
            credential = self._credential()
            try:
                resolved = credential.get_credential()
            except Exception as problem:
                # The chain's message lists each provider's failure; no secret is in it.
                self.debug(f"credentials: {type(problem).__name__}: {problem}")
                where = f"profile {s.profile!r}" if s.profile else "any standard place"
                raise ConfigError(
                    f"no usable Alibaba Cloud credentials in {where}; {_CREDENTIAL_FIX}"
                ) from None
            self._secrets += [resolved.access_key_secret or "", resolved.security_token or ""]
            config.credential = credential
            source = (
                f"{resolved.provider_name or 'unknown'} ({_mask(resolved.access_key_id or '')})"
            )
        self.debug(
            f"endpoint {s.protocol}://{s.host} region {s.region} credentials {source} "
            f"timeouts {s.connect_timeout:g}s/{s.read_timeout:g}s attempts {s.max_attempts} "
            f"concurrency {s.concurrency}"
        )
        client = EciClient(config)
        _warm_session(s.protocol, s.host, config.max_idle_conns)
        return client

    def _call(self, query: Mapping[str, Any]) -> dict[str, Any]:
        """One API call with retries; the raw body (the SDK model drops NextToken)."""
        timeouts = (self.settings.connect_timeout, self.settings.read_timeout)
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            with self._count_lock:
                self.requests += 1
            try:
                raw = call_action(self._client, query)
            except Exception as exc:
                problem = classify(exc, timeouts)
                self.debug(
                    f"attempt {attempt}/{self.settings.max_attempts} {_brief(query)} failed after "
                    f"{time.monotonic() - started:.2f}s: {problem.error.message}"
                )
                if not problem.retry or attempt >= self.settings.max_attempts:
                    if problem.retry and attempt > 1:
                        problem.error.message += f" (gave up after {attempt} attempts)"
                    raise problem.error from None
                delay = backoff(attempt, problem.retry_after)
                self.debug(f"retrying in {delay:.2f}s")
                time.sleep(delay)
                continue
            body = raw.get("body") if isinstance(raw, dict) else None
            if not isinstance(body, dict):
                raise ApiError("the ECI API answered with an unexpected body; check --endpoint")
            self.debug(
                f"attempt {attempt} {_brief(query)} ok in {time.monotonic() - started:.2f}s: "
                f"{len(body.get('Data') or [])} groups, request id {body.get('RequestId')}"
            )
            return body

    def _pages(self, query: Query, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Every page of one batch (or of the filter query when ``ids`` is empty)."""
        from alibabacloud_eci20180808 import models as eci_models

        request = eci_models.DescribeContainerGroupEventsRequest(
            region_id=self.settings.region,
            container_group_ids=json.dumps(list(ids)) if ids else None,
            zone_id=query.zone,
            v_switch_id=query.vswitch,
            resource_group_id=query.resource_group,
            since_second=query.since,
            event_source=query.source,
            tag=[
                eci_models.DescribeContainerGroupEventsRequestTag(key=k, value=v)
                for k, v in query.tags
            ]
            or None,
        )
        base = request.to_map()
        bodies = []
        token: str | None = None
        seen: set[str] = set()
        while True:
            page = dict(base)
            if token:  # never send an empty NextToken
                page["NextToken"] = token
            body = self._call(page)
            bodies.append(body)
            token = body.get("NextToken") or None
            if not token:
                return bodies
            if token in seen:
                raise ApiError(
                    "the ECI API returned the same NextToken twice; stopping to avoid a loop"
                )
            seen.add(token)

    def fetch(self, query: Query) -> Result:
        """All events of the query: batches of 20 ids in parallel, results in input order."""
        ids = list(dict.fromkeys(query.ids))
        batches: list[list[str]] = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)] or [[]]
        outcomes: list[list[dict[str, Any]] | EciEventsError | None] = [None] * len(batches)
        for index, outcome in _run_parallel(
            [functools.partial(self._pages, query, b) for b in batches], self.settings.concurrency
        ):
            outcomes[index] = outcome
        result = Result()
        returned: set[str] = set()
        for batch, outcome in zip(batches, outcomes, strict=True):
            if isinstance(outcome, EciEventsError):
                result.failed.append(Failure(batch, outcome.message, int(outcome.exit_code)))
                continue
            assert outcome is not None
            found: dict[str, tuple[GroupInfo, list[Event]]] = {}
            for body in outcome:
                for data in body.get("Data") or []:
                    if not isinstance(data, dict):
                        continue
                    events = list(api_events({"Data": [data]}))
                    gid = str(data.get("ContainerGroupId") or "")
                    info = GroupInfo(
                        gid,
                        str(data.get("Name") or ""),
                        str(data.get("Namespace") or ""),
                        len(events),
                        len(data.get("Events") or []) >= MAX_EVENTS,
                    )
                    found[gid] = (info, events)
            order = {gid: n for n, gid in enumerate(batch)}
            for gid in sorted(found, key=lambda g: order.get(g, len(order))):
                info, events = found[gid]
                result.groups.append(info)
                result.events.extend(events)
                returned.add(gid)
        failed_ids = {i for f in result.failed for i in f.group_ids}
        result.missing = [i for i in ids if i not in returned and i not in failed_ids]
        result.requests = self.requests
        return result


@contextmanager
def open_fetcher(
    *,
    demo: bool = False,
    region: str | None = None,
    profile: str | None = None,
    endpoint: str | None = None,
    vpc: bool = False,
    log: Callable[[str], None] | None = None,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> Iterator[Fetcher]:
    """A Fetcher for the resolved region and endpoint, or for the bundled demo.

    ``demo`` serves the sample events from an in-process emulator with a one-off key
    pair, for as long as the context lasts.
    """
    tuning: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
        "max_attempts": max_attempts,
        "concurrency": concurrency,
    }
    if demo:
        import secrets

        from eci_events.emulator import demo_emulator

        key_id, secret = "LTAIdemo" + secrets.token_hex(8), secrets.token_urlsafe(30)
        with demo_emulator(key_id, secret) as emu:
            host = f"127.0.0.1:{emu.port}"
            bypass_proxy(host, "http")
            region_id = next(iter(emu.regions))
            yield Fetcher(
                Settings(region_id, host, "http", demo_key=(key_id, secret), **tuning), log
            )
        return
    region_id = resolve_region(region, profile)
    host, protocol = resolve_endpoint(endpoint, vpc, region_id)
    if bypass_proxy(host, protocol) and log:
        log(f"proxy variables ignored for {host} (loopback or NO_PROXY)")
    yield Fetcher(Settings(region_id, host, protocol, profile=profile, **tuning), log)


def _run_parallel(jobs: Sequence[Callable[[], Any]], concurrency: int) -> Iterator[tuple[int, Any]]:
    """Run jobs on at most ``concurrency`` daemon threads; yield (index, result or error).

    Daemon threads let Ctrl-C end the process at once instead of waiting for
    in-flight requests; EciEventsError comes back as a value, anything else re-raises.
    """
    if len(jobs) == 1 or concurrency <= 1:
        for index, job in enumerate(jobs):
            try:
                yield index, job()
            except EciEventsError as problem:
                yield index, problem
        return
    import queue

    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(jobs)):
        todo.put(index)
    done: queue.SimpleQueue[tuple[int, Any, BaseException | None]] = queue.SimpleQueue()

    def worker() -> None:
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put((index, jobs[index](), None))
            except EciEventsError as problem:
                done.put((index, problem, None))
            except BaseException as crash:  # re-raised in the caller's thread
                done.put((index, None, crash))

    for _ in range(min(concurrency, len(jobs))):
        threading.Thread(target=worker, daemon=True).start()
    for _ in range(len(jobs)):
        while True:  # a timed wait keeps Ctrl-C responsive
            try:
                index, value, crash = done.get(timeout=0.25)
                break
            except queue.Empty:
                continue
        if crash is not None:
            raise crash
        yield index, value


def _warm_session(protocol: str, host: str, max_idle_conns: int) -> None:
    """Create the SDK's pooled HTTP session before the worker threads start.

    darabonba creates it lazily without a lock, so N threads starting together each
    build a session and an SSL context (~20 ms of CPU apiece, serialised by the GIL).
    This reaches into a private helper; if its shape changes we only lose the speed-up.
    """
    try:
        from darabonba.core import DaraCore

        pool = DaraCore._resolve_pool_maxsize({"maxIdleConns": max_idle_conns})
        key = f"{protocol.lower()}://{host}:80:pool={pool}"
        DaraCore._get_session(session_key=key, protocol=protocol, pool_size=pool)
    except Exception:  # pragma: no cover - a future SDK; correctness does not depend on it
        pass


def _brief(query: Mapping[str, Any]) -> str:
    ids = query.get("ContainerGroupIds")
    count = len(json.loads(ids)) if isinstance(ids, str) else 0
    token = " +NextToken" if query.get("NextToken") else ""
    return f"[{count} ids{token}]" if count else f"[filter{token}]"


def _mask(key_id: str) -> str:
    return key_id[:4] + "****" + key_id[-4:] if len(key_id) > 8 else "****"
