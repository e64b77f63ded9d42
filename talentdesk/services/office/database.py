"""Database locations: check one before the office switches to it (系统设置)."""

from __future__ import annotations

from talentdesk.domain.errors import TalentDeskError


def check_location(target: str) -> str:
    """Try a database location without changing anything; a Chinese result message.
    Raises TalentDeskError when it cannot be used."""
    from pathlib import Path

    from talentdesk.models.db import Database, resolve_url

    target = (target or "").strip()
    if not target:
        from talentdesk import paths

        return "使用默认位置：{p}".format(p=paths.default_db_path())
    if "://" not in target:
        p = Path(target).expanduser()
        if p.is_dir():
            raise TalentDeskError("“{p}”是文件夹，请填写数据库文件的完整路径（如 D:\\人才台账\\talentdesk.sqlite3）".format(p=p))
        if p.exists():
            return "找到数据库文件 {p}（{k} KB）".format(p=p, k=p.stat().st_size // 1024)
        if p.parent.is_dir():
            return "文件 {p} 尚不存在，下次启动时将新建数据库".format(p=p)
        raise TalentDeskError("文件夹 {d} 不存在".format(d=p.parent))
    try:
        db = Database(resolve_url(target))
    except Exception as exc:  # noqa: BLE001 - a malformed URL
        raise TalentDeskError("数据库地址无法识别：{e}".format(e=exc)) from None
    try:
        current = db.current_revision()
        head = db.head_revision()
    except Exception as exc:  # noqa: BLE001 - unreachable server, wrong password …
        raise TalentDeskError("无法连接数据库服务器：{e}".format(e=str(exc).splitlines()[0])) from None
    finally:
        db.dispose()
    if current is None:
        return "连接成功：这是一个空数据库，下次启动时将自动建立数据表"
    if current == head:
        return "连接成功：数据库版本 {v}，与本软件一致".format(v=current)
    return "连接成功：数据库版本 {v}，下次启动时将升级到 {h}（升级前自动备份）".format(v=current, h=head)
