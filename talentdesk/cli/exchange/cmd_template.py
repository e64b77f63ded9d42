"""``talentdesk template roster|reviews|payments|facts|recognitions|cases|visits|housing OUT.xlsx``:
the blank templates."""

from __future__ import annotations


def cmd_template(args, app) -> int:
    from talentdesk.services.exchange.importer import write_template

    path = write_template(args.kind, args.out)
    if app.json:
        app.print_json({"path": str(path), "kind": args.kind})
    else:
        app.out(f"已生成模板：{path}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("template", help="生成标准导入模板（花名册、年度考核结果、发放确认、服务年度情况、人才认定、服务事项、回访记录、人才公寓入住）")
    p.add_argument("kind", choices=["roster", "reviews", "payments", "facts", "recognitions", "cases", "visits", "housing"])
    p.add_argument("out", metavar="OUT.xlsx")
    p.set_defaults(func=cmd_template)
