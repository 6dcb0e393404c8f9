"""``triage`` output: JSON data, a plain/coloured table with an optional timeline, markdown.

Renderers are pure: a Diagnosis in, data or text out. Human output (table, markdown)
escapes every untrusted field; JSON keeps the raw text. The table is built as lines of
(text, style) segments so the same content prints plain (pipes, tests) or coloured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from eci_events.catalog import Severity
from eci_events.render.columns import display_width
from eci_events.textsafe import escape
from eci_events.timefmt import human_duration, rfc3339
from eci_events.triage import Conclusion, Diagnosis, Finding, GroupRef, GroupSummary

SCHEMA_VERSION = 1
KIND = "EciEventsTriage"
API_EVENT_LIMIT = 50  # DescribeContainerGroupEvents returns the latest 50 events per group

Segment = tuple[str, str | None]
Line = list[Segment]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Triage of {events} in {groups} from {sources}",
        "event": "event",
        "events": "events",
        "with_repeats": "{n} with repeats",
        "group": "container group",
        "groups": "container groups",
        "source": "source",
        "sources": "sources",
        "window": "Window",
        "ended": "last event {age} ago",
        "no_window": "no event carries a time",
        "sources_label": "Sources",
        "notes": "Notes",
        "undated": "events without a time: {n} (kept, not placed in time)",
        "skipped_old": "events older than --since {since}, left out: {n}",
        "skipped_undated": "events without a time, left out by --since: {n}",
        "ignored": "items that are not events, ignored: {n}",
        "truncated": "groups truncated by eci-events list: {n}",
        "failed": "groups eci-events list could not read: {n}",
        "capped": "groups at the ECI API's limit of {limit} events, so older events are "
        "missing: {n}",
        "hidden": "findings below --min-severity {severity}, not shown: {n}",
        "no_events": "No events in the input.",
        "no_findings": "No findings at or above {severity}.",
        "conclusions": "Conclusions",
        "findings": "Findings",
        "timeline": "Timeline",
        "cell": "one cell = {span}",
        "more_groups": "... and {n} more groups",
        "summary_unknown": "Not in the catalog; the raw messages follow.",
        "groups_label": "Groups",
        "group_label": "Group",
        "message": "Message",
        "messages": "Messages",
        "parts": "Causes",
        "remedies": "What to do",
        "next": "Next",
        "noise": "Normal: {events}, nothing to do ({reasons})",
        "more": "+{n} more",
        "h_rank": "#",
        "h_severity": "SEVERITY",
        "h_reason": "REASON",
        "h_group": "GROUP",
        "h_groups": "GROUPS",
        "h_count": "COUNT",
        "h_first": "FIRST SEEN",
        "h_last": "LAST SEEN",
        "variant": "variant {n}",
        "deadline": "deadline {time}",
        "account.title": "Account action needed: {reasons} in {groups}",
        "account.advice": "Retrying will not help. Fix the account first: top up the balance, "
        "raise the quota in Quota Center, or grant the missing RAM permission; then recreate "
        "the affected container groups.",
        "platform.title": "Platform side: {reasons} in {groups}",
        "platform.advice": "The instance or its host failed, not your workload. Recreate the "
        "affected container groups{deadline}; otherwise the platform restarts them.",
        "platform.deadline": " before {time}",
        "platform.planned.advice": "Maintenance is planned on the host; nothing has failed yet "
        "and your workload is not the cause. Recreate the affected container groups at a quiet "
        "time{deadline}; otherwise the platform restarts or moves them at the planned time.",
        "platform.mixed.advice": "{failed}: the instance or its host failed, not your workload; "
        "recreate those container groups. {planned}: maintenance is planned and nothing has "
        "failed yet; recreate those groups at a quiet time{deadline}, otherwise the platform "
        "restarts or moves them at the planned time.",
        "capacity.title": "Capacity shortage: {reasons} in {groups}{zones}",
        "capacity.zones": " across zones {zones}",
        "capacity.advice": "The stock is short, not your configuration. Spread across zones "
        "(several vSwitches in different zones) and instance types (several types or specs)"
        "{types}, or retry later.",
        "capacity.types": " instead of only {types}",
        "memory.title": "Memory limit: {reasons} with restarts in {groups}",
        "memory.advice": "The container was killed for exceeding its memory limit and "
        "restarted; this is the workload, not the platform. Raise the memory limit (and "
        "request) or reduce the process's memory use.",
        "spot.title": "Spot interruption: {reasons} in {groups}",
        "spot.advice": "Spot instances are being reclaimed{minutes}. Review the spot strategy "
        "(SpotStrategy, k8s.aliyun.com/eci-spot-strategy) and handle interruptions: "
        "checkpoint work, keep replicas, fall back to pay-as-you-go.",
        "spot.minutes": " (released in {minutes} minutes)",
        "image-cache.title": "Slow starts from image cache: {reasons} in {groups}",
        "image-cache.advice": "Images were pulled without a matching image cache. Create an "
        "image cache for these images, or let ECI create and match one automatically; fix a "
        "failed cache creation first.",
    },
    "ja": {
        "title": "{sources} の {groups}・{events} のトリアージ",
        "event": "イベント",
        "events": "イベント",
        "with_repeats": "繰り返しを含め {n}",
        "group": "コンテナグループ",
        "groups": "コンテナグループ",
        "source": "入力",
        "sources": "入力",
        "window": "期間",
        "ended": "最後のイベントは {age} 前",
        "no_window": "時刻のあるイベントがありません",
        "sources_label": "入力",
        "notes": "注記",
        "undated": "{n} 件は時刻なし (残すが時間軸には置かない)",
        "skipped_old": "{n} 件は --since {since} より古いため除外",
        "skipped_undated": "{n} 件は時刻がないため --since で除外",
        "ignored": "イベントでない項目 {n} 件を無視",
        "truncated": "{n} グループは eci-events list で切り詰め",
        "failed": "{n} グループは eci-events list で取得失敗",
        "capped": "{n} グループは ECI API が返す上限の {limit} 件に達しています。古いイベントは"
        "入力に含まれません",
        "hidden": "--min-severity {severity} 未満の所見 {n} 件は非表示",
        "no_events": "入力にイベントがありません。",
        "no_findings": "{severity} 以上の所見はありません。",
        "conclusions": "結論",
        "findings": "所見",
        "timeline": "タイムライン",
        "cell": "1 マス = {span}",
        "more_groups": "... ほか {n} グループ",
        "summary_unknown": "カタログにない理由です。元のメッセージを示します。",
        "groups_label": "グループ",
        "group_label": "グループ",
        "message": "メッセージ",
        "messages": "メッセージ",
        "parts": "原因",
        "remedies": "対処方法",
        "next": "次に",
        "noise": "Normal: {events}、対応不要 ({reasons})",
        "more": "ほか {n}",
        "h_rank": "#",
        "h_severity": "重大度",
        "h_reason": "理由",
        "h_group": "グループ",
        "h_groups": "グループ数",
        "h_count": "回数",
        "h_first": "初回",
        "h_last": "最終",
        "variant": "バリアント {n}",
        "deadline": "期限 {time}",
        "account.title": "アカウントの対応が必要: {groups} で {reasons}",
        "account.advice": "再試行では解決しません。先にアカウントを直してください: 残高の"
        "チャージ、Quota Center でのクォータ引き上げ、または不足している RAM 権限の付与。その後、"
        "該当するコンテナグループを作り直します。",
        "platform.title": "プラットフォーム側: {groups} で {reasons}",
        "platform.advice": "ワークロードではなく、インスタンスまたはホストの障害です。該当する"
        "コンテナグループを{deadline}作り直してください。そうしないとプラットフォームが再起動します。",
        "platform.deadline": " {time} までに",
        "platform.planned.advice": "ホストの保守が予定されています。まだ障害は起きておらず、"
        "ワークロードが原因でもありません。該当するコンテナグループを{deadline}負荷の低い時間帯に"
        "作り直してください。そうしないと、予定時刻にプラットフォームが再起動または移動します。",
        "platform.mixed.advice": "{failed}: ワークロードではなく、インスタンスまたはホストの"
        "障害です。これらのコンテナグループを作り直してください。{planned}: 保守が予定されて"
        "いますが、まだ障害は起きていません。これらのグループを{deadline}負荷の低い時間帯に"
        "作り直してください。そうしないと、予定時刻にプラットフォームが再起動または移動します。",
        "capacity.title": "在庫不足: {groups} で {reasons}{zones}",
        "capacity.zones": " (ゾーン {zones})",
        "capacity.advice": "設定ではなく在庫の問題です。ゾーン (異なるゾーンの複数の vSwitch) と"
        "インスタンスタイプ (複数のタイプまたは仕様){types}に分散するか、時間をおいて再試行"
        "してください。",
        "capacity.types": " ({types} だけでなく)",
        "memory.title": "メモリ上限: {groups} で {reasons} と再起動",
        "memory.advice": "コンテナがメモリ上限を超えて強制終了され、再起動しています。"
        "プラットフォームではなくワークロードの問題です。メモリの上限 (と要求) を上げるか、"
        "プロセスのメモリ使用量を減らしてください。",
        "spot.title": "スポットの中断: {groups} で {reasons}",
        "spot.advice": "スポットインスタンスが回収されています{minutes}。スポット戦略 "
        "(SpotStrategy、k8s.aliyun.com/eci-spot-strategy) を見直し、中断に備えてください: "
        "作業のチェックポイント、レプリカの維持、従量課金への切り替え。",
        "spot.minutes": " ({minutes} 分後に解放)",
        "image-cache.title": "イメージキャッシュによる起動の遅れ: {groups} で {reasons}",
        "image-cache.advice": "一致するイメージキャッシュなしでイメージをプルしています。これらの"
        "イメージのイメージキャッシュを作成するか、ECI による自動作成と自動マッチを有効にして"
        "ください。キャッシュ作成の失敗があれば先に直してください。",
    },
}


def word(lang: str, key: str, **values: Any) -> str:
    text = WORDS.get(lang, WORDS["en"]).get(key) or WORDS["en"][key]
    return text.format(**values) if values else text


def _plural(lang: str, n: int, one: str, many: str) -> str:
    if lang == "ja":
        return f"{n:,} {word(lang, many)}"
    return f"{n:,} {word(lang, one if n == 1 else many)}"


def _groups_phrase(lang: str, n: int) -> str:
    return _plural(lang, n, "group", "groups")


def _time(moment: datetime | None) -> str:
    return rfc3339(moment) or "-"


# --------------------------------------------------------------------------------------------
# Conclusions as words


def conclusion_title(conclusion: Conclusion, lang: str) -> str:
    values: dict[str, str] = {
        "reasons": ", ".join(conclusion.reasons),
        "groups": _groups_phrase(lang, len(conclusion.groups)),
        "zones": "",
    }
    if conclusion.rule == "capacity" and conclusion.zones:
        values["zones"] = word(lang, "capacity.zones", zones=", ".join(conclusion.zones))
    return word(lang, f"{conclusion.rule}.title", **values)


def conclusion_advice(conclusion: Conclusion, lang: str) -> str:
    values: dict[str, str] = {}
    key = f"{conclusion.rule}.advice"
    if conclusion.rule == "platform":
        values["deadline"] = (
            word(lang, "platform.deadline", time=_time(conclusion.deadline))
            if conclusion.deadline is not None
            else ""
        )
        # A failure has happened; planned maintenance (with its deadline) has not yet.
        planned = conclusion.planned
        failed = [r for r in conclusion.reasons if r not in planned]
        if planned and failed:
            key = "platform.mixed.advice"
            values["failed"] = ", ".join(failed)
            values["planned"] = ", ".join(planned)
        elif planned:
            key = "platform.planned.advice"
    elif conclusion.rule == "capacity":
        types = ", ".join(conclusion.instance_types)
        values["types"] = word(lang, "capacity.types", types=types) if types else ""
    elif conclusion.rule == "spot":
        minutes = conclusion.minutes
        values["minutes"] = word(lang, "spot.minutes", minutes=minutes) if minutes else ""
    return word(lang, key, **values)


# --------------------------------------------------------------------------------------------
# JSON


def _ref_data(ref: GroupRef) -> dict[str, str]:
    return {
        "key": ref.key,
        "group_id": ref.group_id,
        "group_name": ref.group_name,
        "namespace": ref.namespace,
    }


def _finding_data(rank: int, finding: Finding) -> dict[str, Any]:
    return {
        "rank": rank,
        "reason": finding.reason,
        "variant": finding.variant,
        "known": finding.known,
        "section": finding.section,
        "severity": finding.severity.label,
        "types": list(finding.types),
        "summary": finding.summary,
        "remedies": list(finding.remedies),
        "params": dict(finding.params),
        "group": finding.group.key if finding.group is not None else None,
        "groups": [ref.key for ref in finding.groups],
        "events": finding.events,
        "count": finding.count,
        "first_seen": rfc3339(finding.first_seen),
        "last_seen": rfc3339(finding.last_seen),
        "messages": list(finding.messages),
        "parts": [{"count": part.count, "text": part.text} for part in finding.parts],
        "next": list(finding.next_commands),
    }


def capped_groups(diagnosis: Diagnosis) -> int:
    """Groups holding exactly the API's per-group maximum, when the input came from the API."""
    if not any("api" in source.shapes for source in diagnosis.sources):
        return 0
    return sum(1 for group in diagnosis.groups if group.events == API_EVENT_LIMIT)


def diagnosis_data(diagnosis: Diagnosis) -> dict[str, Any]:
    """The diagnosis as JSON-ready data; schema_version 1 (fields documented in the README)."""
    lang = diagnosis.lang
    window = None
    if diagnosis.first_seen is not None and diagnosis.last_seen is not None:
        window = int((diagnosis.last_seen - diagnosis.first_seen).total_seconds())
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "generated_at": rfc3339(diagnosis.now),
        "lang": lang,
        "options": {
            "by": diagnosis.by,
            "min_severity": diagnosis.min_severity.label,
            "since_seconds": diagnosis.since_seconds,
        },
        "sources": [
            {
                "name": source.name,
                "format": source.format,
                "shapes": list(source.shapes),
                "documents": source.documents,
                "events": source.events,
                "ignored": source.ignored,
                "truncated_groups": source.truncated_groups,
                "failed_groups": source.failed_groups,
            }
            for source in diagnosis.sources
        ],
        "summary": {
            "groups": len(diagnosis.groups),
            "events": diagnosis.events,
            "occurrences": diagnosis.occurrences,
            "first_seen": rfc3339(diagnosis.first_seen),
            "last_seen": rfc3339(diagnosis.last_seen),
            "window_seconds": window,
            "undated": diagnosis.undated,
            "skipped_old": diagnosis.skipped_old,
            "skipped_undated": diagnosis.skipped_undated,
            "capped_groups": capped_groups(diagnosis),
            "hidden_findings": diagnosis.hidden,
            "worst_severity": diagnosis.worst.label if diagnosis.worst is not None else None,
        },
        "conclusions": [
            {
                "rule": c.rule,
                "severity": c.severity.label,
                "title": conclusion_title(c, lang),
                "advice": conclusion_advice(c, lang),
                "reasons": list(c.reasons),
                "groups": [ref.key for ref in c.groups],
                "zones": list(c.zones),
                "instance_types": list(c.instance_types),
                "deadline": rfc3339(c.deadline),
            }
            for c in diagnosis.conclusions
        ],
        "findings": [_finding_data(rank, f) for rank, f in enumerate(diagnosis.findings, 1)],
        "noise": {
            "events": diagnosis.noise.events,
            "count": diagnosis.noise.count,
            "reasons": [{"reason": r, "count": n} for r, n in diagnosis.noise.reasons],
        },
        "groups": [
            {
                **_ref_data(group.ref),
                "events": group.events,
                "count": group.count,
                "worst_severity": group.worst.label,
                "first_seen": rfc3339(group.first_seen),
                "last_seen": rfc3339(group.last_seen),
            }
            for group in diagnosis.groups
        ],
    }


# --------------------------------------------------------------------------------------------
# Table


def _severity_style(severity: Severity) -> str:
    from eci_events.render.explain import SEVERITY_STYLES

    return SEVERITY_STYLES[severity]


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by terminal cells; words wider than a line are cut."""
    width = max(width, 10)
    lines: list[str] = []
    current = ""
    for word_ in text.split():
        while display_width(word_) > width:
            room = width - display_width(current) - (1 if current else 0)
            if room < 4 and current:
                lines.append(current)
                current = ""
                room = width
            head, word_ = _cut(word_, room)
            lines.append((current + " " + head).strip())
            current = ""
        candidate = f"{current} {word_}" if current else word_
        if display_width(candidate) > width and current:
            lines.append(current)
            current = word_
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    return lines


def _cut(text: str, cells: int) -> tuple[str, str]:
    used = 0
    for index, char in enumerate(text):
        used += display_width(char)
        if used > cells:
            return text[:index], text[index:]
    return text, ""


def _wrapped(
    text: str, width: int, indent: int, style: str | None = None, first: Line | None = None
) -> list[Line]:
    """``text`` wrapped under a hanging ``indent``; ``first`` replaces the first line's indent."""
    out: list[Line] = []
    for index, chunk in enumerate(wrap(text, width - indent)):
        lead: Line = list(first) if (index == 0 and first is not None) else [(" " * indent, None)]
        out.append([*lead, (chunk, style)])
    return out


def _cells(rows: Sequence[Sequence[Segment]]) -> list[Line]:
    """Aligned columns of styled cells, two spaces apart, the last one unpadded."""
    if not rows:
        return []
    widths = [max(display_width(row[i][0]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        line: Line = [("  ", None)]
        for index, (text, style) in enumerate(row):
            line.append((text, style))
            if index < len(widths):
                line.append((" " * (widths[index] - display_width(text) + 2), None))
        lines.append(line)
    return lines


def _group_list(lang: str, groups: Sequence[GroupRef], limit: int = 3) -> str:
    shown = [escape(ref.key) for ref in groups[:limit]]
    if len(groups) > limit:
        shown.append(word(lang, "more", n=f"{len(groups) - limit:,}"))
    return ", ".join(shown)


def _events_phrase(lang: str, events: int, occurrences: int) -> str:
    text = _plural(lang, events, "event", "events")
    if occurrences != events:
        text += f" ({word(lang, 'with_repeats', n=f'{occurrences:,}')})"
    return text


def _title(diagnosis: Diagnosis) -> str:
    """``Triage of N events (M with repeats) in G container groups from S sources``."""
    lang = diagnosis.lang
    return word(
        lang,
        "title",
        events=_events_phrase(lang, diagnosis.events, diagnosis.occurrences),
        groups=_plural(lang, len(diagnosis.groups), "group", "groups"),
        sources=_plural(lang, len(diagnosis.sources), "source", "sources"),
    )


def header_lines(diagnosis: Diagnosis, width: int) -> list[Line]:
    lang = diagnosis.lang
    lines: list[Line] = [[(_title(diagnosis), "bold")]]
    label_width = max(
        display_width(word(lang, key)) for key in ("window", "sources_label", "notes")
    )

    def labelled(key: str, text: str) -> list[Line]:
        label = word(lang, key)
        pad = " " * (label_width - display_width(label) + 2)
        return _wrapped(text, width, label_width + 2, first=[(label, "bold"), (pad, None)])

    if diagnosis.first_seen is not None and diagnosis.last_seen is not None:
        span = human_duration(diagnosis.last_seen - diagnosis.first_seen)
        ago = human_duration(diagnosis.now - diagnosis.last_seen)
        window = f"{_time(diagnosis.first_seen)} → {_time(diagnosis.last_seen)} ({span}), " + word(
            lang, "ended", age=ago
        )
    else:
        window = word(lang, "no_window")
    lines += labelled("window", window)
    described = []
    for source in diagnosis.sources:
        shapes = ", ".join(source.shapes) or source.format or "-"
        described.append(
            f"{escape(source.name)} ({shapes}: {_plural(lang, source.events, 'event', 'events')})"
        )
    lines += labelled("sources_label", "; ".join(described))
    notes = _notes(diagnosis)
    if notes:
        lines += labelled("notes", "; ".join(notes))
    return lines


def _notes(diagnosis: Diagnosis) -> list[str]:
    lang = diagnosis.lang
    notes = []
    if diagnosis.undated:
        notes.append(word(lang, "undated", n=f"{diagnosis.undated:,}"))
    if diagnosis.skipped_old:
        since = human_duration_since(diagnosis.since_seconds)
        notes.append(word(lang, "skipped_old", n=f"{diagnosis.skipped_old:,}", since=since))
    if diagnosis.skipped_undated:
        notes.append(word(lang, "skipped_undated", n=f"{diagnosis.skipped_undated:,}"))
    ignored = sum(s.ignored for s in diagnosis.sources)
    if ignored:
        notes.append(word(lang, "ignored", n=f"{ignored:,}"))
    truncated = sum(s.truncated_groups for s in diagnosis.sources)
    if truncated:
        notes.append(word(lang, "truncated", n=f"{truncated:,}"))
    failed = sum(s.failed_groups for s in diagnosis.sources)
    if failed:
        notes.append(word(lang, "failed", n=f"{failed:,}"))
    capped = capped_groups(diagnosis)
    if capped:
        notes.append(word(lang, "capped", n=f"{capped:,}", limit=API_EVENT_LIMIT))
    if diagnosis.hidden:
        notes.append(
            word(lang, "hidden", n=f"{diagnosis.hidden:,}", severity=diagnosis.min_severity.label)
        )
    return notes


def human_duration_since(seconds: int | None) -> str:
    if not seconds:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def timeline_lines(diagnosis: Diagnosis, width: int, limit: int = 15) -> list[Line]:
    """One row per container group: time buckets across the window, worst event in each."""
    lang = diagnosis.lang
    start, end = diagnosis.first_seen, diagnosis.last_seen
    dated = [g for g in diagnosis.groups if g.timeline]
    if start is None or end is None or not dated:
        return []
    label_width = min(28, max(display_width(escape(g.ref.key)) for g in dated[:limit]))
    cells = max(10, min(60, width - label_width - 4))
    first = int(start.timestamp())
    span = max(int(end.timestamp()) - first, 1)
    cell_seconds = max(span / cells, 1)
    lines: list[Line] = [
        [
            (word(lang, "timeline"), "bold"),
            (
                f"  {_time(start)} → {_time(end)}, "
                + word(lang, "cell", span=human_duration_seconds(cell_seconds)),
                None,
            ),
        ]
    ]
    for group in dated[:limit]:
        label = escape(group.ref.key)
        if display_width(label) > label_width:
            label = _cut(label, label_width - 1)[0] + "…"
        line: Line = [("  ", None), (label, None)]
        line.append((" " * (label_width - display_width(label) + 2), None))
        line += _timeline_cells(group, first, cell_seconds, cells)
        lines.append(line)
    if len(dated) > limit:
        lines.append([("  " + word(lang, "more_groups", n=f"{len(dated) - limit:,}"), "dim")])
    return lines


_GLYPHS = {Severity.INFO: "▂", Severity.WARNING: "▄", Severity.ERROR: "▆", Severity.CRITICAL: "█"}


def _timeline_cells(group: GroupSummary, first: int, cell_seconds: float, cells: int) -> Line:
    worst: list[Severity | None] = [None] * cells
    for bucket, severity in group.timeline:
        index = min(cells - 1, max(0, int((bucket - first) / cell_seconds)))
        current = worst[index]
        if current is None or severity > current:
            worst[index] = severity
    out: Line = []
    for cell in worst:
        if cell is None:
            out.append(("·", "dim"))
        else:
            out.append((_GLYPHS[cell], _severity_style(cell)))
    return out


def human_duration_seconds(seconds: float) -> str:
    from datetime import timedelta

    return human_duration(timedelta(seconds=round(seconds)))


def conclusion_lines(diagnosis: Diagnosis, width: int) -> list[Line]:
    lang = diagnosis.lang
    if not diagnosis.conclusions:
        return []
    lines: list[Line] = [[(word(lang, "conclusions"), "bold")]]
    label = max(len(c.severity.label) for c in diagnosis.conclusions)
    indent = 2 + label + 2
    for c in diagnosis.conclusions:
        lead: Line = [
            ("  ", None),
            (c.severity.label, _severity_style(c.severity)),
            (" " * (label - len(c.severity.label) + 2), None),
        ]
        lines += _wrapped(escape(conclusion_title(c, lang)), width, indent, "bold", first=lead)
        lines += _wrapped(conclusion_advice(c, lang), width, indent)
        if c.groups:
            groups = f"{word(lang, 'groups_label')}: {_group_list(lang, c.groups, 5)}"
            lines += _wrapped(groups, width, indent)
    return lines


def findings_table(diagnosis: Diagnosis) -> list[Line]:
    lang = diagnosis.lang
    by_group = diagnosis.by == "group"
    header = ["h_rank", "h_severity"]
    header += ["h_group"] if by_group else []
    header += ["h_reason", "h_groups", "h_count", "h_first", "h_last"]
    rows: list[list[Segment]] = [[(word(lang, key), "bold") for key in header]]
    for rank, f in enumerate(diagnosis.findings, 1):
        row: list[Segment] = [(str(rank), None), (f.severity.label, _severity_style(f.severity))]
        if by_group:
            row.append((escape(f.group.key) if f.group else "-", None))
        row += [
            (escape(f.reason), None),
            (f"{len(f.groups):,}", None),
            (f"{f.count:,}", None),
            (_time(f.first_seen), None),
            (_time(f.last_seen), None),
        ]
        rows.append(row)
    return _cells(rows)


def finding_lines(rank: int, finding: Finding, lang: str, width: int) -> list[Line]:
    style = _severity_style(finding.severity)
    title: Line = [
        (f"{rank}. ", "bold"),
        (escape(finding.reason), "bold"),
        (" · ", None),
        (finding.severity.label, style),
    ]
    facts = [_groups_phrase(lang, len(finding.groups)), f"x{finding.count:,}"]
    if finding.variant is not None and finding.variants > 1:
        facts.insert(0, word(lang, "variant", n=finding.variant + 1))
    if finding.types:
        facts.insert(0, "/".join(escape(t) for t in finding.types))
    title.append((" · " + " · ".join(facts), None))
    lines: list[Line] = [title]
    indent = 3
    summary = finding.summary if finding.known else word(lang, "summary_unknown")
    if summary:
        lines += _wrapped(summary, width, indent)
    if finding.group is not None:
        lines += _wrapped(
            f"{word(lang, 'group_label')}: {escape(finding.group.key)}", width, indent
        )
    else:
        groups = f"{word(lang, 'groups_label')}: {_group_list(lang, finding.groups, 5)}"
        lines += _wrapped(groups, width, indent)
    if finding.messages:
        key = "message" if len(finding.messages) == 1 else "messages"
        lines += _wrapped(f"{word(lang, key)}:", width, indent)
        for message in finding.messages:
            lines += _wrapped(escape(message), width, indent + 2, first=[("   - ", None)])
    if finding.parts:
        lines += _wrapped(f"{word(lang, 'parts')}:", width, indent)
        for part in finding.parts:
            text = f"{part.count:,} {escape(part.text)}"
            lines += _wrapped(text, width, indent + 2, first=[("   - ", None)])
    if finding.remedies:
        lines += _wrapped(f"{word(lang, 'remedies')}:", width, indent)
        for number, remedy in enumerate(finding.remedies, 1):
            bullet = f"   {number}. "
            lines += _wrapped(escape(remedy), width, len(bullet), first=[(bullet, None)])
    if finding.next_commands:
        label = f"{word(lang, 'next')}: "
        lead_width = indent + display_width(label)
        for index, command in enumerate(finding.next_commands):
            lead: Line = (
                [("   ", None), (label, None)] if index == 0 else [(" " * lead_width, None)]
            )
            lines += _wrapped(escape(command), width, lead_width, "cyan", first=lead)
    return lines


def noise_line(diagnosis: Diagnosis, width: int) -> list[Line]:
    noise = diagnosis.noise
    if not noise.events:
        return []
    lang = diagnosis.lang
    reasons = ", ".join(f"{escape(r)} x{n:,}" for r, n in noise.reasons[:6])
    if len(noise.reasons) > 6:
        reasons += ", " + word(lang, "more", n=len(noise.reasons) - 6)
    events = _events_phrase(lang, noise.events, noise.count)
    return _wrapped(word(lang, "noise", events=events, reasons=reasons), width, 2, "dim", first=[])


def table_lines(diagnosis: Diagnosis, width: int, timeline: bool = False) -> list[Line]:
    """The whole table report as styled lines."""
    lang = diagnosis.lang
    lines = header_lines(diagnosis, width)
    if diagnosis.events == 0:
        return [*lines, [], [(word(lang, "no_events"), None)]]
    if timeline:
        block = timeline_lines(diagnosis, width)
        if block:
            lines += [[], *block]
    block = conclusion_lines(diagnosis, width)
    if block:
        lines += [[], *block]
    lines += [[]]
    if diagnosis.findings:
        lines += [[(word(lang, "findings"), "bold")], *findings_table(diagnosis)]
        for rank, finding in enumerate(diagnosis.findings, 1):
            lines += [[], *finding_lines(rank, finding, lang, width)]
    else:
        severity = diagnosis.min_severity.label
        lines.append([(word(lang, "no_findings", severity=severity), None)])
    noise = noise_line(diagnosis, width)
    if noise:
        lines += [[], *noise]
    return lines


def plain(lines: Iterable[Line]) -> str:
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)


def rich_text(lines: Iterable[Line]) -> Any:
    """The lines as one rich Text (styles applied; text never parsed as markup)."""
    from rich.text import Text

    out = Text()
    for line in lines:
        for text, style in line:
            out.append(text, style=style or "")
        out.append("\n")
    return out


# --------------------------------------------------------------------------------------------
# Markdown


def _md(text: str) -> str:
    """Untrusted text safe inside a markdown table cell or list item."""
    text = escape(text)
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return text


def _code(text: str) -> str:
    text = escape(text)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown(diagnosis: Diagnosis) -> str:
    lang = diagnosis.lang
    out: list[str] = [f"## eci-events triage: {_md(_title(diagnosis))}", ""]
    if diagnosis.first_seen is not None and diagnosis.last_seen is not None:
        span = human_duration(diagnosis.last_seen - diagnosis.first_seen)
        window = f"{_time(diagnosis.first_seen)} → {_time(diagnosis.last_seen)} ({span})"
    else:
        window = word(lang, "no_window")
    out.append(f"- **{word(lang, 'window')}:** {window}")
    sources = "; ".join(
        f"{_code(s.name)} ({', '.join(s.shapes) or s.format or '-'}: {s.events:,})"
        for s in diagnosis.sources
    )
    out.append(f"- **{word(lang, 'sources_label')}:** {sources}")
    notes = _notes(diagnosis)
    if notes:
        out.append(f"- **{word(lang, 'notes')}:** {_md('; '.join(notes))}")
    if diagnosis.conclusions:
        out += ["", f"### {word(lang, 'conclusions')}", ""]
        for c in diagnosis.conclusions:
            out.append(
                f"- **{c.severity.label}**: {_md(conclusion_title(c, lang))}. "
                f"{_md(conclusion_advice(c, lang))}"
            )
            if c.deadline is not None:
                out.append(f"  {word(lang, 'deadline', time=_time(c.deadline))}")
    out += ["", f"### {word(lang, 'findings')}", ""]
    if not diagnosis.findings:
        out.append(word(lang, "no_findings", severity=diagnosis.min_severity.label))
    else:
        header = ["h_rank", "h_severity"]
        header += ["h_group"] if diagnosis.by == "group" else []
        header += ["h_reason", "h_groups", "h_count", "h_first", "h_last"]
        out.append("| " + " | ".join(word(lang, k) for k in header) + " |")
        out.append("|" + "---|" * len(header))
        for rank, f in enumerate(diagnosis.findings, 1):
            cells = [str(rank), f"**{f.severity.label}**"]
            if diagnosis.by == "group":
                cells.append(_md(f.group.key) if f.group else "-")
            cells += [
                _md(f.reason),
                f"{len(f.groups):,}",
                f"{f.count:,}",
                _time(f.first_seen),
                _time(f.last_seen),
            ]
            out.append("| " + " | ".join(cells) + " |")
        for rank, f in enumerate(diagnosis.findings, 1):
            out += ["", f"#### {rank}. {_md(f.reason)} ({f.severity.label})", ""]
            summary = f.summary if f.known else word(lang, "summary_unknown")
            if summary:
                out += [escape(summary), ""]
            groups = ", ".join(_code(ref.key) for ref in f.groups[:10])
            if len(f.groups) > 10:
                groups += ", " + word(lang, "more", n=f"{len(f.groups) - 10:,}")
            out.append(f"- **{word(lang, 'groups_label')}:** {groups}")
            for message in f.messages:
                out.append(f"- **{word(lang, 'message')}:** {_code(message)}")
            if f.parts:
                out.append(f"- **{word(lang, 'parts')}:**")
                out += [f"  - {part.count:,} {_md(part.text)}" for part in f.parts]
            if f.remedies:
                out.append(f"- **{word(lang, 'remedies')}:**")
                # Catalog text is markdown already; parameters filled in are escaped by textsafe.
                out += [f"  {n}. {escape(text)}" for n, text in enumerate(f.remedies, 1)]
            if f.next_commands:
                commands = ", ".join(_code(c) for c in f.next_commands)
                out.append(f"- **{word(lang, 'next')}:** {commands}")
    noise = diagnosis.noise
    if noise.events:
        reasons = ", ".join(f"{r} x{n:,}" for r, n in noise.reasons)
        events = _events_phrase(lang, noise.events, noise.count)
        out += ["", _md(word(lang, "noise", events=events, reasons=reasons))]
    return "\n".join(out) + "\n"
