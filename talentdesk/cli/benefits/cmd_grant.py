"""``talentdesk grant evaluate|propose|approve|reject|cancel|list|show`` (and ``grant fact``, cmd_grant_fact)."""

from __future__ import annotations

import json
from pathlib import Path

from talentdesk.domain import idcard, money, values
from talentdesk.cli.args import parse_date  # noqa: F401  (the other commands take it from here too)
from talentdesk.domain.errors import TalentDeskError




def read_json(path: str | None):
    if not path:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise TalentDeskError(f"无法读取 {path}：{exc}") from None


def read_rows(path: str, fields: str) -> list[dict]:
    """A JSON file of row objects (``fields`` names what each holds, for the message)."""
    rows = read_json(path)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise TalentDeskError(f"JSON 文件应为对象数组，每个对象含 {fields}")
    return rows


def report_rows(app, res, done: int) -> int:
    """Each row's outcome of a many-rows service call, then the count; exit 3 on errors."""
    if app.json:
        app.print_json(res.as_dict())
    else:
        for r in res.rows:
            app.out(f"第{r.row}行：" + ("✓ " if r.ok else "✗ ") + r.message)
        app.out(f"已登记 {done} 行，错误 {res.errors} 行" + ("" if res.committed else "，全部未保存"))
    return 3 if res.errors else 0


def _facts(args) -> dict | None:
    raw = read_json(getattr(args, "facts", None))
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TalentDeskError("--facts 文件应为 JSON 对象，例如 {\"study_leave\": true}")
    out = {}
    for k, v in raw.items():
        if isinstance(v, str):
            out[k] = values.date_or_none(v) or v
        else:
            out[k] = v
    return out


def show_grant(app, g, *, full: bool = True) -> None:
    who = (f"{g.talent_name}（{g.id_number if full else idcard.mask(g.id_number)}）" if g.beneficiary == "talent"
           else f"{g.talent_name}（{g.beneficiary_label}）")
    app.out(f"[{g.id}] {who} {g.benefit_name}  "
            f"{money.yuan(g.total_fen) if g.total_fen is not None else '—'}元  {g.status_label}"
            f"  批准日期 {g.approval_date or ''}  文号 {g.approval_doc_no or ''}")
    app.out(f"    提交：{g.proposed_by or ''}  审核：{g.approved_by or ''}  政策：{g.policy_id}"
            + (f"  一事一议：{g.decision_number}" if g.decision_number else "")
            + (f"  原因：{g.reason}" if g.reason else ""))
    for i in g.installments:
        app.out(f"    第{i.seq}期 #{i.id}  {i.due_date}  {money.yuan(i.amount_fen):>12}元  {i.status_label}"
                + (f"  条件：{i.condition}" if i.condition else "")
                + (f"  {i.status_reason}" if i.status_reason else ""))
    if g.basis:
        app.out(f"    依据：{'；'.join(g.basis)}")


def _org(args) -> dict | None:
    """--employer / --platform: the organisation a grant command is about, or None."""
    employer, platform = getattr(args, "employer", None), getattr(args, "platform", None)
    if not (employer or platform):
        if not getattr(args, "id_number", None):
            raise TalentDeskError("请指定人才的身份证号，或用 --employer/--platform 指定用人单位或平台载体")
        return None
    if getattr(args, "id_number", None):
        raise TalentDeskError("身份证号与 --employer/--platform 只能选其一")
    return {"employer": employer, "platform": platform}


def cmd_evaluate(args, app) -> int:
    from talentdesk.services.benefits import grants

    org = _org(args)
    if org is not None:
        from talentdesk.services.benefits import org_grants

        ev = org_grants.evaluate(app.context(), **org, approved_on=parse_date(args.approved_on, "批准日期"),
                                 policy_id=args.policy, as_of=parse_date(args.as_of, "计算日期"), facts=_facts(args))
        app.print_json(ev.to_json()) if app.json else app.out(ev.summary_text())
        return 0
    ev = grants.evaluate_talent(app.context(), args.id_number, approved_on=parse_date(args.approved_on, "批准日期"),
                                policy_id=args.policy, as_of=parse_date(args.as_of, "计算日期"), facts=_facts(args))
    if app.json:
        app.print_json(ev.to_json())
    else:
        app.out(ev.summary_text())
    return 0


def cmd_propose(args, app) -> int:
    from talentdesk.services.benefits import grants

    org = _org(args)
    if org is not None:
        from talentdesk.services.benefits import org_grants

        g = org_grants.propose(app.context(), **org, benefit_code=args.benefit,
                               approved_on=parse_date(args.approved_on, "批准日期"), approval_doc_no=args.doc_no,
                               policy_id=args.policy, decision_number=args.decision, facts=_facts(args))
    else:
        g = grants.propose(app.context(), args.id_number, args.benefit,
                           approved_on=parse_date(args.approved_on, "批准日期"),
                           approval_doc_no=args.doc_no, policy_id=args.policy, decision_number=args.decision,
                           facts=_facts(args))
    if app.json:
        app.print_json(g.as_dict())
    else:
        app.out("已提交待遇申请，等待审核：")
        show_grant(app, g)
    return 0


def _one(action):
    def handler(args, app) -> int:
        from talentdesk.services.benefits import grants

        fn = getattr(grants, action)
        kw = {"expected_version": args.version} if getattr(args, "version", None) is not None else {}
        g = fn(app.context(), args.grant_id, args.reason, **kw) if action != "approve" else \
            fn(app.context(), args.grant_id, **kw)
        if app.json:
            app.print_json(g.as_dict())
        else:
            app.out({"approve": "已批准：", "reject": "已退回：", "cancel": "已取消："}[action])
            show_grant(app, g)
            for w in getattr(g, "budget_warnings", ()):
                app.out(f"注意：{w}（阿拉善盟办法第四十八条，已批准，已记录）")
        return 0
    return handler


def cmd_list(args, app) -> int:
    from talentdesk.services.benefits import grants

    rows = grants.list_grants(app.context(), args.id_number, status=args.status, benefit_code=args.benefit,
                              policy_id=args.policy, limit=args.limit,
                              beneficiary=None if args.beneficiary == "all" else args.beneficiary,
                              employer=args.employer, platform=args.platform)
    if app.json:
        out = [g.as_dict() for g in rows]
        if not args.full:
            for d in out:
                if d["beneficiary"] == "talent":
                    d["身份证号"] = idcard.mask(d["身份证号"])
        app.print_json({"total": len(out), "grants": out})
        return 0
    app.out(f"共 {len(rows)} 项待遇")
    for g in rows:
        show_grant(app, g, full=args.full)
    return 0


def cmd_show(args, app) -> int:
    from talentdesk.services.benefits import grants

    g = grants.get_grant(app.context(), args.grant_id)
    if app.json:
        d = g.as_dict()
        d["explanation"] = g.explanation
        app.print_json(d)
    else:
        show_grant(app, g)
    return 0


def register(sub) -> None:
    p = sub.add_parser("grant", help="待遇测算、申请和审批")
    s = p.add_subparsers(dest="grant_command", metavar="操作", required=True)

    ev = s.add_parser("evaluate", help="按政策测算一名人才（或一家单位、一个平台）可享受的待遇（不保存）")
    ev.add_argument("id_number", nargs="?", metavar="身份证号")
    ev.add_argument("--employer", help="用人单位名称：测算单位奖补（如 阿拉善 第十八条 引才奖补）")
    ev.add_argument("--platform", help="平台载体编号或名称：测算平台奖补（第二十四、二十九、三十条 …）")
    ev.add_argument("--approved-on", required=True, help="批准日期，如 2024-06-01（分期发放自此起算）")
    ev.add_argument("--policy", help="政策编号（默认：人才登记的政策或系统设置中的默认政策）")
    ev.add_argument("--as-of", help="计算日期（默认今天）")
    ev.add_argument("--facts", help="补充事实 JSON 文件（花名册以外的条件，如 study_leave）")
    ev.set_defaults(func=cmd_evaluate)

    pr = s.add_parser("propose", help="提交待遇申请（经办人），按政策生成分期发放计划")
    pr.add_argument("id_number", nargs="?", metavar="身份证号")
    pr.add_argument("--employer", help="用人单位名称：单位奖补（受益对象为单位）")
    pr.add_argument("--platform", help="平台载体编号或名称：平台奖补")
    pr.add_argument("benefit", metavar="待遇代码", help="如 settlement_allowance（见 grant evaluate 的结果）")
    pr.add_argument("--approved-on", required=True, help="批准日期")
    pr.add_argument("--doc-no", help="审批文号，须有序号，如 阿左人才字〔2025〕12号（可不填）")
    pr.add_argument("--policy", help="政策编号")
    pr.add_argument("--decision", help="所依据的一事一议决定文号")
    pr.add_argument("--facts", help="补充事实 JSON 文件")
    pr.set_defaults(func=cmd_propose)

    ap = s.add_parser("approve", help="批准待遇申请（审核人，不能是提交人本人）")
    ap.add_argument("grant_id", type=int, metavar="申请编号")
    ap.add_argument("--version", type=int, help="打开时的版本号（防止覆盖他人修改）")
    ap.set_defaults(func=_one("approve"))

    rj = s.add_parser("reject", help="退回待遇申请（审核人）")
    rj.add_argument("grant_id", type=int, metavar="申请编号")
    rj.add_argument("--reason", required=True, help="退回原因")
    rj.add_argument("--version", type=int)
    rj.set_defaults(func=_one("reject"))

    cc = s.add_parser("cancel", help="取消已批准的待遇（未发放的分期随之取消）")
    cc.add_argument("grant_id", type=int, metavar="申请编号")
    cc.add_argument("--reason", required=True, help="取消原因")
    cc.add_argument("--version", type=int)
    cc.set_defaults(func=_one("cancel"))

    ls = s.add_parser("list", help="列出待遇申请及其分期")
    ls.add_argument("id_number", nargs="?", metavar="身份证号")
    ls.add_argument("--status", choices=["proposed", "approved", "rejected", "cancelled"])
    ls.add_argument("--benefit", help="待遇代码")
    ls.add_argument("--policy")
    ls.add_argument("--beneficiary", choices=["talent", "employer", "platform", "organisation", "all"],
                    default="talent", help="受益对象：talent 人才（默认）、employer 单位、platform 平台、organisation 单位和平台、all 全部")
    ls.add_argument("--employer", help="某一用人单位的单位奖补")
    ls.add_argument("--platform", help="某一平台载体的奖补")
    ls.add_argument("--limit", type=int, default=500)
    ls.add_argument("--full", action="store_true", help="显示完整身份证号")
    ls.set_defaults(func=cmd_list)

    sh = s.add_parser("show", help="显示一项待遇申请（含测算说明）")
    sh.add_argument("grant_id", type=int, metavar="申请编号")
    sh.set_defaults(func=cmd_show)

    from talentdesk.cli.benefits import cmd_grant_fact

    cmd_grant_fact.register(s)
