"""Document numbers (发文字号): an 审批文号 or a 一事一议 决定文号.

A 文号 is the issuing office's code, the year in 〔〕 and a sequence number followed by
号 (GB/T 9704): 阿左人才字〔2025〕12号. A number without its sequence number — the
dialog's pre-filled "阿左人才字〔2025〕号", or "x" — names no document and is refused.

Public API::

    check(value, *, field, label, example) -> str | None   # cleaned text; None when blank
"""

from __future__ import annotations

import re

from talentdesk.domain import values
from talentdesk.domain.errors import FieldError, ValidationError

# a sequence number: digits (not the year inside the brackets) directly before 号, "第" allowed
_SEQUENCE = re.compile(r"(?<![\d〔\[［(（])第?\s*0*[1-9]\d*\s*号")
# the office's code and year, to turn the clerk's own prefix into the example
_PREFIX = re.compile(r"^(.*?[〔\[［(（]\s*\d{4}\s*[〕\]］)）])")

# what a sequence number looks like when the clerk's text gives no prefix to copy
EXAMPLE_APPROVAL = "阿左人才字〔2025〕12号"
EXAMPLE_DECISION = "阿左人才领字〔2025〕3号"


def has_sequence(text: str) -> bool:
    """Does this 文号 carry a sequence number (…〔2025〕12号)?"""
    return _SEQUENCE.search(values.fold_width(text)) is not None


def check(value: object, *, field: str, label: str, example: str) -> str | None:
    """The 文号 cleaned (None when blank: whether blank is allowed is the caller's rule),
    or a ValidationError "审批文号“阿左人才字〔2025〕号”缺少序号，应如 阿左人才字〔2025〕12号"
    (the example keeps the clerk's own code and year when the text has them)."""
    text = values.clean_text(value)
    if text is None:
        return None
    if has_sequence(text):
        return text
    m = _PREFIX.match(text)
    shown = f"{m.group(1)}12号" if m else example
    raise ValidationError([FieldError(field, label, text, f"{label}“{text}”缺少序号，应如 {shown}")])
