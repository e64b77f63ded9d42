"""PDF forms: text extracted with pypdf (names, amounts, capitals, articles), the font
embedded as a subset, a page rendered with pdftoppm is not blank, batches, masking, audit."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from talentdesk.domain import idcard
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.entities import Talent
from talentdesk.outputs import pdf
from talentdesk.services.office import settings
from talentdesk.services.office.audit import log as audit
from talentdesk.services.exchange import reports

from .seed import D, add_grant, add_review, add_talent, scenario


def _text(path) -> list[str]:
    return [p.extract_text() for p in PdfReader(str(path)).pages]


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _idn(ctx, talent_id):
    with ctx.read() as s:
        return s.get(Talent, talent_id).id_number


@pytest.fixture
def office(ctx):
    settings.save_settings(ctx, office_name="阿拉善左旗人才工作领导小组办公室", doc_prefix="左人才办",
                           signatory_clerk="李明", signatory_reviewer="王芳", signatory_head="赵刚")
    return ctx


def test_approval_form(office, tmp_path):
    ctx = office
    ids = scenario(ctx)
    zid = _idn(ctx, ids["zhang"])
    out = tmp_path / "审批表.pdf"
    res = reports.print_forms(ctx, "approval", out, talent=zid, benefit="settlement_allowance", mask=False)
    assert res.pages == 1 and res.rows == 1
    pages = _text(out)
    t = _flat(pages[0])
    for needle in ("人才待遇审批表", "张伟", zid, "阿拉善盟农牧科学研究所", "博士研究生", "安家补贴",
                   "200,000.00", "贰拾万元整", "阿党人才字〔2023〕2号第四十条", "刚性引进人才签订三年以上正式聘用合同",
                   "阿拉善盟人才引进培养和服务保障管理办法", "用人单位", "主管部门", "人才办", "审核意见",
                   "（盖章）", "年月日", "签字", "三方协议", "约定服务期5年", "第1期", "80,000.00", "60,000.00",
                   "左人才办审2023-0001", "阿拉善左旗人才工作领导小组办公室", "经办人：李明", "审核人：王芳",
                   "第1页共1页", "生成时间", "批准文号：阿盟人才审〔2023〕"):
        assert _flat(needle) in t, needle
    ev = [e for e in audit.list_events(ctx) if e.action == "print"][0]
    assert ev.entity == "form" and ev.entity_id == "approval" and ev.talent_id == ids["zhang"]
    assert ev.after["pages"] == 1


def test_font_is_embedded_as_subset_and_page_not_blank(office, tmp_path):
    ctx = office
    ids = scenario(ctx)
    out = tmp_path / "a.pdf"
    reports.print_forms(ctx, "approval", out, talent=_idn(ctx, ids["wang"]))
    reader = PdfReader(str(out))
    fonts = {}
    for page in reader.pages:
        for name, ref in page["/Resources"]["/Font"].items():
            f = ref.get_object()
            fonts[f["/BaseFont"]] = f
    assert fonts
    for base, f in fonts.items():
        assert f["/Subtype"] == "/TrueType" or f["/Subtype"] == "/Type0"
        desc = f.get("/FontDescriptor") or f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        desc = desc.get_object()
        assert "/FontFile2" in desc, base  # TrueType program embedded
        assert re.match(r"/[A-Z]{6}\+", str(base)), base  # subset tag
    # 喆 is outside GB2312: drawn with the fallback font, still extractable
    assert "王喆" in _flat(_text(out)[0])
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")], check=True)
    pgm = next(tmp_path.glob("p*.pgm")).read_bytes()
    # P5 header: magic, width height, maxval, then the pixels
    parts = pgm.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    pixels = parts[3][: w * h]
    dark = sum(1 for b in pixels if b < 128)
    assert w < h  # portrait
    assert dark > 0.01 * w * h  # lines and text drawn
    assert dark < 0.5 * w * h  # and not a black page


def test_batch_form_subtotals_and_capitals(office, tmp_path):
    ctx = office
    ids = scenario(ctx)
    out = tmp_path / "b.pdf"
    settings.save_settings(ctx, print_full_id=True)  # this office's 补贴发放审批表 needs full numbers
    res = reports.print_forms(ctx, "batch", out, month="2024-06")
    assert res.rows == 1 and res.pages == 1
    t = _flat(_text(out)[0])
    for needle in ("人才补贴发放审批表", "发放月份：2024年6月", "张伟", "王喆", _idn(ctx, ids["zhang"]),
                   "安家补贴小计", "60,000.00", "租房补贴小计", "15,000.00", "博士后生活补助小计", "3,000.01",
                   "合计（3人次）", "78,000.01", "柒万捌仟元零壹分", "盟级", "旗（区）级", "经办人（签字）：李明",
                   "负责人（签字）：赵刚", "左人才办发〔2024〕6号"):
        assert _flat(needle) in t, needle
    form = reports.batch_form(ctx, "2024-06")
    assert form.total_fen == 7800001
    with pytest.raises(Exception, match="没有应发放"):
        reports.print_forms(ctx, "batch", out, month="2019-01")
    with pytest.raises(Exception, match="YYYY-MM"):
        reports.print_forms(ctx, "batch", out, month="六月")


def test_batch_form_many_pages_repeat_header(ctx, tmp_path):
    tid = add_talent(ctx, "赵磊")
    add_grant(ctx, tid, "living_allowance", "生活补贴",
              [(D(2024, 3, d), 100000 + d, "scheduled", {"city": 100000 + d}) for d in range(1, 29)] * 2,
              policy="alashankou-2014", basis="阿市党办发〔2014〕90号 第十三条")
    out = tmp_path / "b.pdf"
    res = reports.print_forms(ctx, "batch", out, month="2024-03")
    assert res.pages >= 2
    pages = [_flat(p) for p in _text(out)]
    for i, p in enumerate(pages, 1):
        assert "身份证号" in p and "应发日期" in p  # header repeated
        assert f"第{i}页共{len(pages)}页" in p
    assert "（续）" in pages[1]
    total = sum(100000 + d for d in range(1, 29)) * 2
    from talentdesk.domain.money import capitals, yuan
    assert _flat(yuan(total)) in pages[-1] and capitals(total) in pages[-1]


def test_review_summary_and_registration(office, tmp_path):
    ctx = office
    ids = scenario(ctx)
    out = tmp_path / "r.pdf"
    res = reports.print_forms(ctx, "review", out, year=2024)
    pages = [_flat(p) for p in _text(out)]
    assert res.rows == 5 and res.pages == len(pages) == 5  # summary + 4 registration forms
    s = pages[0]
    for needle in ("2024年度引进人才考核情况汇总报告", "已考核4人", "优秀1人", "合格1人", "基本合格1人", "不合格1人",
                   "按用人单位统计", "阿拉善盟中心医院", "考核不合格人员名单", "王喆", "未履行服务协议约定的工作任务",
                   "暂停（取消）发放的待遇", "租房补贴", "2025年6月1日", "2026年6月1日", "已暂停", "已取消",
                   "30,000.00", "叁万元整", "（盖章）"):
        assert _flat(needle) in s, needle
    reg = [p for p in pages[1:] if "王喆" in p][0]
    for needle in ("2024年度引进人才考核登记表", "考核结果", "优秀", "不合格", "个人年度", "用人单位", "考核意见",
                   "主管部门", "签字", "租房补贴"):
        assert _flat(needle) in reg, needle
    one = tmp_path / "one.pdf"
    res = reports.print_forms(ctx, "review", one, year=2024, talent=_idn(ctx, ids["li"]))
    assert res.rows == 1 and "李娜" in _flat(_text(one)[0]) and "汇总报告" not in _flat(_text(one)[0])


def test_review_summary_only_has_just_the_summary_pages(office, tmp_path):
    ctx = office
    ids = scenario(ctx)
    full, summary = tmp_path / "full.pdf", tmp_path / "summary.pdf"
    for n in range(30):  # enough employers for a summary of more than one page
        add_review(ctx, add_talent(ctx, f"考核{n}", f"用人单位{n:02d}"), 2024, "合格")
    whole = reports.print_forms(ctx, "review", full, year=2024)
    res = reports.print_forms(ctx, "review", summary, year=2024, summary_only=True)
    registration = len(reports.review_forms(ctx, 2024)) - 1  # one 登记表 per talent, one page each
    pages = [_flat(p) for p in _text(summary)]
    assert res.rows == 1 and res.pages == len(pages) == whole.pages - registration >= 2
    assert not any("考核登记表" in p for p in pages)

    def body(p):  # the page without its 生成时间 footer
        return re.sub(r"生成时间：[0-9:-]+", "", p)

    assert [body(p) for p in pages] == [body(p) for p in _text_flat(full)[:res.pages]]  # the same totals
    assert "已考核34人" in pages[0] and "合格31人" in pages[0]
    ev = [e for e in audit.list_events(ctx) if e.action == "print"][0]
    assert ev.after["summary_only"] is True and ev.after["pages"] == res.pages
    with pytest.raises(TalentDeskError, match="汇总报告"):
        reports.print_forms(ctx, "review", tmp_path / "x.pdf", year=2024, talent=_idn(ctx, ids["li"]),
                            summary_only=True)


def _text_flat(path) -> list[str]:
    return [_flat(p) for p in _text(path)]


def test_recovery_notice(office, tmp_path):
    ctx = office
    ids = scenario(ctx)
    out = tmp_path / "n.pdf"
    reports.print_forms(ctx, "recovery", out, talent=_idn(ctx, ids["zhang"]))
    t = _flat(_text(out)[0])
    for needle in ("追回人才补贴通知书", "张伟同志", "2025年3月1日", "个人原因辞职", "5年", "已领取的人才补贴",
                   "2023年6月20日", "80,000.00", "记-2023-061", "140,000.00", "壹拾肆万元整", "62,345.67",
                   "陆万贰仟叁佰肆拾伍元陆角柒分", "77,654.33", "柒万柒仟陆佰伍拾肆元叁角叁分",
                   "阿党人才字〔2023〕2号第十九条", "退回相关人才补贴", "送达回执", "左人才办追〔2025〕"):
        assert _flat(needle) in t, needle
    with pytest.raises(Exception, match="没有离职记录"):
        reports.print_forms(ctx, "recovery", out, talent=_idn(ctx, ids["li"]))


def test_many_approval_forms_in_one_pdf_and_mask(ctx, tmp_path):
    ids = scenario(ctx)
    for n in range(5):
        tid = add_talent(ctx, f"测试{n}")
        add_grant(ctx, tid, "settlement_allowance", "安家补贴", [(D(2024, 6, 1), 1000000 * (n + 1), "scheduled", {})])
    out = tmp_path / "all.pdf"
    seen = []
    res = reports.print_forms(ctx, "approval", out, benefit="settlement_allowance", mask=True,
                              progress=lambda d, t: seen.append((d, t)))
    assert res.rows == 7 and res.pages == 7 and seen[-1] == (7, 7)
    pages = [_flat(p) for p in _text(out)]
    assert all("第1页共1页" in p for p in pages)
    zid = _idn(ctx, ids["zhang"])
    assert zid not in "".join(pages) and idcard.mask(zid) in pages[0]
    assert any("伍万元整" in p for p in pages)
    ev = [e for e in audit.list_events(ctx) if e.action == "print"][0]
    assert ev.after["forms"] == 7 and ev.after["masked"] is True and ev.talent_id is None


def test_approval_form_numbers_count_within_the_year(office, tmp_path):
    """编号 is the grant's rank among the grants approved in its year (by approval date, then id)."""
    ctx = office
    plan = [(D(2026, 6, 1), 100000, "scheduled", {})]
    names = {}
    for name, approved, status in (("周二", D(2025, 9, 1), "approved"), ("吴三", D(2025, 3, 1), "approved"),
                                   ("郑四", D(2026, 1, 5), "approved"), ("冯五", D(2025, 9, 1), "approved"),
                                   ("陈六", D(2025, 1, 2), "proposed")):  # 陈六 awaits approval: no number
        tid = add_talent(ctx, name)
        names[add_grant(ctx, tid, "rent_subsidy", "租房补贴", plan, approved=approved, status=status)] = name
    out = tmp_path / "numbers.pdf"
    res = reports.print_forms(ctx, "approval", out, benefit="rent_subsidy")
    assert res.rows == 5
    number = {}
    for page in _text(out):
        flat = _flat(page)
        name = next(n for n in names.values() if n in flat)
        number[name] = re.search(r"编号：(\S+?)(姓名|$)", flat).group(1)
    assert number == {"吴三": "左人才办审2025-0001", "周二": "左人才办审2025-0002", "冯五": "左人才办审2025-0003",
                      "郑四": "左人才办审2026-0001", "陈六": "左人才办审（批准后编号）"}


def test_approval_form_numbers_stay_when_an_earlier_grant_is_cancelled(office, tmp_path):
    """A grant cancelled after its approval keeps its place: the numbers printed after it
    do not move (a rejected proposal was never approved and takes none)."""
    import datetime as dt

    from talentdesk.models.entities import BenefitGrant

    ctx = office
    plan = [(D(2026, 6, 1), 100000, "scheduled", {})]
    cancelled = add_grant(ctx, add_talent(ctx, "钱一"), "rent_subsidy", "租房补贴", plan, approved=D(2025, 2, 1),
                          status="cancelled")
    add_grant(ctx, add_talent(ctx, "褚二"), "rent_subsidy", "租房补贴", plan, approved=D(2025, 2, 2), status="rejected")
    with ctx.write() as s:
        s.get(BenefitGrant, cancelled).approved_at = dt.datetime(2025, 2, 1, 9, 0)
    add_grant(ctx, add_talent(ctx, "卫三"), "rent_subsidy", "租房补贴", plan, approved=D(2025, 3, 1))
    out = tmp_path / "n.pdf"
    reports.print_forms(ctx, "approval", out, benefit="rent_subsidy")
    (page,) = _text_flat(out)
    assert "卫三" in page and "编号：左人才办审2025-0002" in page


def test_long_schedule_is_grouped(ctx, tmp_path):
    tid = add_talent(ctx, "钱多")
    add_grant(ctx, tid, "postdoc_living", "博士后生活补助",
              [(D(2024 + (m // 12), m % 12 + 1, 10), 300000, "scheduled", {"league": 300000}) for m in range(24)],
              basis="阿党人才字〔2023〕2号 第二十四条")
    out = tmp_path / "p.pdf"
    res = reports.print_forms(ctx, "approval", out, talent=_idn(ctx, tid))
    t = _flat(_text(out)[0])
    assert res.pages == 1
    assert "第1—24期（24期）" in t and "每期3,000.00元" in t and "合计72,000.00元" in t
    assert "柒万贰仟元整" in t and "第二十四条" in t


def test_nothing_to_print(ctx, tmp_path):
    tid = add_talent(ctx, "孙无")
    with pytest.raises(Exception, match="没有找到"):
        reports.print_forms(ctx, "approval", tmp_path / "x.pdf", talent=_idn(ctx, tid))
    with pytest.raises(Exception, match="--talent"):
        reports.print_forms(ctx, "approval", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_cancel_leaves_no_file(ctx, tmp_path):
    scenario(ctx)
    out_dir = tmp_path / "out"
    out = out_dir / "c.pdf"
    with pytest.raises(reports.Cancelled):
        reports.print_forms(ctx, "review", out, year=2024, cancel=lambda: True)
    assert list(out_dir.iterdir()) == []


def test_wrap_keeps_punctuation_and_fits():
    from reportlab.pdfgen.canvas import Canvas

    from talentdesk.outputs.layout import Pen

    pen = Pen(Canvas("/dev/null"))
    text = "刚性引进人才签订三年以上正式聘用合同的，经同级党委（党工委）人才工作领导小组办公室审核通过后，可给予安家补贴。"
    lines = pen.wrap(text, 120, 10.5)
    assert "".join(lines) == text
    assert all(not ln.startswith(("，", "。", "）")) for ln in lines)
    assert all(pen.width(ln, 10.5) <= 120 + 10.5 for ln in lines)
    lines, size = pen.fit("旗（区）级（元）", 60, 20, 9)
    assert size < 9 and all(pen.width(ln, size) <= 60.5 for ln in lines)
    assert pdf.PORTRAIT[0] < pdf.PORTRAIT[1]


class _Recorder:
    """A stand-in canvas that records the calls the renderer makes."""

    def __init__(self):
        self.ops = []

    def __getattr__(self, name):
        return lambda *a, **k: self.ops.append((name, a))


def _page_rects(form) -> list[list[tuple[float, float, float, float]]]:
    """The cell rectangles (x, y, w, h) drawn on each page."""
    rec = _Recorder()
    pdf.write_forms([form], "unused.pdf", canvas_factory=lambda path, title: rec)
    pages = [[]]
    for name, args in rec.ops:
        if name == "showPage":
            pages.append([])
        elif name == "rect":
            pages[-1].append(tuple(round(v, 2) for v in args[:4]))
    return pages[:-1]


@pytest.mark.parametrize("levels", [1, 2, 3])
def test_batch_form_last_page_lines_up_with_the_first(levels):
    """Whatever falls on the last page, the table's columns there are page 1's, the table
    keeps to the margins, and the 合计 and the signatures never end up on a page alone."""
    import datetime as dt

    from talentdesk.outputs.model import BatchForm, BatchLine, Office

    names = ["盟级", "旗（区）级", "自治区级"][:levels]
    ncols = 9 + levels  # 序号 … 金额, one per level, 状态
    left, right = pdf.MARGIN_X, pdf.LANDSCAPE[0] - pdf.MARGIN_X
    for n in range(8, 40):
        lines = [BatchLine(f"张{i}", "152921199005010012", "阿拉善盟农牧科学研究所", "生活补贴" if i < n // 2 else "租房补贴",
                           1, dt.date(2024, 3, 1), 100000, {lv: 100000 // levels for lv in names}, "待发放")
                 for i in range(n)]
        pages = _page_rects(BatchForm(Office(), "人才办发〔2024〕3号", 2024, 3, lines, names))
        if len(pages) < 2:
            continue
        header = [(x, w) for x, y, w, h in pages[0][:ncols]]
        assert header[0][0] == left and round(header[-1][0] + header[-1][1], 1) == round(right, 1), (n, header)
        for i, rects in enumerate(pages):
            assert [(x, w) for x, y, w, h in rects[:ncols]] == header, (n, i)  # the header, column for column
            assert all(left - 0.01 <= x and x + w <= right + 0.01 for x, y, w, h in rects), (n, i)
        edges = {round(x + w, 1) for x, y, w, h in pages[-1]}
        assert round(right, 1) in edges and max(edges) == round(right, 1), n  # 大写 row and signatures too


def test_progress_counts_pages_also_for_forms_laid_out_again(office, tmp_path, monkeypatch):
    """Pages are counted before drawing; forms past KEEP_LAID are laid out again when drawn
    (memory stays flat) and come out the same."""
    ctx = office
    scenario(ctx)
    seen = []
    kept = reports.print_forms(ctx, "review", tmp_path / "kept.pdf", year=2024,
                               progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, None) and seen[1:] == [(n, kept.pages) for n in range(1, kept.pages + 1)]
    monkeypatch.setattr(pdf, "KEEP_LAID", 1)
    seen.clear()
    again = reports.print_forms(ctx, "review", tmp_path / "again.pdf", year=2024,
                                progress=lambda d, t: seen.append((d, t)))
    assert again.pages == kept.pages and seen[-1] == (kept.pages, kept.pages)

    def body(p):
        return re.sub(r"生成时间：[0-9:-]+", "", p)

    assert [body(p) for p in _text_flat(tmp_path / "again.pdf")] == [body(p) for p in _text_flat(tmp_path / "kept.pdf")]
