"""Backups and restore of the embedded SQLite database.

Made with SQLite's online backup API (consistent while the app runs) and verified
(integrity_check and row counts) before they are reported. PostgreSQL databases are
backed up by the server (pg_dump); these functions refuse them with that message.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.db import Database, sqlite_backup
from talentdesk.services.context import ServiceContext

PG_MESSAGE = ("当前使用 PostgreSQL 服务器数据库，自动备份由服务器负责，请由管理员使用 pg_dump 定期备份"
              "（参见 README 的“多台电脑共用”一节）。")
CHECK_TABLES = ("talent", "employer", "benefit_grant", "installment", "audit_event")


@dataclass
class BackupInfo:
    path: Path
    size: int
    created: dt.datetime
    counts: dict[str, int]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path)
        d["created"] = self.created.isoformat(timespec="seconds")
        return d


def verify_file(path: Path) -> dict[str, int]:
    """integrity_check and row counts of a SQLite file; raises TalentDeskError if bad."""
    if not path.is_file():
        raise TalentDeskError(f"备份文件不存在：{path}")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = con.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise TalentDeskError(f"备份文件已损坏（{status}）：{path}")
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            missing = [t for t in CHECK_TABLES if t not in tables]
            if missing:
                raise TalentDeskError(f"{path} 不是人才服务台账的数据库（缺少表 {', '.join(missing)}）")
            return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in CHECK_TABLES}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise TalentDeskError(f"无法读取备份文件 {path}：{exc}") from None


def _require_sqlite(db: Database) -> Path:
    if db.path is None:
        raise TalentDeskError(PG_MESSAGE)
    return db.path


def backup_now(ctx: ServiceContext, target: Path | None = None, *, folder: Path | None = None,
               label: str = "manual") -> BackupInfo:
    source = _require_sqlite(ctx.db)
    if target is None:
        from talentdesk import paths

        folder = folder or paths.default_backup_dir()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"talentdesk-{label}-{stamp}.sqlite3"
    sqlite_backup(source, target)
    counts = verify_file(target)
    return BackupInfo(target, target.stat().st_size, dt.datetime.now(), counts)


def restore(ctx: ServiceContext, source: Path) -> dict:
    """Replace the database with a verified backup, after backing up the current one."""
    current = _require_sqlite(ctx.db)
    counts = verify_file(source)
    safety = backup_now(ctx, label="before-restore")
    ctx.db.dispose()
    tmp = current.with_name(current.name + ".restoring")
    sqlite_backup(source, tmp)
    for suffix in ("-wal", "-shm"):
        side = Path(str(current) + suffix)
        if side.exists():
            side.unlink()
    os.replace(tmp, current)
    return {"restored_from": str(source), "safety_backup": str(safety.path), "counts": counts}
