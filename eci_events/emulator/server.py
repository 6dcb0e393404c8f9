"""A loopback ECI endpoint that speaks DescribeContainerGroupEvents as the service does.

Tests drive the real SDK against it over 127.0.0.1, and ``eci-events list --demo``
serves the bundled sample events from it in-process. It verifies ACS3-HMAC-SHA256
signatures, routes on ``x-acs-action``, answers with the service's JSON shapes
(PascalCase, with the lower-case ``uuid`` and ``involvedObject`` keys), pages with
``NextToken`` and can be told to misbehave: throttling, 5xx with JSON or HTML bodies,
slow responses, dropped connections and a fixed latency per request.

    with Emulator(credentials={"LTAI-test": "secret"}) as emu:
        emu.add_group("eci-1", events=[event("NoStock", "Create ECI failed ...")])
        emu.inject("throttle", times=2, retry_after_ms=100)
        ...  # point the client at emu.endpoint ("http://127.0.0.1:PORT")
        assert emu.request_count == 3

Only the standard library is imported here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

ACTION = "DescribeContainerGroupEvents"
VERSION = "2018-08-08"
MAX_IDS = 20
MAX_EVENTS = 50
DEFAULT_LIMIT = 200
DEFAULT_REGION = "cn-hangzhou"
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
)


class ApiFailure(Exception):
    """An error answer: HTTP status, ``Code`` and ``Message`` of the JSON body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class Fault:
    """Misbehaviour for the next ``times`` matching requests (``None``: every one).

    kinds: ``throttle`` (400 Throttling.User, with ``x-acs-retry-after`` when
    ``retry_after_ms`` is set), ``unavailable`` (503 ServiceUnavailable JSON), ``html``
    (503 with an HTML body, as a gateway sends), ``slow`` (answer after ``delay``
    seconds), ``drop`` (close the connection without answering), ``error`` (any
    ``status``/``code``/``message``), ``body`` (``status`` with ``body`` as the answer,
    verbatim: bytes, or a function of the fault's hit number giving bytes), ``trickle``
    (the real answer, one byte every ``delay`` seconds) and ``redirect`` (a 302 to
    ``location``). ``ids`` limits the fault to requests naming one of those group ids.
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
    hits: int = 0

    def applies(self, ids: Sequence[str]) -> bool:
        if self.times is not None and self.hits >= self.times:
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
        return _group_ids(self.query.get("ContainerGroupIds"))


@dataclass
class Group:
    """One container group as the emulator stores it."""

    group_id: str
    name: str = ""
    namespace: str = "default"
    region: str = DEFAULT_REGION
    zone: str = "cn-hangzhou-k"
    vswitch: str = "vsw-bp1emulator0000000"
    resource_group: str = "rg-acfmemulator000"
    tags: dict[str, str] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))

    def data(self, since: int | None, source: str | None, now: datetime) -> dict[str, Any]:
        """The group's ``Data[]`` entry: its latest 50 matching events, oldest first."""
        chosen = [
            e
            for e in self.events
            if (source is None or event_source(e) == source)
            and (since is None or _event_time(e) >= now - timedelta(seconds=since))
        ]
        chosen.sort(key=_event_time)
        return {
            "ContainerGroupId": self.group_id,
            "Name": self.name,
            "Namespace": self.namespace,
            "uuid": self.uid,
            "Annotations": json.dumps({"tenancy.x-k8s.io/namespace": self.namespace}),
            "Events": chosen[-MAX_EVENTS:],
        }


def event_source(record: Mapping[str, Any]) -> str:
    """``EciService`` for the service's own events, ``K8sAgent`` for kubelet's."""
    component = (record.get("Source") or {}).get("Component", "")
    return "EciService" if component == "EciService" else "K8sAgent"


def _event_time(record: Mapping[str, Any]) -> datetime:
    for key in ("LastTimestamp", "FirstTimestamp"):
        value = record.get(key)
        if value:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return datetime.min.replace(tzinfo=timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def event(
    reason: str,
    message: str = "",
    *,
    type: str = "Warning",
    count: int = 1,
    first: datetime | None = None,
    last: datetime | None = None,
    component: str = "EciService",
    object_name: str = "",
    namespace: str = "default",
    group_id: str = "",
    name: str | None = None,
) -> dict[str, Any]:
    """An event record shaped as the service returns it."""
    last = last or datetime.now(timezone.utc)
    first = first or last
    return {
        "Count": count,
        "Type": type,
        "Reason": reason,
        "Message": message,
        "FirstTimestamp": stamp(first),
        "LastTimestamp": stamp(last),
        "ReportingComponent": "",
        "ReportingInstance": "",
        "Metadata": {
            "Name": name or f"{object_name or group_id or 'eci'}.{secrets.token_hex(8)}",
            "Namespace": namespace,
        },
        "Source": {"Component": component, "Host": "eci"},
        "involvedObject": {
            "ApiVersion": "v1",
            "Kind": "Pod",
            "Name": object_name,
            "Namespace": namespace,
            "Uid": group_id,
        },
    }


def _group_ids(raw: str | None) -> list[str]:
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


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


class Emulator:
    """The endpoint: a ThreadingHTTPServer on 127.0.0.1, port chosen by the OS."""

    def __init__(
        self,
        groups: Iterable[Group] = (),
        *,
        credentials: Mapping[str, str] | None = None,
        regions: Iterable[str] = (DEFAULT_REGION,),
        latency: float = 0.0,
        page_size: int = DEFAULT_LIMIT,
        denied: Iterable[str] = (),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.credentials: dict[str, str] = dict(credentials or {})
        self.regions = set(regions)
        self.latency = latency
        self.page_size = page_size
        self.denied = set(denied)
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.groups: dict[str, Group] = {}
        for group in groups:
            self.groups[group.group_id] = group
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- data ------------------------------------------------------------------------

    def add_group(self, group_id: str, **fields: Any) -> Group:
        events = fields.pop("events", ())
        group = Group(group_id, **fields)
        for record in events:
            self.add_event(group, record)
        self.groups[group_id] = group
        return group

    def add_event(self, group: Group | str, record: Mapping[str, Any]) -> dict[str, Any]:
        """Attach a record (from ``event()``) to a group, filling its object and namespace."""
        target = self.groups[group] if isinstance(group, str) else group
        copy: dict[str, Any] = json.loads(json.dumps(record))
        involved = copy.setdefault("involvedObject", {})
        if not involved.get("Uid"):
            involved["Uid"] = target.group_id
        if not involved.get("Name"):
            involved["Name"] = target.name
        if not involved.get("Namespace") or involved.get("Namespace") == "default":
            involved["Namespace"] = target.namespace
        copy.setdefault("Metadata", {})["Namespace"] = target.namespace
        with self._lock:
            target.events.append(copy)
        return copy

    def inject(self, kind: str, *, times: int | None = 1, **options: Any) -> Fault:
        """Make the next ``times`` matching requests misbehave (see ``Fault``)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from {', '.join(FAULT_KINDS)}")
        ids = options.pop("ids", None)
        fault = Fault(kind, times=times, ids=frozenset(ids) if ids else None, **options)
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

    def _take_fault(self, ids: Sequence[str]) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.applies(ids):
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

    def describe(self, key_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """DescribeContainerGroupEvents: the body of a successful answer."""
        if key_id in self.denied:
            raise ApiFailure(
                403,
                "Forbidden.RAM",
                "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
            )
        region = query.get("RegionId")
        if not region:
            raise ApiFailure(400, "MissingRegionId", "RegionId is mandatory for this action.")
        if region not in self.regions:
            raise ApiFailure(400, "InvalidRegionId", "The specified region does not exist.")
        raw_ids = query.get("ContainerGroupIds")
        ids: list[str] | None = None
        if raw_ids is not None:
            try:
                parsed = json.loads(raw_ids)
            except ValueError:
                parsed = None
            if not isinstance(parsed, list) or not all(isinstance(i, str) for i in parsed):
                raise ApiFailure(
                    400,
                    "InvalidParameter.ContainerGroupIds",
                    "The specified parameter ContainerGroupIds is not a JSON array of strings.",
                )
            if len(parsed) > MAX_IDS:
                raise ApiFailure(
                    400,
                    "InvalidParameter.ContainerGroupIds",
                    f"The number of ContainerGroupIds must not exceed {MAX_IDS}.",
                )
            ids = parsed
        source = query.get("EventSource") or None
        if source is not None and source not in ("EciService", "K8sAgent"):
            raise ApiFailure(
                400, "InvalidParameter.EventSource", "The specified EventSource is invalid."
            )
        since = _positive(query, "SinceSecond")
        limit = _positive(query, "Limit") or self.page_size
        offset = 0
        if "NextToken" in query:
            offset = _offset(query["NextToken"])
        tags = _tags(query)
        with self._lock:
            if ids is not None:
                chosen = [self.groups[i] for i in dict.fromkeys(ids) if i in self.groups]
            else:
                chosen = list(self.groups.values())
            chosen = [
                g
                for g in chosen
                if g.region == region
                and query.get("ZoneId", g.zone) == g.zone
                and query.get("VSwitchId", g.vswitch) == g.vswitch
                and query.get("ResourceGroupId", g.resource_group) == g.resource_group
                and all(g.tags.get(k) == v for k, v in tags)
            ]
            page = chosen[offset : offset + limit]
            now = self.clock()
            data = [g.data(since, source, now) for g in page]
        more = offset + limit < len(chosen)
        return {
            "RequestId": str(uuid.uuid4()).upper(),
            "TotalCount": sum(len(d["Events"]) for d in data),
            "NextToken": _token(offset + limit) if more else "",
            "Data": data,
        }


def _positive(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) <= 0:
        raise ApiFailure(400, f"InvalidParameter.{name}", f"The specified {name} is invalid.")
    return int(raw)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        label, _, number = text.partition(":")
        if label == "offset" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise ApiFailure(400, "InvalidNextToken", "The specified NextToken is invalid.")


def _tags(query: Mapping[str, str]) -> list[tuple[str, str]]:
    found = []
    n = 1
    while f"Tag.{n}.Key" in query:
        found.append((query[f"Tag.{n}.Key"], query.get(f"Tag.{n}.Value", "")))
        n += 1
    return found


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
        fault = emu._take_fault(_group_ids(query.get("ContainerGroupIds")))
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        trickle = fault.delay if fault is not None and fault.kind == "trickle" else 0.0
        if fault is not None and not trickle:
            self._fault(fault, record, headers)
            return
        try:
            if action != ACTION:
                raise ApiFailure(
                    404,
                    "InvalidAction.NotFound",
                    "Specified api is not found, please check your url and method.",
                )
            if headers.get("x-acs-version", VERSION) != VERSION:
                raise ApiFailure(400, "InvalidVersion", "Specified parameter Version is not valid.")
            emu.verify(self.command, split.path, split.query, headers)
            key_id = headers["authorization"].split("Credential=", 1)[1].split(",", 1)[0]
            body = emu.describe(key_id, query)
            status = 200
        except ApiFailure as failure:
            status, body = failure.status, _error_body(failure.code, failure.message, headers)
        payload = json.dumps(body).encode()
        self._send(record, status, payload, "application/json;charset=utf-8", trickle=trickle)

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
    ) -> None:
        """Headers and body in one write; or, to ``trickle``, a byte at a time."""
        record.status = status
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            pending: list[bytes] = getattr(self, "_headers_buffer", [])
            if not trickle:
                self.wfile.write(b"".join([*pending, b"\r\n", payload]))
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
