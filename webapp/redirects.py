"""The one check for every "where to go next" parameter (`next`, `terug`): a same-site path only.

A browser reads a redirect target more generously than a naive check does: it drops tabs and
newlines (`/\\t/evil.example` becomes `//evil.example`, another site), treats `\\` as `/`, and a
header with CR or LF cannot be sent at all. So a target is refused when it, or any percent-
decoding of it, holds a control or invisible formatting character, a backslash, or starts with
`//`, or when it names a scheme or a host. Refused targets give None: the caller falls back to
its own safe default, never to an error.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2000
# Percent-decoding rounds looked at (`%2509` is `%09` after one round, a tab after two).
_ROUNDS = 3
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def same_site_path(target: object) -> str | None:
    """`target` if it is a path on this site (`/...`), else None."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return None
    seen = target
    for _round in range(_ROUNDS + 1):
        if not _plain_path(seen):
            return None
        try:
            decoded = unquote(seen, errors="strict") if "%" in seen else seen
        except UnicodeDecodeError:
            return None
        if decoded == seen:
            break
        seen = decoded
    return target


def _plain_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return False
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in text):
        return False
    folded = unicodedata.normalize("NFKC", text)
    if folded.startswith("//") or "\\" in folded:
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc
