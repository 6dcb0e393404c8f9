"""``diagnose``'s live context in words: per group, the concrete fix (zones with stock and
vSwitches to paste, the container that died and how, the account's usage, spot, status).

Every value came from the API, so every value is escaped for its format; the lines to
paste are built from ids only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from eci_events.analysis.context import CapacityFix, ContainerFact, Context, GroupContext, Quota
from eci_events.render.layout import Line, display_width, wrapped
from eci_events.render.notes import ids_text
from eci_events.render.safe import code_block, escape, markdown
from eci_events.render.words import word
from eci_events.sources.pods import CREATED_CONDITION, Pod
from eci_events.timefmt import human_duration, rfc3339

Quote = Callable[[str], str]
# What the context says, item by item: a sentence (already quoted), a line to paste, or a
# log excerpt (both raw: each renderer quotes them its own way).
TEXT, CODE, LOG = "text", "code", "log"
Item = tuple[str, str]
USAGE = (
    ("usage_cpu", "UsedCpu", "MaxCpu"),
    ("usage_caches", "UsedImageCacheCount", "MaxImageCacheCount"),
    ("usage_auto", "UsedAutoImageCacheCount", "MaxAutoImageCacheCount"),
    ("usage_data", "UsedDataCacheCount", "MaxDataCacheCount"),
)
LOG_LINES = 10


def vswitch_param(fix: CapacityFix) -> str:
    """The value to give CreateContainerGroup's VSwitchId and the pod annotation."""
    return ",".join(fix.ready)


def paste_lines(fix: CapacityFix) -> list[str]:
    """What to paste: the API parameter and the pod annotation, or nothing."""
    if not fix.ready:
        return []
    value = vswitch_param(fix)
    return [f"VSwitchId={value}", f'k8s.aliyun.com/eci-vswitch: "{value}"']


def specs_annotation(fix: CapacityFix) -> str:
    return f'k8s.aliyun.com/eci-use-specs: "{",".join((fix.resource, *fix.specs))}"'


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def sentence(lang: str, text: str) -> str:
    return text + word(lang, "full_stop")


def _join(items: tuple[str, ...] | list[str], quote: Quote) -> str:
    return ", ".join(quote(i) for i in items) or "-"


def capacity_items(fix: CapacityFix, region: str, lang: str, quote: Quote) -> list[Item]:
    """The stock fix: where there is stock, what to paste, what to create, other sizes."""
    resource = quote(fix.resource)
    out: list[Item] = []
    if fix.stocked:
        text = word(lang, "stock_now", resource=resource, zones=_join(fix.stocked, quote))
        text += word(lang, "clause_sep") + word(
            lang, "may_use", zones=_join(fix.allowed, quote), vswitches=_join(fix.own, quote)
        )
        out.append((TEXT, sentence(lang, text)))
    else:
        out.append(
            (
                TEXT,
                sentence(lang, word(lang, "stock_none", resource=resource, region=quote(region))),
            )
        )
    paste = paste_lines(fix)
    if paste:
        out.append((TEXT, word(lang, "paste") + ":"))
        out += [(CODE, line) for line in paste]
    if fix.to_create:
        zones = _join(fix.to_create, quote)
        out.append(
            (TEXT, sentence(lang, word(lang, "create_vswitch", zones=zones, vpc=quote(fix.vpc))))
        )
    if fix.stocked and not fix.vswitches_known:
        out.append((TEXT, sentence(lang, word(lang, "vswitches_unknown", vpc=quote(fix.vpc)))))
    if fix.specs:
        specs = _join(fix.specs, quote)
        out.append(
            (TEXT, word(lang, "other_specs", zones=_join(fix.allowed, quote), specs=specs) + ":")
        )
        out.append((CODE, specs_annotation(fix)))
    if fix.recommended:
        out.append(
            (TEXT, sentence(lang, word(lang, "recommended", zones=_join(fix.recommended, quote))))
        )
    return out


def container_sentence(c: ContainerFact, lang: str, quote: Quote, now: datetime) -> str:
    memory = f"{c.memory:g} GiB" if c.memory is not None else "-"
    what = word(lang, "list_sep").join(
        part
        for part in (
            quote(c.reason or c.state or "-"),
            word(lang, "container_code", code=c.exit_code) if c.exit_code is not None else "",
            word(lang, "container_signal", signal=c.signal) if c.signal else "",
        )
        if part
    )
    if c.ended:
        at = word(lang, "container_at", age=human_duration(now - c.finished)) if c.finished else ""
        state = word(lang, "container_ended", what=what, at=at)
    else:
        state = word(lang, "container_now", what=quote(c.state or "-"))
    line = word(
        lang,
        "container_line",
        name=quote(c.name),
        memory=memory,
        restarts=c.restart_count,
        state=state,
    )
    return sentence(lang, line)


def quota_sentence(q: Quota, lang: str) -> str:
    key = "quota_short" if q.short else "quota_fits"
    target = q.used + q.needed
    text = word(
        lang, key, needed=q.needed, left=q.left, limit=q.limit, short=q.short, target=target
    )
    return sentence(lang, text)


def group_heading(g: GroupContext, lang: str, quote: Quote) -> str:
    spec = g.spec
    facts = [quote(spec.group_id), quote(spec.name), quote(spec.status)]
    size = spec.instance_type or ""
    if spec.cpu or spec.memory:
        shape = word(lang, "spec_line", cpu=_number(spec.cpu), memory=_number(spec.memory))
        size = f"{quote(size)} ({shape})" if size else shape
    facts += [size, quote(spec.zone)]
    return " · ".join(f for f in facts if f)


def group_items(g: GroupContext, region: str, lang: str, quote: Quote, now: datetime) -> list[Item]:
    """What the context says of one group, in the order a reader acts on it."""
    spec = g.spec
    out: list[Item] = []
    if g.capacity is not None:
        out += capacity_items(g.capacity, region, lang, quote)
    for c in g.containers:
        out.append((TEXT, container_sentence(c, lang, quote, now)))
        if c.oom:
            out.append((TEXT, word(lang, "oom_plain")))
        elif c.killed:
            out.append((TEXT, word(lang, "killed_plain")))
        if c.log:
            out.append((TEXT, word(lang, "log_label", name=quote(c.name)) + ":"))
            out.append((LOG, "\n".join(c.log.splitlines()[-LOG_LINES:])))
    if g.quota is not None:
        out.append((TEXT, quota_sentence(g.quota, lang)))
    if "spot" in g.needs and spec.spot_strategy:
        limit = (
            word(lang, "spot_limit", limit=_number(spec.spot_price_limit))
            if spec.spot_price_limit
            else ""
        )
        text = word(lang, "spot_line", strategy=quote(spec.spot_strategy), limit=limit)
        out.append((TEXT, sentence(lang, text)))
    if g.spot_reclaimed:
        out.append((TEXT, word(lang, "spot_reclaimed")))
    if "status" in g.needs or spec.failed_time is not None:
        moment = spec.failed_time or spec.expired_time
        since = word(lang, "status_since", age=human_duration(now - moment)) if moment else ""
        text = word(lang, "status_line", status=quote(spec.status or "-"), since=since)
        out.append((TEXT, sentence(lang, text)))
    if g.pod is not None:
        out.append((TEXT, pod_sentence(g.pod, lang, quote)))
    return out


def pod_sentence(pod: Pod, lang: str, quote: Quote) -> str:
    condition = ""
    if pod.condition_reason:
        condition = f", {CREATED_CONDITION}: {quote(pod.condition_reason)}"
        if pod.condition_message:
            condition += f" ({quote(pod.condition_message)})"
    text = word(
        lang,
        "pod_line",
        pod=quote(f"{pod.namespace}/{pod.name}"),
        phase=quote(pod.phase or "-"),
        reason=f", {quote(pod.reason)}" if pod.reason else "",
        condition=condition,
    )
    return sentence(lang, text)


def account_sentence(ctx: Context, lang: str, quote: Quote) -> str | None:
    usage = ctx.usage
    if not usage:
        return None
    parts = [
        word(lang, key, used=usage[used], max=usage[most])
        for key, used, most in USAGE
        if used in usage and most in usage
    ]
    return (
        sentence(
            lang,
            word(
                lang,
                "usage_line",
                region=quote(ctx.region),
                parts=word(lang, "list_sep").join(parts),
            ),
        )
        if parts
        else None
    )


def notes(ctx: Context, lang: str) -> list[str]:
    """Lines for stderr (unescaped, as the caller escapes what it writes): the parts that
    could not be read, with the RAM action each needs, and groups or pods left out."""
    out = [
        # An access-denied error names the action already; other errors do not.
        word(
            lang,
            "unavailable_named" if u.action in u.error else "unavailable",
            part=word(lang, f"part_{u.part}"),
            action=u.action,
            error=u.error,
        )
        for u in ctx.unavailable
    ]
    if ctx.not_found:
        out.append(word(lang, "not_found_ctx", ids=ids_text(ctx.not_found, lang)))
    if ctx.maybe_denied:
        out.append(word(lang, "maybe_denied"))
    return out


def context_lines(ctx: Context, lang: str, width: int, now: datetime) -> list[Line]:
    lines: list[Line] = [[(word(lang, "context"), "bold")]]
    for g in ctx.groups:
        lines += wrapped(group_heading(g, lang, escape), width, 4, "bold", first=[("  ", None)])
        for kind, text in group_items(g, ctx.region, lang, escape, now):
            if kind == TEXT:
                lines += wrapped(text, width, 6, first=[("    ", None)])
            elif kind == CODE:  # whole, to paste: moved left rather than past the edge
                code = escape(text)
                indent = max(0, min(6, width - display_width(code)))
                lines.append([(" " * indent, None), (code, "cyan")])
            else:
                lines += [[("      │ ", "dim"), (escape(row), None)] for row in text.split("\n")]
    account = account_sentence(ctx, lang, escape)
    if account:
        lines += wrapped(account, width, 4, first=[("  ", None)])
    return lines


def context_markdown(ctx: Context, lang: str, now: datetime) -> list[str]:
    out = ["", f"### {word(lang, 'context')}", ""]
    for g in ctx.groups:
        out.append(f"- **{group_heading(g, lang, markdown)}**")
        code: list[str] = []  # consecutive lines to paste make one block
        for kind, text in [*group_items(g, ctx.region, lang, markdown, now), (TEXT, "")]:
            if kind == CODE:
                code.append(text)
                continue
            if code:
                out += code_block(code, "    ")
                code = []
            if kind == LOG:
                out += code_block(text.split("\n"), "    ")
            elif text:
                out.append(f"  - {text}")
    account = account_sentence(ctx, lang, markdown)
    if account:
        out.append(f"- {account}")
    return out


def pod_data(pod: Pod) -> dict[str, str]:
    """The pod as read from stdin (its instance id is the group's, given already)."""
    return {k: v for k, v in asdict(pod).items() if k != "group_id"}


def context_data(ctx: Context) -> dict[str, Any]:
    """The context as JSON-ready data (raw values)."""
    groups = []
    for g in ctx.groups:
        spec = g.spec
        item: dict[str, Any] = {
            "group_id": spec.group_id,
            "group_name": spec.name,
            "status": spec.status,
            "instance_type": spec.instance_type,
            "cpu": spec.cpu,
            "memory": spec.memory,
            "zone": spec.zone,
            "vswitches": list(spec.vswitches),
            "vpc": spec.vpc,
            "spot_strategy": spec.spot_strategy,
            "spot_price_limit": spec.spot_price_limit,
            "failed_time": rfc3339(spec.failed_time),
            "expired_time": rfc3339(spec.expired_time),
            "needs": list(g.needs),
            "spot_reclaimed": g.spot_reclaimed,
            "capacity": None,
            "containers": [
                {
                    "name": c.name,
                    "image": c.image,
                    "memory": c.memory,
                    "restart_count": c.restart_count,
                    "state": c.state,
                    "reason": c.reason,
                    "exit_code": c.exit_code,
                    "signal": c.signal,
                    "finished": rfc3339(c.finished),
                    "ended": c.ended,
                    "oom_killed": c.oom,
                    "killed_without_oom": c.killed,
                    "log": c.log,
                }
                for c in g.containers
            ],
            "quota": None
            if g.quota is None
            else {
                "vcpu_needed": g.quota.needed,
                "vcpu_used": g.quota.used,
                "vcpu_limit": g.quota.limit,
                "vcpu_short": g.quota.short,
            },
            "pod": None if g.pod is None else pod_data(g.pod),
        }
        fix = g.capacity
        if fix is not None:
            item["capacity"] = {
                "resource": fix.resource,
                "allowed_zones": list(fix.allowed),
                "stocked_zones": list(fix.stocked),
                "ready_vswitches": list(fix.ready),
                "create_vswitch_in": list(fix.to_create),
                "vpc": fix.vpc,
                "recommended_zones": list(fix.recommended),
                "specs": list(fix.specs),
                "paste": paste_lines(fix),
                "use_specs": specs_annotation(fix) if fix.specs else None,
            }
        groups.append(item)
    return {
        "region": ctx.region,
        "groups": groups,
        "usage": dict(ctx.usage) if ctx.usage is not None else None,
        "unavailable": [
            {"part": u.part, "action": u.action, "error": u.error} for u in ctx.unavailable
        ],
        "not_found": list(ctx.not_found),
        "maybe_denied": ctx.maybe_denied,
    }
