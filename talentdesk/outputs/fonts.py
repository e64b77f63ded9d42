"""The CJK font the PDF forms are drawn with, embedded as a subset.

The bundled font is AR PL SungtiL GB (``resources/fonts/gbsn00lp.ttf``, a Song/宋体
style TrueType font by Arphic Technology, Arphic Public License — see
``resources/fonts/ARPHICPL.TXT``). ReportLab embeds TrueType fonts as subsets, so a PDF
prints the same on a PC without any Chinese font.

The Arphic font covers GB2312. Names sometimes use characters outside it (喆, 堃, 玥 …);
such characters are drawn with a fallback TrueType CJK font found on the machine
(SimSun on Windows, AR PL UMing or WenQuanYi Zen Hei on Linux), embedded the same way.
If no font has the character, ``missing_chars()`` reports it and the printed text
shows the character's place with “□”.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from talentdesk.paths import resources_dir

FONT_NAME = "TDSong"
FALLBACK_NAME = "TDFallback"
FONT_FILE = "gbsn00lp.ttf"

# (path, subfontIndex) candidates for characters outside GB2312, first found wins.
_FALLBACKS = [
    ("resources", "fallback.ttf", 0),
    ("resources", "fallback.ttc", 0),
    ("abs", r"C:\Windows\Fonts\simsun.ttc", 0),
    ("abs", r"C:\Windows\Fonts\simsunb.ttf", 0),
    ("abs", "/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # a Ming (Song) face, like the main font
    ("abs", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("abs", "/System/Library/Fonts/Supplemental/Songti.ttc", 0),
]


def font_path() -> Path:
    return resources_dir() / "fonts" / FONT_FILE


@lru_cache(maxsize=1)
def register() -> str:
    """Register the bundled font with reportlab (once) and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path())))
    return FONT_NAME


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Code points the bundled font has glyphs for."""
    from reportlab.pdfbase import pdfmetrics

    register()
    return frozenset(pdfmetrics.getFont(FONT_NAME).face.charToGlyph)


@lru_cache(maxsize=1)
def fallback() -> str | None:
    """Register the first fallback font found; its name, or None."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    env = os.environ.get("TALENTDESK_FALLBACK_FONT")
    candidates = ([("abs", env, 0)] if env else []) + _FALLBACKS
    for where, name, index in candidates:
        path = resources_dir() / "fonts" / name if where == "resources" else Path(name)
        if not path.is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(FALLBACK_NAME, str(path), subfontIndex=index))
        except Exception:  # CFF outlines or a broken file: try the next one
            continue
        return FALLBACK_NAME
    return None


@lru_cache(maxsize=1)
def fallback_covered() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    name = fallback()
    if name is None:
        return frozenset()
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


@lru_cache(maxsize=8192)
def runs(text: str) -> tuple[tuple[str, str], ...]:
    """Split text into (font name, text) runs; characters in no font become “□”."""
    main = covered()
    if all(ord(ch) in main for ch in text):
        return ((FONT_NAME, text),)
    out: list[tuple[str, str]] = []
    fb = fallback_covered()
    for ch in text:
        o = ord(ch)
        if o in main:
            font, ch2 = FONT_NAME, ch
        elif o in fb:
            font, ch2 = FALLBACK_NAME, ch
        else:
            font, ch2 = FONT_NAME, "□"
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch2)
        else:
            out.append((font, ch2))
    return tuple(out)


def missing_chars(text: str) -> set[str]:
    main = covered()
    fb = fallback_covered()
    return {ch for ch in text if ord(ch) not in main and ord(ch) not in fb and not ch.isspace()}


if sys.platform == "win32":  # pragma: no cover - Windows keeps fonts under %WINDIR%
    windir = os.environ.get("WINDIR", r"C:\Windows")
    _FALLBACKS[2] = ("abs", os.path.join(windir, "Fonts", "simsun.ttc"), 0)
