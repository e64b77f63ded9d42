"""Finding the header row and matching the file's columns to the standard fields.

Header names are compared after normalisation: full-width folded, all whitespace and
line breaks removed, required-field stars and trailing colons dropped, and brackets
either removed (``合同期限（年）`` → ``合同期限年``) or removed with their content
(``身份证号(18位)`` → ``身份证号``). A header that does not match in the header row is
tried together with the cell above it, so two-row headers with merged group titles
(``合同`` over ``起始日期``) match too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from talentdesk.domain import values
from talentdesk.services.exchange.importer.kinds import IGNORED_HEADERS, ImportKind

HEADER_SCAN_ROWS = 40
_BRACKETS = re.compile(r"[()\[\]【】〔〕<>《》{}]")
_BRACKETED = re.compile(r"[(\[【〔<《{][^)\]】〕>》}]*[)\]】〕>》}]")
_JUNK = re.compile(r"[\s*※#:：、,，.。;；'\"“”‘’_\-—/\\|]+")
_EMPLOYER_LINE = re.compile(r"^(填报单位|报送单位|用人单位|单位名称|填表单位|申报单位)[(（]?(盖章|公章)?[)）]?[:：]?\s*(.+)$")


def normalise(text: Any) -> str:
    if text is None:
        return ""
    t = values.fold_width(str(text))
    t = _JUNK.sub("", t)
    return _BRACKETS.sub("", t).lower()


def normalise_keys(text: Any) -> list[str]:
    """Candidate keys: brackets dropped, then brackets dropped with their content."""
    if text is None:
        return []
    t = values.fold_width(str(text))
    a = _BRACKETS.sub("", _JUNK.sub("", t)).lower()
    b = _BRACKETS.sub("", _JUNK.sub("", _BRACKETED.sub("", t))).lower()
    return [k for k in dict.fromkeys((a, b)) if k]


@dataclass
class ColumnMatch:
    index: int  # 0-based column in the sheet
    header: str  # as in the file (line breaks kept)
    field: str | None  # field key, or None (unknown / ignored)
    # standard / synonym: matched by name; given: the clerk's choice now (field None: ignore it);
    # remembered: the clerk's earlier choice for this employer; ignored: 序号-like columns;
    # unknown: not a standard column; duplicate: a second column for a field already matched
    how: str

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    """Where the data is and what each column means; the GUI may edit it."""

    kind: str
    sheet: str
    header_row: int  # 1-based, as Excel shows it
    columns: list[ColumnMatch]
    title_lines: list[str] = field(default_factory=list)
    employer_hint: str | None = None  # from a 填报单位 line or the 用人单位 column
    unknown: str = "ignore"  # ignore | remarks: what to do with unknown columns
    score: int = 0
    unmatched_mapping: list[str] = field(default_factory=list)  # given headers not found in the file
    notes: list[str] = field(default_factory=list)  # shown as warnings (e.g. other roster sheets)

    @property
    def data_start(self) -> int:
        return self.header_row + 1

    def mapping(self) -> dict[str, str | None]:
        """{file header: field key or None}."""
        return {c.header: c.field for c in self.columns if c.header}

    def field_columns(self) -> dict[str, ColumnMatch]:
        return {c.field: c for c in self.columns if c.field}

    def unknown_columns(self) -> list[ColumnMatch]:
        return [c for c in self.columns if c.field is None and c.how in ("unknown", "duplicate") and c.header]

    def defaults(self, kind: ImportKind) -> dict[str, str]:
        """Values for columns the file lacks but its title gives: a roster from one
        employer often has no 用人单位 column, only a 填报单位 line (or ``employer=``)."""
        if kind.name == "roster" and self.employer_hint and "employer_name" not in self.field_columns():
            return {"employer_name": self.employer_hint}
        return {}

    def missing_required(self, kind: ImportKind) -> list[str]:
        have = set(self.field_columns()) | set(self.defaults(kind))
        return [f.label for f in kind.fields if f.required and f.key not in have]

    def with_field(self, index: int, key: str | None) -> "Layout":
        """A copy with column ``index`` mapped to ``key`` (None: ignore it)."""
        cols = []
        for c in self.columns:
            if c.index == index:
                cols.append(replace(c, field=key, how="given"))
            elif key and c.field == key:
                cols.append(replace(c, field=None, how="unknown"))
            else:
                cols.append(c)
        return replace(self, columns=cols)


def column_letter(index: int) -> str:
    n = index + 1
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class HeaderIndex:
    """Normalised header name → field key, for one import kind."""

    def __init__(self, kind: ImportKind):
        self.kind = kind
        self.exact: dict[str, str] = {}
        self.synonyms: dict[str, str] = {}
        for f in kind.fields:
            for k in normalise_keys(f.label):
                self.exact.setdefault(k, f.key)
            self.exact.setdefault(normalise(f.key), f.key)
            for alias in f.aliases:
                for k in normalise_keys(alias):
                    self.synonyms.setdefault(k, f.key)
        self.ignored = {k for h in IGNORED_HEADERS for k in normalise_keys(h)}

    def match(self, text: Any) -> tuple[str | None, str]:
        for k in normalise_keys(text):
            if k in self.exact:
                return self.exact[k], "standard"
            if k in self.synonyms:
                return self.synonyms[k], "synonym"
        keys = normalise_keys(text)
        if keys and keys[-1] in self.ignored:
            return None, "ignored"
        return None, "unknown"

    def resolve_target(self, target: str) -> str | None:
        """A mapping target given by a clerk: a standard label, a synonym or a key; '' or 忽略 → None."""
        t = (target or "").strip()
        if t in ("", "忽略", "-", "ignore", "无"):
            return None
        if t in self.kind.by_key:
            return t
        key, how = self.match(t)
        if key is None:
            labels = "、".join(f.label for f in self.kind.fields)
            raise ValueError(f"“{target}”不是标准列名，可用：{labels}")
        return key


def score_row(row: list[Any], index: HeaderIndex) -> int:
    found = set()
    for v in row:
        if isinstance(v, str) and len(v) <= 40:
            key, _ = index.match(v)
            if key:
                found.add(key)
    return len(found)


def detect_header_row(grid: list[list[Any]], index: HeaderIndex) -> tuple[int | None, int]:
    """(0-based row, score) of the likeliest header row in the first rows, or (None, 0)."""
    best, best_score = None, 0
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        s = score_row(row, index)
        # ties: the lower of two adjacent rows (two-row headers, merged cells filled down)
        if s > best_score or (s == best_score and s > 0 and best is not None and r == best + 1):
            best, best_score = r, s
    if best_score < 2:
        return None, best_score
    return best, best_score


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def build_layout(kind: ImportKind, sheet: str, grid: list[list[Any]], header_row0: int, *,
                 given: dict[str, str] | None = None, remembered: dict[str, str] | None = None,
                 unknown: str = "ignore", score: int = 0) -> Layout:
    """Match every column of the header row; ``given`` and ``remembered`` map
    {file header: standard label or key} and win over automatic matching (given first)."""
    index = HeaderIndex(kind)
    header = grid[header_row0] if header_row0 < len(grid) else []
    above = grid[header_row0 - 1] if header_row0 > 0 else []
    width = max(len(header), max((len(r) for r in grid[header_row0:header_row0 + 50]), default=0))
    given_n = {normalise(k): v for k, v in (given or {}).items()}
    remembered_n = {normalise(k): v for k, v in (remembered or {}).items()}
    columns: list[ColumnMatch] = []
    used: set[str] = set()
    for c in range(width):
        text = _cell_text(header[c] if c < len(header) else None)
        up = _cell_text(above[c] if c < len(above) else None)
        if not text and up and above and score_row(above, index) >= 1:
            text = up
        norm = normalise(text)
        how = "unknown"
        key: str | None = None
        if norm and norm in given_n:
            key, how = index.resolve_target(given_n[norm]), "given"
        elif norm and norm in remembered_n:
            try:
                key, how = index.resolve_target(remembered_n[norm]), "remembered"
            except ValueError:
                key, how = None, "unknown"
        else:
            key, how = index.match(text)
            if key is None and how == "unknown" and up and up != text:
                key2, how2 = index.match(up + text)
                if key2:
                    key, how = key2, how2
                    text = f"{up}\n{text}" if text else up
        if not text and key is None:
            continue
        if key and key in used:
            key, how = None, "duplicate"
        if key:
            used.add(key)
        columns.append(ColumnMatch(c, text, key, how))
    layout = Layout(kind.name, sheet, header_row0 + 1, columns, unknown=unknown, score=score)
    found = {normalise(c.header) for c in columns} | {normalise(c.header.split("\n")[-1]) for c in columns}
    layout.unmatched_mapping = [k for k in (given or {}) if normalise(k) not in found]
    layout.title_lines = [t for t in (" ".join(_cell_text(v) for v in dict.fromkeys(row) if _cell_text(v))
                                      for row in grid[:max(0, header_row0 - (1 if _is_group_row(above, index) else 0))])
                          if t]
    layout.employer_hint = employer_from_titles(layout.title_lines)
    if layout.employer_hint is None:
        col = layout.field_columns().get("employer_name")
        if col is not None:
            names = Counter(_cell_text(r[col.index]) for r in grid[header_row0 + 1:header_row0 + 200]
                            if col.index < len(r) and r[col.index] not in (None, ""))
            if names:
                layout.employer_hint = names.most_common(1)[0][0]
    return layout


def _is_group_row(row: list[Any], index: HeaderIndex) -> bool:
    return bool(row) and score_row(row, index) >= 1


def employer_from_titles(lines: list[str]) -> str | None:
    for line in lines:
        for part in re.split(r"\s{2,}| (?=填报|报送|填表|日期|时间)", values.fold_width(line)):
            m = _EMPLOYER_LINE.match(part.strip())
            if m:
                name = m.group(3).strip()
                name = re.split(r"\s+(填报日期|日期|填报时间|时间|联系人|联系电话)", name)[0].strip()
                if name and not name.startswith(("(", "（")):
                    return name
    return None
