"""Small layout helpers for the PDF forms: a pen over a reportlab canvas, text
measuring and wrapping for Chinese, table cells, and page flow.

Forms are built as a list of ``Block`` (a height and a draw function); ``paginate``
splits them into pages (repeating a table header after a page break) before anything
is drawn, so every page can print “第 x 页 共 y 页”.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from talentdesk.outputs import fonts

# Characters that must not start a line (Chinese line-breaking rule 避头) and must not end one.
_NO_START = set("，。、；：！？）》」』”’〕】,.;:!?)%")
_NO_END = set("（《「『“‘〔【(")
_TOKEN = re.compile(r"[A-Za-z0-9_.,:/%¥￥+\-@#&*'\"]+|\s|.", re.S)
LEADING = 1.35  # line height / font size


class Pen:
    """Draws text with the bundled font (falling back per character) and lines."""

    def __init__(self, canvas):
        self.c = canvas
        self.font = fonts.register()
        self._state: tuple[str, float] | None = None
        self._main_widths: dict[str, float] = {}  # character → width at 1pt
        self._str_widths: dict[str, float] = {}  # string → width at 1pt (bounded)
        self._wraps: dict[tuple, list[str]] = {}  # (text, width, size) → lines; cleared per form

    # ---- measuring
    def char_width(self, ch: str) -> float:
        """Advance width of one character at 1pt."""
        w = self._main_widths.get(ch)
        if w is None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            if ord(ch) in fonts.covered():
                w = stringWidth(ch, fonts.FONT_NAME, 1)
            elif fonts.fallback() and ord(ch) in fonts.fallback_covered():
                w = stringWidth(ch, fonts.FALLBACK_NAME, 1)
            else:
                w = stringWidth("□", fonts.FONT_NAME, 1)
            self._main_widths[ch] = w
        return w

    def width(self, text: str, size: float) -> float:
        total = self._str_widths.get(text)
        if total is None:
            cw = self._main_widths
            total = 0.0
            for ch in text:
                w = cw.get(ch)
                if w is None:
                    w = self.char_width(ch)
                total += w
            if len(self._str_widths) > 20000:
                self._str_widths.clear()
            self._str_widths[text] = total
        return total * size

    def new_form(self, wraps: dict | None = None) -> dict:
        """Start a fresh wrap cache (it only serves layout and drawing of one form), or
        take back ``wraps``, the cache a form was laid out with; returns the cache."""
        self._wraps = {} if wraps is None else wraps
        return self._wraps

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Lines no wider than ``width`` (a single overlong token is split by characters)."""
        key = (text, width, size)
        lines = self._wraps.get(key)
        if lines is None:
            lines = self._wraps[key] = self._wrap(text, width, size)
        return lines

    def _wrap(self, text: str, width: float, size: float) -> list[str]:
        lines: list[str] = []
        for para in (text or "").split("\n"):
            if self.width(para, size) <= width:
                lines.append(para)
                continue
            line = ""
            line_w = 0.0
            for tok in _TOKEN.findall(para):
                tw = self.width(tok, size)
                if line_w + tw <= width or not line:
                    if tw > width and not line:
                        # overlong token: split by character
                        for ch in tok:
                            cw = self.width(ch, size)
                            if line_w + cw > width and line:
                                lines.append(line)
                                line, line_w = "", 0.0
                            line += ch
                            line_w += cw
                        continue
                    line += tok
                    line_w += tw
                    continue
                if tok in _NO_START:  # hang closing punctuation at the line end
                    line += tok
                    line_w += tw
                    continue
                carry = ""
                while line and line[-1] in _NO_END:
                    carry = line[-1] + carry
                    line = line[:-1]
                lines.append(line.rstrip())
                tok = tok.lstrip() if tok.isspace() else tok
                line = carry + tok
                line_w = self.width(line, size)
            lines.append(line)
        return lines

    # ---- drawing
    def set_font(self, name: str, size: float) -> None:
        if self._state != (name, size):
            self.c.setFont(name, size)
            self._state = (name, size)

    def text(self, x: float, y: float, s: str, size: float, align: str = "left", bold: bool = False) -> None:
        if not s:
            return
        runs = fonts.runs(s)
        mode = 2 if bold else None
        if len(runs) == 1:
            self.set_font(runs[0][0], size)
            s = runs[0][1]
            if align == "left":
                self.c.drawString(x, y, s, mode=mode)
            elif align == "center":
                self.c.drawCentredString(x, y, s, mode=mode)
            else:
                self.c.drawRightString(x, y, s, mode=mode)
            return
        total = self.width(s, size)
        if align == "center":
            x -= total / 2
        elif align == "right":
            x -= total
        for font, part in runs:
            self.set_font(font, size)
            self.c.drawString(x, y, part, mode=mode)
            x += self.width(part, size)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.c.line(x1, y1, x2, y2)

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.c.rect(x, y, w, h, stroke=1, fill=0)

    def checkbox(self, x: float, y: float, size: float, checked: bool) -> None:
        """A square box with its bottom-left at (x, y); a tick inside when checked."""
        self.c.rect(x, y, size, size, stroke=1, fill=0)
        if checked:
            self.c.line(x + size * 0.18, y + size * 0.5, x + size * 0.42, y + size * 0.2)
            self.c.line(x + size * 0.42, y + size * 0.2, x + size * 0.85, y + size * 0.88)

    # ---- a text box
    def fit(self, text: str, width: float, height: float, size: float, min_size: float = 6.5) -> tuple[list[str], float]:
        """Wrapped lines and the font size at which they fit the box (shrinks, never clips)."""
        while True:
            lines = self.wrap(text, width, size)
            fits = len(lines) * size * LEADING <= height and all(self.width(ln, size) <= width + 0.5 for ln in lines)
            if fits or size <= min_size:
                return lines, size
            size = max(min_size, size - 0.5)

    def box_text(self, x: float, y_top: float, w: float, h: float, text: str, size: float,
                 align: str = "center", valign: str = "middle", pad: float = 3.5) -> None:
        if not text:
            return
        lines, size = self.fit(text, w - 2 * pad, h - 2 * pad, size)
        lead = size * LEADING
        block = len(lines) * lead
        if valign == "top":
            y = y_top - pad - size
        else:
            y = y_top - (h - block) / 2 - size * 1.02
        if align == "left":
            tx = x + pad
        elif align == "right":
            tx = x + w - pad
        else:
            tx = x + w / 2
        for ln in lines:
            self.text(tx, y, ln, size, align)
            y -= lead

    def text_height(self, text: str, width: float, size: float, pad: float = 3.5) -> float:
        return len(self.wrap(text, width - 2 * pad, size)) * size * LEADING + 2 * pad


# ------------------------------------------------------------------ page flow

@dataclass
class Block:
    height: float
    draw: Callable[[Pen, float, float], None]  # (pen, x_left, y_top)
    header: "Block | None" = None  # table header to repeat when this block opens a page
    keep_with_next: int = 0  # this many following blocks must share the page


def _kept_until(blocks: list[Block], i: int) -> int:
    """End (exclusive) of the run that must share a page with block ``i``: its
    ``keep_with_next`` blocks, and theirs in turn (a total kept with the capitals kept
    with the signatures kept with the note all move together)."""
    n = len(blocks)
    end = min(n, i + 1 + blocks[i].keep_with_next)
    j = i + 1
    while j < end:
        end = min(n, max(end, j + 1 + blocks[j].keep_with_next))
        j += 1
    return end


def paginate(blocks: list[Block], first: float, other: float) -> list[list[Block]]:
    """Split blocks into pages of ``first`` then ``other`` points of height."""
    pages: list[list[Block]] = [[]]
    room = first
    i = 0
    n = len(blocks)
    while i < n:
        b = blocks[i]
        need = b.height + sum(blocks[j].height for j in range(i + 1, _kept_until(blocks, i)))
        if need > room and pages[-1]:
            pages.append([])
            room = other
            if b.header is not None and b.header is not b:
                pages[-1].append(b.header)
                room -= b.header.height
        pages[-1].append(b)
        room -= b.height
        i += 1
    return pages
