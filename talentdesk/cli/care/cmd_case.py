"""``talentdesk case open|edit|close|reopen|list|stats``: 服务事项 of the talent card / green channel
(阿拉善盟办法 第四十二至四十六条; talentdesk.services.care.cases)."""

from __future__ import annotations

import datetime as dt

from talentdesk.cli.args import parse_date


def _line(v) -> str:
    due = f"限{v.due_date}前（{v.limit_text}）" if v.due_date else "不限时"
    text = (f"#{v.id}\t{v.status_text}\t{v.kind}\t{v.talent_name}（{v.id_number}）\t{v.requested_on}申请\t{due}"
            f"\t{v.department or '—'}\t{v.summary}\t依据：{v.article or '—'}")
    if v.closed_on:
        text += f"\t{v.closed_on}办结，用时{v.days_taken}个工作日" + (f"：{v.result}" if v.result else "")
    return text


def _limit(args):
    from talentdesk.services.care import cases

    if args.no_limit:
        return None
    return cases.DEFAULT if args.limit is None else args.limit


def cmd_open(args, app) -> int:
    from talentdesk.services.care import cases

    v = cases.open_case(app.context(), args.talent, args.kind, parse_date(args.on, "申请日期") or dt.date.today(),
                        args.summary, department=args.department, limit_days=_limit(args), article=args.article,
                        handled_by=args.handler)
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"已新建服务事项：{_line(v)}")
    return 0


def cmd_close(args, app) -> int:
    from talentdesk.services.care import cases

    v = cases.close(app.context(), args.case_id, args.outcome, parse_date(args.on, "办结日期") or dt.date.today(),
                    result=args.result, handled_by=args.handler)
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"已办结：{_line(v)}")
    return 0


def cmd_edit(args, app) -> int:
    """Change an open (or closed) case's summary, department, limit, handler or article."""
    from talentdesk.domain.errors import TalentDeskError
    from talentdesk.services.care import cases

    changes = {k: getattr(args, a) for k, a in (("summary", "summary"), ("department", "department"),
                                                 ("handled_by", "handler"), ("article", "article"))
               if getattr(args, a) is not None}
    if args.no_limit:
        changes["limit_days"] = None
    elif args.limit is not None:
        changes["limit_days"] = args.limit
    if not changes:
        raise TalentDeskError("请指定要修改的内容：--summary、--department、--limit/--no-limit、--handler 或 --article")
    v = cases.update(app.context(), args.case_id, **changes)
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"已修改：{_line(v)}")
    return 0


def cmd_reopen(args, app) -> int:
    from talentdesk.services.care import cases

    v = cases.reopen(app.context(), args.case_id, args.reason)
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"已重新办理：{_line(v)}")
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.care import cases

    rows = cases.list_cases(app.context(), kind=args.kind, status=args.status, year=args.year, talent=args.talent)
    if app.json:
        app.print_json({"cases": [v.as_dict() for v in rows]})
        return 0
    app.out(f"共 {len(rows)} 件")
    for v in rows:
        app.out(_line(v))
    return 0


def cmd_stats(args, app) -> int:
    from talentdesk.services.care import cases

    s = cases.yearly_stats(app.context(), args.year or dt.date.today().year)
    if app.json:
        app.print_json(s.as_dict())
        return 0
    app.out(f"{s.year}年服务事项统计（截至{s.on}）")
    app.out("类别\t受理\t已办结\t办理中\t超期\t平均用时（工作日）")
    for r in s.rows + [s.total]:
        app.out(f"{r.kind}\t{r.count}\t{r.closed}\t{r.open}\t{r.overdue}\t{'—' if r.avg_days is None else r.avg_days}")
    return 0


def register(sub) -> None:
    from talentdesk.services.care import cases

    p = sub.add_parser("case", help="人才服务事项（子女入学、配偶安置、落户、体检、就医、疗养）")
    s = p.add_subparsers(dest="case_command", metavar="操作", required=True)
    op = s.add_parser("open", help="新建服务事项")
    op.add_argument("talent", metavar="身份证号")
    op.add_argument("kind", choices=list(cases.KINDS), metavar="类别", help="、".join(cases.KINDS))
    op.add_argument("summary", metavar="事项内容")
    op.add_argument("--on", metavar="申请日期", help="默认今天")
    op.add_argument("--department", metavar="责任部门", help="默认按类别（如落户：公安户政部门）")
    lim = op.add_mutually_exclusive_group()
    lim.add_argument("--limit", type=int, metavar="工作日", help="办理时限，默认按类别")
    lim.add_argument("--no-limit", action="store_true", help="不限时")
    op.add_argument("--article", metavar="依据", help="默认按人才适用的政策")
    op.add_argument("--handler", metavar="经办人")
    op.set_defaults(func=cmd_open)
    ed = s.add_parser("edit", help="修改服务事项（事项内容、责任部门、办理时限、经办人、依据；到期日随时限重算）")
    ed.add_argument("case_id", type=int, metavar="事项编号")
    ed.add_argument("--summary", metavar="事项内容")
    ed.add_argument("--department", metavar="责任部门")
    elim = ed.add_mutually_exclusive_group()
    elim.add_argument("--limit", type=int, metavar="工作日", help="办理时限（工作日）")
    elim.add_argument("--no-limit", action="store_true", help="不限时")
    ed.add_argument("--handler", metavar="经办人")
    ed.add_argument("--article", metavar="依据")
    ed.set_defaults(func=cmd_edit)
    ro = s.add_parser("reopen", help="重新办理已办结的服务事项（须写明原因）")
    ro.add_argument("case_id", type=int, metavar="事项编号")
    ro.add_argument("--reason", required=True, metavar="原因")
    ro.set_defaults(func=cmd_reopen)
    cl = s.add_parser("close", help="办结服务事项")
    cl.add_argument("case_id", type=int, metavar="事项编号")
    cl.add_argument("--outcome", required=True, choices=list(cases.OUTCOMES), metavar="办理结果",
                    help="、".join(cases.OUTCOMES))
    cl.add_argument("--on", metavar="办结日期", help="默认今天")
    cl.add_argument("--result", metavar="办理情况")
    cl.add_argument("--handler", metavar="经办人")
    cl.set_defaults(func=cmd_close)
    ls = s.add_parser("list", help="列出服务事项")
    ls.add_argument("--kind", choices=list(cases.KINDS), metavar="类别")
    ls.add_argument("--status", metavar="状态", help="办理中、已超期、已办结")
    ls.add_argument("--year", type=int, metavar="年度", help="申请年度")
    ls.add_argument("--talent", metavar="身份证号")
    ls.set_defaults(func=cmd_list)
    st = s.add_parser("stats", help="年度服务事项统计：按类别的件数、办结数、平均用时、超期数")
    st.add_argument("--year", type=int, metavar="年度", help="默认今年")
    st.set_defaults(func=cmd_stats)
