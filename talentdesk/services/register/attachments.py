"""Attachments (附件): scanned certificates and documents of a talent.

Stored by content (sha256): on SQLite in ``attachments/<ab>/<sha256>`` beside the
database file (the same scan attached twice is stored once); on PostgreSQL, where the
clerks' PCs share no folder, in the ``content`` column. Adding and removing are audited.
``local_path()`` gives a file a viewer can open (on PostgreSQL a copy in the cache
folder, named as the original).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from talentdesk.domain.errors import NotFoundError, TalentDeskError
from talentdesk.models.entities import Attachment, Talent
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

KINDS = ("学历证书", "学位证书", "职称证书", "身份证", "服务协议", "劳动合同", "其他")
MAX_BYTES = 50 * 1024 * 1024
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


@dataclass(frozen=True)
class AttachmentView:
    id: int
    talent_id: int
    kind: str
    file_name: str
    sha256: str
    size: int
    created_at: dt.datetime

    @property
    def suffix(self) -> str:
        return Path(self.file_name).suffix.lower()

    @property
    def is_image(self) -> bool:
        return self.suffix in IMAGE_SUFFIXES

    @property
    def is_pdf(self) -> bool:
        return self.suffix == ".pdf"


def _view(a: Attachment) -> AttachmentView:
    return AttachmentView(a.id, a.talent_id, a.kind, a.file_name, a.sha256, a.size, a.created_at)


def store_dir(ctx: ServiceContext) -> Path | None:
    """The file store beside a SQLite database; None on PostgreSQL (content column)."""
    path = ctx.db.path
    return None if path is None else path.parent / "attachments"


def _stored_file(ctx: ServiceContext, sha: str) -> Path | None:
    base = store_dir(ctx)
    return None if base is None else base / sha[:2] / sha


def _talent_id(session, id_number: str) -> int:
    from talentdesk.domain import idcard

    tid = session.execute(select(Talent.id).where(Talent.id_number == idcard.normalize(id_number))).scalar()
    if tid is None:
        raise NotFoundError(f"找不到身份证号为{id_number}的人才")
    return tid


def add(ctx: ServiceContext, id_number: str, path: str | os.PathLike, kind: str = "其他") -> AttachmentView:
    source = Path(path)
    if not source.is_file():
        raise TalentDeskError(f"找不到文件：{source}")
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise TalentDeskError(f"文件过大（{size / 1048576:.1f} MB），附件最大 {MAX_BYTES // 1048576} MB，"
                              f"请扫描为较小的 PDF 或图片")
    if kind not in KINDS:
        raise TalentDeskError(f"附件类别“{kind}”无效，应为：{'、'.join(KINDS)}")
    data = source.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    target = _stored_file(ctx, sha)
    if target is not None and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    with ctx.write() as session:
        tid = _talent_id(session, id_number)
        a = Attachment(talent_id=tid, kind=kind, file_name=source.name[:260], sha256=sha, size=size,
                       content=data if target is None else None)
        session.add(a)
        session.flush()
        audit.record(session, ctx.actor, "create", "attachment", a.id, talent_id=tid,
                     after={"kind": kind, "file_name": a.file_name, "sha256": sha, "size": size})
        return _view(a)


def list_for(ctx: ServiceContext, id_number: str) -> list[AttachmentView]:
    with ctx.read() as session:
        tid = _talent_id(session, id_number)
        rows = session.execute(select(Attachment).where(Attachment.talent_id == tid)
                               .order_by(Attachment.id)).scalars().all()
        return [_view(a) for a in rows]


def _load(session, attachment_id: int) -> Attachment:
    a = session.get(Attachment, attachment_id)
    if a is None:
        raise NotFoundError(f"附件（编号{attachment_id}）不存在，可能已被删除")
    return a


def read_bytes(ctx: ServiceContext, attachment_id: int) -> bytes:
    with ctx.read() as session:
        a = _load(session, attachment_id)
        if a.content is not None:
            return bytes(a.content)
        sha = a.sha256
    stored = _stored_file(ctx, sha)
    if stored is None or not stored.exists():
        raise TalentDeskError(f"附件文件丢失：{stored}。请从备份恢复 attachments 文件夹，或重新上传该附件")
    data = stored.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        raise TalentDeskError(f"附件文件已损坏（校验值不符）：{stored}")
    return data


def local_path(ctx: ServiceContext, attachment_id: int) -> Path:
    """A file that a viewer can open: the stored file renamed into the cache folder."""
    from talentdesk import paths

    with ctx.read() as session:
        a = _load(session, attachment_id)
        name, sha = a.file_name, a.sha256
    folder = paths.data_dir() / "cache" / "attachments" / sha[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(name).name
    if not target.exists():
        stored = _stored_file(ctx, sha)
        if stored is not None and stored.exists():
            shutil.copyfile(stored, target)
        else:
            target.write_bytes(read_bytes(ctx, attachment_id))
    return target


def delete(ctx: ServiceContext, attachment_id: int) -> None:
    """Remove an attachment record (audited). The stored file stays (content-addressed),
    so a restored backup of the database still finds its attachments."""
    with ctx.write() as session:
        a = _load(session, attachment_id)
        before = {"kind": a.kind, "file_name": a.file_name, "sha256": a.sha256, "size": a.size}
        tid = a.talent_id
        session.delete(a)
        session.flush()
        audit.record(session, ctx.actor, "delete", "attachment", attachment_id, talent_id=tid, before=before)
