"""Backups and restore of the embedded SQLite database.

- Made with SQLite's online backup API (``models.db.sqlite_backup``): consistent while the
  app runs and other clerks write. Written to ``NAME.part`` and renamed, so a crash never
  leaves a half-written file under a backup's name.
- Verified after writing (``PRAGMA integrity_check`` and row counts of the main tables);
  a copy that fails the check is deleted and the backup reported as failed.
- Named ``talentdesk-<label>-YYYYMMDD-HHMMSS.sqlite3`` in the backup folder (setting
  ``backup_dir``; default ``backups/`` beside the database), so ``list_backups`` can list
  them with their time and size without opening them.
- Automatic backups: ``auto_daily`` (first start of each day: GUI start, first CLI command)
  and ``before(ctx, reason)`` (before a bulk import, a restore, a migration). They rotate
  (``rotate``): every automatic backup of the ``KEEP_DAILY`` most recent days that have
  backups, and the newest one of each of the ``KEEP_MONTHLY`` most recent months, are
  kept; manual backups are never deleted.
- ``restore`` needs the admin, checks the file, backs up the current database first, then
  copies the backup into the live database with the backup API (so another open
  connection sees either the old or the restored database, never a mix), upgrades its
  schema if it is older, and records an audit event in the restored database.

PostgreSQL databases are backed up by the server (pg_dump); these functions say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from talentdesk.domain.errors import PermissionDenied, TalentDeskError
from talentdesk.models.db import BUSY_TIMEOUT_S, Database, sqlite_backup
from talentdesk.services import audit, permissions
from talentdesk.services.context import ServiceContext

PG_MESSAGE = ("当前使用 PostgreSQL 服务器数据库，自动备份由服务器负责，请由管理员使用 pg_dump 定期备份"
              "（参见 README 的“多台电脑共用”一节）。")
CHECK_TABLES = ("talent", "employer", "benefit_grant", "installment", "audit_event")
KEEP_DAILY = 14
KEEP_MONTHLY = 12
PREFIX = "talentdesk"
MANUAL = "manual"
DAILY = "daily"
REASONS = {
    "daily": "每日自动备份",
    "manual": "手动备份",
    "import": "导入前自动备份",
    "restore": "恢复前自动备份",
    "migration": "升级前自动备份",
    "upgrade": "升级前自动备份",
    "payment": "发放前自动备份",
}
_NAME_RE = re.compile(r"^(?P<stem>.+?)-(?P<label>manual|daily|before-[a-z0-9-]+?)-"
                      r"(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.sqlite3$")


@dataclass
class BackupInfo:
    path: Path
    size: int
    created: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    label: str = MANUAL
    attachments: int = 0  # scanned files newly copied into the backup folder's store

    @property
    def kind_label(self) -> str:
        reason = self.label[len("before-"):] if self.label.startswith("before-") else self.label
        if reason.startswith("upgrade"):
            reason = "upgrade"
        return REASONS.get(reason, f"{reason} 前自动备份" if self.label.startswith("before-") else reason)

    @property
    def automatic(self) -> bool:
        return self.label != MANUAL

    def as_dict(self) -> dict:
        return {"path": str(self.path), "name": self.path.name, "size": self.size,
                "created": self.created.isoformat(timespec="seconds"), "label": self.label,
                "kind": self.kind_label, "counts": dict(self.counts), "attachments_copied": self.attachments}


@dataclass
class AutoResult:
    """What an automatic backup did. ``kind``: made / exists / server / failed."""

    kind: str
    message: str
    backup: BackupInfo | None = None

    @property
    def warning(self) -> bool:
        return self.kind == "failed"


# -- checking a file --------------------------------------------------------------

def verify_file(path: Path) -> dict[str, int]:
    """integrity_check and row counts of a SQLite file; raises TalentDeskError if bad."""
    path = Path(path)
    if not path.is_file():
        raise TalentDeskError(f"备份文件不存在：{path}")
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
        if header != b"SQLite format 3\x00":
            raise TalentDeskError(f"无法读取备份文件 {path.name}：不是 SQLite 数据库文件，不能用于恢复")
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
            status = rows[0][0] if rows else "?"
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
    except OSError as exc:
        raise TalentDeskError(f"无法读取备份文件 {path}：{exc.strerror or exc}") from None


def _revision_of(path: Path) -> str | None:
    con = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()


# -- where backups go ---------------------------------------------------------------

def _require_sqlite(db: Database) -> Path:
    if db.path is None:
        raise TalentDeskError(PG_MESSAGE)
    return db.path


def backup_folder(ctx_or_db) -> Path:
    """The folder from settings (``backup_dir``), else ``backups/`` beside the database."""
    db = getattr(ctx_or_db, "db", ctx_or_db)
    configured = ""
    try:
        from talentdesk.services import settings

        with db.read() as session:
            configured = settings.read_settings(session).backup_dir or ""
    except Exception:  # settings unreadable (damaged database): fall back to the default
        configured = ""
    if configured.strip():
        return Path(configured.strip()).expanduser()
    path = db.path
    if path is None:
        from talentdesk import paths

        return paths.default_backup_dir()
    return path.parent / "backups"


def _target(folder: Path, label: str, now: dt.datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{PREFIX}-{label}-{stamp}.sqlite3"
    n = 2
    while target.exists():
        target = folder / f"{PREFIX}-{label}-{stamp}-{n}.sqlite3"
        n += 1
    return target


ATTACHMENTS = "attachments"


def sync_attachments(src: Path, dst: Path) -> int:
    """Copy the scanned files of a content-addressed store (``<ab>/<sha256>``) that ``dst``
    lacks; never overwrites or deletes. A file whose content does not match its name
    (damaged) is not copied. Returns how many files were copied."""
    if not src.is_dir():
        return 0
    copied = 0
    for f in src.glob("??/*"):
        if not f.is_file() or f.name.endswith(".part") or len(f.name) != 64:
            continue
        target = dst / f.parent.name / f.name
        if target.is_file() and target.stat().st_size == f.stat().st_size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(f, tmp)
        h = hashlib.sha256()
        with open(tmp, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != f.name:
            tmp.unlink()
            continue
        os.replace(tmp, target)
        copied += 1
    return copied


def _make(db: Database, target: Path, label: str, now: dt.datetime | None = None) -> BackupInfo:
    source = _require_sqlite(db)
    try:
        if not target.parent.exists():  # a folder we create holds personal data: owner-only
            from talentdesk import paths

            paths.private_dir(target.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TalentDeskError(f"备份文件夹 {target.parent} 不可用（{exc.strerror or exc}），"
                              f"请检查 U 盘或移动硬盘是否已插好，或在系统设置中更改备份文件夹") from None
    try:
        sqlite_backup(source, target)
    except (OSError, sqlite3.Error) as exc:
        raise TalentDeskError(f"无法写入备份文件 {target}：{exc}") from None
    try:
        counts = verify_file(target)
    except TalentDeskError as exc:
        target.unlink(missing_ok=True)
        raise TalentDeskError(f"备份校验失败，已删除该备份：{exc.message}") from None
    try:  # the scanned attachments beside the database go into the backup folder's store
        copied = sync_attachments(source.parent / ATTACHMENTS, target.parent / ATTACHMENTS)
    except OSError as exc:
        raise TalentDeskError(f"数据库已备份，但附件未能备份到 {target.parent}：{exc.strerror or exc}") from None
    return BackupInfo(target, target.stat().st_size, now or dt.datetime.now(), counts, label, copied)


def backup_now(ctx: ServiceContext, target: Path | None = None, *, folder: Path | None = None,
               label: str = MANUAL) -> BackupInfo:
    """A verified backup, to ``target`` or into the backup folder. Manual ones are audited."""
    permissions.require(ctx, "backup.create")
    _require_sqlite(ctx.db)
    now = dt.datetime.now()
    if target is not None and Path(target).is_dir():
        folder, target = Path(target), None  # "talentdesk backup E:\" means: into that folder
    if target is None:
        target = _target(Path(folder) if folder else backup_folder(ctx), label, now)
    info = _make(ctx.db, Path(target), label, now)
    if label == MANUAL:
        # A backup copy holds every citizen's personal data: who made one, and where, is audited.
        with ctx.write() as session:
            audit.record(session, ctx.actor, "backup", "database", None,
                         after={"file": str(info.path), "size": info.size})
    return info


def before(ctx: ServiceContext, reason: str) -> BackupInfo | None:
    """A backup before a risky operation (``import``, ``restore``, ``migration`` …).

    Call it outside any open write transaction. Returns None for a server database
    (the server's backups cover it). Raises TalentDeskError if the backup fails, so
    the caller does not go ahead without one. Rotates the folder afterwards.
    """
    if ctx.db.path is None:
        return None
    slug = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "change"
    folder = backup_folder(ctx)
    now = dt.datetime.now()
    info = _make(ctx.db, _target(folder, f"before-{slug}", now), f"before-{slug}", now)
    rotate(folder)
    return info


def auto_daily(ctx: ServiceContext, *, today: dt.date | None = None) -> AutoResult:
    """The first start of each day makes a backup (GUI start, first CLI command)."""
    if ctx.db.path is None:
        return AutoResult("server", PG_MESSAGE)
    if not ctx.db.path.exists():
        return AutoResult("exists", "数据库尚未创建")
    folder = backup_folder(ctx)
    today = today or dt.date.today()
    try:
        for entry in list_backups(folder):
            if entry.label == DAILY and entry.created.date() == today:
                return AutoResult("exists", f"今天已自动备份（{entry.created:%H:%M}）", entry)
        now = dt.datetime.combine(today, dt.datetime.now().time())
        info = _make(ctx.db, _target(folder, DAILY, now), DAILY, now)
        removed = rotate(folder, today=today)
    except TalentDeskError as exc:
        return AutoResult("failed", f"今日自动备份失败：{exc.message}")
    extra = f"，按保留规则清理了 {len(removed)} 个旧备份" if removed else ""
    return AutoResult("made", f"已自动备份到 {info.path}{extra}", info)


# -- listing and rotation -------------------------------------------------------------

def parse_name(path: Path) -> tuple[str, dt.datetime] | None:
    m = _NAME_RE.match(Path(path).name)
    if not m:
        return None
    try:
        when = dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    label = m["label"]
    return label, when


def list_backups(folder: Path, *, verify: bool = False) -> list[BackupInfo]:
    """Backups in ``folder``, newest first, with time and size.

    With ``verify`` each file is checked: a good one gets its row ``counts``, a damaged
    one ``counts == {}`` (``verify_file`` on it gives the message).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    out = []
    for path in folder.iterdir():
        parsed = parse_name(path)
        if parsed is None or not path.is_file():
            continue
        label, when = parsed
        counts: dict[str, int] = {}
        if verify:
            try:
                counts = verify_file(path)
            except TalentDeskError:
                counts = {}
        out.append(BackupInfo(path, path.stat().st_size, when, counts, label))
    out.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return out


def rotation_keep(entries: list[BackupInfo], *, keep_daily: int = KEEP_DAILY,
                  keep_monthly: int = KEEP_MONTHLY) -> set[Path]:
    """Which backups rotation keeps (pure: decided from names only)."""
    keep = {b.path for b in entries if not b.automatic}
    auto = sorted((b for b in entries if b.automatic), key=lambda b: b.created, reverse=True)
    days = sorted({b.created.date() for b in auto}, reverse=True)[:keep_daily]
    keep |= {b.path for b in auto if b.created.date() in days}
    months: dict[tuple[int, int], BackupInfo] = {}
    for b in auto:  # newest first: the first seen is the month's newest
        months.setdefault((b.created.year, b.created.month), b)
    for key in sorted(months, reverse=True)[:keep_monthly]:
        keep.add(months[key].path)
    return keep


def rotate(folder: Path, *, today: dt.date | None = None, keep_daily: int = KEEP_DAILY,
           keep_monthly: int = KEEP_MONTHLY) -> list[Path]:
    """Delete automatic backups the rotation does not keep; returns the deleted paths."""
    entries = list_backups(folder)
    keep = rotation_keep(entries, keep_daily=keep_daily, keep_monthly=keep_monthly)
    removed = []
    for b in entries:
        if b.path not in keep:
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                continue
    return removed


# -- restore ----------------------------------------------------------------------------

def _copy_into_live(source: Path, current: Path) -> None:
    """Copy ``source`` over the live database through the backup API (locks honoured)."""
    src = sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        dst = sqlite3.connect(str(current), timeout=BUSY_TIMEOUT_S)
        try:
            dst.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()


def restore(ctx: ServiceContext, source: Path) -> dict:
    """Replace the database with a verified backup, after backing up the current one (admin)."""
    permissions.require(ctx, "backup.restore")
    current = _require_sqlite(ctx.db)
    source = Path(source)
    counts = verify_file(source)
    if source.resolve() == current.resolve():
        raise TalentDeskError("不能用当前数据库自身恢复")
    revision = _revision_of(source)
    head = ctx.db.head_revision()
    if revision is not None and revision != head:
        from alembic.script import ScriptDirectory

        try:
            ScriptDirectory.from_config(ctx.db._alembic_config(None)).get_revision(revision)
        except Exception:
            raise TalentDeskError(f"备份文件来自更新版本的人才服务台账（结构版本 {revision}），"
                                  f"请先升级本程序再恢复") from None
    safety = before(ctx, "restore")
    ctx.db.dispose()
    try:
        _copy_into_live(source, current)
    except sqlite3.Error as exc:
        raise TalentDeskError(f"恢复失败，数据库未改变：{exc}") from None
    ctx.db.dispose()
    ctx.db.upgrade(backup_dir=backup_folder(ctx))
    restored_files = sync_attachments(source.parent / ATTACHMENTS, current.parent / ATTACHMENTS)
    result = {"restored_from": str(source), "safety_backup": str(safety.path) if safety else None,
              "counts": counts, "attachments_restored": restored_files}
    with ctx.write() as session:
        audit.record(session, ctx.actor, "restore", "database", None,
                     after={"from": str(source), "safety_backup": result["safety_backup"], "counts": counts})
    return result


def require_admin_for_restore(ctx: ServiceContext) -> None:
    """For the GUI: raise PermissionDenied before showing the restore file picker."""
    if not permissions.allowed(ctx, "backup.restore"):
        raise PermissionDenied("只有管理员可以恢复数据库")


# -- recovery at start (the GUI core's hooks; see services/integrity.py) -------------------

def last_good_backup(db_path: Path) -> Path | None:
    """The newest verified backup for the database file ``db_path`` (None if none)."""
    from talentdesk.services import integrity

    found = integrity.last_good_backup(db_path=Path(db_path))
    return found.path if found else None


def restore_file(db_path: Path, backup_path: Path) -> Path:
    """Put a verified backup in place of a database that cannot be opened; the damaged
    file is kept beside it. Returns where the damaged file went."""
    from talentdesk.services import integrity

    return integrity.restore_last_good(Path(db_path), Path(backup_path))
