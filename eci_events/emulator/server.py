"""A loopback ECI endpoint that answers the SDK as the service does.

Tests drive the real SDK against it over 127.0.0.1, and ``eci-events list --demo`` and
``diagnose --demo`` read the bundled demo world from it in-process. It verifies
ACS3-HMAC-SHA256 signatures, routes on ``x-acs-action`` and ``x-acs-version`` to the
actions of the world (``world.py``: ECI DescribeContainerGroupEvents,
DescribeContainerGroups, DescribeAvailableResource, DescribeRegions, ListUsage,
DescribeContainerLog; VPC DescribeVSwitches), answers with the service's JSON shapes,
denies actions per access key and can be told to misbehave, for every action or some:
throttling, 5xx with JSON or HTML bodies, slow responses, dropped connections and a fixed
latency per request.

    with Emulator(credentials={"LTAI-test": "secret"}) as emu:
        emu.add_group("eci-1", events=[event("NoStock", "Create ECI failed ...")])
        emu.inject("throttle", times=2, retry_after_ms=100, actions=["ListUsage"])
        emu.deny("LTAI-test", "DescribeContainerLog")
        ...  # point the client at emu.endpoint ("http://127.0.0.1:PORT")
        assert emu.request_count == 3

Only the standard library is imported here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from eci_events.emulator.world import (
    DEFAULT_LIMIT,
    DEFAULT_REGION,
    ECI_VERSION,
    MAX_EVENTS,
    MAX_IDS,
    VPC_VERSION,
    ApiFailure,
    Group,
    Region,
    World,
    event,
    event_source,
    failure,
    group_ids,
    stamp,
)

__all__ = [
    "ACTION",
    "DEFAULT_LIMIT",
    "FAULT_KINDS",
    "MAX_EVENTS",
    "MAX_IDS",
    "ROUTES",
    "VERSION",
    "ApiFailure",
    "Emulator",
    "Fault",
    "Group",
    "Recorded",
    "event",
    "event_source",
    "stamp",
]

ACTION = "DescribeContainerGroupEvents"
VERSION = ECI_VERSION
# (x-acs-action, x-acs-version) -> the World method that answers it.
ROUTES: dict[tuple[str, str], Callable[[World, Mapping[str, str]], dict[str, Any]]] = {
    (ACTION, ECI_VERSION): World.describe_container_group_events,
    ("DescribeContainerGroups", ECI_VERSION): World.describe_container_groups,
    ("DescribeAvailableResource", ECI_VERSION): World.describe_available_resource,
    ("DescribeRegions", ECI_VERSION): World.describe_regions,
    ("ListUsage", ECI_VERSION): World.list_usage,
    ("DescribeContainerLog", ECI_VERSION): World.describe_container_log,
    ("DescribeVSwitches", VPC_VERSION): World.describe_vswitches,
}
ACTIONS = frozenset(action for action, _ in ROUTES)
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_REQUIRED_SIGNED = (
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
)
_CLOCK_SKEW = timedelta(minutes=15)
FAULT_KINDS = (
    "throttle",
    "unavailable",
    "html",
    "slow",
    "drop",
    "error",
    "body",
    "trickle",
    "redirect",
    "truncate",
)


def _request_ids(query: Mapping[str, str]) -> list[str]:
    """The group ids a request names: ContainerGroupIds (a JSON array) or ContainerGroupId."""
    ids = group_ids(query.get("ContainerGroupIds"))
    single = query.get("ContainerGroupId")
    return [*ids, single] if single else ids


@dataclass
class Fault:
    """Misbehaviour for the next ``times`` matching requests (``None``: every one).

    kinds: ``throttle`` (400 Throttling.User, with ``x-acs-retry-after`` when
    ``retry_after_ms`` is set), ``unavailable`` (503 ServiceUnavailable JSON), ``html``
    (503 with an HTML body, as a gateway sends), ``slow`` (answer after ``delay``
    seconds), ``drop`` (close the connection without answering), ``error`` (any
    ``status``/``code``/``message``), ``body`` (``status`` with ``body`` as the answer,
    verbatim: bytes, or a function of the fault's hit number giving bytes), ``trickle``
    (the real answer, one byte every ``delay`` seconds), ``truncate`` (the real answer's
    headers and half its body, then the connection closes) and ``redirect`` (a 302 to
    ``location``). ``ids`` limits the fault to requests naming one of those group ids
    (ContainerGroupIds or ContainerGroupId); ``actions`` to requests for those actions.
    """

    kind: str
    times: int | None = 1
    retry_after_ms: int | None = None
    delay: float = 0.0
    status: int = 400
    code: str = ""
    message: str = ""
    ids: frozenset[str] | None = None
    body: bytes | Callable[[int], bytes] | None = None
    location: str = ""
    actions: frozenset[str] | None = None
    hits: int = 0

    def applies(self, ids: Sequence[str], action: str = ACTION) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.actions is not None and action not in self.actions:
            return False
        return self.ids is None or any(i in self.ids for i in ids)


@dataclass
class Recorded:
    """One request as it arrived, and the status it got (0: dropped or not answered yet)."""

    action: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    status: int
    at: float

    @property
    def ids(self) -> list[str]:
        return _request_ids(self.query)

    @property
    def version(self) -> str:
        return self.headers.get("x-acs-version", "")


def canonical_query(query: Iterable[tuple[str, str]]) -> str:
    """The ACS3 canonical query string: sorted keys, RFC 3986 values."""
    pairs = dict(query)
    return "&".join(f"{k}={quote(pairs[k], safe='~')}" for k in sorted(pairs))


def string_to_sign(
    method: str, path: str, query: str, headers: Mapping[str, str], signed: str
) -> str:
    names = signed.split(";")
    canonical_headers = "".join(f"{n}:{headers.get(n, '').strip()}\n" for n in names)
    payload = headers.get("x-acs-content-sha256", "")
    canonical = "\n".join(
        [method, path or "/", canonical_query(parse_qsl(query, keep_blank_values=True))]
    )
    canonical += "\n" + canonical_headers + "\n" + signed + "\n" + payload
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"ACS3-HMAC-SHA256\n{digest}"


class Emulator(World):
    """The endpoint: a ThreadingHTTPServer on 127.0.0.1, port chosen by the OS, serving a
    ``World`` (whose methods build the data: add_group, set_stock, add_vswitch, ...)."""

    def __init__(
        self,
        groups: Iterable[Group] = (),
        *,
        credentials: Mapping[str, str] | None = None,
        regions: Iterable[str | Region] = (DEFAULT_REGION,),
        latency: float = 0.0,
        page_size: int = DEFAULT_LIMIT,
        denied: Iterable[str] = (),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(groups, regions=regions, page_size=page_size, clock=clock)
        self.credentials: dict[str, str] = dict(credentials or {})
        self.latency = latency
        self.denied = set(denied)  # access keys denied every action
        self.denied_actions: set[tuple[str, str]] = set()  # (access key, action)
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.in_flight = 0  # requests being answered now
        self.peak_in_flight = 0  # the most ever answered at once
        self._nonces: set[str] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- permissions and faults ---------------------------------------------------------

    def deny(self, key_id: str, action: str | None = None) -> None:
        """Answer 403 Forbidden.RAM to ``key_id`` for ``action`` (``None``: every action)."""
        with self._lock:
            if action is None:
                self.denied.add(key_id)
            else:
                self.denied_actions.add((key_id, action.rpartition(":")[2]))

    def authorize(self, key_id: str, action: str) -> None:
        """Raise the service's Forbidden.RAM when the key may not call the action."""
        if key_id in self.denied or (key_id, action) in self.denied_actions:
            raise failure("forbidden")

    def inject(
        self,
        kind: str,
        *,
        times: int | None = 1,
        actions: Iterable[str] | None = None,
        **options: Any,
    ) -> Fault:
        """Make the next ``times`` matching requests misbehave (see ``Fault``); ``actions``
        limits it to those actions (default: every action)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from {', '.join(FAULT_KINDS)}")
        ids = options.pop("ids", None)
        chosen = frozenset(actions) if actions is not None else None
        if chosen is not None and not chosen <= ACTIONS:
            raise ValueError(f"unknown actions {sorted(chosen - ACTIONS)}")
        fault = Fault(
            kind, times=times, ids=frozenset(ids) if ids else None, actions=chosen, **options
        )
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    @property
    def request_count(self) -> int:
        return len(self.requests)

    # -- life cycle ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Emulator:
        handler = type("Handler", (_Handler,), {"emulator": self})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        # stop() waits for the loop to notice; a short poll keeps --demo from idling at exit.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling ---------------------------------------------------------------

    def _take_fault(self, ids: Sequence[str], action: str = ACTION) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.applies(ids, action):
                    fault.hits += 1
                    return fault
        return None

    def _record(
        self, action: str, query: Mapping[str, str], headers: Mapping[str, str]
    ) -> Recorded:
        """Count a request on arrival; its status is filled in when it is answered."""
        record = Recorded(action, dict(query), dict(headers), 0, time.time())
        with self._lock:
            self.requests.append(record)
        return record

    def answer(self, action: str, version: str, key_id: str, query: Mapping[str, str]) -> Any:
        """The body of a verified request's successful answer; ApiFailure otherwise."""
        route = ROUTES.get((action, version))
        if route is None:
            raise _not_found()
        self.authorize(key_id, action)
        return route(self, query)

    def describe(self, key_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """DescribeContainerGroupEvents: the body of a successful answer."""
        self.authorize(key_id, ACTION)
        return self.describe_container_group_events(query)

    def verify(self, method: str, path: str, raw_query: str, headers: Mapping[str, str]) -> None:
        """Check the ACS3-HMAC-SHA256 signature; raise ApiFailure as the service would."""
        auth = headers.get("authorization", "")
        if not auth:
            raise ApiFailure(
                400, "MissingAuthorization", "Authorization is mandatory for this action."
            )
        algorithm, _, rest = auth.partition(" ")
        if algorithm != "ACS3-HMAC-SHA256":
            raise ApiFailure(
                400,
                "IncompleteSignature",
                f"The signature algorithm {algorithm!r} is not supported.",
            )
        parts = dict(p.split("=", 1) for p in rest.split(",") if "=" in p)
        key_id, signed, signature = (
            parts.get(k, "") for k in ("Credential", "SignedHeaders", "Signature")
        )
        if not (key_id and signed and signature):
            raise ApiFailure(400, "IncompleteSignature", "The request signature is incomplete.")
        missing = [h for h in _REQUIRED_SIGNED if h not in signed.split(";")]
        if missing:
            raise ApiFailure(400, "IncompleteSignature", f"The header {missing[0]} must be signed.")
        secret = self.credentials.get(key_id)
        if secret is None:
            raise ApiFailure(
                404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
            )
        if headers.get("x-acs-content-sha256") != _EMPTY_SHA256:
            raise ApiFailure(
                400, "ContentSHA256NotMatched", "The x-acs-content-sha256 does not match the body."
            )
        to_sign = string_to_sign(method, path, raw_query, headers, signed)
        expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise ApiFailure(
                400,
                "SignatureDoesNotMatch",
                "Specified signature does not match our calculation. "
                f"server string to sign is:{to_sign}",
            )
        try:
            sent = datetime.strptime(headers.get("x-acs-date", ""), "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise ApiFailure(
                400,
                "InvalidTimeStamp.Format",
                "Specified time stamp or date value is not well formatted.",
            ) from None
        if abs(sent.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)) > _CLOCK_SKEW:
            raise ApiFailure(
                400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
            )
        nonce = headers.get("x-acs-signature-nonce", "")
        with self._lock:
            if nonce in self._nonces:
                raise ApiFailure(
                    400, "SignatureNonceUsed", "Specified signature nonce was used already."
                )
            self._nonces.add(nonce)


def _not_found() -> ApiFailure:
    return ApiFailure(
        404,
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    )


class _Handler(BaseHTTPRequestHandler):
    emulator: Emulator
    protocol_version = "HTTP/1.1"
    server_version = "Tengine"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in one write; without NODELAY a split write meets the
        # client's delayed ACK and every answer waits ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output and the demo quiet

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        emu = self.emulator
        with emu._lock:
            emu.in_flight += 1
            emu.peak_in_flight = max(emu.peak_in_flight, emu.in_flight)
        try:
            self._answer()
        finally:
            with emu._lock:
                emu.in_flight -= 1

    def _answer(self) -> None:
        emu = self.emulator
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        action = headers.get("x-acs-action") or query.get("Action", "")
        record = emu._record(action, query, headers)
        if emu.latency:
            time.sleep(emu.latency)
        version = headers.get("x-acs-version") or query.get("Version", "") or VERSION
        fault = emu._take_fault(_request_ids(query), action)
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        trickle = fault.delay if fault is not None and fault.kind == "trickle" else 0.0
        cut = fault is not None and fault.kind == "truncate"
        if fault is not None and not trickle and not cut:
            self._fault(fault, record, headers)
            return
        body: Any
        try:
            if (action, version) not in ROUTES:
                raise _not_found()
            emu.verify(self.command, split.path, split.query, headers)
            key_id = headers["authorization"].split("Credential=", 1)[1].split(",", 1)[0]
            body = emu.answer(action, version, key_id, query)
            status = 200
        except ApiFailure as error:
            status, body = error.status, _error_body(error.code, error.message, headers)
        payload = json.dumps(body).encode()
        if cut:
            self.close_connection = True
        self._send(
            record, status, payload, "application/json;charset=utf-8", trickle=trickle, cut=cut
        )

    def _fault(self, fault: Fault, record: Recorded, headers: Mapping[str, str]) -> None:
        extra: dict[str, str] = {}
        if fault.kind == "throttle":
            status = 400
            body = _error_body(
                "Throttling.User", "Request was denied due to user flow control.", headers
            )
            if fault.retry_after_ms is not None:
                extra["x-acs-retry-after"] = str(fault.retry_after_ms)
        elif fault.kind == "unavailable":
            status = 503
            body = _error_body(
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
                headers,
            )
        elif fault.kind == "html":
            self._send(record, 503, _HTML_503, "text/html")
            return
        elif fault.kind == "body":
            payload = fault.body(fault.hits) if callable(fault.body) else fault.body or b""
            self._send(record, fault.status, payload, "application/json;charset=utf-8")
            return
        elif fault.kind == "redirect":
            self._send(record, 302, b"", "text/plain", {"Location": fault.location})
            return
        else:
            status = fault.status
            body = _error_body(
                fault.code or "InternalError",
                fault.message or "The request processing has failed due to some unknown error.",
                headers,
            )
        self._send(
            record, status, json.dumps(body).encode(), "application/json;charset=utf-8", extra
        )

    def _send(
        self,
        record: Recorded,
        status: int,
        payload: bytes,
        content_type: str,
        extra: Mapping[str, str] | None = None,
        trickle: float = 0.0,
        cut: bool = False,
    ) -> None:
        """Headers and body in one write; or, to ``trickle``, a byte at a time; or, to
        ``cut`` the answer short, only the first half of the body announced."""
        record.status = status
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            pending: list[bytes] = getattr(self, "_headers_buffer", [])
            if not trickle:
                sent = payload[: len(payload) // 2] if cut else payload
                self.wfile.write(b"".join([*pending, b"\r\n", sent]))
                pending.clear()
                return
            self.wfile.write(b"".join([*pending, b"\r\n"]))
            pending.clear()
            for index in range(len(payload)):
                self.wfile.write(payload[index : index + 1])
                self.wfile.flush()
                time.sleep(trickle)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a read timeout)


_HTML_503 = (
    b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    b"<center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>Tengine</center>"
    b"</body></html>"
)


def _error_body(code: str, message: str, headers: Mapping[str, str]) -> dict[str, str]:
    request_id = str(uuid.uuid4()).upper()
    return {
        "RequestId": request_id,
        "HostId": headers.get("host", "eci.aliyuncs.com"),
        "Code": code,
        "Message": message,
        "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}&product=Eci&requestId={request_id}",
    }
