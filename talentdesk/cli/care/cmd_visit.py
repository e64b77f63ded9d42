"""``talentdesk visit add|list|due``: 走访记录 (阿拉善盟办法 第三十七条 定期回访;
talentdesk.services.care.visits)."""

from __future__ import annotations

import datetime as dt

from talentdesk.cli.args import parse_date


def _line(v) -> str:
    text = f"#{v.id}\t{v.visited_on}\t{v.form}\t{v.talent_name}（{v.id_number}）\t走访人员：{v.visitors}"
    if v.issues:
        text += f"\t反映：{v.issues}"
    if v.follow_up:
        text += f"\t跟进：{v.follow_up}"
    if v.case_id:
        text += f"\t服务事项#{v.case_id}（{v.case_kind}）"
    return text


def cmd_add(args, app) -> int:
    from talentdesk.services.care import visits

    v = visits.record(app.context(), args.talent, parse_date(args.on, "走访日期") or dt.date.today(), args.visitors,
                      args.form, issues=args.issues, follow_up=args.follow_up, case_kind=args.case)
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"已登记走访：{_line(v)}")
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.care import visits

    rows = visits.list_visits(app.context(), year=args.year, talent=args.talent, form=args.form)
    if app.json:
        app.print_json({"visits": [v.as_dict() for v in rows]})
        return 0
    app.out(f"共 {len(rows)} 次")
    for v in rows:
        app.out(_line(v))
    return 0


def cmd_due(args, app) -> int:
    from talentdesk.services.care import visits

    year = args.year or dt.date.today().year
    n, rows = visits.not_visited(app.context(), year)
    if app.json:
        app.print_json({"year": year, "count": n, "rule": visits.MUST_VISIT_RULE, "article": visits.MUST_VISIT_ARTICLE,
                        "talents": [r.as_dict() for r in rows]})
        return 0
    app.out(f"{year}年度未走访的高层次人才：{n} 名（{visits.MUST_VISIT_RULE}；依据{visits.MUST_VISIT_ARTICLE}）")
    for r in rows:
        app.out(f"{r.name}（{r.id_number}）\t{r.employer or '—'}\t{r.reason}\t上次走访：{r.last_visit or '从未'}")
    return 0


def register(sub) -> None:
    from talentdesk.services.care import cases, visits

    p = sub.add_parser("visit", help="人才走访（回访）记录")
    s = p.add_subparsers(dest="visit_command", metavar="操作", required=True)
    add = s.add_parser("add", help="登记走访")
    add.add_argument("talent", metavar="身份证号")
    add.add_argument("--visitors", required=True, metavar="走访人员")
    add.add_argument("--form", default="走访", choices=list(visits.FORMS), metavar="形式", help="、".join(visits.FORMS))
    add.add_argument("--on", metavar="走访日期", help="默认今天")
    add.add_argument("--issues", metavar="反映的问题")
    add.add_argument("--follow-up", metavar="跟进措施")
    add.add_argument("--case", choices=list(cases.KINDS), metavar="类别", help="由此新建服务事项（类别）")
    add.set_defaults(func=cmd_add)
    ls = s.add_parser("list", help="列出走访记录")
    ls.add_argument("--year", type=int, metavar="年度")
    ls.add_argument("--talent", metavar="身份证号")
    ls.add_argument("--form", choices=list(visits.FORMS), metavar="形式")
    ls.set_defaults(func=cmd_list)
    due = s.add_parser("due", help="本年度应走访而未走访的高层次人才")
    due.add_argument("--year", type=int, metavar="年度", help="默认今年")
    due.set_defaults(func=cmd_due)
