"""Pinyin initials of a name for search-as-you-type (张伟 → zw).

pypinyin is imported lazily: it costs ~0.6 s to import and is needed only when a
name is written, not when the window starts.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def load():
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin, Style


def warm_up() -> None:
    """Load pypinyin and its dictionaries now (~0.3 s), e.g. in a thread while a
    spreadsheet is being parsed, so that the first name written does not wait for them."""
    initials("张伟")


def initials(name: str | None) -> str:
    if not name:
        return ""
    lazy_pinyin, Style = load()
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(p[:1] for p in parts if p).lower()
