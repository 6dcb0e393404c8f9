"""The Alibaba Cloud API through the official SDK: set-up, one call with retries, in parallel.

The SDK is imported only when a Client is made, so commands that never call the API never
pay for it. Every call of every action goes through ``Client.call``: signed by the SDK,
retried with backoff on throttling, 5xx and network failures, bounded in time (a whole
attempt, not each socket read) and in size (an answer too large, or a redirect to another
host, is refused before it is parsed). Errors leave as ``ConfigError`` (credentials,
region, permission: exit 3) or ``ApiError`` (API and network: exit 4), one line each,
after ``redact``: never with a secret in them.
"""

from __future__ import annotations

import ipaddress
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from eci_events.errors import ApiError, ConfigError, EciEventsError
from eci_events.limits import RESPONSE_BYTES
from eci_events.sources.credentials import FIX, cli_profile, credential_client
from eci_events.sources.redact import redact, remember

ECI_VERSION = "2018-08-08"
DEFAULT_CONCURRENCY = 10
DEFAULT_MAX_ATTEMPTS = 4
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 10.0
BACKOFF_BASE = 0.2  # seconds before the second attempt; doubles each time
BACKOFF_CAP = 20.0
RETRY_AFTER_CAP = 60.0  # a server's x-acs-retry-after is honoured up to this
_PROXY_ENV = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
# Our own refusals travel through the SDK as network errors; this marks them.
_REFUSED = "eci-events refused the answer: "

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

    @property
    def deadline(self) -> float:
        """The most one attempt may take, however slowly the answer trickles in."""
        return self.connect_timeout + self.read_timeout


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
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+){1,5}", region):
        raise ConfigError(f"region {region!r} is not a region id like cn-hangzhou")
    return region


def resolve_endpoint(
    endpoint: str | None, default: str, option: str = "--endpoint"
) -> tuple[str, str]:
    """(host[:port], protocol) of ``endpoint`` (a host or an http(s) URL), else ``default``."""
    if not endpoint:
        return default, "https"
    text = endpoint.strip()
    if "://" not in text:
        text = "https://" + text
    example = "e.g. eci.cn-hangzhou.aliyuncs.com or http://127.0.0.1:8080"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as problem:
        raise ConfigError(
            f"{option} {endpoint!r} is not a valid URL ({problem}); {example}"
        ) from None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(f"{option} {endpoint!r} is not a host or an http(s) URL; {example}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ConfigError(f"{option} {endpoint!r}: give the host (and port) only; {example}")
    if port == 0:
        raise ConfigError(f"{option} {endpoint!r}: port 0 is not a port")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ConfigError(f"{option} {endpoint!r}: {host!r} is not an IPv6 address") from None
        host = f"[{host}]"
    elif not _HOST.match(host):
        raise ConfigError(f"{option} {endpoint!r}: {host!r} is not a valid host name")
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


# -- error classification ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    retry: bool
    error: EciEventsError
    retry_after: float | None = None  # seconds, from x-acs-retry-after


def server_text(exc: Any) -> tuple[str, str, str]:
    """(Code, Message, RequestId) of an API error, as the server sent them (raw)."""
    data = getattr(exc, "data", None) or {}
    message = str(data.get("Message") or data.get("message") or "").strip()
    if "server string to sign" in message:
        message = message.split("server string to sign", 1)[0].rstrip(" .:") + "."
    request_id = str(data.get("RequestId") or getattr(exc, "request_id", "") or "")
    return str(getattr(exc, "code", "") or ""), message, request_id


def _is_network(exc: object) -> bool:
    """A transport failure from urllib3 or requests (not one the SDK wrapped as RetryError)."""
    from requests.exceptions import RequestException
    from urllib3.exceptions import HTTPError

    return isinstance(exc, (HTTPError, RequestException))


def classify(exc: BaseException, settings: Settings, action: str) -> Problem:
    """What an SDK exception means for the user, and whether to try again."""
    from darabonba.exceptions import RetryError
    from darabonba.exceptions import UnretryableException as DaraUnretryable
    from Tea.exceptions import TeaException

    timeouts = (settings.connect_timeout, settings.read_timeout)
    if isinstance(exc, DaraUnretryable):
        inner = getattr(exc, "inner_exception", None)
        if type(inner).__name__ == "CredentialException":
            return Problem(False, ConfigError(f"no Alibaba Cloud credentials found; {FIX}"))
        if isinstance(inner, RetryError):
            text = str(inner.message)
            if _REFUSED in text:
                return Problem(False, ApiError(text.split(_REFUSED, 1)[1].rstrip("')\"")))
            return Problem(True, ApiError(network_text(text, timeouts)))
        text = str(inner)
        if _is_network(inner):  # an answer cut short, a reset mid-body: worth another try
            return Problem(True, ApiError(network_text(text, timeouts)))
        if "parse the value as json" in text:
            return Problem(
                True,
                ApiError(
                    "the endpoint answered with a non-JSON body (an HTML error page from a "
                    "gateway or proxy?); retry later or check --endpoint and proxy settings"
                ),
            )
        return Problem(False, ApiError(f"request failed: {redact(text)[:200]}"))
    if isinstance(exc, TeaException):
        code, message, request_id = server_text(exc)
        status = getattr(exc, "status_code", None) or (getattr(exc, "data", None) or {}).get(
            "statusCode"
        )
        rid = f" (request id {request_id})" if request_id and request_id != "None" else ""
        retry_after = getattr(exc, "retry_after", None)
        throttled = ApiError(
            f"throttled by the API ({code}){rid}; retry later or lower --concurrency"
        )
        if retry_after:
            return Problem(True, throttled, float(retry_after) / 1000.0)  # backoff() caps it
        if code.startswith("Throttling"):
            return Problem(True, throttled)
        product = ram_action(action).split(":")[0].upper()
        if isinstance(status, int) and status >= 500:
            return Problem(
                True,
                ApiError(
                    f"the {product} API failed with HTTP {status} {code}: {message}{rid}; retry later"
                ),
            )
        if code in _CREDENTIAL_CODES:
            return Problem(
                False, ConfigError(f"{_CREDENTIAL_CODES[code]} ({code}){rid}; check {FIX[4:]}")
            )
        if code.startswith(("Forbidden", "NoPermission")) or status == 403:
            return Problem(
                False,
                ConfigError(
                    f"access denied ({code}){rid}; grant this identity the RAM action "
                    f"{ram_action(action)} (e.g. the {_READ_ONLY[product]} policy)"
                ),
            )
        if code in ("InvalidRegionId", "MissingRegionId", "InvalidRegionId.NotFound"):
            return Problem(
                False,
                ConfigError(
                    f"the API rejected the region ({code}){rid}; check --region or "
                    "ALIBABA_CLOUD_REGION_ID"
                ),
            )
        if code == "InvalidAction.NotFound":
            return Problem(
                False,
                ConfigError(
                    f"the endpoint does not serve {action} ({code}){rid}; check --endpoint"
                ),
            )
        detail = f": {message}" if message else ""
        return Problem(
            False, ApiError(f"the {product} API rejected the request ({code}{detail}){rid}")
        )
    return Problem(
        False, ApiError(f"unexpected failure: {type(exc).__name__}: {redact(str(exc))[:200]}")
    )


# The system policy that grants a product's read-only actions, by the action's prefix.
_READ_ONLY = {"ECI": "AliyunECIReadOnlyAccess", "VPC": "AliyunVPCReadOnlyAccess"}


def ram_action(action: str) -> str:
    """The RAM action a call needs (VPC calls are ``vpc:``, the rest ``eci:``)."""
    return f"{'vpc' if action == 'DescribeVSwitches' else 'eci'}:{action}"


def network_text(text: str, timeouts: tuple[float, float]) -> str:
    """One line for a network failure, from the requests/urllib3 text (never echoed whole)."""
    lowered = text.lower()
    if "read timed out" in lowered:
        return f"no answer within the read timeout ({timeouts[1]:g}s); retry later or raise --read-timeout"
    if "connect timeout" in lowered or "connecttimeout" in lowered:
        return f"could not connect within {timeouts[0]:g}s; check the network, --endpoint or --vpc"
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        return (
            "the TLS handshake failed (an untrusted or mismatched certificate, e.g. from a proxy "
            "that intercepts HTTPS); check --endpoint, the proxy and REQUESTS_CA_BUNDLE"
        )
    if (
        "incompleteread" in lowered
        or "connection broken" in lowered
        or "chunkedencoding" in lowered
    ):
        return "the connection was cut in the middle of the answer; retry later"
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
    return f"network failure: {redact(text)[:160]}"


def backoff(
    attempt: int, retry_after: float | None, rng: Callable[[], float] = random.random
) -> float:
    """Seconds before attempt ``attempt + 1``: the server's wish, else exponential with jitter."""
    if retry_after is not None:
        return min(retry_after, RETRY_AFTER_CAP)
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return ceiling / 2 + rng() * ceiling / 2  # "equal jitter"


# -- the transport guard ------------------------------------------------------------------------

_attempt = threading.local()  # .deadline: when the current thread's attempt must end


def _guarded_adapter(pool_maxsize: int) -> Any:
    """A requests adapter that refuses redirects to another host, answers larger than
    ``RESPONSE_BYTES``, and bodies still arriving after the attempt's deadline."""
    from requests.adapters import HTTPAdapter

    class GuardedAdapter(HTTPAdapter):
        def send(self, request: Any, stream: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
            response = super().send(request, stream=True, **kwargs)
            if response.is_redirect:
                target = urlsplit(response.headers.get("location", "")).netloc
                if target and target != urlsplit(request.url).netloc:
                    response.close()
                    raise OSError(
                        f"{_REFUSED}the endpoint redirected to another host; check --endpoint"
                    )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > RESPONSE_BYTES:
                response.close()
                raise OSError(_too_large())
            body = bytearray()
            deadline = getattr(_attempt, "deadline", None)
            while chunk := response.raw.read1(65536, decode_content=True):
                body += chunk
                if len(body) > RESPONSE_BYTES:
                    response.close()
                    raise OSError(_too_large())
                if deadline is not None and time.monotonic() > deadline:
                    response.close()
                    raise OSError("Read timed out (the answer arrived too slowly)")
            response._content = bytes(body)
            return response

    return GuardedAdapter(pool_connections=1, pool_maxsize=pool_maxsize)


def _too_large() -> str:
    return (
        f"{_REFUSED}the answer is larger than {RESPONSE_BYTES >> 20} MiB, far more than any "
        "ECI answer holds; check --endpoint"
    )


def _guard_session(protocol: str, host: str, max_idle_conns: int) -> None:
    """Create the SDK's pooled HTTP session for ``host`` now, with our guarded adapter.

    darabonba creates sessions lazily without a lock, so threads starting together would
    each build one (and an SSL context); made here, before any thread starts, it is shared.
    This reaches into a private helper of darabonba 1.x (pinned through tea-openapi 0.4).
    """
    from darabonba.core import DaraCore

    pool = DaraCore._resolve_pool_maxsize({"maxIdleConns": max_idle_conns})
    key = f"{protocol.lower()}://{host}:80:pool={pool}"  # darabonba's key: the port is 80
    session = DaraCore._get_session(session_key=key, protocol=protocol, pool_size=pool)
    adapter = _guarded_adapter(pool)
    session.mount("http://", adapter)
    session.mount("https://", adapter)


# -- the client ---------------------------------------------------------------------------------


class Client:
    """One configured SDK client per endpoint; ``call`` does one action with retries."""

    def __init__(self, settings: Settings, debug: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self._debug = debug
        self._count_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        self.requests = 0
        self._sdk: dict[str, Any] = {}
        self._config = self._make_config()
        self._sdk[settings.host] = self._make_sdk(settings.host, settings.protocol)

    def debug(self, text: str) -> None:
        """A --debug line; every one passes ``redact``."""
        if self._debug is not None:
            self._debug(redact(text))

    def _make_config(self) -> dict[str, Any]:
        s = self.settings
        config: dict[str, Any] = {
            "region_id": s.region,
            "connect_timeout": int(s.connect_timeout * 1000),
            "read_timeout": int(s.read_timeout * 1000),
            "max_idle_conns": max(s.concurrency, 10),
            "user_agent": "eci-events",
        }
        if s.demo_key is not None:
            config["access_key_id"], config["access_key_secret"] = s.demo_key
            remember(s.demo_key[1])
            source = "demo key"
        else:
            credential, resolved = credential_client(s.profile, self.debug)
            config["credential"] = credential
            key_id = resolved.get_access_key_id() or ""
            source = f"{resolved.get_provider_name() or 'unknown'} ({_mask(key_id)})"
        self.debug(
            f"endpoint {s.protocol}://{s.host} region {s.region} credentials {source} "
            f"timeouts {s.connect_timeout:g}s/{s.read_timeout:g}s attempts {s.max_attempts} "
            f"concurrency {s.concurrency}"
        )
        return config

    def _make_sdk(self, host: str, protocol: str) -> Any:
        from alibabacloud_tea_openapi import models as open_api_models
        from alibabacloud_tea_openapi.client import Client as OpenApiClient

        config = open_api_models.Config(endpoint=host, protocol=protocol, **self._config)
        client = OpenApiClient(config)
        _guard_session(protocol, host, config.max_idle_conns)
        return client

    def add_endpoint(self, host: str, protocol: str) -> None:
        """Another endpoint (the VPC API) signed with the same credentials."""
        if host not in self._sdk:
            self._sdk[host] = self._make_sdk(host, protocol)

    def _once(self, action: str, query: Mapping[str, Any], version: str, host: str) -> Any:
        """One attempt, bounded by the deadline even when the answer trickles in."""
        from alibabacloud_openapi_util.client import Client as OpenApiUtilClient
        from alibabacloud_tea_openapi import models as open_api_models
        from alibabacloud_tea_util import models as util_models

        params = open_api_models.Params(
            action=action,
            version=version,
            protocol="HTTPS",
            pathname="/",
            method="POST",
            auth_type="AK",
            style="RPC",
            req_body_type="formData",
            body_type="json",
        )
        request = open_api_models.OpenApiRequest(query=OpenApiUtilClient.query(dict(query)))
        deadline = self.settings.deadline
        outcome: list[Any] = []

        def attempt() -> None:
            _attempt.deadline = time.monotonic() + deadline
            try:
                outcome.append(
                    (True, self._sdk[host].call_api(params, request, util_models.RuntimeOptions()))
                )
            except BaseException as problem:  # handed to the caller's thread
                outcome.append((False, problem))

        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        worker.join(deadline + 1.0)
        if not outcome:  # still waiting for headers that trickle in: give up on it
            raise ApiError(
                f"no complete answer within {deadline:g}s (the endpoint answers too slowly); "
                "retry later or raise --read-timeout"
            )
        ok, value = outcome[0]
        if not ok:
            raise value
        return value

    def call(
        self,
        action: str,
        query: Mapping[str, Any],
        *,
        version: str = ECI_VERSION,
        host: str | None = None,
    ) -> dict[str, Any]:
        """One API call with retries: the raw answer's body (the SDK models drop keys such
        as NextToken). Raises ConfigError or ApiError."""
        target = host or self.settings.host
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            with self._count_lock:
                self.requests += 1
            try:
                with self._slots:  # --concurrency bounds calls in flight, whoever makes them
                    raw = self._once(action, query, version, target)
            except ApiError as slow:
                problem = Problem(True, slow)
            except Exception as exc:
                problem = classify(exc, self.settings, action)
            else:
                body = raw.get("body") if isinstance(raw, dict) else None
                if not isinstance(body, dict):
                    raise ApiError(
                        f"{action}: the API answered with a body that is not a JSON object"
                    )
                self.debug(
                    f"{action} attempt {attempt} {_brief(query)} ok in "
                    f"{time.monotonic() - started:.2f}s, request id {body.get('RequestId')}"
                )
                return body
            self.debug(
                f"{action} attempt {attempt}/{self.settings.max_attempts} {_brief(query)} failed "
                f"after {time.monotonic() - started:.2f}s: {problem.error.message}"
            )
            if not problem.retry or attempt >= self.settings.max_attempts:
                if problem.retry and attempt > 1:
                    problem.error.message += f" (gave up after {attempt} attempts)"
                raise problem.error from None
            delay = backoff(attempt, problem.retry_after)
            self.debug(f"retrying in {delay:.2f}s")
            time.sleep(delay)


def run_parallel(jobs: Sequence[Callable[[], Any]], concurrency: int) -> Iterator[tuple[int, Any]]:
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


def _brief(query: Mapping[str, Any]) -> str:
    ids = query.get("ContainerGroupIds")
    count = ids.count('"') // 2 if isinstance(ids, str) else 0
    token = " +NextToken" if query.get("NextToken") else ""
    return f"[{count} ids{token}]" if count else f"[query{token}]"


def _mask(key_id: str) -> str:
    return key_id[:4] + "****" + key_id[-4:] if len(key_id) > 8 else "****"
