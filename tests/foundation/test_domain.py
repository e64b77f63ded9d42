import datetime as dt
from decimal import Decimal

import pytest

from talentdesk.domain import idcard, money, roster, uscc, values


class TestIdCard:
    def test_valid_number_gives_birth_and_sex(self):
        info = idcard.parse("11010519491231002X")
        assert info.birth_date == dt.date(1949, 12, 31)
        assert info.sex == "女"

    def test_lower_case_x_and_full_width_are_folded(self):
        assert idcard.parse("１１０１０５１９４９１２３１００２ｘ").number == "11010519491231002X"

    def test_bad_checksum_names_expected_char(self):
        with pytest.raises(ValueError, match="校验位错误（应为X）"):
            idcard.parse("110105194912310021")

    @pytest.mark.parametrize("raw,msg", [("1101051949", "18位"), ("11010519491331002X", "不是有效日期"),
                                         ("1101051949123100AX", "前17位应为数字")])
    def test_malformed(self, raw, msg):
        with pytest.raises(ValueError, match=msg):
            idcard.parse(raw)

    def test_make_round_trips_and_leap_day(self):
        number = idcard.make("152921", dt.date(2000, 2, 29), 7)
        info = idcard.parse(number)
        assert info.birth_date == dt.date(2000, 2, 29) and info.sex == "男"

    def test_check_char_is_the_weighted_sum_of_gb11643(self):
        import random

        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643-1999
        rnd = random.Random(11643)
        for _ in range(20000):
            first17 = "".join(rnd.choice("0123456789") for _ in range(17))
            total = sum(int(d) * w for d, w in zip(first17, weights))
            assert idcard.check_char(first17) == "10X98765432"[total % 11], first17

    @pytest.mark.parametrize("area", ["000000", "999999", "152971"])  # 152971: a 高新区, no GB/T 2260 code
    def test_region_code_that_never_existed_is_refused(self, area):
        with pytest.raises(ValueError, match=f"前6位{area}不是有效的行政区划代码"):
            idcard.parse(idcard.make(area, dt.date(1990, 5, 1), 11))

    def test_numbered_at_birth_before_the_division_existed_is_refused(self):
        # 150603 康巴什区 since 2016
        with pytest.raises(ValueError, match=r"150603（内蒙古自治区康巴什区）2016年才设立，而出生年份为2005年"):
            idcard.parse(idcard.make("150603", dt.date(2005, 5, 1), 11))
        assert idcard.region_warning(idcard.parse(idcard.make("150603", dt.date(2016, 5, 1), 11)).number) is None

    def test_born_after_the_division_was_abolished_is_refused(self):
        with pytest.raises(ValueError, match=r"110103（北京市崇文区）2010年后已撤销，不会出现在2015年出生者的号码中"):
            idcard.parse(idcard.make("110103", dt.date(2015, 5, 1), 11))

    def test_born_before_1999_numbering_may_carry_a_newer_division(self):
        # the number came with the first card or the 1999-2000 numbering: a 1975 number from
        # 郑州金水区 (a 1983 code), a 1990 one from 通辽科尔沁区 (1999) or 巴彦淖尔临河区 (2003)
        for area, year in (("410105", 1975), ("150502", 1990), ("150802", 1995)):
            number = idcard.make(area, dt.date(year, 5, 1), 11)
            assert idcard.parse(number).number == number and idcard.region_warning(number) is None

    def test_abolished_division_stays_valid_with_a_warning(self):
        number = idcard.make("110103", dt.date(1985, 5, 1), 11)  # 崇文区, merged into 东城区 in 2010
        assert idcard.parse(number).number == number
        assert idcard.region_warning(number) == "行政区划代码110103已撤销（北京市崇文区，2010年后停用），请核对"
        assert idcard.region_warning(idcard.make("152921", dt.date(1985, 5, 1), 11)) is None

    def test_reused_code_is_checked_against_the_use_at_birth(self):
        # 120110: 东郊区 until 1991, 东丽区 since 1992 — still in use, no warning
        for year in (1990, 1995):
            number = idcard.make("120110", dt.date(year, 5, 1), 11)
            assert idcard.parse(number).number == number and idcard.region_warning(number) is None

    def test_agrees_with_stdnum_for_numbers_given_at_birth(self):
        """Born from NUMBERED_AT_BIRTH_FROM on, valid exactly when stdnum.cn.ric says so."""
        import random
        from importlib import resources

        from stdnum.cn import ric

        areas, province = [], ""
        for line in resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                if line.startswith(" "):
                    areas.append(province + line.split()[0])
                else:
                    province = line.split()[0]
        rnd = random.Random(2260)
        accepted = refused = 0
        for _ in range(20000):
            area = rnd.choice(areas) if rnd.random() < 0.9 else f"{rnd.randrange(10 ** 6):06d}"
            birth = dt.date(idcard.NUMBERED_AT_BIRTH_FROM, 1, 1) + dt.timedelta(days=rnd.randrange(26 * 365))
            number = idcard.make(area, birth, rnd.randrange(1000))
            try:
                idcard.parse(number)
            except ValueError:
                ours = False
            else:
                ours = True
            try:
                theirs = ric.is_valid(number)
            except KeyError:  # stdnum 2.2 on a province with no such county
                theirs = False
            assert ours == theirs, number
            accepted += ours
            refused += not ours
        assert accepted > 1000 and refused > 1000

    def test_mask(self):
        assert idcard.mask("152921199005011232") == "152921********1232"
        assert idcard.mask_phone("13800138000") == "138****8000"


class TestPinyinSortKey:
    def test_full_pinyin_character_by_character_as_wps_and_excel(self):
        from talentdesk.domain import pinyin

        names = ["赵六", "张三丰", "王五", "卢俊", "张三", "吕布", "王伟", "张", "阿明", "Alice"]
        assert sorted(names, key=pinyin.sort_key) == [
            "Alice", "阿明", "卢俊", "吕布", "王伟", "王五", "张", "张三", "张三丰", "赵六"]
        assert pinyin.sort_key(None) == pinyin.sort_key("") == ""


class TestUscc:
    def test_known_valid_code(self):
        assert uscc.validate("91350100M000100Y43") == "91350100M000100Y43"

    def test_bad_check_char(self):
        with pytest.raises(ValueError, match="校验位错误"):
            uscc.validate("91350100M000100Y44")

    def test_forbidden_letter(self):
        with pytest.raises(ValueError, match="无效字符"):
            uscc.validate("91350100M000100I43")

    def test_region_part_must_be_digits(self):
        code = uscc.make("9135A100M000100Y4")
        with pytest.raises(ValueError, match="第3至8位应为登记管理机关的行政区划代码"):
            uscc.validate(code)
        # a letter for the registration authority (N 农业) is GB 32100, though stdnum wants digits
        assert uscc.validate(uscc.make("N2152900MF0000001"))[:2] == "N2"


class TestValues:
    @pytest.mark.parametrize("raw", ["2023-05-01", "2023/5/1", "2023.5.1", "2023年5月1日", "20230501", 45047,
                                     45047.0, dt.datetime(2023, 5, 1, 8, 30), " 2023-05-01 00:00:00 "])
    def test_dates_in_every_form(self, raw):
        assert values.parse_date(raw) == dt.date(2023, 5, 1)

    def test_impossible_date_says_why(self):
        with pytest.raises(ValueError, match="2023年没有2月29日"):
            values.parse_date("2023-02-29")

    @pytest.mark.parametrize("raw,expected", [("是", True), ("√", True), ("Y", True), ("否", False),
                                              ("×", False), ("n", False), (None, None), ("", None)])
    def test_bool(self, raw, expected):
        assert values.parse_bool(raw) == expected

    def test_years_with_unit(self):
        assert values.parse_decimal("5年", unit="年") == Decimal(5)
        assert values.parse_decimal("３年", unit="年") == Decimal(3)

    def test_choice_synonyms(self):
        col = roster.BY_LABEL["学历"]
        assert col.parse("博士") == "博士研究生"
        assert col.parse(" 本科 ") == "大学本科"
        with pytest.raises(ValueError, match="应为：博士研究生"):
            col.parse("小学")


class TestMoney:
    @pytest.mark.parametrize("fen,text", [
        (20000000, "贰拾万元整"), (10000000, "壹拾万元整"), (100, "壹元整"), (1, "壹分"),
        (1005, "壹拾元零伍分"), (12345678, "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
        (100010000, "壹佰万零壹佰元整"), (10000000000, "壹亿元整"), (0, "零元整"), (300000, "叁仟元整"),
    ])
    def test_capitals(self, fen, text):
        assert money.capitals(fen) == text

    def test_yuan_format_and_parse(self):
        assert money.yuan(12345678) == "123,456.78"
        assert money.yuan(-5) == "-0.05"
        assert money.parse_yuan("1,234.5元") == 123450
        assert money.parse_yuan(0.1) == 10

    def test_floats_are_refused(self):
        with pytest.raises(TypeError):
            money.yuan(1.5)


class TestRoster:
    def _row(self, **kw):
        row = {"姓名": "张伟", "身份证号": idcard.make("152921", dt.date(1990, 5, 1), 11), "学历": "博士",
               "引进方式": "招聘", "用人单位": "某单位", "引进日期": "2023-05-01"}
        row.update(kw)
        return row

    def test_birth_and_sex_filled_from_id(self):
        record, errors = roster.parse_record(self._row(), by="label")
        assert errors == []
        assert record["birth_date"] == dt.date(1990, 5, 1) and record["sex"] == "男"

    def test_mismatch_with_id_is_flagged(self):
        _, errors = roster.parse_record(self._row(性别="女", 出生日期="1990-05-02"), by="label")
        assert {e.field for e in errors} == {"sex", "birth_date"}

    def test_all_errors_collected_not_only_first(self):
        _, errors = roster.parse_record(self._row(学历="小学", 引进日期="2023-13-01", 手机号码="123"),
                                        by="label")
        assert {e.field for e in errors} == {"education", "introduction_date", "phone"}
        assert all(e.message.startswith(e.label) for e in errors)

    def test_excel_mangled_id_number_tells_clerk_to_use_text(self):
        _, errors = roster.parse_record(self._row(身份证号=1.52921199005011e17), by="label")
        assert "设置为“文本”格式" in errors[0].message

    def test_future_introduction_and_date_before_birth(self):
        _, errors = roster.parse_record(self._row(引进日期="2099-01-01", 毕业时间="1980-01-01"), by="label",
                                        today=dt.date(2026, 1, 1))
        fields = {e.field for e in errors}
        assert "introduction_date" in fields and "graduation_date" in fields

    def test_json_row_formats(self):
        record, _ = roster.parse_record(self._row(急需紧缺="√", **{"合同期限（年）": "5年"}), by="label")
        row = roster.to_json_row(record)
        assert list(row) == list(roster.LABELS)
        assert row["急需紧缺"] == "是" and row["引进日期"] == "2023-05-01" and row["合同期限（年）"] == 5


def test_plain_graduate_education_follows_the_degree():
    base = {"姓名": "甲", "身份证号": idcard.make("152921", dt.date(1990, 5, 1), 11), "引进方式": "招聘",
            "用人单位": "某单位", "引进日期": "2023-05-01"}
    phd, _ = roster.parse_record(base | {"学历": "研究生", "学位": "博士"}, by="label")
    master, _ = roster.parse_record(base | {"学历": "研究生", "学位": "硕士"}, by="label")
    assert phd["education"] == "博士研究生" and master["education"] == "硕士研究生"
    assert type(master["education"]) is str


class TestCrossCheckColumns:
    """The import checks many rows column by column; each row must come out exactly as
    the same record checked on its own (errors and filled-in values), whatever its
    neighbours hold."""

    NUMBERS = [idcard.make("152921", dt.date(1990, 5, 1), 3), idcard.make("152921", dt.date(1985, 2, 28), 4),
               "152921199005011239", "11010519491331002X", None]
    DATES = [None, dt.date(1980, 1, 1), dt.date(1990, 5, 1), dt.date(2015, 7, 1), dt.date(2099, 1, 1)]

    def test_rows_checked_together_equal_rows_checked_alone(self):
        from hypothesis import given, settings, strategies as st

        record = st.fixed_dictionaries({}, optional={
            "name": st.sampled_from(["张三", "", None]),
            "id_number": st.sampled_from(self.NUMBERS),
            "birth_date": st.sampled_from(self.DATES),
            "sex": st.sampled_from(["男", "女", None]),
            "education": st.sampled_from([roster.Graduate("硕士研究生"), "大学本科", None]),
            "degree": st.sampled_from(["博士", "硕士", None]),
            "graduation_date": st.sampled_from(self.DATES),
            "introduction_date": st.sampled_from(self.DATES),
            "contract_years": st.sampled_from([None, Decimal(3), Decimal(0), Decimal(51)]),
        })

        @settings(max_examples=300, deadline=None)
        @given(st.lists(record, min_size=1, max_size=6), st.booleans())
        def check(records, partial):
            today = dt.date(2026, 11, 22)
            keys = sorted({k for r in records for k in r})
            columns = {k: [r.get(k) for r in records] for k in keys}
            together = roster.cross_check_columns(columns, len(records), partial=partial, today=today,
                                                  raw_keys=set(keys))
            for i, r in enumerate(records):
                alone = {k: r.get(k) for k in keys}
                errors = roster.cross_check(alone, partial=partial, today=today, raw_keys=set(keys))
                assert [(e.field, e.message) for e in together.get(i, [])] == [(e.field, e.message) for e in errors]
                assert {k: columns[k][i] for k in columns} == {k: alone.get(k) for k in columns}

        check()

    def test_fills_birth_and_sex_and_flags_a_bad_number(self):
        good = idcard.make("152921", dt.date(1990, 5, 1), 3)
        columns = {"name": ["甲", "乙"], "education": ["大学本科", "大学本科"], "id_number": [good, "152921199005011239"]}
        errors = roster.cross_check_columns(columns, 2, today=dt.date(2026, 1, 1), partial=True)
        assert columns["birth_date"] == [dt.date(1990, 5, 1), None] and columns["sex"] == ["男", None]
        assert list(errors) == [1] and errors[1][0].field == "id_number" and "校验位错误" in errors[1][0].message


# -- issue 21: input that must not pass silently ------------------------------------------

@pytest.mark.parametrize("raw", ["8321234", "83212345", "1380013800", "12345678901", "138001380001"])
def test_a_mobile_number_has_eleven_digits_from_13_to_19(raw):
    with pytest.raises(ValueError, match="手机号码"):
        values.parse_phone(raw)


@pytest.mark.parametrize("raw", ["0483-8321234", "0483 8321234", "010-12345678"])
def test_a_landline_is_named_not_folded_into_a_mobile_number(raw):
    with pytest.raises(ValueError, match="固定电话"):
        values.parse_phone(raw)


@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "１３８００１３８０００",
                                 "8613800138000"])
def test_mobile_numbers_as_clerks_write_them(raw):
    assert values.parse_phone(raw) == "13800138000"


def test_free_text_keeps_chinese_punctuation_and_folds_digits():
    assert values.clean_text("因家庭原因，回原籍工作（已批准）。") == "因家庭原因，回原籍工作（已批准）。"
    assert values.clean_text("　ＡＢＣ１２３－４　") == "ABC123-4"


def test_field_messages_say_the_label_once():
    from talentdesk.domain import roster
    from talentdesk.domain.errors import FieldError

    assert FieldError.labelled("身份证号", "身份证号校验位错误（应为5），请核对号码") == "身份证号：校验位错误（应为5），请核对号码"
    assert FieldError.labelled("学历", "“小学”不是有效的学历") == "学历：“小学”不是有效的学历"
    assert FieldError.labelled("身份证号", "身份证号") == "身份证号：身份证号"
    record, errors = roster.parse_record({"姓名": "张伟", "身份证号": "15292119900101123X"}, by="label", partial=True)
    message = next(e.message for e in errors if e.field == "id_number")
    assert message.startswith("身份证号：") and "身份证号：身份证号" not in message
