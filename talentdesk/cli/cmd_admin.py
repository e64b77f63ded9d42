"""``talentdesk init``, ``backup``, ``restore``, ``audit verify|list``."""

from __future__ import annotations

from pathlib import Path


def cmd_init(args, app) -> int:
    db = app.database()  # opening creates or upgrades the schema
    if app.json:
        app.print_json({"database": db.describe(), "revision": db.current_revision()})
    else:
        app.out(f"数据库已就绪：{db.describe()}（结构版本 {db.current_revision()}）")
    return 0


def cmd_backup(args, app) -> int:
    from talentdesk.services import backup

    info = backup.backup_now(app.context(), Path(args.path) if args.path else None)
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


def cmd_audit_verify(args, app) -> int:
    from talentdesk.services import audit

    result = audit.verify(app.context())
    if app.json:
        app.print_json(result.as_dict())
    else:
        app.out(result.message)
    return 0 if result.ok else 1


def register(sub) -> None:
    p = sub.add_parser("init", help="创建或升级数据库")
    p.set_defaults(func=cmd_init)

    b = sub.add_parser("backup", help="备份数据库（SQLite）")
    b.add_argument("path", nargs="?", help="备份文件路径（默认：备份文件夹）")
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="从备份恢复数据库（先自动备份当前数据库）")
    r.add_argument("path")
    r.set_defaults(func=cmd_restore)

    a = sub.add_parser("audit", help="审计记录")
    s = a.add_subparsers(dest="audit_command", metavar="操作", required=True)
    v = s.add_parser("verify", help="校验审计链，报告第一处断开")
    v.set_defaults(func=cmd_audit_verify)
