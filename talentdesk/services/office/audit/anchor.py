"""Anchors of the audit chain: its head (id, hash, count) kept outside the audit table.

The chain alone shows edits in the middle; it cannot show that its last events, or all
of them, were deleted, nor that someone rewrote every hash. An anchor can:

- the *local* anchor, one small JSON file per database in this PC's config folder
  (``paths.config_dir() / "audit-anchors"``), rewritten after every committed transaction
  that added audit events (``audit_chain`` does it);
- an *exported* anchor (``talentdesk audit anchor --json``), printed or kept by the office
  away from the database, checked with ``talentdesk audit verify --anchor FILE``.

An anchor says: the event ``head_id`` has hash ``hash`` and is the ``count``-th event of
the chain. ``audit.verify`` reports fewer events, a missing head or another hash there.

Pure file handling: no database, no Qt.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from talentdesk.domain.errors import TalentDeskError

log = logging.getLogger("talentdesk.audit")

FOLDER = "audit-anchors"


class AnchorError(TalentDeskError):
    pass


@dataclass(frozen=True)
class Anchor:
    head_id: int  # 0: an empty chain
    hash: str
    count: int
    at: str = ""  # UTC, ISO text: when the anchor was taken
    database: str = ""  # database_key() of the database it belongs to

    def as_dict(self) -> dict:
        return {"head_id": self.head_id, "hash": self.hash, "count": self.count, "at": self.at,
                "database": self.database}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True)


@functools.lru_cache(maxsize=64)
def _key_of(text: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(text)
    if u.get_backend_name() == "sqlite":
        name = u.database or ":memory:"
        if name != ":memory:":
            name = str(Path(name).expanduser().resolve())
        return f"sqlite:{name}"
    return f"{u.get_backend_name()}://{u.host or ''}:{u.port or ''}/{u.database or ''}"


def database_key(url) -> str:
    """Which database an anchor belongs to: the SQLite file (resolved path) or the server
    database (host, port, name; never the user or password)."""
    if hasattr(url, "render_as_string"):
        url = url.render_as_string(hide_password=True)
    return _key_of(str(url))


def _folder() -> Path:
    from talentdesk import paths

    return paths.config_dir() / FOLDER


def local_path(key: str) -> Path:
    """The file of this PC's anchor for the database ``key`` (one file per database, so
    several databases never overwrite each other's anchor)."""
    return _folder() / (hashlib.sha256(key.encode("utf-8")).hexdigest()[:24] + ".json")


def from_dict(data: dict) -> Anchor:
    try:
        head_id, count, digest = int(data["head_id"]), int(data["count"]), str(data["hash"])
    except (KeyError, TypeError, ValueError):
        raise AnchorError("审计锚点格式不对：应包含 head_id、hash 和 count") from None
    if head_id < 0 or count < 0 or len(digest) != 64:
        raise AnchorError("审计锚点格式不对：head_id、count 不能为负，hash 应为 64 位十六进制")
    return Anchor(head_id, digest, count, str(data.get("at") or ""), str(data.get("database") or ""))


def parse(text_or_path: str) -> Anchor:
    """An anchor from its JSON text or from a file holding it (``audit verify --anchor``)."""
    text = text_or_path.strip()
    if not text.startswith("{"):
        path = Path(text).expanduser()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise AnchorError(f"无法读取审计锚点文件 {path}：{exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise AnchorError("审计锚点不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise AnchorError("审计锚点不是有效的 JSON 对象")
    return from_dict(data)


def load_local(key: str) -> Anchor | None:
    """This PC's anchor for the database ``key``; None if there is none (or it cannot be
    read: a damaged anchor file is reported in the log, never a crash)."""
    path = local_path(key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        anchor = from_dict(data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, AnchorError) as exc:
        log.warning("audit anchor %s unreadable: %s", path, exc)
        return None
    return anchor


_write_lock = threading.Lock()


def save_local(key: str, anchor: Anchor) -> bool:
    """Write this PC's anchor for ``key`` atomically (a unique temporary file, then
    ``os.replace``). Returns False (and logs) when the config folder is not writable:
    the anchor is a safeguard, never a reason for a commit to fail."""
    path = local_path(key)
    data = anchor.as_dict() | {"database": key,
                               "at": anchor.at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        with _write_lock:
            tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
    except OSError as exc:
        log.warning("audit anchor %s not written: %s", path, exc)
        return False
    return True


def forget_local(key: str) -> None:
    """Drop this PC's anchor for ``key`` (the next verify or write anchors anew)."""
    try:
        local_path(key).unlink()
    except FileNotFoundError:
        pass
