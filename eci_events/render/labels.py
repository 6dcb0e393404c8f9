"""Interface words (headings, labels) in each catalog language. Catalog text lives in catalog/."""

from __future__ import annotations

LABELS = {
    "en": {
        "section": "Section",
        "module": "Resource",
        "type": "Type",
        "severity": "Severity",
        "messages": "Messages",
        "remedies": "What to do",
        "related": "Related",
        "links": "Links",
        "sources": "Sources",
        "verified": "verified",
        "unverified": "unverified",
        "unknown_template": "English text not seen verbatim; matched by reason only",
        "legacy": "older wording",
        "params": "parameters",
        "ja_text": "Japanese page",
        "unstated": "not stated",
        "message": "Message",
        "matched": "Matched",
    },
    "ja": {
        "section": "セクション",
        "module": "リソース",
        "type": "タイプ",
        "severity": "重大度",
        "messages": "メッセージ",
        "remedies": "対処方法",
        "related": "関連",
        "links": "リンク",
        "sources": "出典",
        "verified": "確認済み",
        "unverified": "未確認",
        "unknown_template": "英語の原文は未確認のため、理由 (reason) のみで照合します",
        "legacy": "旧表記",
        "params": "パラメーター",
        "ja_text": "日本語ページ",
        "unstated": "記載なし",
        "message": "メッセージ",
        "matched": "一致",
    },
}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["en"])[key]
