"""The one choke point for secrets: every text from the SDK or the credentials library
passes ``redact`` before it reaches an error line or ``--debug``.

It masks the secret values this process has learned (``remember``), and by pattern what
any secret looks like in those libraries' messages: URL query strings (signed STS URLs,
``OIDCToken=``, tokens in a credentials URI), user:password in URLs, secret-named keys
with their values (JSON, ``key=value``, ``Signature=`` in an Authorization header), and
the echo of a line of a credentials file that the INI parser could not read.
"""

from __future__ import annotations

import re
import threading

MASK = "***"
_MIN_SECRET = 4  # shorter values would mask ordinary words

_URL = re.compile(r"(?i)\b((?:https?|wss?)://)(?:[^/\s@'\"]*@)?([^\s'\"?#]*)(\?[^\s'\"#]*)?")
_KEYS = (
    "accesskeysecret|access_key_secret|accesskeyid|access_key_id|securitytoken|security_token"
    "|sts_token|ststoken|oidctoken|oidc_token|bearertoken|bearer_token|signaturenonce|signature"
    "|password|secret|credential|token"
)
_KEY_VALUE = re.compile(
    rf"(?i)([\"']?\b(?:{_KEYS})[\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&}}\]\"']+)"
)
_INI_LINE = re.compile(r"(\[line\s+\d+\]:\s*)('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")

_known: set[str] = set()
_lock = threading.Lock()


def remember(*secrets: str | None) -> None:
    """Mask these values wherever they appear from now on."""
    with _lock:
        for secret in secrets:
            if secret and len(secret.strip()) >= _MIN_SECRET:
                _known.add(secret)
                _known.add(secret.strip())


def redact(text: str) -> str:
    """``text`` without any secret we know of or can recognise."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _URL.sub(lambda m: m.group(1) + m.group(2) + ("?" + MASK if m.group(3) else ""), text)
    text = _INI_LINE.sub(lambda m: m.group(1) + "'" + MASK + "'", text)
    return _KEY_VALUE.sub(lambda m: m.group(1) + MASK, text)
