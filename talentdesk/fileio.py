"""Writing a file so that a crash, a cancel or a full disk never leaves half of it behind,
and never onto a database.

- ``atomic_path`` refuses to replace a SQLite database file (the open database or any
  other: header ``SQLite format 3\\0``, or a ``-wal``/``-journal`` beside it), whatever the
  caller: an export or a printed form written "onto" the live database would turn it
  into a workbook.
- ``check_output(out, force=)`` is what the command line calls before it writes an output
  the user named: an existing file is only replaced with ``--force`` (the GUI's save
  dialogs ask before they return a name that exists).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from talentdesk.domain.errors import TalentDeskError

SQLITE_HEADER = b"SQLite format 3\x00"


def is_database_file(path: str | os.PathLike) -> bool:
    """True for a SQLite database (by its first 16 bytes), or a file with a SQLite
    ``-wal``/``-shm``/``-journal`` beside it (a database in use whose header may not yet be
    on disk)."""
    path = Path(path)
    for suffix in ("-wal", "-shm", "-journal"):
        if Path(str(path) + suffix).exists():
            return True
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def refuse_database(out: str | os.PathLike) -> None:
    """Raise a Chinese TalentDeskError if ``out`` is a database file."""
    out = Path(out)
    if out.exists() and is_database_file(out):
        raise TalentDeskError(f"不能写入 {out}：该文件是数据库文件（可能正是正在使用的台账数据库），"
                              f"写入会毁掉其中的数据。请另选一个文件名")


def check_output(out: str | os.PathLike, *, force: bool = False) -> None:
    """Before writing ``out``: never onto a database; an existing other file needs ``force``."""
    out = Path(out)
    refuse_database(out)
    if out.is_dir():
        raise TalentDeskError(f"{out} 是文件夹，请给出文件名")
    if out.exists() and not force:
        raise TalentDeskError(f"文件 {out} 已存在；要替换它请加 --force，或另选一个文件名")


@contextlib.contextmanager
def atomic_path(out: str | os.PathLike, *, what: str = "", hint: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``out``; when the block ends normally it replaces
    ``out`` in one rename, on any error (or cancel) it is removed. An OSError becomes a
    TalentDeskError “无法写入{what} {out}：…{hint}”. ``out`` may not be a database file
    (``refuse_database``), checked before and again just before the rename."""
    out = Path(out)
    refuse_database(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=out.suffix + ".part", dir=out.parent)
        os.close(fd)
    except OSError as exc:
        raise TalentDeskError(f"无法写入{what} {out}：{exc.strerror or exc}{hint}") from None
    tmp = Path(name)
    try:
        yield tmp
        refuse_database(out)
        os.replace(tmp, out)
    except OSError as exc:
        raise TalentDeskError(f"无法写入{what} {out}：{exc.strerror or exc}{hint}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
