"""``talentdesk office add|list``: offices sharing one database (the league office and its
banners; 阿党人才字〔2023〕2号 第七、二十条). Users are put into an office with
``talentdesk user add --office`` or ``talentdesk user office``."""

from __future__ import annotations


def cmd_add(args, app) -> int:
    from talentdesk.services.office import offices

    o = offices.add_office(app.context(), args.code, args.name, args.kind, args.parent)
    if app.json:
        app.print_json(o.as_dict())
    else:
        app.out(f"已添加{o.kind_name}单位“{o.name}”（代码 {o.code}" + (f"，上级 {o.parent}" if o.parent else "") + "）")
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.office import offices

    rows = offices.list_offices(app.context())
    if app.json:
        app.print_json([o.as_dict() for o in rows])
    elif not rows:
        app.out("此数据库没有登记多个单位（单一人才办使用）")
    else:
        for o in rows:
            app.out(f"{o.code:<8} {o.name:<14} {o.kind_name:<4} 用户 {o.users:>3}  人才 {o.talents:>6}"
                    + (f"  上级 {o.parent}" if o.parent else ""))
    return 0


def register(sub) -> None:
    p = sub.add_parser("office", help="多旗县共用服务器：盟级和旗县区单位（管理员）")
    s = p.add_subparsers(dest="office_command", metavar="操作", required=True)
    a = s.add_parser("add", help="添加单位：代码 名称 --kind league|banner")
    a.add_argument("code", help="代码，如行政区划代码 152921")
    a.add_argument("name", help="名称，如 阿拉善左旗")
    a.add_argument("--kind", required=True, help="league 盟级 / banner 旗县区")
    a.add_argument("--parent", default=None, help="上级单位的代码或名称（旗县区默认为唯一的盟级单位）")
    a.set_defaults(func=cmd_add)
    ls = s.add_parser("list", help="列出单位")
    ls.set_defaults(func=cmd_list)
