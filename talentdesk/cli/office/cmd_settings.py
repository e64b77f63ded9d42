"""``talentdesk settings show|set KEY=VALUE …``."""

from __future__ import annotations

from talentdesk.domain.errors import TalentDeskError


def _show(app, s) -> None:
    from talentdesk.services.office.settings import DATE_LISTS, FIELDS

    if app.json:
        app.print_json(s.as_dict())
        return
    data = s.as_dict()
    for key, label in FIELDS.items():
        value = data[key]
        if key in DATE_LISTS:
            value = "、".join(value)
        app.out(f"{label}（{key}）：{value}")


def cmd_show(args, app) -> int:
    from talentdesk.services.office import settings

    _show(app, settings.get_settings(app.context()))
    return 0


def cmd_set(args, app) -> int:
    from talentdesk.services.office import settings

    changes = {}
    for item in args.pairs:
        if "=" not in item:
            raise TalentDeskError(f"参数“{item}”应写成 设置项=值，例如 单位名称=阿拉善左旗人才工作领导小组办公室")
        key, value = item.split("=", 1)
        k, v = settings.parse_value(key, value)
        changes[k] = v
    _show(app, settings.save_settings(app.context(), **changes))
    return 0


def register(sub) -> None:
    p = sub.add_parser("settings", help="系统设置（单位名称、默认政策、签字人、节假日等）")
    s = p.add_subparsers(dest="settings_command", metavar="操作", required=True)
    sh = s.add_parser("show", help="显示系统设置")
    sh.set_defaults(func=cmd_show)
    st = s.add_parser("set", help="修改设置：设置项=值 …（设置项可用中文名或英文键，日期列表用逗号分隔）")
    st.add_argument("pairs", nargs="+", metavar="设置项=值")
    st.set_defaults(func=cmd_set)
