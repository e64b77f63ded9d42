"""``talentdesk init [--admin NAME]``, ``backup [PATH] [--list]``, ``restore``,
``check``, ``audit verify|list|export``."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from pathlib import Path

from talentdesk.domain.errors import TalentDeskError


def new_password(prompt_name: str, env: str = "TALENTDESK_PASSWORD") -> str:
    """The password from ``env``, or a hidden prompt asked twice on a terminal."""
    password = os.environ.get(env)
    if password is not None:
        return password
    if sys.stdin is None or not sys.stdin.isatty():
        raise TalentDeskError(f"需要设置密码：请设置环境变量 {env}，或在终端中运行以输入密码")
    first = getpass.getpass(f"为“{prompt_name}”设置密码：")
    second = getpass.getpass("再输入一次：")
    if first != second:
        raise TalentDeskError("两次输入的密码不一致")
    return first


RECOVERY_NOTE = ("管理员恢复码：{code}\n"
                 "请抄写或打印后锁进柜子，只显示这一次。账户因他人反复输错密码而被锁定时，"
                 "用密码加恢复码仍可登录（命令行：环境变量 TALENTDESK_RECOVERY_CODE）。")


def cmd_init(args, app) -> int:
    db = app.database()  # opening creates or upgrades the schema
    admin = None
    if args.admin:
        from talentdesk.services import users

        if users.has_accounts(db):
            raise TalentDeskError("此数据库已有用户账户；添加用户请用 talentdesk --user 管理员 user add")
        admin = users.create_first_admin(db, args.admin, new_password(args.admin), args.display_name)
    if app.json:
        app.print_json({"database": db.describe(), "revision": db.current_revision(),
                        "admin": admin.username if admin else None,
                        "recovery_code": admin.recovery_code if admin else None})
    else:
        app.out(f"数据库已就绪：{db.describe()}（结构版本 {db.current_revision()}）")
        if admin:
            app.out(f"已创建管理员账户“{admin.username}”；此后每个命令都需要登录（--user 和密码）")
            app.out(RECOVERY_NOTE.format(code=admin.recovery_code))
    return 0


def _human_size(n: int) -> str:
    for unit in ("字节", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "字节" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)  # pragma: no cover


def cmd_backup(args, app) -> int:
    from talentdesk.services import backup

    ctx = app.context()
    if args.list:
        folder = Path(args.path) if args.path else backup.backup_folder(ctx)
        entries = backup.list_backups(folder, verify=args.verify)
        if app.json:
            app.print_json({"folder": str(folder), "backups": [b.as_dict() | (
                {"ok": bool(b.counts)} if args.verify else {}) for b in entries]})
        else:
            app.out(f"备份文件夹：{folder}（共 {len(entries)} 个备份）")
            for b in entries:
                state = ("  校验通过" if b.counts else "  已损坏") if args.verify else ""
                app.out(f"{b.created:%Y-%m-%d %H:%M:%S}  {_human_size(b.size):>10}  {b.kind_label:<8}  "
                        f"{b.path.name}{state}")
        return 0
    info = backup.backup_now(ctx, Path(args.path) if args.path else None)
    if app.json:
        app.print_json(info.as_dict())
    else:
        app.out(f"已备份到 {info.path}（{info.size:,} 字节，校验通过）")
    return 0


def cmd_restore(args, app) -> int:
    from talentdesk.services import backup

    result = backup.restore(app.context(), Path(args.path))
    if app.json:
        app.print_json(result)
    else:
        app.out(f"已从 {args.path} 恢复；恢复前的数据库已备份到 {result['safety_backup']}")
    return 0


def cmd_check(args, app) -> int:
    from talentdesk.models.db import resolve_url
    from talentdesk.services import integrity

    target = args.db or resolve_url(None)
    result = integrity.check(target, full=True)
    restored = None
    if args.restore_last_good and result.can_restore:
        kept = integrity.restore_last_good(result.path, result.last_good.path)
        restored = {"from": str(result.last_good.path), "damaged_file_kept": str(kept)}
    if app.json:
        app.print_json(result.as_dict() | {"restored": restored})
    else:
        app.out(result.message)
        for p in result.problems:
            app.out(f"  - {p}")
        if restored:
            app.out(f"已从 {restored['from']} 恢复；损坏的文件保存在 {restored['damaged_file_kept']}")
        elif result.can_restore:
            app.out("可运行 talentdesk check --restore-last-good 恢复到该备份")
    return 0 if result.ok or restored else 1


def cmd_audit_verify(args, app) -> int:
    from talentdesk.services import audit

    result = audit.verify(app.context())
    if app.json:
        app.print_json(result.as_dict())
    else:
        app.out(result.message)
    return 0 if result.ok else 1


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise TalentDeskError(f"日期“{text}”格式不对，应写成 2025-01-31") from None


def _talent_id(ctx, id_number: str | None) -> int | None:
    if not id_number:
        return None
    from talentdesk.services import talents

    return talents.get(ctx, id_number).id


def cmd_audit_list(args, app) -> int:
    from talentdesk.services import audit, permissions

    ctx = app.context()
    permissions.require(ctx, "audit.view")
    events = audit.list_events(ctx, user=args.by, talent_id=_talent_id(ctx, args.talent),
                               since=_date(args.since), until=_date(args.until), limit=args.limit)
    if app.json:
        app.print_json([e.__dict__ for e in events])
        return 0
    from talentdesk.services.audit_export import ACTION_NAMES

    for e in events:
        app.out(f"#{e.id}  {e.at:%Y-%m-%d %H:%M:%S}  {e.user or '-'}  {ACTION_NAMES.get(e.action, e.action)}  "
                f"{e.entity} {e.entity_id or ''}")
    return 0


def cmd_audit_export(args, app) -> int:
    from talentdesk.services import audit_export

    ctx = app.context()
    result = audit_export.export_xlsx(ctx, Path(args.out), user=args.by, talent_id=_talent_id(ctx, args.talent),
                                      since=_date(args.since), until=_date(args.until), mask=args.mask)
    if app.json:
        app.print_json(result.as_dict())
    else:
        app.out(f"已导出 {result.rows} 条审计记录到 {result.path}")
    return 0


def _filters(p) -> None:
    p.add_argument("--by", metavar="用户名", help="只看此用户的操作")
    p.add_argument("--talent", metavar="身份证号", help="只看与此人才有关的记录")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--until", metavar="YYYY-MM-DD")


def register(sub) -> None:
    p = sub.add_parser("init", help="创建或升级数据库；--admin 创建首个管理员账户")
    p.add_argument("--admin", metavar="用户名", help="创建首个管理员（密码取自 TALENTDESK_PASSWORD 或提示输入）")
    p.add_argument("--display-name", metavar="姓名", default=None, help="管理员的姓名")
    p.set_defaults(func=cmd_init)

    b = sub.add_parser("backup", help="备份数据库（SQLite）；--list 列出备份")
    b.add_argument("path", nargs="?", help="备份文件路径（默认：备份文件夹）；与 --list 同用时为要列出的文件夹")
    b.add_argument("--list", action="store_true", help="列出备份文件夹中的备份（时间、大小、类型）")
    b.add_argument("--verify", action="store_true", help="与 --list 同用：逐个校验备份")
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="从备份恢复数据库（需管理员；先自动备份当前数据库）")
    r.add_argument("path")
    r.set_defaults(func=cmd_restore)

    c = sub.add_parser("check", help="检查数据库文件是否完好（不需登录）")
    c.add_argument("--restore-last-good", action="store_true",
                   help="数据库已损坏时，恢复到最近一次校验通过的备份（损坏的文件保留）")
    c.set_defaults(func=cmd_check)

    a = sub.add_parser("audit", help="审计记录")
    s = a.add_subparsers(dest="audit_command", metavar="操作", required=True)
    v = s.add_parser("verify", help="校验审计链，报告第一处断开")
    v.set_defaults(func=cmd_audit_verify)
    ls = s.add_parser("list", help="列出审计记录（最新在前）")
    _filters(ls)
    ls.add_argument("--limit", type=int, default=200)
    ls.set_defaults(func=cmd_audit_list)
    ex = s.add_parser("export", help="导出审计记录到 Excel")
    ex.add_argument("out", metavar="OUT.xlsx")
    _filters(ex)
    ex.add_argument("--mask", action="store_true", help="遮盖身份证号和手机号")
    ex.set_defaults(func=cmd_audit_export)
