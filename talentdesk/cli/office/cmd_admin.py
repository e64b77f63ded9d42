"""``talentdesk init [--admin NAME]``, ``backup [PATH] [--list]``, ``restore``,
``check``, ``audit verify|anchor|list|export``."""

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
        from talentdesk.services.office import users

        if users.has_accounts(db):
            raise TalentDeskError("此数据库已有用户账户；添加用户请用 talentdesk --user 管理员 user add")
        admin = users.create_first_admin(db, args.admin, new_password(args.admin), args.display_name)
    if db.path is not None:
        from talentdesk.services.office import backup

        backup.database_id(db)  # made once, here or by the first backup: every backup carries it
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
    from talentdesk.services.office import backup

    ctx = app.context()
    if args.list:
        folder = Path(args.path) if args.path else backup.backup_folder(ctx)
        own = backup.database_id(ctx.db) if ctx.db.path is not None else None
        entries = backup.list_backups(folder, verify=args.verify, database_id=None if args.all else own)
        if app.json:
            app.print_json({"folder": str(folder), "database": own, "backups": [b.as_dict() | (
                {"ok": bool(b.counts)} if args.verify else {}) | {"own": b.belongs_to(own)} for b in entries]})
        else:
            scope = "（含其他数据库的备份）" if args.all else "（仅当前数据库的备份；--all 列出全部）"
            app.out(f"备份文件夹：{folder}{scope}（共 {len(entries)} 个备份）")
            for b in entries:
                state = ("  校验通过" if b.counts else "  已损坏") if args.verify else ""
                other = "" if b.belongs_to(own) else "  [其他数据库]"
                app.out(f"{b.created:%Y-%m-%d %H:%M:%S}  {_human_size(b.size):>10}  {b.kind_label:<8}  "
                        f"{b.path.name}{state}{other}")
        return 0
    info = backup.backup_now(ctx, Path(args.path) if args.path else None, overwrite=args.force)
    if app.json:
        app.print_json(info.as_dict())
    else:
        app.out(f"已备份到 {info.path}（{info.size:,} 字节，校验通过）")
    return 0


def cmd_restore(args, app) -> int:
    from talentdesk.services.office import backup

    ctx = app.context()
    plan = backup.restore_plan(ctx, Path(args.path))
    refusal = plan.refusal()
    if not app.json:
        app.out(plan.describe())  # what is checked and what restoring loses, before anything happens
    if refusal or not args.yes:
        message = refusal or ("尚未恢复：请核对恢复将丢失的内容，确认后加 --yes 再运行"
                              + ("（另一个数据库的备份还需加 --other-database）" if plan.other_database else ""))
        if app.json:
            app.print_json({"restored": False, "error": message, "plan": plan.as_dict()})
        sys.stderr.write(f"错误：{message}\n")
        return 1
    result = backup.restore(ctx, Path(args.path), accept_loss=True, other_database=args.other_database,
                            unverified=args.unverified)
    if app.json:
        app.print_json(result)
    else:
        app.out(f"已从 {args.path} 恢复；恢复前的数据库已备份到 {result['safety_backup']}")
    return 0


def cmd_check(args, app) -> int:
    from talentdesk.models.db import resolve_url
    from talentdesk.services.office import integrity

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
    from talentdesk.services.office.audit import log as audit, anchor as audit_anchor

    anchor = audit_anchor.parse(args.anchor) if args.anchor else None
    result = audit.verify(app.context(), anchor=anchor, local=not args.no_local)
    if app.json:
        app.print_json(result.as_dict())
    else:
        app.out(result.message)
        if not result.ok:
            for p in result.problems:
                app.out(f"  - {p}")
    return 0 if result.ok else 1


def cmd_audit_anchor(args, app) -> int:
    from talentdesk.services.office import permissions
    from talentdesk.services.office.audit import log as audit

    ctx = app.context()
    if args.accept:
        anchor = audit.accept_anchor(ctx)
    else:
        permissions.require(ctx, "audit.view")
        anchor = audit.current_anchor(ctx)
    if args.out:
        from talentdesk.fileio import atomic_path

        out = Path(args.out)
        with atomic_path(out) as tmp:
            Path(tmp).write_text(anchor.to_json() + "\n", encoding="utf-8")
    if app.json:
        app.print_json(anchor.as_dict())
    else:
        app.out(f"审计锚点：第 #{anchor.head_id} 条记录，共 {anchor.count} 条，哈希 {anchor.hash}，"
                f"时间（UTC）{anchor.at}" + ("（已设为本机锚点）" if args.accept else ""))
        if args.out:
            app.out(f"已写入 {args.out}；请将此文件或上面的哈希保存在数据库以外的地方（打印或另存）")
    return 0


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
    from talentdesk.services.register import talents

    return talents.get(ctx, id_number).id


def cmd_audit_list(args, app) -> int:
    from talentdesk.services.office import permissions
    from talentdesk.services.office.audit import log as audit

    ctx = app.context()
    permissions.require(ctx, "audit.view")
    events = audit.list_events(ctx, user=args.by, talent_id=_talent_id(ctx, args.talent),
                               since=_date(args.since), until=_date(args.until), limit=args.limit)
    if app.json:
        app.print_json([e.__dict__ for e in events])
        return 0
    from talentdesk.services.office.audit.export import ACTION_NAMES

    for e in events:
        app.out(f"#{e.id}  {e.at:%Y-%m-%d %H:%M:%S}  {e.user or '-'}  {ACTION_NAMES.get(e.action, e.action)}  "
                f"{e.entity} {e.entity_id or ''}")
    return 0


def cmd_audit_export(args, app) -> int:
    from talentdesk.services.office.audit import export as audit_export

    from talentdesk.fileio import check_output

    check_output(args.out, force=args.force)
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
    b.add_argument("--all", action="store_true", help="与 --list 同用：也列出同一文件夹中其他数据库的备份")
    b.add_argument("--force", action="store_true", help="备份文件已存在时替换它（数据库文件永远不会被覆盖）")
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="从备份恢复数据库（需管理员；先显示恢复将丢失的内容，先自动备份当前数据库）")
    r.add_argument("path")
    r.add_argument("--yes", "--force", dest="yes", action="store_true",
                   help="确认恢复（不加时只显示备份的校验结果和恢复将丢失的内容）")
    r.add_argument("--other-database", action="store_true",
                   help="明确确认：用另一个数据库（或没有记录来源）的备份替换当前数据库")
    r.add_argument("--unverified", action="store_true",
                   help="明确确认：恢复不在当前数据库备份登记中的备份（无法核对是否被改动过）")
    r.set_defaults(func=cmd_restore)

    c = sub.add_parser("check", help="检查数据库文件是否完好（不需登录）")
    c.add_argument("--restore-last-good", action="store_true",
                   help="数据库已损坏时，恢复到最近一次校验通过的备份（损坏的文件保留）")
    c.set_defaults(func=cmd_check)

    a = sub.add_parser("audit", help="审计记录")
    s = a.add_subparsers(dest="audit_command", metavar="操作", required=True)
    v = s.add_parser("verify", help="校验审计链、审计锚点和金额记录，报告发现的问题")
    v.add_argument("--anchor", metavar="文件或JSON", help="另外核对一个导出的审计锚点（audit anchor 的输出）")
    v.add_argument("--no-local", action="store_true", help="不核对本机记录的审计锚点（例如校验别处拷来的数据库）")
    v.set_defaults(func=cmd_audit_verify)
    an = s.add_parser("anchor", help="显示或导出审计锚点（链头编号、哈希、条数、时间），供单位另行保存")
    an.add_argument("--out", metavar="FILE.json", help="写入文件")
    an.add_argument("--accept", action="store_true",
                    help="把当前审计链设为本机锚点（管理员；仅在确认恢复了较旧的备份等情况后使用）")
    an.set_defaults(func=cmd_audit_anchor)
    ls = s.add_parser("list", help="列出审计记录（最新在前）")
    _filters(ls)
    ls.add_argument("--limit", type=int, default=200)
    ls.set_defaults(func=cmd_audit_list)
    ex = s.add_parser("export", help="导出审计记录到 Excel")
    ex.add_argument("out", metavar="OUT.xlsx")
    _filters(ex)
    ex.add_argument("--mask", action="store_true", help="遮盖身份证号和手机号")
    ex.add_argument("--force", action="store_true", help="文件已存在时替换它")
    ex.set_defaults(func=cmd_audit_export)
