"""The user manual and its screenshots stay together."""

from __future__ import annotations

import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANUAL = ROOT / "docs" / "manual" / "用户手册.md"
SHOTS = ROOT / "docs" / "manual" / "screenshots"


def test_every_screenshot_in_the_manual_exists_and_is_a_real_image():
    text = MANUAL.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) >= 15
    for rel in images:
        path = MANUAL.parent / rel
        assert path.is_file(), rel
        head = path.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n", rel
        width, height = struct.unpack(">II", head[16:24])
        assert width >= 300 and height >= 200, (rel, width, height)


def test_the_screenshot_script_makes_every_image_the_manual_uses():
    script = (ROOT / "scripts" / "manual_screenshots.py").read_text(encoding="utf-8")
    text = MANUAL.read_text(encoding="utf-8")
    for rel in re.findall(r"\]\(screenshots/([^)]+)\.png\)", text):
        assert f'"{rel}"' in script, f"{rel}.png is not made by scripts/manual_screenshots.py"


def test_manual_covers_the_work_of_an_office():
    text = MANUAL.read_text(encoding="utf-8")
    for topic in ("首次启动", "导入花名册", "待遇审批", "待遇发放", "年度考核", "离职", "打印", "备份"):
        assert topic in text, topic
    guide = (ROOT / "docs" / "manual" / "admin-guide.md").read_text(encoding="utf-8")
    for topic in ("安装", "PostgreSQL", "备份", "政策"):
        assert topic in guide, topic
