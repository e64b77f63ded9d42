"""``talentdesk user add|list|passwd|disable|enable|unlock|role|recovery-code``: user accounts (admin)."""

from __future__ import annotations

import os

from talentdesk.cli.office.cmd_admin import new_password

NEW_ENV = "TALENTDESK_NEW_PASSWORD"  # TALENTDESK_PASSWORD is the acting user's own log-in


def cmd_add(args, app) -> int:
    from talentdesk.services.office import users

    user = users.add_user(app.context(), args.username, new_password(args.username, NEW_ENV), args.role,
                          args.display_name, office=args.office)
    if app.json:
        app.print_json(user.as_dict())
    else:
        app.out(f"已添加用户“{user.username}”（{user.role_name}）")
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.office import users

    from talentdesk.services.office import offices

    ctx = app.context()
    rows = users.list_users(ctx)
    if app.json:
        app.print_json([u.as_dict() for u in rows])
    else:
        names = {o.id: o.name for o in offices.list_offices(ctx)}
        for u in rows:
            office = f" {names.get(u.office_id, '')}" if u.office_id else ""
            app.out(f"{u.username:<16} {u.display_name or '':<10} {u.role_name:<6} {u.status_label}{office}")
    return 0


def cmd_passwd(args, app) -> int:
    """Own password: old one from the log-in, new one from TALENTDESK_NEW_PASSWORD or a prompt.

    Another user's password (admin): ``user passwd NAME``.
    """
    from talentdesk.services.office import users

    ctx = app.context()
    target = args.username or ctx.user
    if target is None:
        from talentdesk.domain.errors import TalentDeskError

        raise TalentDeskError("单机模式下没有用户账户；请先用 talentdesk init --admin 用户名 创建管理员")
    if target == ctx.user:
        old = os.environ.get("TALENTDESK_PASSWORD")
        if old is None:
            import getpass

            old = getpass.getpass("原密码：")
        new = new_password(target, NEW_ENV)
        users.change_password(ctx, old, new)
    else:
        users.set_password(ctx, target, new_password(target, NEW_ENV))
    if app.json:
        app.print_json({"username": target, "changed": True})
    else:
        app.out(f"已修改“{target}”的密码")
    return 0


def _simple(fn_name: str, done: str):
    def handler(args, app) -> int:
        from talentdesk.services.office import users

        user = getattr(users, fn_name)(app.context(), args.username)
        if app.json:
            app.print_json(user.as_dict())
        else:
            app.out(f"{done}“{user.username}”")
        return 0
    return handler


def cmd_recovery_code(args, app) -> int:
    from talentdesk.cli.office.cmd_admin import RECOVERY_NOTE
    from talentdesk.services.office import users

    code = users.new_recovery_code(app.context())
    if app.json:
        app.print_json({"username": app.context().user, "recovery_code": code})
    else:
        app.out(RECOVERY_NOTE.format(code=code))
    return 0


def cmd_office(args, app) -> int:
    from talentdesk.services.office import offices

    offices.assign_user(app.context(), args.username, args.office)
    if app.json:
        app.print_json({"username": args.username, "office": args.office})
    else:
        app.out(f"“{args.username}”的所属单位已改为{args.office or '本办'}")
    return 0


def cmd_role(args, app) -> int:
    from talentdesk.services.office import users

    user = users.set_role(app.context(), args.username, args.role)
    if app.json:
        app.print_json(user.as_dict())
    else:
        app.out(f"“{user.username}”的角色已改为{user.role_name}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("user", help="用户账户管理（管理员）")
    s = p.add_subparsers(dest="user_command", metavar="操作", required=True)

    a = s.add_parser("add", help="添加用户（密码取自 TALENTDESK_PASSWORD 或提示输入）")
    a.add_argument("username")
    a.add_argument("--role", required=True, help="clerk 经办人 / reviewer 审核人 / admin 管理员")
    a.add_argument("--display-name", default=None, metavar="姓名")
    a.add_argument("--office", default=None, metavar="单位",
                   help="所属单位的代码或名称（多旗县共用服务器；见 talentdesk office list）")
    a.set_defaults(func=cmd_add)

    of = s.add_parser("office", help="调整用户所属单位（不写单位：本办，可见全部记录）")
    of.add_argument("username")
    of.add_argument("office", nargs="?", default=None)
    of.set_defaults(func=cmd_office)

    ls = s.add_parser("list", help="列出用户")
    ls.set_defaults(func=cmd_list)

    pw = s.add_parser("passwd", help="修改自己的密码，或（管理员）重置他人密码；新密码取自 TALENTDESK_NEW_PASSWORD 或提示输入")
    pw.add_argument("username", nargs="?")
    pw.set_defaults(func=cmd_passwd)

    for name, fn, done, help_text in (("disable", "disable_user", "已停用", "停用用户"),
                                      ("enable", "enable_user", "已启用", "重新启用用户"),
                                      ("unlock", "unlock_user", "已解锁", "解除锁定")):
        c = s.add_parser(name, help=help_text)
        c.add_argument("username")
        c.set_defaults(func=_simple(fn, done))

    rc = s.add_parser("recovery-code", help="为自己（管理员）生成新的恢复码，旧恢复码作废")
    rc.set_defaults(func=cmd_recovery_code)

    r = s.add_parser("role", help="修改用户角色")
    r.add_argument("username")
    r.add_argument("role")
    r.set_defaults(func=cmd_role)
