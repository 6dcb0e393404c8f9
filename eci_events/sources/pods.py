"""Which ECI instances to diagnose, read from stdin: plain ids, or kubectl's pods.

``kubectl get pods -o json|yaml`` (a List or one Pod): pods on ACK virtual nodes carry the
ECI instance id in the annotation ``k8s.aliyun.com/eci-instance-id``; pods without it are
not on ECI. A pod also says why it is stuck (``status.reason`` such as ProviderFailed, and
the ``ContainerInstanceCreated`` condition's reason such as ``ContainerGroup.NoStock``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from eci_events import coerce
from eci_events.errors import InputError
from eci_events.limits import DOCUMENT_BYTES
from eci_events.sources.shapes import ECI_INSTANCE_ANNOTATION

_ID = re.compile(r"^eci-[A-Za-z0-9]{1,64}$")
MAX_PODS = 100_000  # more than any cluster lists; a YAML alias bomb stops here
CREATED_CONDITION = "ContainerInstanceCreated"


@dataclass(frozen=True)
class Pod:
    """What a pod says of its ECI instance."""

    namespace: str
    name: str
    group_id: str
    phase: str = ""
    reason: str = ""  # status.reason (ProviderFailed, ContainerInstanceScheduleFailed...)
    condition_reason: str = ""  # the ContainerInstanceCreated condition's reason
    condition_message: str = ""


@dataclass
class Selection:
    ids: list[str] = field(default_factory=list)
    pods: list[Pod] = field(default_factory=list)  # pods that named an instance
    not_on_eci: list[str] = field(default_factory=list)  # namespace/name of the others


def _pod(item: Mapping[str, Any]) -> Pod:
    metadata = coerce.mapping(item.get("metadata"))
    annotations = coerce.mapping(metadata.get("annotations"))
    status = coerce.mapping(item.get("status"))
    created: Mapping[str, Any] = {}
    for condition in status.get("conditions") or ():
        if isinstance(condition, Mapping) and condition.get("type") == CREATED_CONDITION:
            created = condition
    text = coerce.text
    return Pod(
        namespace=text(metadata.get("namespace")),
        name=text(metadata.get("name")),
        group_id=text(annotations.get(ECI_INSTANCE_ANNOTATION)),
        phase=text(status.get("phase")),
        reason=text(status.get("reason")),
        condition_reason=text(created.get("reason")),
        condition_message=text(created.get("message")),
    )


def read_selection(stream: IO[bytes], name: str = "stdin") -> Selection:
    """Ids or pods from ``stream``; an InputError naming what was expected otherwise."""
    raw = stream.read(DOCUMENT_BYTES + 1)
    if len(raw) > DOCUMENT_BYTES:
        raise InputError(f"{name}: more than {DOCUMENT_BYTES >> 20} MiB; give ids or pods")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise InputError(f"{name}: not UTF-8 text (byte {problem.start})") from None
    selection = Selection()
    words = text.split()
    if words and all(_ID.match(w) for w in words):
        selection.ids = list(dict.fromkeys(words))
        return selection
    if not words:
        raise InputError(f"{name}: empty; pipe container group ids or 'kubectl get pods -o json'")
    for item in _items(_document(text, name), name):
        pod = _pod(item)
        if pod.group_id:
            selection.pods.append(pod)
            if pod.group_id not in selection.ids:
                selection.ids.append(pod.group_id)
        else:
            selection.not_on_eci.append(f"{pod.namespace}/{pod.name}")
    return selection


def _document(text: str, name: str) -> Any:
    import yaml  # type: ignore[import-untyped,unused-ignore]

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # JSON is YAML too
    except yaml.YAMLError as problem:
        raise InputError(
            f"{name}: neither container group ids (one per line) nor pods as JSON or YAML "
            f"({str(problem).splitlines()[0]})"
        ) from None


def _items(document: Any, name: str) -> list[Mapping[str, Any]]:
    if isinstance(document, Mapping) and isinstance(document.get("items"), list):
        items = document["items"]
    elif isinstance(document, Mapping) and document.get("kind") == "Pod":
        items = [document]
    else:
        items = []
    if len(items) > MAX_PODS:
        raise InputError(f"{name}: more than {MAX_PODS:,} items; give fewer pods at a time")
    pods = [i for i in items if isinstance(i, Mapping) and i.get("kind", "Pod") == "Pod"]
    if not pods and not (isinstance(document, Mapping) and document.get("items") == []):
        raise InputError(
            f"{name}: no pods in it; expected container group ids (eci-...), one per line, or "
            "'kubectl get pods -o json|yaml'"
        )
    return pods
