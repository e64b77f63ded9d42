"""Facts about an organisation (employer or platform) that the packs' organisation
benefits read, derived from what the register records. Pure: no database.

- ``employer_enterprise``: 单位性质 an enterprise (企业/公司) or a human-resources service
  agency (人力资源服务机构) — 阿拉善 第十八条 “相关企业或人力资源服务机构”; a 事业单位 or
  机关 is not; blank or anything else tells nothing (None: 待补充).
- ``employer_banner_enterprise``: the employer's 所在地区 is a 旗 or a 区 (阿拉善左旗,
  额济纳旗, 阿拉善高新区 …): a 旗（区）企业 whose 引才奖补 the league and the banner share
  50%:50% (第十八条); 盟直 / 盟本级 is not; blank tells nothing.
- ``employer_rigid_3y_talents`` counts talents whose recognition makes them 高层次人才
  (``high_level``): 阿拉善盟人才分类 A–D (顶尖、杰出、精英、高端; E 实用人才 is not), any tier
  of 包头市高层次人才认定; a programme (阿拉善英才) is not a 人才评价认定 of the talent's class.
- ``platform_new``: the platform was recognised (新认定/新建立/新成立) on or after the
  pack's effective date; no recognition date tells nothing.
"""

from __future__ import annotations

import datetime as dt

from talentdesk.domain import recognition as schemes

ENTERPRISE_WORDS = ("企业", "公司", "人力资源服务")
NOT_ENTERPRISE_WORDS = ("事业单位", "机关", "参公", "社会团体", "学校", "医院")
LEAGUE_LEVEL_WORDS = ("盟直", "盟本级", "盟级")


def is_enterprise(kind: str | None) -> bool | None:
    if not kind or not kind.strip():
        return None
    if any(w in kind for w in ENTERPRISE_WORDS):
        return True
    if any(w in kind for w in NOT_ENTERPRISE_WORDS):
        return False
    return None


def is_banner_enterprise(district: str | None) -> bool | None:
    if not district or not district.strip():
        return None
    text = district.strip()
    if any(w in text for w in LEAGUE_LEVEL_WORDS):
        return False
    if text.endswith("旗") or text.endswith("区"):
        return True
    return None


def is_new(recognised_on: dt.date | None, effective_from: dt.date) -> bool | None:
    if recognised_on is None:
        return None
    return recognised_on >= effective_from


HIGH_LEVEL_TIERS = {schemes.ALXA: ("A", "B", "C", "D"), schemes.BAOTOU: schemes.BAOTOU_TIERS}


def high_level(scheme: str, tier: str | None) -> bool:
    """Whether a confirmed recognition under ``scheme`` at ``tier`` is a 高层次人才's."""
    return tier in HIGH_LEVEL_TIERS.get(scheme, ())
