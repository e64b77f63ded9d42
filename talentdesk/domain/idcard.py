"""Resident ID numbers (居民身份证号, GB 11643-1999): checksum, birth date, sex, and the
administrative division in the first six digits (GB/T 2260, with the years each code was
in use, from python-stdnum's ``stdnum/cn/loc.dat`` — the same table ``stdnum.cn.ric``
checks against)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from stdnum import numdb

_CHECK = "10X98765432"
_LAST = frozenset("0123456789X")


def check_char(first17: str) -> str:
    """The check character for the first 17 digits (ISO 7064 MOD 11-2).

    The weights 7, 9, 10, 5 … are 2**17, 2**16 … 2**1 modulo 11, so the weighted sum is
    2 × (the digits read as a polynomial in 2). Reading the digits in base 13 gives the
    same polynomial in 13, and 13 ≡ 2 (mod 11): one C-level ``int(…, 13)`` does the sum.
    """
    return _CHECK[2 * int(first17, 13) % 11]


class IdInfo(NamedTuple):
    number: str
    birth_date: dt.date
    sex: str  # 男 / 女


@lru_cache(maxsize=65536)
def _birth(yyyymmdd: str) -> dt.date:
    """The birth date in an ID number (many people share one: remembered)."""
    return dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))


def is_canonical(text: str) -> bool:
    """Already in the form ``normalize`` gives: 17 ASCII digits and a digit or X."""
    return len(text) == 18 and text.isascii() and text[:17].isdigit() and text[17] in _LAST


def normalize(raw: str) -> str:
    """Strip spaces, fold full-width characters and upper-case a trailing x."""
    from talentdesk.domain.values import fold_width

    return fold_width(str(raw)).strip().replace(" ", "").upper()


def parse(raw: str) -> IdInfo:
    """Validate an 18-character ID number. Raises ValueError with a Chinese message."""
    if raw.__class__ is str and is_canonical(raw):
        number = raw
    else:
        number = normalize(raw)
        if len(number) != 18:
            raise ValueError(f"身份证号应为18位，实际为{len(number)}位")
        if not is_canonical(number):
            raise ValueError("身份证号前17位应为数字，最后一位为数字或X")
    try:
        birth = _birth(number[6:14])
    except ValueError:
        raise ValueError(f"身份证号中的出生日期{number[6:14]}不是有效日期") from None
    if birth.year < 1900:
        raise ValueError(f"身份证号中的出生日期{number[6:14]}不合理")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValueError(f"身份证号校验位错误（应为{expected}），请核对号码")
    _division_at(number[:6], birth.year)
    sex = "男" if number[16] in "13579" else "女"
    return IdInfo(number, birth, sex)


class _Span(NamedTuple):
    start: int | None  # first year the code was in use (None: since the first edition)
    end: int | None  # last year (None: still in use)
    name: str


@lru_cache(maxsize=8192)
def _division(area: str) -> tuple[str, tuple[_Span, ...]] | None:
    """The province and the uses of a six-digit division code, oldest first; None if the
    code was never a division. A code can be reused: ``[-1991]东郊区,[1992-]东丽区``."""
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(area):
        info.update(props)
    county = info.get("county")
    if not county:
        return None
    spans = []
    for item in county.split(","):
        if item.startswith("["):
            years, name = item[1:].split("]", 1)
            start, end = years.split("-")
            spans.append(_Span(int(start) if start else None, int(end) if end else None, name))
        else:
            spans.append(_Span(None, None, item))
    return info.get("province", ""), tuple(spans)


def _place(province: str, name: str) -> str:
    return name if not province or name.startswith(province) else province + name


# Since the 公民身份号码 system (国发〔1999〕15号, from 1999-10-01, every registered person
# numbered in 1999-2000) a number is given at the birth registration and carries the
# division of that place and year. Someone born earlier got it with the first ID card
# (1984 on) or in that 1999-2000 numbering, so the division can be newer than the birth:
# most city districts' codes date from the 1983 revision of GB/T 2260, and many Inner
# Mongolian ones from 1999-2003 (盟 → 市: 通辽 150502 in 1999, 临河 150802 in 2003).
# Comparing such a number with the birth year, as ``stdnum.cn.ric`` does, would refuse a
# great many real ones; for those born before NUMBERED_AT_BIRTH_FROM the code must only
# have been a division at some time. (0 here would check every number as stdnum does.)
NUMBERED_AT_BIRTH_FROM = 2000


@lru_cache(maxsize=65536)
def _division_at(area: str, year: int) -> str | None:
    """Check that ``area`` was a division when a number with birth ``year`` was given.
    Returns a warning when the division has since been abolished (the number stays
    valid), None otherwise; raises ValueError (Chinese) for a code that never was a
    division, or, for those born from NUMBERED_AT_BIRTH_FROM on, was not one in the birth year."""
    found = _division(area)
    if found is None:
        raise ValueError(f"身份证号前6位{area}不是有效的行政区划代码，请核对号码")
    province, spans = found
    first, last = spans[0], spans[-1]
    used = year < NUMBERED_AT_BIRTH_FROM or any((span.start is None or year >= span.start)
                                      and (span.end is None or year <= span.end) for span in spans)
    if used:
        if last.end is None:
            return None
        return f"行政区划代码{area}已撤销（{_place(province, last.name)}，{last.end}年后停用），请核对"
    if first.start is not None and year < first.start:
        raise ValueError(f"身份证号中的行政区划代码{area}（{_place(province, first.name)}）{first.start}年才设立，"
                         f"而出生年份为{year}年，请核对号码")
    if last.end is not None and year > last.end:
        raise ValueError(f"身份证号中的行政区划代码{area}（{_place(province, last.name)}）{last.end}年后已撤销，"
                         f"不会出现在{year}年出生者的号码中，请核对号码")
    raise ValueError(f"身份证号中的行政区划代码{area}在{year}年未使用，请核对号码")


def region_warning(number: str) -> str | None:
    """For a valid number (``parse`` accepted it): the non-blocking note that its division
    has since been abolished — old numbers stay valid, but the clerk should check it."""
    return _division_at(number[:6], int(number[6:10]))


def make(area: str, birth: dt.date, seq: int) -> str:
    """Build a valid ID number (for synthetic data and tests). ``seq`` 0-999; odd = male."""
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def mask(number: str | None) -> str:
    """152921********1234 style: keep the first 6 and the last 4."""
    if not number:
        return ""
    if len(number) <= 10:
        return number[:2] + "*" * max(0, len(number) - 2)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
