"""Importing messy rosters: the right rows in, the right cells flagged, nothing half-written."""

from __future__ import annotations

import datetime as dt
import threading

import openpyxl
import pytest
from sqlalchemy import func, select

from builders import EMPLOYER, MESSY_HEADERS, good_rows, ids, write_messy_xlsx
from talentdesk.domain import idcard
from talentdesk.models.entities import AuditEvent, Employer, ImportBatch, Talent
from talentdesk.services.office.audit import log as audit
from talentdesk.services.exchange import importer
from talentdesk.services.register import talents


def _count(ctx, model=Talent) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _cells(summary) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in summary.errors}


def test_messy_roster_right_rows_in_right_cells_flagged(ctx, tmp_path):
    rows = good_rows(8)
    rows[2]["身份证号码"] = 1.52921199005034e17  # Excel turned it into a number
    rows[3]["引进时间"] = "2023年13月1日"  # no such month
    rows[4]["学历"] = "小学"  # not in the value set
    rows[5]["身份证号码"] = rows[5]["身份证号码"][:-1] + ("0" if rows[5]["身份证号码"][-1] != "0" else "1")
    where = write_messy_xlsx(tmp_path / "messy.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "messy.xlsx")
    assert s.rows == 8 and s.valid == 4 and s.inserted == 4 and s.updated == 0
    assert _cells(s) == {(where[2], "身份证号码"), (where[3], "引进时间"), (where[4], "学历"), (where[5], "身份证号码")}
    by_row = {e.row: e for e in s.errors}
    assert "文本" in by_row[where[2]].message and "Excel" in by_row[where[2]].message
    assert "13月" in by_row[where[3]].message
    assert "校验位" in by_row[where[5]].message
    assert by_row[where[4]].value == "小学"
    assert _count(ctx) == 4
    got = talents.get(ctx, rows[0]["身份证号码"]).record
    assert got["education"] == "博士研究生" and got["employer_name"] == EMPLOYER
    assert got["introduction_date"] == dt.date(2023, 5, 1) and got["contract_years"] == 5
    assert got["urgently_needed"] is True and got["birth_date"] == dt.date(1990, 5, 1)
    assert talents.get(ctx, rows[1]["身份证号码"]).record["education"] == "硕士研究生"
    assert talents.get(ctx, rows[6]["身份证号码"]).record["education"] == "硕士研究生"  # 研究生 with 硕士
    # the unknown column is reported, not an error
    assert any("爱好" in w.message for w in s.warnings)
    assert s.exit_code == 3


def test_header_detection_finds_title_rows_and_employer(ctx, tmp_path):
    write_messy_xlsx(tmp_path / "m.xlsx")
    with importer.open_file(tmp_path / "m.xlsx", ctx=ctx) as f:
        assert f.best_sheet == "人才花名册"
        assert [s.name for s in f.sheets] == ["填表说明", "人才花名册"]
        layout = importer.detect_layout(f)
        assert layout.header_row == 4
        assert layout.employer_hint == EMPLOYER
        fields = {c.header: c.field for c in layout.columns}
        assert fields["引进\n时间"] == "introduction_date" and fields["合同期限\n（年）"] == "contract_years"
        assert fields["身份证号码"] == "id_number" and fields["联系电话"] == "phone"
        assert fields["序号"] is None and fields["爱好"] is None
        assert layout.missing_required(importer.get_kind("roster")) == []


def test_every_date_form_and_value_spelling(ctx, tmp_path):
    forms = [dt.date(2023, 5, 1), 45047, "2023-05-01", "2023/5/1", "2023.5.1", "2023年5月1日", "20230501",
             "２０２３－０５－０１", " 2023-05-01 "]
    rows = good_rows(len(forms))
    for r, form in zip(rows, forms):
        r["引进时间"] = form
    rows[0]["身份证号码"] = rows[0]["身份证号码"][:-1] + rows[0]["身份证号码"][-1].lower()
    rows[1]["身份证号码"] = " " + rows[1]["身份证号码"] + " "
    rows[2]["合同期限（年）"] = "５年"
    rows[3]["是否急需紧缺"] = "×"
    write_messy_xlsx(tmp_path / "dates.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "dates.xlsx")
    assert s.errors == [] and s.inserted == len(forms)
    for r in rows:
        got = talents.get(ctx, r["身份证号码"].strip().upper()).record
        assert got["introduction_date"] == dt.date(2023, 5, 1)
    assert talents.get(ctx, rows[3]["身份证号码"]).record["urgently_needed"] is False


def test_id_with_lower_case_x_is_folded(ctx, tmp_path):
    number = next(n for n in (idcard.make("152921", dt.date(1988, 1, 1), i) for i in range(200)) if n.endswith("X"))
    rows = good_rows(1)
    rows[0]["身份证号码"] = number.lower()
    write_messy_xlsx(tmp_path / "x.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "x.xlsx")
    assert s.errors == [] and talents.get(ctx, number).record["id_number"] == number


def test_cross_checks_duplicates_and_impossible_dates(ctx, tmp_path):
    rows = good_rows(6)
    rows[1]["身份证号码"] = rows[0]["身份证号码"]  # duplicate inside the file
    rows[2]["引进时间"] = dt.date.today() + dt.timedelta(days=40)  # in the future
    rows[3]["引进时间"] = dt.date(1980, 1, 1)  # before birth
    where = write_messy_xlsx(tmp_path / "x.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "x.xlsx")
    msgs = {(e.row, e.column): e.message for e in s.errors}
    assert "重复" in msgs[(where[0], "身份证号码")] and "重复" in msgs[(where[1], "身份证号码")]
    assert f"第{where[1]}行" in msgs[(where[0], "身份证号码")]
    assert "今天之后" in msgs[(where[2], "引进时间")]
    assert "早于出生日期" in msgs[(where[3], "引进时间")]
    assert s.inserted == 2


def test_birth_date_and_sex_against_id(ctx, tmp_path):
    import openpyxl as xl

    wb = xl.Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "身份证号", "出生日期", "学历", "引进方式", "用人单位", "引进日期"])
    number = ids(1)[0]  # born 1990-05-01, male (odd sequence? check below)
    sex = idcard.parse(number).sex
    other = "女" if sex == "男" else "男"
    ws.append(["张三", other, number, "1991-01-01", "博士", "招聘", EMPLOYER, "2023-05-01"])
    wb.save(tmp_path / "b.xlsx")
    s = importer.run_import(ctx, tmp_path / "b.xlsx")
    assert {e.column for e in s.errors} == {"性别", "出生日期"}
    assert all("不一致" in e.message for e in s.errors)


def test_merged_cells_two_row_header_and_merged_employer(ctx, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "引进人才花名册"
    ws.merge_cells("A1:H1")
    heads = ["姓名", "身份证号", "学历学位", None, "引进方式", "用人单位", "合同", None]
    subs = [None, None, "学历", "学位", None, None, "起始日期", "期限"]
    for c, h in enumerate(heads, start=1):
        if h:
            ws.cell(row=2, column=c, value=h)
    for c, h in enumerate(subs, start=1):
        if h:
            ws.cell(row=3, column=c, value=h)
    for col in "ABEF":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("C2:D2")
    ws.merge_cells("G2:H2")
    numbers = ids(3, start=40)
    for i, n in enumerate(numbers):
        ws.append([f"王{i}", n, "博士", "博士", "招聘", EMPLOYER if i == 0 else None, "2023-05-01", "5"])
    ws.merge_cells("F4:F6")  # one employer cell for all three rows
    ws.append(["合计", "3人"])
    wb.save(tmp_path / "merged.xlsx")
    with importer.open_file(tmp_path / "merged.xlsx") as f:
        layout = importer.detect_layout(f)
        assert layout.header_row == 3
        fields = {c.field for c in layout.columns}
        assert {"contract_start", "contract_years", "education", "degree", "employer_name"} <= fields
    s = importer.run_import(ctx, tmp_path / "merged.xlsx")
    assert [e.as_dict() for e in s.errors if e.column != "引进日期"] == []
    # 引进日期 is required and absent: one error per row, and a warning about the column
    assert any("引进日期" in w.message for w in s.warnings)
    assert s.rows == 3


def test_unknown_columns_to_remarks_and_given_mapping_remembered(ctx, tmp_path):
    rows = good_rows(2)
    for r in rows:
        r["爱好"] = "登山"
    write_messy_xlsx(tmp_path / "a.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "a.xlsx", unknown="remarks", mapping={"联系电话": "忽略"})
    assert s.errors == [] and s.inserted == 2
    got = talents.get(ctx, rows[0]["身份证号码"]).record
    assert got["remarks"] == "爱好：登山" and got["phone"] is None
    with ctx.read() as session:
        stored = session.execute(select(Employer.import_mapping).where(Employer.name == EMPLOYER)).scalar()
    assert '"联系电话": ""' in stored
    # the next roster of this employer: the clerk's choice is remembered
    rows2 = good_rows(3)
    write_messy_xlsx(tmp_path / "b.xlsx", rows2)
    with importer.open_file(tmp_path / "b.xlsx", ctx=ctx) as f:
        layout = importer.detect_layout(f, ctx=ctx)
        phone = next(c for c in layout.columns if c.header == "联系电话")
        assert phone.field is None and phone.how == "remembered"


def test_map_option_maps_an_odd_header(ctx, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名 字", "证照号", "学历", "引进方式", "用人单位", "到岗", "合同期限（年）"])
    number = ids(1, start=70)[0]
    ws.append(["李四", number, "硕士", "招聘", EMPLOYER, "2023-05-01", "3"])
    wb.save(tmp_path / "odd.xlsx")
    s = importer.run_import(ctx, tmp_path / "odd.xlsx", mapping={"证照号": "身份证号", "到岗": "引进日期",
                                                                 "手机号": "手机号码"})
    assert s.errors == [] and s.inserted == 1
    assert [w.message for w in s.warnings] == ["指定的列“手机号”在表头中找不到，该对应关系未使用"]
    assert talents.get(ctx, number).record["name"] == "李四"
    with pytest.raises(ValueError, match="不是标准列名"):
        importer.run_import(ctx, tmp_path / "odd.xlsx", mapping={"证照号": "护照"})


def test_existing_talent_is_updated_and_changes_reported(ctx, tmp_path):
    rows = good_rows(3)
    write_messy_xlsx(tmp_path / "v1.xlsx", rows)
    importer.run_import(ctx, tmp_path / "v1.xlsx")
    before_events = _count(ctx, AuditEvent)
    rows[0]["联系电话"] = "13900139000"
    rows[1]["学历"] = "博士"  # was 硕士研究生
    rows[2]["联系电话"] = None  # blank never erases
    write_messy_xlsx(tmp_path / "v2.xlsx", rows)
    dry = importer.run_import(ctx, tmp_path / "v2.xlsx", dry_run=True)
    assert dry.updated == 2 and dry.unchanged == 1 and dry.inserted == 0 and not dry.committed
    s = importer.run_import(ctx, tmp_path / "v2.xlsx")
    assert s.updated == 2 and s.unchanged == 1 and s.inserted == 0
    fields = {c["id_number"]: c["fields"] for c in s.changes}
    assert fields[rows[0]["身份证号码"]] == {"手机号码": ["13800138000", "13900139000"]}
    assert fields[rows[1]["身份证号码"]] == {"学历": ["硕士研究生", "博士研究生"]}
    assert talents.get(ctx, rows[2]["身份证号码"]).record["phone"] == "13800138002"
    v = talents.get(ctx, rows[0]["身份证号码"])
    assert v.version == 2 and v.record["phone"] == "13900139000"
    events = audit.list_events(ctx, talent_id=v.id)
    assert events[0].action == "update" and events[0].after == {"phone": "13900139000"}
    assert _count(ctx, AuditEvent) == before_events + 3  # two updates and the import batch
    assert audit.verify(ctx).ok


def test_imported_talents_are_audited_in_one_event_per_chunk(ctx, tmp_path, monkeypatch):
    """An import appends one hash-chained event per chunk of new talents (not one per
    talent); each talent's history still shows its own "create" with its values; the
    links from talents to events are checked by audit verify."""
    from sqlalchemy import delete, update

    from talentdesk.models.entities import AuditEventTalent
    from talentdesk.services.exchange.importer import writer

    monkeypatch.setattr(writer, "CHUNK", 4)
    rows = good_rows(10)
    write_messy_xlsx(tmp_path / "r.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "r.xlsx")
    assert s.inserted == 10
    with ctx.read() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.entity.notin_(("employer", "row_digest")))
                                 .order_by(AuditEvent.id)).scalars().all()
        assert [(e.action, e.entity) for e in events] == [("create", audit.CREATED_TALENTS)] * 3 + [
            ("import", "import_batch")]
        chunk_ids = [e.id for e in events[:3]]
        ids = session.execute(select(Talent.id).order_by(Talent.id)).scalars().all()
    for r in rows:
        t = talents.get(ctx, r["身份证号码"])
        (ev,) = [e for e in audit.list_events(ctx, talent_id=t.id) if e.action == "create"]
        assert (ev.entity, ev.entity_id, ev.talent_id) == ("talent", str(t.id), t.id)
        assert ev.after["id_number"] == r["身份证号码"] and ev.after["name"] == r["姓名"]
        assert ev.after["birth_date"] == t.record["birth_date"].isoformat()
    listed = {e.id: e for e in audit.list_events(ctx)}
    assert listed[chunk_ids[0]].after == {"count": 4, "first_id": ids[0], "last_id": ids[3]}
    assert audit.verify(ctx).ok
    # a link removed or moved to another talent is found
    with ctx.write() as session:
        session.execute(update(AuditEventTalent).where(AuditEventTalent.talent_id == ids[5])
                        .values(talent_id=ids[5] + 1000))
    bad = audit.verify(ctx)
    assert not bad.ok and bad.broken_id == chunk_ids[1] and "关联" in bad.message
    with ctx.write() as session:
        session.execute(update(AuditEventTalent).where(AuditEventTalent.talent_id == ids[5] + 1000)
                        .values(talent_id=ids[5]))
        session.execute(delete(AuditEventTalent).where(AuditEventTalent.talent_id == ids[9]))
    bad = audit.verify(ctx)
    assert not bad.ok and bad.broken_id == chunk_ids[2]


def test_dry_run_writes_nothing_and_all_or_nothing(ctx, tmp_path):
    rows = good_rows(4)
    rows[3]["学历"] = "小学"
    write_messy_xlsx(tmp_path / "e.xlsx", rows)
    dry = importer.run_import(ctx, tmp_path / "e.xlsx", dry_run=True)
    assert dry.dry_run and dry.inserted == 3 and len(dry.errors) == 1
    assert _count(ctx) == 0 and _count(ctx, AuditEvent) == 0 and _count(ctx, ImportBatch) == 0
    strict = importer.run_import(ctx, tmp_path / "e.xlsx", all_or_nothing=True)
    assert not strict.committed and strict.inserted == 0 and "未写入" in strict.message
    assert _count(ctx) == 0 and _count(ctx, Employer) == 0 and _count(ctx, AuditEvent) == 0


def test_same_file_twice_is_recognised(ctx, tmp_path):
    write_messy_xlsx(tmp_path / "t.xlsx")
    first = importer.run_import(ctx, tmp_path / "t.xlsx")
    assert first.batch_id and first.inserted == 5
    with ctx.read() as session:
        b = session.get(ImportBatch, first.batch_id)
        assert (b.kind, b.rows, b.inserted, b.user, b.file_name) == ("roster", 5, 5, "tester", "t.xlsx")
    with importer.open_file(tmp_path / "t.xlsx", ctx=ctx) as f:
        assert len(f.previous_imports) == 1
    second = importer.run_import(ctx, tmp_path / "t.xlsx")
    assert second.inserted == 0 and second.unchanged == 5
    assert any("已于" in w.message and "导入过" in w.message for w in second.warnings)


def test_progress_and_cancel_roll_back(ctx, tmp_path):
    write_messy_xlsx(tmp_path / "c.xlsx", good_rows(8))
    seen = []
    with importer.open_file(tmp_path / "c.xlsx", ctx=ctx) as f:
        layout = importer.detect_layout(f, ctx=ctx)
        v = importer.validate(ctx, f, layout, progress=lambda *a: seen.append(a))
        assert ("validate", v.rows + 4, v.rows + 4) in seen or seen[-1][0] == "validate"
        flag = threading.Event()

        def cb(phase, done, total):
            seen.append((phase, done, total))
            if phase == "write" and done > 0:
                flag.set()

        with pytest.raises(importer.ImportCancelled):
            importer.commit(ctx, v, progress=cb, cancel=flag)
    assert ("write", 0, 8) in seen
    assert _count(ctx) == 0 and _count(ctx, Employer) == 0 and _count(ctx, AuditEvent) == 0


def test_background_moves_cancel_and_fail_cleanly(ctx, tmp_path, monkeypatch):
    """Chunks moved into place by a background statement: a cancel or a failure of that
    statement leaves the database as it was (and the error reaches the caller)."""
    from talentdesk.models.bulk import BulkInserter
    from talentdesk.services.exchange.importer import writer

    monkeypatch.setattr(writer, "CHUNK", 3)
    monkeypatch.setattr(BulkInserter, "STAGE_FROM", 1)
    write_messy_xlsx(tmp_path / "c.xlsx", good_rows(10))
    flag = threading.Event()

    def cb(phase, done, total):
        if phase == "write" and done >= 6:
            flag.set()

    with pytest.raises(importer.ImportCancelled):
        importer.run_import(ctx, tmp_path / "c.xlsx", progress=cb, cancel=flag)
    assert _count(ctx) == 0 and _count(ctx, AuditEvent) == 0
    real_insert = BulkInserter.insert

    def broken(self, rows, **kw):
        if self.table.name == "talent" and self.sqlite:
            self.stage_sql = self.stage_sql[:2] + ("INSERT INTO no_such_table SELECT 1",) + self.stage_sql[3:]
        return real_insert(self, rows, **kw)

    monkeypatch.setattr(BulkInserter, "insert", broken)
    if str(ctx.db.url).startswith("sqlite"):
        with pytest.raises(Exception, match="no_such_table"):
            importer.run_import(ctx, tmp_path / "c.xlsx")
        assert _count(ctx) == 0 and _count(ctx, AuditEvent) == 0
    monkeypatch.setattr(BulkInserter, "insert", real_insert)
    s = importer.run_import(ctx, tmp_path / "c.xlsx")
    assert s.inserted == 10 and _count(ctx) == 10 and audit.verify(ctx).ok


def test_headerless_sheet_is_a_clear_message(ctx, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b", "c"])
    wb.active.append([1, 2, 3])
    wb.save(tmp_path / "n.xlsx")
    with pytest.raises(importer.ImportFileError, match="找不到花名册表头"):
        importer.run_import(ctx, tmp_path / "n.xlsx")
    assert _count(ctx) == 0


def test_error_report_marks_cells_red_with_comments(ctx, tmp_path):
    rows = good_rows(4)
    rows[1]["学历"] = "小学"
    rows[2]["身份证号码"] = 1.52921199005034e17
    where = write_messy_xlsx(tmp_path / "r.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "r.xlsx", dry_run=True, report=tmp_path / "out" / "报告.xlsx")
    wb = openpyxl.load_workbook(s.report_path)
    assert wb.sheetnames[0] == "错误清单" and "人才花名册" in wb.sheetnames and "填表说明" in wb.sheetnames
    ws = wb["人才花名册"]
    edu = ws.cell(row=where[1], column=MESSY_HEADERS.index("学历") + 1)
    assert edu.value == "小学" and edu.fill.fgColor.rgb.endswith("FF9999")
    assert "学历" in edu.comment.text and "小学" in edu.comment.text
    idc = ws.cell(row=where[2], column=MESSY_HEADERS.index("身份证号码") + 1)
    assert "文本" in idc.comment.text
    ok = ws.cell(row=where[0], column=MESSY_HEADERS.index("学历") + 1)
    assert ok.comment is None
    assert ws["A1"].value == "2023年度引进人才花名册" and "A1:O1" in {str(r) for r in ws.merged_cells.ranges}
    listing = list(wb["错误清单"].iter_rows(values_only=True))
    assert listing[0][:5] == ("行号", "列", "列名", "填写内容", "错误说明")
    assert {(r[0], r[2]) for r in listing[1:] if r[5] == "错误"} == {(where[1], "学历"), (where[2], "身份证号码")}


def test_template_has_text_ids_dropdowns_dates_and_instructions(tmp_path):
    path = importer.write_template("roster", tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["花名册", "填表说明"]
    ws = wb["花名册"]
    labels = [c.value for c in ws[1]]
    assert labels[:3] == ["姓名", "性别", "身份证号"] and "手机号码" in labels
    assert ws.freeze_panes == "A2"
    col = {v: i + 1 for i, v in enumerate(labels)}
    assert ws.cell(row=2, column=col["身份证号"]).number_format == "@"
    assert ws.cell(row=2, column=col["手机号码"]).number_format == "@"
    assert ws.cell(row=2, column=col["引进日期"]).number_format == "yyyy-mm-dd"
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert '"博士研究生,硕士研究生,大学本科,大学专科,其他"' in lists and '"是,否"' in lists
    assert '"男,女"' in lists
    notes = " ".join(str(c.value) for row in wb["填表说明"].iter_rows() for c in row if c.value)
    assert "文本格式" in notes and "身份证号" in notes
    # a filled-in template imports
    number = ids(1, start=90)[0]
    ws.cell(row=2, column=col["姓名"], value="赵六")
    ws.cell(row=2, column=col["身份证号"], value=number)
    ws.cell(row=2, column=col["学历"], value="大学本科")
    ws.cell(row=2, column=col["引进方式"], value="招聘")
    ws.cell(row=2, column=col["用人单位"], value=EMPLOYER)
    ws.cell(row=2, column=col["引进日期"], value=dt.date(2023, 5, 1))
    wb.save(tmp_path / "filled.xlsx")
    with importer.open_file(tmp_path / "filled.xlsx") as f:
        assert f.best_sheet == "花名册"
        layout = importer.detect_layout(f)
        assert layout.header_row == 1 and all(c.how == "standard" for c in layout.columns)


def test_header_row_given_by_the_clerk_and_ignored_lines_reported(ctx, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(45):
        ws.append([f"说明第{i + 1}行：姓名、身份证号、学历请如实填写"])
    ws.append(["姓名", "身份证号", "学历", "引进方式", "用人单位", "引进日期"])
    number = ids(1, start=300)[0]
    ws.append(["孙八", number, "本科", "招聘", EMPLOYER, "2023-05-01"])
    ws.append(["合计", "1人"])
    wb.save(tmp_path / "late.xlsx")
    with pytest.raises(importer.ImportFileError, match="找不到花名册表头"):
        importer.run_import(ctx, tmp_path / "late.xlsx")
    s = importer.run_import(ctx, tmp_path / "late.xlsx", header_row=46)
    assert s.errors == [] and s.inserted == 1
    assert s.as_json()["ignored_lines"] == [{"row": 48, "why": "合计行"}]
    with pytest.raises(importer.ImportFileError, match="超出"):
        importer.run_import(ctx, tmp_path / "late.xlsx", header_row=99)


def test_error_report_of_a_large_file_is_written_in_constant_memory(ctx, tmp_path, monkeypatch):
    from talentdesk.services.exchange.importer import report

    monkeypatch.setattr(report, "BIG_ROWS", 5)
    rows = good_rows(6)
    rows[1]["学历"] = "小学"
    where = write_messy_xlsx(tmp_path / "big.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "big.xlsx", dry_run=True, report=tmp_path / "big-report.xlsx")
    wb = openpyxl.load_workbook(s.report_path)
    assert wb.sheetnames == ["错误清单", "人才花名册"]
    ws = wb["人才花名册"]
    edu = ws.cell(row=where[1], column=MESSY_HEADERS.index("学历") + 1)
    assert edu.value == "小学" and edu.fill.fgColor.rgb.endswith("FF9999") and "学历" in edu.comment.text
    assert ws.cell(row=where[0], column=MESSY_HEADERS.index("引进\n时间") + 1).value == dt.datetime(2023, 5, 1)
    listing = list(wb["错误清单"].iter_rows(values_only=True))
    assert (where[1], "D", "学历") == listing[1][:3]


def test_cancel_during_validation(ctx, tmp_path):
    write_messy_xlsx(tmp_path / "c.xlsx")
    flag = importer.new_cancel_flag()
    flag.set()
    with importer.open_file(tmp_path / "c.xlsx") as f:
        with pytest.raises(importer.ImportCancelled, match="未作任何改动"):
            importer.validate(ctx, f, importer.detect_layout(f), cancel=flag)
    assert _count(ctx) == 0


def test_employer_from_the_title_line_when_there_is_no_employer_column(ctx, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年引进人才花名册"])
    ws.append(["填报单位（盖章）：阿拉善左旗第一中学          填报日期：2024年3月1日"])
    ws.append(["序号", "姓名", "身份证号", "学历", "引进方式", "引进日期"])
    number = ids(1, start=400)[0]
    ws.append([1, "吴九", number, "本科", "招聘", "2023-09-01"])
    wb.save(tmp_path / "t.xlsx")
    with importer.open_file(tmp_path / "t.xlsx") as f:
        layout = importer.detect_layout(f)
        assert layout.employer_hint == "阿拉善左旗第一中学"
        assert layout.missing_required(importer.get_kind("roster")) == []
    s = importer.run_import(ctx, tmp_path / "t.xlsx")
    assert s.errors == [] and s.inserted == 1
    assert talents.get(ctx, number).record["employer_name"] == "阿拉善左旗第一中学"
    assert any("全部按“阿拉善左旗第一中学”导入" in w.message for w in s.warnings)
    # given explicitly, it wins
    number2 = ids(1, start=401)[0]
    ws.append([2, "郑十", number2, "本科", "招聘", "2023-09-01"])
    wb.save(tmp_path / "t2.xlsx")
    importer.run_import(ctx, tmp_path / "t2.xlsx", employer="阿拉善左旗第二中学")
    assert talents.get(ctx, number2).record["employer_name"] == "阿拉善左旗第二中学"


def test_graduate_education_follows_the_degree(ctx, tmp_path):
    rows = good_rows(3)
    for r, degree in zip(rows, ("博士", "硕士", None)):
        r["学历"] = "研究生"
        r["学位"] = degree
    write_messy_xlsx(tmp_path / "g.xlsx", rows)
    s = importer.run_import(ctx, tmp_path / "g.xlsx")
    assert s.errors == []
    got = [talents.get(ctx, r["身份证号码"]).record["education"] for r in rows]
    assert got == ["博士研究生", "硕士研究生", "硕士研究生"]
    assert all(type(e) is str for e in got)


def test_a_verified_backup_is_made_before_writing(sqlite_db, tmp_path):
    from talentdesk.services.office import backup
    from talentdesk.services.context import ServiceContext

    ctx = ServiceContext(sqlite_db, user="tester")
    write_messy_xlsx(tmp_path / "b.xlsx")
    folder = backup.backup_folder(ctx)
    importer.run_import(ctx, tmp_path / "b.xlsx", dry_run=True)
    assert [b for b in backup.list_backups(folder) if b.label == "before-import"] == []
    importer.run_import(ctx, tmp_path / "b.xlsx")
    made = [b for b in backup.list_backups(folder) if b.label == "before-import"]
    assert len(made) == 1 and backup.verify_file(made[0].path)["talent"] == 0
