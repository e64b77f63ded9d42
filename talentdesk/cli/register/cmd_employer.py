"""``talentdesk employer list|set``: the employers and the attributes policy clauses read
(所属行业, 参照公务员法管理, 规模以上企业 …; talentdesk.domain.employer_attrs)."""

from __future__ import annotations

from talentdesk.domain import employer_attrs
from talentdesk.domain.errors import NotFoundError, TalentDeskError

# what a clerk types before “=”: the Chinese label or the attribute's key
_KEYS = {**{label: key for key, label in employer_attrs.LABELS.items()},
         **{key: key for key in employer_attrs.ATTRIBUTE_KEYS}, "行业": "industry", "参公": "civil_service_managed",
         "参公管理": "civil_service_managed", "规上": "above_scale"}


def _row(e) -> dict:
    out = {"单位名称": e.name, "统一社会信用代码": e.uscc, "单位性质": e.kind, "所属地区": e.district,
           "所属行业": e.industry_text or None}
    out.update({f.label: employer_attrs.flag_text(getattr(e, f.key)) or None for f in employer_attrs.FLAGS})
    out["未登记属性"] = e.missing_attributes()
    out["人才数"] = e.talents
    return out


def _find(ctx, name_or_code: str):
    from talentdesk.services.register import employers

    text = name_or_code.strip()
    for e in employers.list_all(ctx):
        if text in (e.name, e.uscc):
            return e
    raise NotFoundError(f"找不到单位“{text}”（按单位全称或统一社会信用代码查找）")


def cmd_list(args, app) -> int:
    from talentdesk.services.register import employers

    rows = employers.list_all(app.context(), district=args.district)
    if args.missing:
        rows = [e for e in rows if e.missing_attributes()]
    if app.json:
        app.print_json({"employers": [_row(e) for e in rows]})
        return 0
    app.out(f"共 {len(rows)} 家单位")
    for e in rows:
        missing = e.missing_attributes()
        app.out(f"{e.name}\t{e.industry_text or '行业未登记'}\t人才{e.talents}人"
                + (f"\t未登记：{'、'.join(missing)}" if missing else ""))
    return 0


def cmd_set(args, app) -> int:
    from talentdesk.services.register import employers

    ctx = app.context()
    e = _find(ctx, args.employer)
    changes = {}
    for item in args.fields:
        if "=" not in item:
            raise TalentDeskError(f"参数“{item}”应写成 属性=值，例如 所属行业=P 或 参照公务员法管理=否")
        label, value = (part.strip() for part in item.split("=", 1))
        key = _KEYS.get(label)
        if key is None:
            raise TalentDeskError(f"未知属性“{label}”，可用：{'、'.join(employer_attrs.LABELS.values())}")
        changes[key] = value
    if not changes:
        raise TalentDeskError("请给出要登记的属性，例如 所属行业=P 参照公务员法管理=否（值留空表示未登记）")
    view = employers.update(ctx, e.id, expected_version=e.version, **changes)
    if app.json:
        app.print_json(_row(view))
    else:
        app.out(f"已登记 {view.name}：" + "，".join(f"{employer_attrs.LABELS[k]}="
                                                   f"{view.industry_text if k == 'industry' else employer_attrs.flag_text(getattr(view, k))}"
                                                   for k in changes))
    return 0


def register(sub) -> None:
    p = sub.add_parser("employer", help="用人单位及政策条款所需的单位属性")
    s = p.add_subparsers(dest="employer_command", metavar="操作", required=True)
    ls = s.add_parser("list", help="列出单位及其属性")
    ls.add_argument("--district")
    ls.add_argument("--missing", action="store_true", help="只列出有未登记属性的单位")
    ls.set_defaults(func=cmd_list)
    st = s.add_parser("set", help="登记单位属性：单位 属性=值 …（如 所属行业=P 参照公务员法管理=否；值留空为未登记）")
    st.add_argument("employer", help="单位全称或统一社会信用代码")
    st.add_argument("fields", nargs="+", metavar="属性=值")
    st.set_defaults(func=cmd_set)
