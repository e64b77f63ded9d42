"""人才分类认定: the schemes a talent can be recognised under, their classes or tiers, and
the engine fact each scheme feeds. No Qt, no database.

- 阿拉善盟人才分类 (阿党人才字〔2023〕2号 第二十条): A 顶尖, B 杰出, C 精英, D 高端, E 实用;
  feeds the engine fact ``talent_class`` ("A"…"E").
- 包头市高层次人才认定 (《包头市高层次人才认定目录（2021年）》, 包府发〔2021〕5号, cited by
  包府发〔2022〕18号 若干措施 第十三条): 一类…七类; feeds ``baotou_talent_level`` (1…7).
- 阿拉善英才 and other programmes (terms): the tier is the programme's name or batch; no
  engine fact (recorded and shown).

Public API::

    SCHEMES: dict[scheme, tuple[tier, ...] | None]   # None: any tier text (a programme)
    SCHEME_FACT: dict[scheme, fact key]
    check_tier(scheme, tier) -> str | None            # the error message, None when valid
    fact_value(scheme, tier) -> str | int | None      # what the engine fact holds
"""

from __future__ import annotations

ALXA = "阿拉善盟人才分类"
BAOTOU = "包头市高层次人才认定"
PROGRAMME = "阿拉善英才"

ALXA_CLASSES = ("A", "B", "C", "D", "E")
ALXA_CLASS_NAMES = {"A": "顶尖人才", "B": "杰出人才", "C": "精英人才", "D": "高端人才", "E": "实用人才"}
BAOTOU_TIERS = tuple(f"{n}类" for n in "一二三四五六七")

SCHEMES: dict[str, tuple[str, ...] | None] = {ALXA: ALXA_CLASSES, BAOTOU: BAOTOU_TIERS, PROGRAMME: None}
SCHEME_FACT: dict[str, str] = {ALXA: "talent_class", BAOTOU: "baotou_talent_level"}
DEFAULT_BODY = {ALXA: "阿拉善盟委人才工作领导小组办公室", BAOTOU: "包头市委人才工作领导小组办公室",
                PROGRAMME: "阿拉善盟委人才工作领导小组"}


def normalize_tier(scheme: str, tier: str) -> str:
    text = (tier or "").strip()
    if scheme == ALXA:
        text = text.upper().removesuffix("类")
    elif scheme == BAOTOU and text and not text.endswith("类"):
        text = text + "类"
        if text[0].isdigit() and 1 <= int(text[:-1] or 0) <= 7:
            text = BAOTOU_TIERS[int(text[:-1]) - 1]
    return text


def check_tier(scheme: str, tier: str) -> str | None:
    if scheme not in SCHEMES:
        return f"认定类型“{scheme}”未知，可选：{'、'.join(SCHEMES)}"
    allowed = SCHEMES[scheme]
    text = normalize_tier(scheme, tier)
    if not text:
        return "类别或层次：必须填写"
    if allowed is not None and text not in allowed:
        return f"{scheme}的类别或层次应为{'、'.join(allowed)}之一，不能是“{tier}”"
    return None


def fact_value(scheme: str, tier: str) -> str | int | None:
    text = normalize_tier(scheme, tier)
    if scheme == ALXA:
        return text
    if scheme == BAOTOU:
        return BAOTOU_TIERS.index(text) + 1
    return None


def tier_label(scheme: str, tier: str) -> str:
    if scheme == ALXA and tier in ALXA_CLASS_NAMES:
        return f"{tier}类（{ALXA_CLASS_NAMES[tier]}）"
    return tier
