"""``talentdesk flat add|list|allocate|vacate|due|confirm|hints``: the housing register
(人才公寓; 阿拉善 第四十一条 free for at most three years, 阿拉山口 第十四条 the flat given after
5 or 8 years) — talentdesk.services.care.housing."""

from __future__ import annotations

from talentdesk.cli.args import parse_date


def _occ(o) -> str:
    text = (f"#{o.id}\t{o.unit}\t{o.name}（{o.id_number}）\t{o.start_date}至{o.end_date or '今'}\t{o.state_label}")
    if o.limit_until:
        text += f"\t免费至{o.limit_until}"
    if o.gift_on:
        text += f"\t{o.gift_on}起可赠予"
    if o.ended_reason:
        text += f"\t退房原因：{o.ended_reason}"
    return text


def _flat(f) -> str:
    text = f"#{f.id}\t{f.unit}\t{f.area_m2 or '—'}平方米\t{f.programme or '—'}\t{f.status_label}"
    if f.occupancy is not None:
        text += f"\t{f.occupancy.name} 自{f.occupancy.start_date}" + (
            f"，免费至{f.occupancy.limit_until}" if f.occupancy.limit_until else "")
    return text


def cmd_add(args, app) -> int:
    from talentdesk.services.care import housing

    f = housing.add_flat(app.context(), unit=args.unit, area_m2=args.area, programme=args.programme, note=args.note)
    if app.json:
        app.print_json(f.as_dict())
    else:
        app.out(f"已登记房源：{_flat(f)}")
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.care import housing

    ctx = app.context()
    if args.occupancies:
        rows = housing.list_occupancies(ctx, current=not args.all)
        if app.json:
            app.print_json({"occupancies": [o.as_dict() for o in rows]})
            return 0
        app.out(f"共 {len(rows)} 条入住记录" + ("" if args.all else "（在住）"))
        for o in rows:
            app.out(_occ(o))
        return 0
    flats = housing.list_flats(ctx)
    if app.json:
        app.print_json({"flats": [f.as_dict() for f in flats]})
        return 0
    app.out(f"共 {len(flats)} 套房源，已入住 {sum(1 for f in flats if f.occupancy)} 套")
    for f in flats:
        app.out(_flat(f))
    return 0


def cmd_allocate(args, app) -> int:
    from talentdesk.services.care import housing

    o = housing.allocate(app.context(), args.flat, args.talent, start=parse_date(args.start, "入住日期"))
    if app.json:
        app.print_json(o.as_dict())
    else:
        app.out(f"已分配：{_occ(o)}" + (f"（{o.basis}）" if o.basis else ""))
    return 0


def cmd_vacate(args, app) -> int:
    from talentdesk.services.care import housing

    o = housing.vacate(app.context(), args.occupancy_id, on=parse_date(args.on, "退房日期"), reason=args.reason or "",
                       gifted=args.gift)
    if app.json:
        app.print_json(o.as_dict())
    else:
        app.out(("已办理住房赠予：" if args.gift else "已退房：") + _occ(o))
    return 0


def cmd_due(args, app) -> int:
    from talentdesk.services.care import housing

    items = housing.due(app.context(), within_days=args.days, on=parse_date(args.on, "日期"))
    if app.json:
        app.print_json({"due": [d.as_dict() for d in items]})
        return 0
    app.out(f"共 {len(items)} 项（{args.days}天内到期或已到期的免费入住期限和住房赠予）")
    for d in items:
        app.out(("[期限] " if d.kind == "limit" else "[赠予] ") + d.text)
    return 0


def cmd_confirm(args, app) -> int:
    from talentdesk.services.care import housing

    housing.confirm_not_housed(app.context(), args.talent, note=args.note or "")
    if app.json:
        app.print_json({"confirmed": args.talent})
    else:
        app.out(f"已确认{args.talent}未入住人才公寓")
    return 0


def cmd_hints(args, app) -> int:
    from talentdesk.services.care import housing

    rows = housing.unconfirmed_hints(app.context())
    if app.json:
        app.print_json({"hints": [h.as_dict() for h in rows]})
        return 0
    app.out(f"共 {len(rows)} 人：花名册填报入住人才公寓，住房登记中无记录，请分配房源或确认未入住")
    for h in rows:
        app.out(f"{h.name}\t{h.id_number}\t{h.employer or '—'}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("flat", help="人才公寓：房源、入住、退房、到期提醒（阿拉善第四十一条、阿拉山口第十四条）")
    s = p.add_subparsers(dest="flat_command", metavar="操作", required=True)
    add = s.add_parser("add", help="登记房源")
    add.add_argument("unit", metavar="房号", help="房号或地址（唯一）")
    add.add_argument("--area", metavar="面积", help="平方米（整数）")
    add.add_argument("--programme", metavar="产权单位")
    add.add_argument("--note", metavar="备注")
    add.set_defaults(func=cmd_add)
    ls = s.add_parser("list", help="列出房源及在住人员；--occupancies 列出入住记录")
    ls.add_argument("--occupancies", action="store_true", help="列出入住记录（默认只列在住的）")
    ls.add_argument("--all", action="store_true", help="与 --occupancies 合用：含已退房的")
    ls.set_defaults(func=cmd_list)
    al = s.add_parser("allocate", help="分配房源：flat allocate 房号 身份证号 --from 入住日期")
    al.add_argument("flat", metavar="房号")
    al.add_argument("talent", metavar="身份证号")
    al.add_argument("--from", dest="start", required=True, metavar="入住日期")
    al.set_defaults(func=cmd_allocate)
    va = s.add_parser("vacate", help="退房（或 --gift 住房赠予）")
    va.add_argument("occupancy_id", type=int, metavar="入住记录编号")
    va.add_argument("--on", required=True, metavar="退房日期")
    va.add_argument("--reason", metavar="退房原因")
    va.add_argument("--gift", action="store_true", help="住房直接赠予（阿拉山口第十四条，须到赠予日期）")
    va.set_defaults(func=cmd_vacate)
    due = s.add_parser("due", help="已到期或即将到期的免费入住期限、可赠予的住房")
    due.add_argument("--days", type=int, default=90, metavar="天数", help="默认90天")
    due.add_argument("--on", metavar="日期", help="默认今天")
    due.set_defaults(func=cmd_due)
    co = s.add_parser("confirm", help="确认人才未入住人才公寓（花名册填“是”但住房登记无记录）")
    co.add_argument("talent", metavar="身份证号")
    co.add_argument("--note", metavar="核实情况")
    co.set_defaults(func=cmd_confirm)
    hi = s.add_parser("hints", help="花名册填报入住人才公寓、住房登记中无记录的人才（待核实）")
    hi.set_defaults(func=cmd_hints)
