"""``talentdesk policy list|check`` and ``talentdesk evaluate``.

``evaluate --profile FILE.json`` takes either a profile keyed by the roster's Chinese
labels, or ``{"profile": {...}, "reviews": {"2023": "合格"}, "facts": {...},
"decisions": [{"number", "kind", "benefit_code", "amount_fen"}], "paid": {...}}``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from talentdesk.domain import money
from talentdesk.domain.errors import TalentDeskError


def _extra_dirs() -> list[Path]:
    try:
        from talentdesk.paths import user_policy_dir
    except ImportError:
        return []
    try:
        return [user_policy_dir()]
    except Exception:  # an unusable user folder must not stop the shipped packs
        return []


def _date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise TalentDeskError(f"{what}“{text}”不是有效日期，请写成 2023-06-01") from None


def cmd_list(args, app) -> int:
    from talentdesk.rules import load_packs

    errors: list[str] = []
    packs = load_packs(_extra_dirs(), errors=errors)
    if app.json:
        app.print_json({"policies": [p.summary() for p in packs.values()], "errors": errors})
        return 0
    for p in packs.values():
        period = f"{p.effective_from}起" + (f"至{p.effective_to}" if p.effective_to else "")
        app.out(f"{p.id}\t{p.document}\t{p.title}\t{period}")
        app.out("    待遇：" + "、".join(f"{b['name']}（{b['code']}）" for b in p.benefits))
    for e in errors:
        app.out(f"注意：{e}")
    return 0


def cmd_check(args, app) -> int:
    from talentdesk.rules import check_pack_file

    errors = check_pack_file(args.file)
    if app.json:
        app.print_json({"file": args.file, "ok": not errors, "errors": errors})
    elif errors:
        app.out(f"{args.file} 有 {len(errors)} 处问题：")
        for e in errors:
            app.out(f"  {e}")
    else:
        app.out(f"{args.file} 格式正确")
    return 0 if not errors else 1


def _decisions(items) -> list:
    from talentdesk.rules import Decision

    out = []
    for d in items or []:
        date = d.get("date")
        out.append(Decision(number=str(d["number"]), kind=d.get("kind") or d.get("override") or "amount",
                            benefit_code=d.get("benefit_code"), amount_fen=d.get("amount_fen"),
                            date=_date(date, "决定日期") if isinstance(date, str) else date,
                            note=d.get("description") or d.get("note") or ""))
    return out


def cmd_evaluate(args, app) -> int:
    from talentdesk.rules import evaluate, get_pack, profile_from_json

    approved_on = _date(args.approved_on, "批准日期")
    as_of = _date(args.as_of, "计算日期")
    departed_on = _date(args.departed_on, "离开日期")
    reviews, facts, decisions, paid = {}, {}, [], None
    policy_id = args.policy
    if args.profile:
        path = Path(args.profile)
        try:
            raw = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise TalentDeskError(f"找不到文件：{path}") from None
        except json.JSONDecodeError as exc:
            raise TalentDeskError(f"{path.name} 不是有效的 JSON（第{exc.lineno}行）") from None
        if isinstance(raw, dict) and "profile" in raw:
            reviews = raw.get("reviews") or {}
            facts = raw.get("facts") or {}
            decisions = _decisions(raw.get("decisions"))
            paid = raw.get("paid")
            raw = raw["profile"]
        profile = profile_from_json(raw)
    if args.talent:
        # a stored talent: what the services gather (reviews, decisions, the employer's
        # attributes, agreements, service-year facts, the departure and what was paid)
        from talentdesk.services.benefits import grants

        ev = grants.evaluate_talent(app.context(), args.talent, approved_on=approved_on, policy_id=policy_id,
                                    as_of=as_of, departed_on=departed_on)
    else:
        if not policy_id:
            raise TalentDeskError("请用 --policy 指定政策编号（talentdesk policy list 可查看）")
        pack = get_pack(policy_id, _extra_dirs())
        ev = evaluate(pack, profile, approved_on=approved_on, as_of=as_of, departed_on=departed_on,
                      reviews={int(k): v for k, v in reviews.items()}, decisions=decisions, paid=paid, facts=facts)
    if app.json:
        app.print_json(ev.to_json())
    else:
        app.out(ev.summary_text())
        if ev.refund_fen:
            app.out(f"\n应退回合计：{money.yuan(ev.refund_fen)}元（{money.capitals(ev.refund_fen)}）")
    return 0


def register(sub) -> None:
    p = sub.add_parser("policy", help="政策包：列出、检查")
    s = p.add_subparsers(dest="policy_command", metavar="操作", required=True)
    ls = s.add_parser("list", help="列出可用的政策（含用户政策文件夹中的）")
    ls.set_defaults(func=cmd_list)
    ck = s.add_parser("check", help="检查一个政策文件（YAML）的格式，错误带行号")
    ck.add_argument("file")
    ck.set_defaults(func=cmd_check)

    ev = sub.add_parser("evaluate", help="按政策测算一名人才可享受的待遇")
    ev.add_argument("--policy", help="政策编号，如 alxa-2023")
    who = ev.add_mutually_exclusive_group(required=True)
    who.add_argument("--profile", help="人才信息 JSON 文件（键为花名册标准列名）")
    who.add_argument("--talent", metavar="身份证号", help="已登记人才的身份证号")
    ev.add_argument("--approved-on", required=True, help="批准日期 YYYY-MM-DD")
    ev.add_argument("--as-of", help="计算日期（默认今天）")
    ev.add_argument("--departed-on", help="离开日期")
    ev.set_defaults(func=cmd_evaluate)
