"""打印: one record's form of the office's other registers (人才认定备案表, 人才服务事项办理单,
回访记录表, 人才公寓入住/腾退确认单) from its page — the office details checked first (a form
prints the office's name and signatories), the PDF saved where the clerk says
(``services.care.forms.print_form``, audited), then offered to open."""

from __future__ import annotations

from talentdesk.services.care import forms
from talentdesk.ui.common import widgets
from talentdesk.ui.i18n import tr


def print_record(env, parent, kind: str, record_id: int, who: str) -> str | None:
    """Save the form of record ``record_id`` as a PDF; the path, or None when cancelled."""
    from talentdesk.ui.office.print_setup import ensure_office_details

    if not ensure_office_details(env, parent):
        return None
    name = forms.FORM_KINDS[kind]
    suggested = f"{name.replace('/', '、')}-{who}-{record_id}.pdf"
    path = widgets.ask_save_file(env, parent, tr("保存{n}").format(n=name), suggested, tr("PDF 文件 (*.pdf)"))
    if not path:
        return None
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    ok, result = widgets.call(env, forms.print_form, env.ctx, kind, record_id, path)
    if not ok:
        return None
    if env.confirm(tr("已生成{n}：{p}（{k} 页）。现在打开吗？").format(n=name, p=result.path, k=result.pages)):
        widgets.open_file(str(result.path))
    return str(result.path)


__all__ = ["print_record"]
