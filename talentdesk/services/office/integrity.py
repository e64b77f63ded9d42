"""Integrity check at start, and recovery from the last good backup.

The GUI core calls ``check(target)`` before it opens the database for work. For SQLite
it runs ``PRAGMA quick_check`` and ``PRAGMA foreign_key_check`` on the file (read-only,
nothing is changed) and says in plain Chinese what is wrong; it also works on a file so
damaged that ``open_database`` itself would fail. When the check fails it names the
newest backup that passes verification (``last_good_backup``), and
``restore_last_good(path, backup)`` puts it in place: the damaged file is kept beside
it (``*.damaged-YYYYMMDD-HHMMSS``), never deleted.

Restoring at start does not ask for a log-in: the accounts table of a damaged database
cannot be trusted, the backup restored is the office's own automatic backup from the
configured folder, and nothing is lost (the damaged file is kept). Only a backup of
*this* database is ever used: its id (``backup.database_id``, read from the damaged
file when it can be read) must match the id inside the backup; when the damaged file's
id cannot be read, the backup must record this file's path as its source. Another
database's backup sharing the folder, or an old backup that records neither, is never
restored here. Restoring any other file goes through ``backup.restore`` and needs the
admin.

Server databases (PostgreSQL) are checked by the server; ``check`` only tests the
connection.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.db import BUSY_TIMEOUT_S, Database, resolve_url, sqlite_backup
from talentdesk.services.office import backup


@dataclass
class CheckResult:
    ok: bool
    message: str
    problems: list[str] = field(default_factory=list)
    path: Path | None = None
    last_good: backup.BackupInfo | None = None

    @property
    def can_restore(self) -> bool:
        return not self.ok and self.last_good is not None and self.path is not None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "message": self.message, "problems": list(self.problems),
                "path": str(self.path) if self.path else None,
                "last_good": self.last_good.as_dict() if self.last_good else None}


def _sqlite_path(target) -> Path | None:
    if isinstance(target, Database):
        return target.path
    text = str(target)
    if "://" in text:
        url = resolve_url(text)
        if not url.startswith("sqlite"):
            return None
        return Path(url.split(":///", 1)[1]) if ":///" in url else None
    return Path(text).expanduser().resolve()


def check_file(path: Path, *, full: bool = False) -> list[str]:
    """Problems found in a SQLite file ([] when healthy). ``full`` runs integrity_check."""
    path = Path(path)
    if not path.exists():
        return []  # a new database is created on first start
    problems: list[str] = []
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        return [f"无法读取数据库文件：{exc.strerror or exc}"]
    if path.stat().st_size == 0:
        return []  # an empty file becomes a new database
    if header != b"SQLite format 3\x00":
        return ["文件头不是 SQLite 数据库（文件被覆盖或截断）"]
    try:
        # Not read-only: a WAL left by a crash must be replayed to see the committed state.
        con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = [r[0] for r in con.execute(f"PRAGMA {pragma}(20)").fetchall()]
            if rows != ["ok"]:
                problems.extend(f"数据页或索引损坏：{r}" for r in rows)
            fk = con.execute("PRAGMA foreign_key_check").fetchmany(20)
            for table, rowid, parent, _ in fk:
                problems.append(f"{table} 第 {rowid} 行引用的 {parent} 记录不存在")
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        problems.append(f"数据库无法读取：{exc}")
    return problems


def _own_id(db_path: Path | None, database_id: str | None) -> str | None:
    if database_id or db_path is None:
        return database_id
    ident = backup.file_meta(Path(db_path)).get("database_id")
    return ident if isinstance(ident, str) else None


def last_good_backup(folder: Path | None = None, *, db: Database | None = None,
                     db_path: Path | None = None, database_id: str | None = None) -> backup.BackupInfo | None:
    """The newest backup of this database (``database_id``, else the id read from
    ``db_path``, else backups recording ``db_path`` as their source) in ``folder``
    (default: the database's backup folder) that verifies."""
    if db_path is None and db is not None:
        db_path = db.path
    if folder is None:
        if db is not None:
            folder = backup.backup_folder(db)
        elif db_path is not None:
            folder = Path(db_path).parent / "backups"
        else:
            return None
    ident = _own_id(db_path, database_id)
    for entry in backup.list_backups(folder, database_id=ident):
        if not backup.belongs_to(entry.path, ident, db_path):
            continue
        try:
            entry.counts = backup.verify_file(entry.path)
        except TalentDeskError:
            continue
        return entry
    return None


def check(target, *, backup_dir: Path | None = None, full: bool = False) -> CheckResult:
    """Check the database (a Database, a path or a URL) before work starts."""
    path = _sqlite_path(target)
    if path is None:
        if isinstance(target, Database):
            try:
                with target.engine.connect() as conn:
                    conn.exec_driver_sql("SELECT 1")
            except Exception as exc:
                return CheckResult(False, f"无法连接数据库服务器：{exc}", [str(exc)])
        return CheckResult(True, "服务器数据库（完整性由服务器负责）")
    problems = check_file(path, full=full)
    if not problems:
        return CheckResult(True, "数据库完整性检查通过", [], path)
    folder = backup_dir
    if folder is None and isinstance(target, Database):
        try:
            folder = backup.backup_folder(target)
        except Exception:
            folder = None
    good = last_good_backup(folder, db_path=path)
    message = "数据库文件已损坏（可能是停电、强行关机或磁盘故障造成的）。"
    if good is not None:
        message += (f"可以恢复到最近一次完好的备份：{good.created:%Y-%m-%d %H:%M}（{good.kind_label}）；"
                    f"该备份之后的修改需要重新录入。损坏的文件会保留，不会删除。")
    else:
        message += "没有找到可用的备份，请联系技术人员，不要继续使用或删除该文件。"
    return CheckResult(False, message, problems, path, good)


def restore_last_good(db_path: Path, backup_file: Path) -> Path:
    """Put a verified backup in place of a damaged database; returns where the damaged file went.

    Call it before the database is opened (no connection may be open on it).
    """
    db_path = Path(db_path)
    backup.verify_file(Path(backup_file))
    if not backup.belongs_to(Path(backup_file), _own_id(db_path, None), db_path):
        raise TalentDeskError(f"备份 {Path(backup_file).name} 不是数据库 {db_path.name} 的备份（属于另一个数据库，"
                              f"或是旧版本制作、没有记录来源的备份），不能在启动时自动恢复；"
                              f"请由管理员用 talentdesk restore 恢复")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    tmp = db_path.with_name(db_path.name + ".restoring")
    sqlite_backup(Path(backup_file), tmp)
    if db_path.exists():
        os.replace(db_path, kept)
    for suffix in ("-wal", "-shm"):
        side = Path(str(db_path) + suffix)
        if side.exists():
            os.replace(side, Path(str(kept) + suffix))
    os.replace(tmp, db_path)
    try:  # the copy's own note of where it came from is not part of the restored database
        con = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_S)
        try:
            con.execute("DELETE FROM setting WHERE key = ?", (backup.SOURCE_KEY,))
            con.commit()
        finally:
            con.close()
    except sqlite3.Error:
        pass
    try:
        backup.sync_attachments(Path(backup_file).parent / backup.ATTACHMENTS, db_path.parent / backup.ATTACHMENTS)
    except OSError:
        pass
    try:
        from talentdesk.models.db import open_database
        from talentdesk.services.office.audit import log as audit
        from talentdesk.services.context import ServiceContext

        db = open_database(db_path, backup_dir=db_path.parent / "backups")
        try:
            with ServiceContext(db).write() as session:
                audit.record(session, None, "restore", "database", None,
                             after={"from": str(backup_file), "damaged_file_kept": str(kept),
                                    "reason": "integrity check failed at start"})
        finally:
            db.dispose()
    except TalentDeskError:
        pass
    return kept


# -- the GUI core's hooks when the database cannot even be opened ---------------------------

def last_good_backup_path(db_path: Path) -> Path | None:
    """The newest verified backup for the database file ``db_path`` (None if none)."""
    found = last_good_backup(db_path=Path(db_path))
    return found.path if found else None


def restore_file(db_path: Path, backup_path: Path) -> Path:
    """Put a verified backup in place of a database that cannot be opened; the damaged
    file is kept beside it. Returns where the damaged file went."""
    return restore_last_good(Path(db_path), Path(backup_path))
