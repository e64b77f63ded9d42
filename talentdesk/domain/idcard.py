"""Resident ID numbers (居民身份证号, GB 11643-1999): checksum, birth date, sex."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import mul

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    sex: str  # 男 / 女


def normalize(raw: str) -> str:
    """Strip spaces, fold full-width characters and upper-case a trailing x."""
    from talentdesk.domain.values import fold_width

    return fold_width(str(raw)).strip().replace(" ", "").upper()


def parse(raw: str) -> IdInfo:
    """Validate an 18-character ID number. Raises ValueError with a Chinese message."""
    number = normalize(raw)
    if len(number) != 18:
        raise ValueError(f"身份证号应为18位，实际为{len(number)}位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError("身份证号前17位应为数字，最后一位为数字或X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(f"身份证号中的出生日期{number[6:14]}不是有效日期") from None
    if birth.year < 1900:
        raise ValueError(f"身份证号中的出生日期{number[6:14]}不合理")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValueError(f"身份证号校验位错误（应为{expected}），请核对号码")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
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
