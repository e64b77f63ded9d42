"""Draw the TalentDesk icon (a white 才 on a red tile) with QPainter; write PNG and ICO.

    python resources/icons/make_icons.py        # rewrites talentdesk.png and talentdesk.ico

The strokes are painter paths on a 256-unit grid (no font needed, crisp at every size).
The ICO holds PNG-compressed images of 16-256 px (Windows Vista and later read these).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import (QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPainterPath,  # noqa: E402
                           QPen)

HERE = Path(__file__).resolve().parent
SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 256)
RED_TOP = QColor("#D0312D")
RED_BOTTOM = QColor("#9E1B1B")
GOLD = QColor("#F6C344")


def render(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)
    # the tile
    grad = QLinearGradient(0, 0, 0, 256)
    grad.setColorAt(0, RED_TOP)
    grad.setColorAt(1, RED_BOTTOM)
    margin = 8 if size >= 32 else 2
    tile = QRectF(margin, margin, 256 - 2 * margin, 256 - 2 * margin)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(grad)
    p.drawRoundedRect(tile, 52, 52)
    # a thin gold rule under the character (dropped at the smallest sizes)
    if size >= 48:
        p.setBrush(GOLD)
        p.drawRoundedRect(QRectF(70, 214, 116, 10), 5, 5)
    # 才: 横, 竖钩, 撇 — thicker strokes at small sizes so they stay visible
    width = 26 if size >= 48 else 34
    pen = QPen(QColor("white"), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    heng = QPainterPath(QPointF(52, 92))
    heng.lineTo(204, 86)
    shu_gou = QPainterPath(QPointF(150, 36))
    shu_gou.lineTo(150, 194)
    shu_gou.lineTo(122, 174)
    pie = QPainterPath(QPointF(146, 108))
    pie.cubicTo(124, 146, 94, 174, 56, 192)
    for path in (heng, shu_gou, pie):
        p.drawPath(path)
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data)


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """ICONDIR + ICONDIRENTRYs + PNG payloads."""
    count = len(images)
    header = struct.pack("<HHH", 0, 1, count)
    offset = 6 + 16 * count
    entries, payload = b"", b""
    for size, data in sorted(images.items()):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    path.write_bytes(header + entries + payload)


def main(out_dir: Path = HERE) -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    images = {s: png_bytes(render(s)) for s in SIZES}
    app.processEvents()
    (out_dir / "talentdesk.png").write_bytes(images[256])
    write_ico(out_dir / "talentdesk.ico", images)
    print(f"wrote {out_dir / 'talentdesk.png'} and {out_dir / 'talentdesk.ico'} ({', '.join(map(str, SIZES))} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
