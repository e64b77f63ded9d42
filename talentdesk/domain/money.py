"""Money is integer fen (分) everywhere; these helpers convert only at the edges."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def yuan(fen: int | None, *, thousands: bool = True) -> str:
    """12345678 → '123,456.78' (exact, from integers)."""
    if fen is None:
        return ""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError("money must be integer fen")
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    body = f"{whole:,}" if thousands else str(whole)
    return f"{sign}{body}.{cents:02d}"


def parse_yuan(text: object) -> int:
    """'1,234.5' / '1234.50元' / 1234.5 → fen (rounded half up at the fen)."""
    if isinstance(text, bool):
        raise ValueError("金额不是数字")
    if isinstance(text, int):
        return text * 100
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip().replace(",", "").replace("，", "").replace("元", "").replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是有效金额") from None
    fen = (amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(fen)


def _four(n: int) -> str:
    """0..9999 in capitals, with inner zeros; no leading zero."""
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out += "零"
                zero = False
            out += _DIGITS[d] + _SMALL_UNITS[pos]
    return out


def capitals(fen: int) -> str:
    """Chinese capital numerals for an amount (大写金额): 20000000 → '贰拾万元整'."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError("money must be integer fen")
    if fen < 0:
        return "负" + capitals(-fen)
    whole, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if whole == 0 and cents == 0:
        return "零元整"
    parts: list[str] = []
    groups = []
    n = whole
    while n:
        groups.append(n % 10000)
        n //= 10000
    text = ""
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or g < 1000):
            text += "零"
        text += _four(g) + _BIG_UNITS[idx]
        need_zero = False
    if text:
        parts.append(text + "元")
    if jiao == 0 and fen_digit == 0:
        parts.append("整")
    else:
        if jiao:
            parts.append(_DIGITS[jiao] + "角")
        elif text:
            parts.append("零")
        if fen_digit:
            parts.append(_DIGITS[fen_digit] + "分")
        else:
            parts.append("整")
    return "".join(parts)
