"""Backups and restore of the embedded SQLite database.

- Made with SQLite's online backup API (``models.db.sqlite_backup``): consistent while the
  app runs and other clerks write. Written to ``NAME.part`` and renamed, so a crash never
  leaves a half-written file under a backup's name.
- Verified after writing (``PRAGMA integrity_check`` and row counts of the main tables);
  a copy that fails the check is deleted and the backup reported as failed.
- Named ``talentdesk-<label>-YYYYMMDD-HHMMSS-<microseconds>-<pid+random>-db<id>.sqlite3``
  in the backup folder (setting ``backup_dir``; default ``backups/`` beside the database),
  so ``list_backups`` can list them with their time, size and database without opening
  them, and two processes backing up in the same microsecond never share a name or a
  ``.part``. A ``.part`` left by a killed backup is deleted by the next backup in that
  folder once it is ``STALE_PART_S`` old.
- Every database has an id (``database_id``: a UUID in the ``setting`` row
  ``database_id``, made by ``init`` or the first backup). It is inside every copy, its
  first 12 digits are in the name, and the copy also records where it came from
  (``backup_source``: database path, time, label). Daily-backup skipping, listing,
  rotation and the restore at start (``integrity``) go by it; ``restore`` refuses another
  database's backup unless ``other_database=True``.
- Every backup is registered in the database it was made from (``setting`` rows
  ``backup:<sha256 prefix>``: name, sha256, time). ``restore`` checks the file against
  that register: a registered file is byte for byte the one made; a file with a
  registered name but another digest has been changed and is refused; an unregistered
  file needs ``unverified=True``. The register survives a restore (merged back).
- Writing a backup onto an existing file: never onto a SQLite database (the open one or
  any other), another existing file only with ``overwrite=True``.
- Automatic backups: ``auto_daily`` (first start of each day: GUI start, first CLI command)
  and ``before(ctx, reason)`` (before a bulk import, a restore, a migration). They rotate
  (``rotate``): every automatic backup of the ``KEEP_DAILY`` most recent days that have
  backups, and the newest one of each of the ``KEEP_MONTHLY`` most recent months, are
  kept; manual backups are never deleted.
- ``restore`` needs the admin. It works on a private copy of the file (so what is checked
  is what is restored): integrity and tables, schema version (upgraded if older), the
  audit chain (``audit.verify`` on the copy), the register, the database id, and what
  restoring loses compared with the live database (``restore_plan``: payments, reviews,
  talents … changed since the backup, audit events after the backup's last one);
  losses need ``accept_loss=True``. It backs up the current database first, then
  copies the backup into the live database with the backup API (so another open
  connection sees either the old or the restored database, never a mix), upgrades its
  schema if it is older, and records an audit event in the restored database.

PostgreSQL databases are backed up by the server (pg_dump); these functions say so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import select

from talentdesk.domain.errors import PermissionDenied, TalentDeskError
from talentdesk.fileio import is_database_file
from talentdesk.models.db import BUSY_TIMEOUT_S, Database
from talentdesk.models.entities import Setting
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
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
                      r"(?P<stamp>\d{8}-\d{6})(?:-(?P<us>\d{6})-(?P<token>[0-9a-f]+))?"
                      r"(?:-db(?P<db>[0-9a-f]{12}))?(?:-(?P<n>\d+))?\.sqlite3$")
DB_ID_KEY = "database_id"
SOURCE_KEY = "backup_source"
REGISTRY_PREFIX = "backup:"
SHORT_ID = 12
STALE_PART_S = 15 * 60  # a .part this old is a killed backup's, not one being written


@dataclass
class BackupInfo:
    path: Path
    size: int
    created: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    label: str = MANUAL
    attachments: int = 0  # scanned files newly copied into the backup folder's store
    database: str | None = None  # the first SHORT_ID digits of its database's id (None: not recorded)

    def belongs_to(self, database_id: str | None) -> bool:
        return bool(database_id and self.database and database_id.startswith(self.database))

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
                "kind": self.kind_label, "counts": dict(self.counts), "attachments_copied": self.attachments,
                "database": self.database}


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
        from talentdesk.services.office import settings

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


def _target(folder: Path, label: str, now: dt.datetime, database: str | None = None) -> Path:
    """A name no other backup (another process, the same microsecond) can have."""
    stamp = now.strftime("%Y%m%d-%H%M%S-%f")
    db = f"-db{database[:SHORT_ID]}" if database else ""
    while True:
        token = f"{os.getpid():x}{secrets.token_hex(3)}"
        target = folder / f"{PREFIX}-{label}-{stamp}-{token}{db}.sqlite3"
        if not target.exists():
            return target


# -- the database's identity -----------------------------------------------------------

def database_id(db: Database, *, create: bool = True) -> str | None:
    """This database's id (a UUID, hex), made and stored once (``setting`` row ``database_id``)."""
    with db.read() as session:
        row = session.get(Setting, DB_ID_KEY)
        if row is not None:
            return json.loads(row.value)
    if not create:
        return None
    with db.write() as session:  # BEGIN IMMEDIATE on SQLite: two first backups make one id
        row = session.get(Setting, DB_ID_KEY)
        if row is not None:
            return json.loads(row.value)
        value = uuid.uuid4().hex
        session.add(Setting(key=DB_ID_KEY, value=json.dumps(value)))
        return value


def file_meta(path: Path) -> dict:
    """What a SQLite file says about itself, read-only: ``database_id`` and, for a backup,
    ``source`` ({"path", "made_at", "label"}). Empty for a file that cannot be read."""
    out: dict = {}
    try:
        con = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return out
    try:
        rows = con.execute("SELECT key, value FROM setting WHERE key IN (?, ?)", (DB_ID_KEY, SOURCE_KEY)).fetchall()
        for key, value in rows:
            out["database_id" if key == DB_ID_KEY else "source"] = json.loads(value)
    except (sqlite3.Error, ValueError):
        pass
    finally:
        con.close()
    return out


def belongs_to(backup_file: Path, database_id: str | None, db_path: Path | None = None) -> bool:
    """Whether ``backup_file`` is a backup of the database with this id; when the id cannot be
    read (a damaged database), of the database file at ``db_path``. A backup that records
    neither (made by an older version) belongs to none."""
    meta = file_meta(backup_file)
    if database_id:
        return meta.get("database_id") == database_id
    source = (meta.get("source") or {}).get("path")
    if db_path is None or not source or not meta.get("database_id"):
        return False
    return os.path.normcase(str(Path(source).resolve())) == os.path.normcase(str(Path(db_path).resolve()))


def _registry(db: Database) -> dict[str, str]:
    with db.read() as session:
        rows = session.execute(select(Setting).where(Setting.key.like(REGISTRY_PREFIX + "%"))).scalars()
        return {r.key: r.value for r in rows}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _register(db: Database, path: Path, label: str, made_at: dt.datetime) -> None:
    digest = _sha256(path)
    value = json.dumps({"name": path.name, "sha256": digest, "made_at": made_at.isoformat(timespec="seconds"),
                        "label": label}, ensure_ascii=False)
    with db.write() as session:
        session.merge(Setting(key=REGISTRY_PREFIX + digest[:40], value=value))


def clean_stale_parts(folder: Path, *, max_age_s: float = STALE_PART_S) -> list[Path]:
    """Delete the ``.part`` files of killed backups (named like a backup, older than
    ``max_age_s``) in ``folder``; other ``.part`` files are not the program's and stay."""
    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    limit = time.time() - max_age_s
    for f in Path(folder).iterdir():
        name = f.name
        if not name.endswith(".part") or not f.is_file():
            continue
        base = re.sub(r"(\.[0-9a-f]+)?\.part$", "", name.lstrip("."))
        if parse_name(Path(base)) is None:
            continue
        try:
            if f.stat().st_mtime < limit:
                f.unlink()
                removed.append(f)
        except OSError:
            continue
    return removed


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


def _refuse_target(target: Path, overwrite: bool) -> None:
    if not target.exists():
        return
    if target.is_dir():
        raise TalentDeskError(f"{target} 是文件夹")
    if is_database_file(target):
        raise TalentDeskError(f"不能把备份写到 {target}：该文件是数据库（可能正是正在使用的台账数据库或另一个"
                              f"数据库），覆盖会丢失其中的数据。请另选文件名或文件夹")
    if not overwrite:
        raise TalentDeskError(f"文件 {target} 已存在；要替换它请加 --force（界面中会先询问），或另选文件名")


def _copy(source: Path, tmp: Path, meta: dict) -> None:
    """A consistent copy of ``source`` into ``tmp`` (online backup API), with ``meta`` recorded;
    owner-only (0600 on POSIX), as the database it copies."""
    from talentdesk import paths

    paths.create_private_file(tmp)
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_S)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            dst.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                        (SOURCE_KEY, json.dumps(meta, ensure_ascii=False)))
            dst.commit()
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _make(db: Database, target: Path, label: str, now: dt.datetime | None = None, *,
          overwrite: bool = False) -> BackupInfo:
    source = _require_sqlite(db)
    now = now or dt.datetime.now()
    try:
        if not target.parent.exists():  # a folder we create holds personal data: owner-only
            from talentdesk import paths

            paths.private_dir(target.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TalentDeskError(f"备份文件夹 {target.parent} 不可用（{exc.strerror or exc}），"
                              f"请检查 U 盘或移动硬盘是否已插好，或在系统设置中更改备份文件夹") from None
    _refuse_target(target, overwrite)
    if source.exists() and target.resolve() == source.resolve():
        raise TalentDeskError("不能把备份写到正在使用的数据库文件上")
    ident = database_id(db)
    clean_stale_parts(target.parent)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    meta = {"database_id": ident, "path": str(source), "made_at": now.isoformat(timespec="seconds"),
            "label": label}
    try:
        try:
            _copy(source, tmp, meta)
        except (OSError, sqlite3.Error) as exc:
            raise TalentDeskError(f"无法写入备份文件 {target}：{exc}") from None
        try:
            counts = verify_file(tmp)
        except TalentDeskError as exc:
            raise TalentDeskError(f"备份校验失败，已删除该备份：{exc.message}") from None
        _refuse_target(target, overwrite)  # again: something may have appeared there meanwhile
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise TalentDeskError(f"无法写入备份文件 {target}：{exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    _register(db, target, label, now)
    try:  # the scanned attachments beside the database go into the backup folder's store
        copied = sync_attachments(source.parent / ATTACHMENTS, target.parent / ATTACHMENTS)
    except OSError as exc:
        raise TalentDeskError(f"数据库已备份，但附件未能备份到 {target.parent}：{exc.strerror or exc}") from None
    return BackupInfo(target, target.stat().st_size, now, counts, label, copied, ident[:SHORT_ID])


def backup_now(ctx: ServiceContext, target: Path | None = None, *, folder: Path | None = None,
               label: str = MANUAL, overwrite: bool = False) -> BackupInfo:
    """A verified backup, to ``target`` or into the backup folder. Manual ones are audited.

    ``target`` may not be a database file; another existing file is replaced only with
    ``overwrite`` (the CLI's --force, the GUI's confirmation)."""
    permissions.require(ctx, "backup.create")
    _refuse_banner(ctx, "备份")
    _require_sqlite(ctx.db)
    now = dt.datetime.now()
    if target is not None and Path(target).is_dir():
        folder, target = Path(target), None  # "talentdesk backup E:\" means: into that folder
    if target is None:
        target = _target(Path(folder) if folder else backup_folder(ctx), label, now, database_id(ctx.db))
    info = _make(ctx.db, Path(target), label, now, overwrite=overwrite)
    if label == MANUAL:
        # A backup copy holds every citizen's personal data: who made one, and where, is audited.
        with ctx.write() as session:
            audit.record(session, ctx.actor, "backup", "database", None,
                         after={"file": str(info.path), "size": info.size})
    return info


def _refuse_banner(ctx: ServiceContext, what: str) -> None:
    """A copy (or a restore) of a league's shared database holds every banner's records: only
    the league office or the database's own office makes one (阿党人才字〔2023〕2号 第七条)."""
    if ctx.banner_id is not None:
        raise PermissionDenied(f"此数据库由盟和各旗县区共用，{what}涉及全部旗县的数据，"
                               f"须由盟级单位的用户办理；{ctx.office_name or '旗县区'}的用户不能{what}数据库")


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
    ident = database_id(ctx.db)
    info = _make(ctx.db, _target(folder, f"before-{slug}", now, ident), f"before-{slug}", now)
    rotate(folder)
    return info


def auto_daily(ctx: ServiceContext, *, today: dt.date | None = None) -> AutoResult:
    """The first start of each day makes a backup (GUI start, first CLI command); another
    database's daily backup in the same folder does not count."""
    if ctx.db.path is None:
        return AutoResult("server", PG_MESSAGE)
    if not ctx.db.path.exists():
        return AutoResult("exists", "数据库尚未创建")
    folder = backup_folder(ctx)
    today = today or dt.date.today()
    try:
        ident = database_id(ctx.db)
        for entry in list_backups(folder, database_id=ident):
            if entry.label == DAILY and entry.created.date() == today:
                return AutoResult("exists", f"今天已自动备份（{entry.created:%H:%M}）", entry)
        now = dt.datetime.combine(today, dt.datetime.now().time())
        info = _make(ctx.db, _target(folder, DAILY, now, ident), DAILY, now)
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
    if m["us"]:
        when = when.replace(microsecond=int(m["us"]))
    label = m["label"]
    return label, when


def _short_id_of(path: Path) -> str | None:
    m = _NAME_RE.match(path.name)
    if m and m["db"]:
        return m["db"]
    ident = file_meta(path).get("database_id")  # an upgrade backup, or one renamed by hand
    return ident[:SHORT_ID] if isinstance(ident, str) else None


def list_backups(folder: Path, *, verify: bool = False, database_id: str | None = None) -> list[BackupInfo]:
    """Backups in ``folder``, newest first, with time, size and database (``database``).

    With ``database_id`` only that database's. With ``verify`` each file is checked: a good
    one gets its row ``counts``, a damaged one ``counts == {}`` (``verify_file`` on it gives
    the message).
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
        info = BackupInfo(path, path.stat().st_size, when, {}, label, database=_short_id_of(path))
        if database_id is not None and not info.belongs_to(database_id):
            continue
        if verify:
            try:
                info.counts = verify_file(path)
            except TalentDeskError:
                info.counts = {}
        out.append(info)
    out.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return out


def backups_of(ctx: ServiceContext, *, verify: bool = False) -> list[BackupInfo]:
    """This database's backups in its backup folder (newest first)."""
    return list_backups(backup_folder(ctx), verify=verify, database_id=database_id(ctx.db))


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
    """Delete automatic backups the rotation does not keep, counted per database (two
    databases sharing a folder each keep their own); returns the deleted paths."""
    entries = list_backups(folder)
    groups: dict[str | None, list[BackupInfo]] = {}
    for b in entries:
        groups.setdefault(b.database, []).append(b)
    keep: set[Path] = set()
    for group in groups.values():
        keep |= rotation_keep(group, keep_daily=keep_daily, keep_monthly=keep_monthly)
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


# What restoring loses, by kind: (table, unit and name as in "3 名人才").
KINDS = (
    ("talent", "名人才"),
    ("employer", "家用人单位"),
    ("benefit_grant", "项待遇"),
    ("installment", "期补贴"),
    ("annual_review", "条考核"),
    ("departure", "条离职记录"),
    ("recovery", "条追回记录"),
    ("service_agreement", "份服务协议"),
    ("case_decision", "条办公室决定"),
    ("credit_entry", "条失信名单记录"),
    ("service_case", "件服务事项"),
    ("visit", "次走访记录"),
    ("attachment", "个附件"),
    ("app_user", "个用户账户"),
    ("import_batch", "次导入"),
)
# Audit events that record no change of data (a backup, a log-in, an export).
_QUIET_ACTIONS = ("backup", "login", "logout", "login_failed", "lock", "export", "print")
_OWN_KEYS = (DB_ID_KEY, SOURCE_KEY)


class OtherDatabaseBackup(TalentDeskError):
    """The backup belongs to another database (or records none): needs an explicit yes."""


class UnverifiedBackup(TalentDeskError):
    """The backup is not in this database's register: it cannot be checked byte for byte."""


class RestoreLoses(TalentDeskError):
    """Restoring would undo changes made since the backup: needs an explicit yes."""


@dataclass
class RestorePlan:
    """What restoring ``source`` would do, worked out before anything is changed."""

    source: Path
    counts: dict[str, int]
    backup_database: str | None
    live_database: str | None
    register: str  # "yes": made here, unchanged; "changed": made here, altered since; "unknown"
    chain_ok: bool
    chain_message: str
    made_at: str | None = None
    losses: list[tuple[str, int, str]] = field(default_factory=list)  # (kind, n, detail)
    returns: list[tuple[str, int]] = field(default_factory=list)  # rows back that were deleted since
    payments_undone: int = 0
    audit_after: int = 0
    audit_changes_after: int = 0  # of those, events that record changes of data
    diverged: bool = False  # the live audit chain does not continue the backup's

    @property
    def other_database(self) -> bool:
        return not self.backup_database or self.backup_database != self.live_database

    @property
    def loses_anything(self) -> bool:
        return bool(self.losses or self.payments_undone or self.audit_changes_after or self.diverged)

    def refusal(self) -> str | None:
        """Why this backup may not be restored at all (None: it may)."""
        if not self.chain_ok:
            return f"备份文件的审计链校验未通过（{self.chain_message}），该备份被改动过，不能用于恢复"
        if self.register == "changed":
            return ("备份文件与制作时登记的校验值不符（文件在备份之后被改动过，例如增加了账户或改了金额），"
                    "不能用于恢复")
        return None

    def loss_lines(self) -> list[str]:
        lines = []
        if self.payments_undone:
            lines.append(f"{self.payments_undone} 笔发放记录（恢复后这些补贴将重新显示为未发放、可再次发放）")
        for kind, n, detail in self.losses:
            lines.append(f"{n} {kind}（{detail}）")
        if self.diverged:
            lines.append(f"当前数据库的审计记录不是接着该备份写下来的（备份之后数据库被恢复或替换过），"
                         f"当前数据库有 {self.audit_after} 条审计记录不在备份中")
        elif self.audit_after:
            lines.append(f"备份之后的 {self.audit_after} 条审计记录（其中 {self.audit_changes_after} 条记录了数据修改）")
        return lines

    def describe(self) -> str:
        """The Chinese text shown before restoring."""
        head = [f"备份文件：{self.source}",
                f"备份时间：{self.made_at or '未记录'}；人才 {self.counts.get('talent', 0)} 人，"
                f"审计记录 {self.counts.get('audit_event', 0)} 条"]
        if not self.backup_database:
            head.append("注意：该备份没有记录属于哪个数据库（旧版本制作的备份）。")
        elif self.other_database:
            head.append("注意：该备份属于另一个数据库，不是当前数据库的备份！")
        if self.register == "unknown" and not self.other_database:
            head.append("注意：该备份不在当前数据库的备份登记中，无法核对它在备份之后是否被改动过。")
        head.append(f"审计链：{self.chain_message}")
        lines = self.loss_lines()
        if lines:
            head.append("恢复将丢失当前数据库中该备份之后的修改：")
            head.extend(f"  - {line}" for line in lines)
        else:
            head.append("当前数据库中没有该备份之后的数据修改。")
        if self.returns:
            head.append("恢复后会重新出现备份之后删除的：" + "、".join(f"{n} {k}" for k, n in self.returns))
        if self.other_database:
            head.append("恢复后，当前数据库将变成该备份所属的数据库。")
        return "\n".join(head)

    def as_dict(self) -> dict:
        return {"source": str(self.source), "counts": dict(self.counts), "made_at": self.made_at,
                "backup_database": self.backup_database, "live_database": self.live_database,
                "other_database": self.other_database, "register": self.register,
                "chain_ok": self.chain_ok, "chain_message": self.chain_message,
                "payments_undone": self.payments_undone,
                "losses": [{"kind": k, "count": n, "detail": d} for k, n, d in self.losses],
                "returns": [{"kind": k, "count": n} for k, n in self.returns],
                "audit_after": self.audit_after, "audit_changes_after": self.audit_changes_after,
                "diverged": self.diverged, "refusal": self.refusal(), "summary": self.describe()}


def _columns(con: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in con.execute(f'PRAGMA {schema}.table_info("{table}")')]


def _compare(work: Path, live: Path, plan: RestorePlan) -> None:
    """Fill ``plan`` with what the live database has that the backup (``work``) has not."""
    con = sqlite3.connect(f"file:{work.as_posix()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        con.execute("ATTACH DATABASE ? AS live", (f"file:{live.as_posix()}?mode=ro",))
        one = lambda sql, *a: con.execute(sql, a).fetchone()[0]  # noqa: E731
        for table, kind in KINDS:
            cols = [c for c in _columns(con, "main", table) if c in set(_columns(con, "live", table))]
            if "id" not in cols:
                continue
            listed = ", ".join(f'"{c}"' for c in cols)
            new = one(f'SELECT COUNT(*) FROM live."{table}" WHERE id NOT IN (SELECT id FROM main."{table}")')
            differ = one(f'SELECT COUNT(*) FROM (SELECT {listed} FROM live."{table}" '
                         f'EXCEPT SELECT {listed} FROM main."{table}")')
            gone = one(f'SELECT COUNT(*) FROM main."{table}" WHERE id NOT IN (SELECT id FROM live."{table}")')
            changed = differ - new
            if new or changed:
                parts = ([f"新增 {new}"] if new else []) + ([f"修改 {changed}"] if changed else [])
                plan.losses.append((kind, new + changed, "、".join(parts)))
            if gone:
                plan.returns.append((kind, gone))
        plan.payments_undone = one(
            "SELECT COUNT(*) FROM live.installment l LEFT JOIN main.installment b ON b.id = l.id "
            "WHERE l.status = 'paid' AND (b.id IS NULL OR b.status IS NOT 'paid')")
        keys = ", ".join("?" for _ in _OWN_KEYS)
        settings_changed = one(
            f"SELECT COUNT(*) FROM (SELECT key, value FROM live.setting WHERE key NOT IN ({keys}) "
            f"AND key NOT LIKE '{REGISTRY_PREFIX}%' EXCEPT SELECT key, value FROM main.setting)", *_OWN_KEYS)
        if settings_changed:
            plan.losses.append(("项系统设置", settings_changed, "修改"))
        last = con.execute("SELECT id, hash FROM main.audit_event ORDER BY id DESC LIMIT 1").fetchone()
        if last is None:
            last_id, continues = 0, True
        else:
            last_id = last[0]
            continues = one("SELECT COUNT(*) FROM live.audit_event WHERE id = ? AND hash = ?", *last) == 1
        quiet = ", ".join("?" for _ in _QUIET_ACTIONS)
        if continues:
            plan.audit_after = one("SELECT COUNT(*) FROM live.audit_event WHERE id > ?", last_id)
            plan.audit_changes_after = one(f"SELECT COUNT(*) FROM live.audit_event WHERE id > ? "
                                           f"AND action NOT IN ({quiet})", last_id, *_QUIET_ACTIONS)
        else:
            plan.diverged = True
            plan.audit_after = one("SELECT COUNT(*) FROM live.audit_event "
                                   "WHERE hash NOT IN (SELECT hash FROM main.audit_event)")
            plan.audit_changes_after = plan.audit_after
    finally:
        con.close()


def _register_state(ctx: ServiceContext, source: Path, digest: str) -> str:
    registry = _registry(ctx.db)
    if REGISTRY_PREFIX + digest[:40] in registry:
        return "yes"
    for value in registry.values():
        try:
            entry = json.loads(value)
        except ValueError:
            continue
        if entry.get("name") == source.name and entry.get("sha256") != digest:
            return "changed"
    return "unknown"


@contextlib.contextmanager
def _working_copy(ctx: ServiceContext, source: Path) -> Iterator[tuple[Path, RestorePlan]]:
    """A private copy of ``source``, checked, upgraded and compared with the live database;
    what is checked is what gets restored. Removed afterwards."""
    from talentdesk.models.db import open_database

    current = _require_sqlite(ctx.db)
    source = Path(source)
    verify_file(source)  # a clear message for a missing or foreign file before copying it
    if source.resolve() == current.resolve():
        raise TalentDeskError("不能用当前数据库自身恢复")
    tmpdir = Path(tempfile.mkdtemp(prefix=".talentdesk-restore-", dir=current.parent))
    try:
        work = tmpdir / "restore.sqlite3"
        try:
            shutil.copyfile(source, work)
        except OSError as exc:
            raise TalentDeskError(f"无法读取备份文件 {source}：{exc.strerror or exc}") from None
        digest = _sha256(work)
        counts = verify_file(work)
        revision = _revision_of(work)
        head = ctx.db.head_revision()
        if revision is not None and revision != head:
            from alembic.script import ScriptDirectory

            try:
                ScriptDirectory.from_config(ctx.db._alembic_config(None)).get_revision(revision)
            except Exception:
                raise TalentDeskError(f"备份文件来自更新版本的人才服务台账（结构版本 {revision}），"
                                      f"请先升级本程序再恢复") from None
        meta = file_meta(work)
        wdb = open_database(work, backup_dir=tmpdir / "upgrade")
        try:
            chain = audit.verify(ServiceContext(wdb))
        finally:
            wdb.dispose()
        con = sqlite3.connect(str(work))
        try:
            con.execute("PRAGMA journal_mode=DELETE")  # read-only readers below need no -shm
        finally:
            con.close()
        plan = RestorePlan(source, counts, meta.get("database_id"), database_id(ctx.db),
                           _register_state(ctx, source, digest), chain.ok, chain.message,
                           (meta.get("source") or {}).get("made_at"))
        _compare(work, current, plan)
        yield work, plan
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def restore_plan(ctx: ServiceContext, source: Path) -> RestorePlan:
    """What restoring ``source`` checks and loses, shown before restoring (admin)."""
    permissions.require(ctx, "backup.restore")
    _refuse_banner(ctx, "恢复")
    with _working_copy(ctx, source) as (_work, plan):
        return plan


def restore(ctx: ServiceContext, source: Path, *, accept_loss: bool = False, other_database: bool = False,
            unverified: bool = False) -> dict:
    """Replace the database with a verified backup, after backing up the current one (admin).

    Refused: a damaged or foreign file, a newer schema, a backup whose audit chain is
    broken or whose digest differs from the one registered when it was made. Needs an
    explicit yes: ``other_database`` for another database's backup (or one that records
    no database), ``unverified`` for a backup of this database not in its register,
    ``accept_loss`` when restoring undoes changes made since the backup (``restore_plan``).
    """
    permissions.require(ctx, "backup.restore")
    _refuse_banner(ctx, "恢复")
    current = _require_sqlite(ctx.db)
    source = Path(source)
    with _working_copy(ctx, source) as (work, plan):
        refusal = plan.refusal()
        if refusal:
            raise TalentDeskError(refusal)
        if plan.other_database and not other_database:
            what = "属于另一个数据库" if plan.backup_database else "没有记录属于哪个数据库（旧版本制作的备份）"
            raise OtherDatabaseBackup(f"备份 {source.name} {what}，不是当前数据库的备份。确需用它替换当前数据库，"
                                      f"请由管理员明确确认（命令行加 --other-database）")
        if not plan.other_database and plan.register == "unknown" and not unverified:
            raise UnverifiedBackup(f"备份 {source.name} 不在当前数据库的备份登记中，无法核对它是否被改动过。"
                                   f"确认来源可靠后再恢复（命令行加 --unverified）")
        if plan.loses_anything and not accept_loss:
            raise RestoreLoses("恢复将丢失当前数据库中该备份之后的修改：" + "；".join(plan.loss_lines())
                               + "。确认后再恢复（命令行加 --yes）")
        safety = before(ctx, "restore")
        registry = _registry(ctx.db)  # backups made from this database, the safety backup included
        ctx.db.dispose()
        try:
            _copy_into_live(work, current)
        except sqlite3.Error as exc:
            raise TalentDeskError(f"恢复失败，数据库未改变：{exc}") from None
        ctx.db.dispose()
    ctx.db.upgrade(backup_dir=backup_folder(ctx))
    restored_files = sync_attachments(source.parent / ATTACHMENTS, current.parent / ATTACHMENTS)
    result = {"restored_from": str(source), "safety_backup": str(safety.path) if safety else None,
              "counts": plan.counts, "attachments_restored": restored_files, "plan": plan.as_dict()}
    with ctx.write() as session:
        for key, value in registry.items():
            session.merge(Setting(key=key, value=value))
        row = session.get(Setting, SOURCE_KEY)
        if row is not None:
            session.delete(row)
        audit.record(session, ctx.actor, "restore", "database", None,
                     after={"from": str(source), "safety_backup": result["safety_backup"], "counts": plan.counts,
                            "other_database": plan.other_database, "register": plan.register,
                            "lost": plan.loss_lines()})
    return result


def require_admin_for_restore(ctx: ServiceContext) -> None:
    """For the GUI: raise PermissionDenied before showing the restore file picker."""
    if not permissions.allowed(ctx, "backup.restore"):
        raise PermissionDenied("只有管理员可以恢复数据库")
