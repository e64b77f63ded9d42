"""Pinyin initials of a name for search-as-you-type (张伟 → zw), and the full-pinyin key
the 人才库 table sorts names by (as WPS and Excel do).

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


@lru_cache(maxsize=None)
def _char_key(ch: str) -> str:
    """One character's full pinyin with its tone as a digit (张 → zhang1, 吕 → lv3), or the
    character itself (lower-cased) if it is not Chinese. Names use a few thousand characters."""
    lazy_pinyin, Style = load()
    return lazy_pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True, errors="default")[0].lower()


@lru_cache(maxsize=1 << 17)
def sort_key(name: str | None) -> str:
    """A key that sorts names as WPS and Excel sort Chinese: by full pinyin, character by
    character (阿明 a1ming2 < 李四 < 张三 zhang1san1 < 赵六 zhao4liu4; 张 before 张三), the
    tones in order, and the same pinyin kept together by the characters themselves.

    Each character's reading is its most common one, without context, as those programs
    do. The readings are joined by a separator below any letter or digit, so the string
    compares as the tuple of readings would.
    """
    if not name:
        return ""
    return "\x01".join(map(_char_key, name)) + "\x00" + name
