"""Excel ledgers (台账) and printed PDF forms (审批表, 登记表, 通知书).

This package renders; it knows nothing of the database or Qt. The service layer
(``talentdesk.services.exchange.reports``) reads the tables, builds the document model
(``talentdesk.outputs.model``), calls the renderers and writes the audit event.

For the GUI (报表打印 page) — call the services, run them on a worker thread
-------------------------------------------------------------------------------
::

    from talentdesk.services.exchange import reports

    result = reports.export_ledger(ctx, "disbursement", "out.xlsx", year=2024,
                                   progress=lambda done, total: ..., cancel=event)
    result = reports.print_forms(ctx, "approval", "out.pdf", talent="1529…", benefit="settlement_allowance",
                                 progress=..., cancel=event)

``export_ledger(ctx, kind, path, *, year=None, employer=None, district=None, status=None,
mask=None, progress=None, cancel=None) -> OutputResult``
    ``kind``: ``talents`` (人才信息台账; filters employer name, district, year of
    introduction, status code) | ``disbursement`` (待遇发放台账; installments due in
    ``year``, required) | ``recovery`` (追回台账; departures, optionally of ``year``) |
    ``review`` (年度考核台账; ``year`` required). ID numbers and phone numbers are
    masked (152921********1234, 138****8000) unless ``mask=False`` asks for the full
    numbers (CLI ``--full``); the audit event records ``full_numbers``.
``print_forms(ctx, kind, path, *, talent=None, benefit=None, month=None, year=None,
mask=None, progress=None, cancel=None) -> OutputResult``
    Masked as the ledgers; with ``mask=None`` the approval forms (``approval``,
    ``batch``: ``reports.FULL_ID_FORMS``) print full numbers when the office setting
    ``print_full_id`` (审批表打印完整身份证号) is on; ``mask=True`` masks anyway.
    ``kind``: ``approval`` (人才待遇审批表; ``talent`` ID number and ``benefit`` code;
    ``benefit=None`` prints every approved benefit of the talent; ``talent=None``
    with ``benefit`` prints all approved grants of that benefit, many forms in one
    PDF) | ``batch`` (补贴发放审批表; ``month`` "YYYY-MM") | ``review`` (年度考核汇总报告
    plus one 年度考核登记表 per talent for ``year``; with ``talent`` only that
    talent's 登记表; ``summary_only=True`` the 汇总报告 alone) | ``recovery`` (追回通知书
    for the talent's departure).

Both write to a temporary file beside ``path`` and rename it at the end, so a
cancelled or failed run leaves no half-written file. ``progress(done, total)`` is
called every few hundred rows (ledgers) or every page (PDF: every form is laid out
first, with ``progress(0, None)``, then ``progress(page, pages)`` after each page drawn);
``total`` may be None.
``cancel`` is a ``threading.Event`` (or any object with ``is_set()``, or a callable
returning bool); when it is set the call raises ``reports.Cancelled`` (a
``TalentDeskError`` with the message “已取消”). Expected problems (nothing to print,
unknown talent, year missing) raise ``TalentDeskError`` with a Chinese message.

``OutputResult``: ``path``, ``kind``, ``rows`` (data rows or forms), ``pages`` (PDF),
``masked``, ``seconds``. Every successful export/print writes one audit event
(action ``export`` or ``print``, entity ``ledger``/``form``, id = kind; ``after``
holds the parameters, counts and the file name; ``talent_id`` for one-talent forms).

Preview: the GUI can print to a temporary PDF and show it with QtPdf; the data
builders (``reports.talent_ledger``, ``disbursement_ledger``, ``recovery_ledger``,
``review_ledger``, ``approval_forms``, ``batch_form``, ``review_forms``,
``recovery_notice``) return the model objects without writing a file.

Renderers (no database)
-----------------------
``xlsx.write_ledger(ledger, path, *, mask=False, progress=None, cancel=None) -> int``
    rows written. xlsxwriter in constant-memory mode: memory stays flat with rows.
``pdf.write_forms(forms, path, *, mask=False, progress=None, cancel=None) -> int``
    pages written. reportlab canvas, A4, the bundled font embedded as a subset.
``fonts.register() -> str``
    registers the bundled CJK font (``resources/fonts/gbsn00lp.ttf``, AR PL SungtiL GB,
    Arphic Public License) with reportlab and returns its name; characters outside it
    (rare name characters outside GB2312) fall back to another TrueType CJK font found
    on the machine (SimSun on Windows, AR PL UMing/WenQuanYi on Linux), also embedded.
"""

from talentdesk.outputs.model import (ApprovalForm, BatchForm, BatchLine, FormRow, Heading, Ledger, LedgerColumn,
                                      Office, ReceivedLine, RecoveryNotice, RegisterForm, ReviewForm, ReviewSummary,
                                      ScheduleLine, Subtotal, SuspendedLine, Total, is_cancelled)

__all__ = ["ApprovalForm", "BatchForm", "BatchLine", "FormRow", "Heading", "Ledger", "LedgerColumn", "Office",
           "ReceivedLine", "RecoveryNotice", "RegisterForm", "ReviewForm", "ReviewSummary", "ScheduleLine", "Subtotal",
           "SuspendedLine", "Total", "is_cancelled"]
