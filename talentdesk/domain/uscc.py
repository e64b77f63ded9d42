"""Unified social credit codes (统一社会信用代码, GB 32100-2015), checked with python-stdnum's
``stdnum.cn.uscc``.

stdnum also wants the first two characters to be digits; GB 32100 lets the registration
authority (the first) be a letter — N 农业, A 中央军委改革和编制办公室, Y 其他 — so those two
are only checked against the code's alphabet here.
"""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc

_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def check_char(first17: str) -> str:
    return _stdnum_uscc.calc_check_digit(first17)


def validate(raw: str) -> str:
    """Return the normalised code or raise ValueError with a Chinese message."""
    from talentdesk.domain.values import fold_width

    code = fold_width(str(raw)).strip().replace(" ", "").upper()
    if len(code) != 18:
        raise ValueError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    bad = [c for c in code if c not in _CHARS]
    if bad:
        raise ValueError(f"统一社会信用代码含有无效字符“{bad[0]}”（不使用I、O、Z、S、V）")
    if not code[2:8].isdigit():
        raise ValueError(f"统一社会信用代码第3至8位应为登记管理机关的行政区划代码（6位数字），实际为{code[2:8]}")
    expected = check_char(code[:17])
    if code[17] != expected:
        raise ValueError(f"统一社会信用代码校验位错误（应为{expected}）")
    return code


def make(first17: str) -> str:
    """A valid code from its first 17 characters (synthetic data, tests)."""
    return first17 + check_char(first17)
