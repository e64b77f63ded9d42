"""Writing a file so that a crash, a cancel or a full disk never leaves half of it behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from talentdesk.domain.errors import TalentDeskError


@contextlib.contextmanager
def atomic_path(out: str | os.PathLike, *, what: str = "", hint: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``out``; when the block ends normally it replaces
    ``out`` in one rename, on any error (or cancel) it is removed. An OSError becomes a
    TalentDeskError “无法写入{what} {out}：…{hint}”."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=out.suffix + ".part", dir=out.parent)
        os.close(fd)
    except OSError as exc:
        raise TalentDeskError(f"无法写入{what} {out}：{exc.strerror or exc}{hint}") from None
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, out)
    except OSError as exc:
        raise TalentDeskError(f"无法写入{what} {out}：{exc.strerror or exc}{hint}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
