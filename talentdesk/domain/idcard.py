"""Resident ID numbers (居民身份证号, GB 11643-1999): checksum, birth date, sex."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

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
    sex = "男" if number[16] in "13579" else "女"
    return IdInfo(number, birth, sex)


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
