"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    total = sum(_CHARS.index(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHARS[(31 - total % 31) % 31]


def validate(raw: str) -> str:
    """Return the normalised code or raise ValueError with a Chinese message."""
    from talentdesk.domain.values import fold_width

    code = fold_width(str(raw)).strip().replace(" ", "").upper()
    if len(code) != 18:
        raise ValueError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    bad = [c for c in code if c not in _CHARS]
    if bad:
        raise ValueError(f"统一社会信用代码含有无效字符“{bad[0]}”（不使用I、O、Z、S、V）")
    if code[17] != check_char(code[:17]):
        raise ValueError(f"统一社会信用代码校验位错误（应为{check_char(code[:17])}）")
    return code


def make(first17: str) -> str:
    """A valid code from its first 17 characters (synthetic data, tests)."""
    return first17 + check_char(first17)
