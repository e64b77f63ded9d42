"""Attributes of an employer (用人单位) that policy clauses read, and the engine facts they
become (resources/policies/README.md, “What the engine reads”).

Each attribute is three-valued: True, False, or None (not recorded). A None never becomes a
fact, so a clause that reads it is 待补充 (undetermined) rather than a silent yes or no.

- 所属行业 (``industry``): the GB/T 4754-2017 门类 letter. 阿拉善 第四十条 hands the 安家补贴 of
  教育 (P) and 医疗卫生 (Q 卫生和社会工作) employers to “另行规定” (``employer_field``).
- 参照公务员法管理 (``civil_service_managed``): 阿拉善 第二条 excludes such units.
- 规模以上 / 高新技术企业 / 重点产业领域 / 新建投资10亿元以上重点项目: 包头 引进行动计划 四.
- 稀土企业 (``rare_earth``): 包头 若干措施 第二条 (规模以上稀土企业) and 第十三条 (市内稀土企业).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# GB/T 4754-2017 国民经济行业分类, 门类 (sections).
INDUSTRIES: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}

INDUSTRY_NAMES: tuple[str, ...] = tuple(INDUSTRIES.values())
# other spellings a roster may carry (spaces removed): the letter, “P教育”, common short names
INDUSTRY_SYNONYMS: dict[str, str] = {
    **{code: name for code, name in INDUSTRIES.items()},
    **{code.lower(): name for code, name in INDUSTRIES.items()},
    **{code + name.replace(" ", ""): name for code, name in INDUSTRIES.items()},
    "医疗卫生": "卫生和社会工作", "卫生": "卫生和社会工作", "医疗": "卫生和社会工作",
    "农业": "农、林、牧、渔业", "农牧业": "农、林、牧、渔业", "农林牧渔业": "农、林、牧、渔业",
    "科研": "科学研究和技术服务业", "科学研究": "科学研究和技术服务业", "制造": "制造业",
    "信息技术": "信息传输、软件和信息技术服务业", "软件": "信息传输、软件和信息技术服务业",
    "机关": "公共管理、社会保障和社会组织", "公共管理": "公共管理、社会保障和社会组织",
    "文化": "文化、体育和娱乐业", "能源": "电力、热力、燃气及水生产和供应业",
}
CODE_OF_NAME = {name: code for code, name in INDUSTRIES.items()}

# The 门类 that 阿拉善 第四十条 calls 教育、医疗卫生领域.
FIELD_OF_INDUSTRY = {"P": "教育", "Q": "医疗卫生"}


@dataclass(frozen=True)
class Flag:
    key: str      # Employer column
    label: str    # shown to the clerk
    cite: str     # where a clause reads it


FLAGS: tuple[Flag, ...] = (
    Flag("civil_service_managed", "参照公务员法管理", "阿拉善 第二条"),
    Flag("above_scale", "规模以上企业", "包头 引进行动计划 四"),
    Flag("high_tech", "高新技术企业", "包头 引进行动计划 四"),
    Flag("key_industry", "重点产业领域", "包头 引进行动计划 四"),
    Flag("key_project_10bn", "新建投资10亿元以上重点项目", "包头 引进行动计划 四"),
    Flag("rare_earth", "稀土企业", "包头 若干措施 第二条、第十三条"),
)
FLAG_KEYS = tuple(f.key for f in FLAGS)
ATTRIBUTE_KEYS = ("industry",) + FLAG_KEYS
LABELS = {"industry": "所属行业", **{f.key: f.label for f in FLAGS}}

# the fact each yes/no attribute gives the engine (the same name the packs read)
FACT_OF_FLAG = {"civil_service_managed": "employer_civil_service_managed", "above_scale": "employer_above_scale",
                "high_tech": "employer_high_tech", "key_industry": "employer_key_industry",
                "key_project_10bn": "employer_key_project_10bn", "rare_earth": "employer_rare_earth"}


def parse_industry(value: Any) -> str | None:
    """A GB/T 4754 门类: the letter (“P”), the name (“教育”) or “P 教育”; blank is None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    letter = text[0].upper()
    if letter in INDUSTRIES and (len(text) == 1 or text[1:].strip() in ("", INDUSTRIES[letter])):
        return letter
    compact = text.replace(" ", "")
    name = compact if compact in CODE_OF_NAME else INDUSTRY_SYNONYMS.get(compact)
    if name:
        return CODE_OF_NAME[name]
    raise ValueError(f"“{value}”不是国民经济行业分类（GB/T 4754）的门类，应如 P 教育、Q 卫生和社会工作")


def industry_text(code: str | None) -> str:
    """“P 教育”, or blank when not recorded."""
    return f"{code} {INDUSTRIES[code]}" if code in INDUSTRIES else ""


def flag_text(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def engine_facts(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The facts the packs read, from the recorded attributes; an attribute not recorded
    gives no fact (the clause reading it is then 待补充)."""
    out: dict[str, Any] = {}
    industry = attrs.get("industry")
    if industry in INDUSTRIES:
        out["employer_field"] = FIELD_OF_INDUSTRY.get(industry, INDUSTRIES[industry])
    for key, fact in FACT_OF_FLAG.items():
        value = attrs.get(key)
        if value is not None:
            out[fact] = bool(value)
    rare, above = attrs.get("rare_earth"), attrs.get("above_scale")
    if rare is False or above is False:
        out["rare_earth_enterprise"] = False  # 规模以上稀土企业 needs both
    elif rare and above:
        out["rare_earth_enterprise"] = True
    return out


# which attributes each fact comes from (the reverse of ``engine_facts``)
ATTRIBUTES_OF_FACT: dict[str, tuple[str, ...]] = {
    "employer_field": ("industry",),
    **{fact: (key,) for key, fact in FACT_OF_FLAG.items()},
    "rare_earth_enterprise": ("rare_earth", "above_scale"),
}


def attributes_read(facts: list[str] | tuple[str, ...] | set[str]) -> tuple[str, ...]:
    """The attributes (``ATTRIBUTE_KEYS`` order) the given engine facts come from: what an
    office under those packs must record."""
    wanted = {a for f in facts for a in ATTRIBUTES_OF_FACT.get(f, ())}
    return tuple(k for k in ATTRIBUTE_KEYS if k in wanted)
