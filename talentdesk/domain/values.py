"""Parse the values clerks type into typed values.

Each parser takes what a cell or a form field holds (str, int, float, date, datetime,
None) and returns a typed value, or raises ``ValueError`` with a Chinese message.
``None`` and blank strings are "not given" and return ``None``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def fold_width(text: str) -> str:
    """Full-width digits, letters and punctuation to half-width (NFKC), keeping CJK as is."""
    return unicodedata.normalize("NFKC", text)


# Full-width digits, Latin letters and the signs numbers and dates are written with (＋－．／％＃＠,
# and the ideographic space) fold to ASCII in free text;
# Chinese punctuation (，。；：（）) stays: a 离职原因 keeps its commas in the ledger and the 追回通知书.
_FOLD_ALNUM = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
               for cp in range(r[0], r[1] + 1)} | {0x3000: 0x20, 0xFF0B: 0x2B, 0xFF0D: 0x2D, 0xFF0E: 0x2E,
                                                   0xFF0F: 0x2F, 0xFF05: 0x25, 0xFF03: 0x23, 0xFF20: 0x40}


def clean_text(value: object) -> str | None:
    """Trimmed text, full-width digits and letters folded (Chinese punctuation kept); blank is None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text.isascii():
        text = text.translate(_FOLD_ALNUM)
    text = text.strip()
    if not text.isalnum():  # only text with spaces or punctuation can hold runs of whitespace
        text = _SPACES.sub(" ", text)
    return text or None


_SPACES = re.compile(r"\s+")


def cn_date(d: dt.date | None) -> str:
    """2026年12月3日: a date the Chinese way (no leading zeros); "" for None."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


# an ISO date standing alone: not part of a voucher number such as 记-2023-06-001
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


def cn_dates_in(text: str) -> str:
    """Text with its ISO dates (2028-05-01) written the Chinese way (2028年5月1日), for
    prose built from messages that carry ISO dates (the refund explanation on a notice)."""
    def one(m: re.Match) -> str:
        try:
            return cn_date(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return m.group(0)

    return _ISO_DATE.sub(one, text) if text else text


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
)


def parse_date(value: object, *, allow_month: bool = False) -> dt.date | None:
    """Dates as Excel gives them or as clerks type them.

    Accepts ``date``/``datetime``, Excel serial numbers, 2023-05-01, 2023/5/1,
    2023.5.1, 2023年5月1日, 20230501 (and with ``allow_month`` 2023-05 / 2023年5月 as
    the first of the month).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"“{value}”不是日期")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"“{value}”不是有效日期")
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a time part on a serial date is dropped
        number = int(value)
        if 19000101 <= number <= 21001231:
            return parse_date(str(number))
        if 1 <= number <= 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=number)
        raise ValueError(f"“{value}”不是有效日期")
    text = clean_text(value)
    if text is None:
        return None
    text = text.replace(" ", "")
    # a datetime written as text: keep the date part
    text = re.sub(r"[T ]?\d{1,2}:\d{2}(:\d{2})?$", "", text)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"“{value}”不是有效日期（{y}年没有{mo}月{d}日）") from None
    if allow_month:
        for pattern in _MONTH_PATTERNS:
            m = pattern.match(text)
            if m:
                y, mo = (int(g) for g in m.groups())
                if 1 <= mo <= 12:
                    return dt.date(y, mo, 1)
    if text.isdigit() and len(text) <= 5:
        return parse_date(int(text))
    raise ValueError(f"“{value}”不是可识别的日期，请写成 2023-05-01 或 2023年5月1日")


@dataclass(frozen=True, order=True)
class YearMonth:
    """A year and month without a day (毕业时间 2020年7月): its own value, never a made-up
    first of the month. ISO form ``2020-07``; ``cn()`` 2020年7月."""
    year: int
    month: int

    def __post_init__(self):
        if not (1 <= self.month <= 12) or not (1 <= self.year <= 9999):
            raise ValueError(f"“{self.year}年{self.month}月”不是有效的年月")

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    __str__ = isoformat

    def cn(self) -> str:
        return f"{self.year}年{self.month}月"

    @classmethod
    def fromisoformat(cls, text: str) -> "YearMonth":
        m = re.fullmatch(r"(\d{4})-(\d{2})", text)
        if not m:
            raise ValueError(f"“{text}”不是 YYYY-MM 形式的年月")
        return cls(int(m.group(1)), int(m.group(2)))


def parse_date_or_month(value: object) -> dt.date | YearMonth | None:
    """A date, or a year-month where only the month is written (2020年7月, 2020.07, 2020-07,
    202007, and the number 2020.07 Excel makes of “2020.07”). The number 2020.1 is refused:
    it is what Excel keeps of both “2020.1” (January) and “2020.10” (October)."""
    if isinstance(value, YearMonth):
        return value
    if value is None or isinstance(value, (dt.date, bool)):
        return parse_date(value) if isinstance(value, bool) else (
            value.date() if isinstance(value, dt.datetime) else value)
    if isinstance(value, float) and math.isfinite(value) and 1900 <= value < 2101 and not value.is_integer():
        year = int(value)
        tenths = value * 10
        if abs(tenths - round(tenths)) < 1e-6:  # one decimal: 2020.2 … 2020.9 (2020.1 is ambiguous)
            month = int(round(tenths)) % 10
            if month == 1:
                raise ValueError(f"“{value}”可能是{year}年1月或{year}年10月（Excel 把 {year}.10 存成了数字 {year}.1），"
                                 f"请把该列设为文本后写成 {year}.01 或 {year}.10")
        else:
            month = int(round(value * 100)) % 100
        if not 1 <= month <= 12:
            raise ValueError(f"“{value}”不是有效的年月")
        return YearMonth(year, month)
    if isinstance(value, int) and 190001 <= value <= 210012:
        return parse_date_or_month(str(value))
    if isinstance(value, str):
        text = clean_text(value)
        if text is None:
            return None
        compact = text.replace(" ", "")
        for pattern in _MONTH_PATTERNS + (re.compile(r"^(\d{4})(\d{2})$"),):
            m = pattern.match(compact)
            if m:
                y, mo = (int(g) for g in m.groups())
                if 1 <= mo <= 12:
                    return YearMonth(y, mo)
                raise ValueError(f"“{value}”不是有效的年月（{y}年没有{mo}月）")
    try:
        return parse_date(value)
    except ValueError:
        raise ValueError(f"“{value}”不是可识别的日期或年月，请写成 2020-07-15、2020年7月 或 2020.07") from None


_TRUE = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "对"}
_FALSE = {"否", "×", "✗", "✘", "x", "n", "no", "false", "0", "无", "不是"}


def date_or_none(value: object) -> dt.date | None:
    """``value`` itself if it is a date already, else ``parse_date(value)``; None for a value
    that is not a date (for callers that word their own message)."""
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except Exception:  # anything parse_date cannot read
        return None


def parse_bool(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = clean_text(value)
    if text is None:
        return None
    key = text.lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"“{value}”应填“是”或“否”")


def parse_decimal(value: object, *, unit: str = "") -> Decimal | None:
    """A number, optionally followed by a unit such as 年 (``"5年"`` → 5)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"“{value}”不是数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"“{value}”不是数字")
        return Decimal(repr(value))
    text = clean_text(value)
    if text is None:
        return None
    text = text.replace(" ", "").replace(",", "")
    if unit and text.endswith(unit):
        text = text[: -len(unit)]
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{value}”不是数字") from None
    if not number.is_finite():  # "inf", "NaN"
        raise ValueError(f"“{value}”不是数字")
    return number


def parse_int(value: object, *, unit: str = "") -> int | None:
    number = parse_decimal(value, unit=unit)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"“{value}”应为整数")
    return int(number)


def parse_year(value: object) -> int | None:
    """A calendar year as clerks write it: 2023, "2023年", "2023年度", "2023 年度"."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    text = clean_text(value)
    if text is None:
        return None
    text = text.replace(" ", "")
    for suffix in ("年度", "年"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    try:
        year = parse_int(text)
    except ValueError:
        raise ValueError(f"“{value}”不是有效年度，请写成 2023 或 2023年度") from None
    if year is None or not 1949 <= year <= 2100:
        raise ValueError(f"“{value}”不是有效年度，请写成 2023 或 2023年度")
    return year


_PHONE_NOISE = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}[-－—\s]?[0-9]{7,8}")


def parse_phone(value: object) -> str | None:
    """A mobile number (手机号码): 11 digits from 13… to 19…; +86 and spaces or dashes between
    the groups are dropped. A landline (0483-8321234) or a 7-digit number is refused by name,
    never folded into something that looks like a mobile number."""
    if value.__class__ is str and len(value) == 11 and value[0] == "1" and value.isascii() and value.isdigit():
        if _MOBILE.fullmatch(value):
            return value  # a plain mobile number, the common case
    text = fold_width(clean_text(value) or "")
    if not text:
        return None
    if _LANDLINE.fullmatch(text.strip()):
        raise ValueError(f"“{value}”是固定电话号码，手机号码栏请填写11位手机号")
    digits = _PHONE_NOISE.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.fullmatch(digits):
        if digits.isdigit() and len(digits) != 11:
            raise ValueError(f"“{value}”不是有效的手机号码（应为11位数字，实为{len(digits)}位）")
        raise ValueError(f"“{value}”不是有效的手机号码（应为11位数字）")
    return digits


def parse_choice(value: object, choices: tuple[str, ...], synonyms: dict[str, str] | None = None,
                 *, label: str = "") -> str | None:
    """One of ``choices``; ``synonyms`` maps other spellings (already folded) to a choice."""
    text = clean_text(value)
    if text is None:
        return None
    compact = text.replace(" ", "")
    if compact in choices:
        return compact
    if synonyms:
        hit = synonyms.get(compact) or synonyms.get(compact.upper()) or synonyms.get(compact.lower())
        if hit:
            return hit
    shown = "、".join(choices)
    return _raise(f"“{value}”不是有效的{label}，应为：{shown}")


def _raise(message: str):
    raise ValueError(message)
