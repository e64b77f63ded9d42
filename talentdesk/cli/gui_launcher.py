"""``talentdesk`` with no arguments starts the desktop application."""

from __future__ import annotations

import sys


def launch_gui(argv: list[str] | None = None) -> int:
    """Start the GUI; ``argv`` are the options given after ``talentdesk`` (e.g. --db, --smoke)."""
    try:
        from talentdesk.ui.app import run
    except ImportError as exc:  # the GUI is not installed in this build
        sys.stderr.write(f"无法启动图形界面：{exc}\n请使用 talentdesk --help 查看命令行用法。\n")
        return 2
    return run(sys.argv[:1] + list(argv or []))
