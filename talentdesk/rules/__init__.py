"""Policy rules as data, and a pure engine that explains itself.

No Qt, no database: the GUI, the grants service and the CLI call these functions.

Packs
-----
A policy pack is one YAML file (``resources/policies/*.yaml``; the format is described
in ``resources/policies/README.md``): id, title, document number (文号), issuing body,
effective period, the benefits with their conditions, amounts keyed by effective date,
payment schedule and funding split, the service obligation and refund rule, and the
exclusions. Every value carries ``cite: {art, quote}`` (document number + article and
the sentence quoted from the policy text).

``load_packs(extra_dirs=()) -> dict[str, Pack]``
    The shipped packs, then the ``.yaml`` files of each extra directory (the office's
    user policy folder); a later pack with the same id replaces the earlier one. Pass
    ``errors=[]`` to collect broken files' messages instead of raising ``PackError``.
``get_pack(policy_id, extra_dirs=()) -> Pack``
    Raises ``TalentDeskError`` (Chinese) for an unknown id.
``check_pack_file(path) -> list[str]``
    Every problem in a pack file, in Chinese, each starting “第N行：”; empty = usable.

Evaluation
----------
``evaluate(pack, profile, *, approved_on, as_of=None, departed_on=None, reviews=None,
decisions=(), paid=None, extra_holidays=(), extra_workdays=(), facts=None, credit=(), decided_on=None)
-> Evaluation``

- ``profile``: dict keyed by the standard roster labels with typed values, as
  ``roster.to_row()`` gives (dates ``datetime.date``, 是/否 columns ``bool``,
  合同期限（年） ``Decimal``). ``profile_from_json(dict)`` converts a JSON profile of
  strings (raises ``ValidationError``).
- ``approved_on``: the approval date (批准之日), start of the Alxa schedules.
- ``as_of``: the evaluation date (default today): installments due on or before it are
  ``due``, later ones ``scheduled``.
- ``departed_on``: the talent left; installments due after it are ``cancelled`` and a
  departure before the service obligation ends gives ``refund_fen`` by the pack's rule.
- ``reviews``: ``{year: "优秀"|"合格"|"基本合格"|"不合格"}``. An installment that
  requires a review needs the review of the calendar year before its due date; the
  pack's ``review.passing`` lists the results that pass; with
  ``review.failed_cancels_rest`` a 不合格 cancels every later installment.
- ``decisions``: ``Decision(number, kind, benefit_code=None, amount_fen=None, date=None,
  note="")`` — 一事一议: ``kind="age_limit"`` relaxes an age limit, ``kind="amount"``
  sets the amount (total for one-time/fraction schedules; per month or per year for
  monthly/annual ones; capped at a “最高” limit). The explanation names the decision.
- ``paid``: which installments were actually paid, ``{code: [due dates]}`` or
  ``[{"benefit": code, "due": date}]``; default: installments due on or before the
  departure date (and not cancelled by a review) count as paid.
- ``credit``: the 失信名单 entries of the talent and of its employer
  (``CreditBar(kind, name, doc_no, start, end, basis, lifted_on=None)``; ``talentdesk.rules.credit``).
  Every benefit whose ``approved_on`` falls within an unlifted entry's period (start and
  end days included, no end = open-ended) is ``ineligible``, its first reason naming the
  entry (文号, period, 事由) and quoting 条例 第六十六条. Lifted entries and periods that do
  not cover ``approved_on`` bar nothing; a grant approved before an entry's start keeps
  its installments (the article bars new support).
- ``decided_on``: the day the office takes the decision (a proposal or an approval is
  taken today); an entry covering it bars too, so a back-dated 批准日期 does not get round
  an entry in force on the day of the proposal or approval.
- ``extra_holidays`` / ``extra_workdays``: dates the office adds to the Chinese working
  day calendar (``chinesecalendar``) for years it does not know; a warning names any
  year that was not covered.
- ``facts``: facts not in the roster, all optional; a benefit that needs a missing
  fact is ``undetermined`` and names it in ``missing``:
  ``spouse_unemployed_months`` (int), ``serious_illness`` (bool),
  ``study_leave`` (bool, 脱产攻读 with a return-to-post agreement),
  ``study_programme`` ("博士"/"硕士"), ``study_urgent_major`` (bool),
  ``degree_in_term`` (bool), ``returned_to_post_date`` (date),
  ``last_year_taxed_pay_fen`` (int), ``months_served`` ({service year 1..5: months}),
  ``postdoc_exit_date`` (date), ``contract_end_date`` (date: measures 合同期限 exactly),
  ``alashankou_expert`` (bool, 第十条第一、二款), ``rare_earth_enterprise`` (bool), ``service_agreement_years``
  (int: the agreed service period; binds where the policy sets none, or where it is
  longer than the policy's floor), ``approval_level``
  ("league"/"banner": which level approved, for “同级人才开发资金”); employer
  attributes ``employer_civil_service_managed`` (参公管理; also read from 单位性质),
  ``employer_field`` (教育/医疗卫生/…), ``employer_key_industry``,
  ``employer_above_scale``, ``employer_high_tech``, ``employer_key_project_10bn``,
  ``employer_rare_earth``; and more talent facts — the full table of keys, meanings,
  clauses and who supplies them is in ``resources/policies/README.md``
  (``Pack.facts_read()`` lists a pack's).
  **Per-year facts** arrive as ``facts["per_year"][N][key]`` (N = 1, 2, … the service
  year counted from the benefit's start; int or str keys): ``months_served``,
  ``last_year_taxed_pay_fen``, ``local_contribution_fen``, ``medical_personal_share_fen``.
  A fact that is missing is never met and never failed: the benefit is undetermined and
  ``pending`` lists “待补充：…（article）”; where the text leaves the case to the office
  (“另行规定”, “根据具体情况”, 分期) it lists “待决定：…”.
- ``decisions`` kinds besides ``age_limit`` and ``amount``: ``refund`` (the amount to
  recover where the text leaves it to the office), ``parts`` (``Decision.parts``: yearly
  parts of a benefit paid 分期), ``defer`` (the office decided a case the text hands over).

Organisations
-------------
``evaluate_organisation(pack, beneficiary, *, approved_on, as_of=None, facts=None,
decisions=(), extra_holidays=(), extra_workdays=(), credit=(), decided_on=None,
benefits=None) -> Evaluation``: the benefits a pack pays to an employer
(``beneficiary: employer``, e.g. 阿拉善 第十八条 引才奖补) or to a platform (``beneficiary:
platform``: 工作站、基地、工作室 … 第二十四、二十七、二十九、三十、三十一、三十四条), from facts
only (no roster profile, no service period). A talent's ``evaluate`` never lists them.

Service period: every matching floor of the pack applies and the longest binds; a
recorded agreement that is longer binds. Where the text fixes none but makes the talent
sign a service agreement (阿拉善 第十九条: every rigid talent), the agreement's length is
used, else the contract term (合同期限), and ``service_note`` says so. Neither known →
``service_status`` "undetermined" and an early departure's refund is 待定
(``refund_status`` "undetermined"), never a silent 0.

``Evaluation.to_json()``::

    {"policy": "alxa-2023", "as_of": "…", "approved_on": "…", "departed_on": null,
     "service_years_required": 5, "service_end": "…", "service_basis": […],
     "benefits": [{"code": "settlement_allowance", "name": "安家补贴",
        "eligible": true, "status": "eligible", "total_fen": 10000000, "max_fen": null,
        "payable_fen": 10000000, "tier": "…",
        "installments": [{"due": "2023-06-01", "amount_fen": 4000000,
                          "funding": {"league": 4000000}, "condition": "…",
                          "status": "due", "note": "…"}],
        "in_kind": null, "basis": ["阿党人才字〔2023〕2号 第四十条"], "reasons": ["…"],
        "missing": [], "refund_fen": 0, "explanation": [{"check", "passed", "value",
        "message", "basis", "quote", "decision"}]}],
     "refund_fen": 0, "warnings": ["…"],
     "service_status": "fixed", "service_years": 5, "service_source": "policy",
     "refund_status": "none", "review_passing": ["优秀", "合格", "基本合格"]}

Added keys (backward compatible): per benefit ``refund_status`` (none / fixed /
undetermined / decided), ``refund_suggested_fen`` (the engine's suggestion where the
office decides the amount), ``pending`` (what the engine waits for: “待补充：…” /
“待决定：…” with the article); per evaluation ``service_status``, ``service_years`` (the
binding period, also when taken from the contract term — ``service_years_required`` is
then null, as before, because the policy fixes none), ``service_source`` (policy /
agreement / contract), ``refund_status`` and ``review_passing`` (the pack's passing
review results: whether a review passes is the pack's, e.g. 阿拉山口 第十四条 基本合格
does not; ``Evaluation.review_passes(result)``). ``refund_fen`` stays the firm amount:
it is 0 while ``refund_status`` is "undetermined" — callers must show 待定, not 0.

``eligible`` is true/false, or null when ``status`` is ``undetermined`` (a fact or
field is missing: see ``missing``) or ``not_covered`` (the date falls outside what the
pack encodes — never a silent zero). ``total_fen`` is the policy amount (null when it
is left to 一事一议 or a “最高” amount awaits a decision; ``max_fen`` then gives the
cap); ``payable_fen`` excludes cancelled installments. Installment ``status``:
scheduled / due / awaiting_review / awaiting_fact / cancelled. Money is integer fen.

Ages: “不超过N周岁”, “N周岁以下” include N (民法典 第一千二百五十九条): the talent passes
until the day before the (N+1)th birthday; a 29 February birthday falls on 1 March in a
common year (民法典 第二百零二条), see ``talentdesk.rules.dates``.
"""

from talentdesk.rules.credit import CreditBar
from talentdesk.rules.engine import (BenefitResult, Decision, Evaluation, Installment, Step, evaluate,
                                     evaluate_organisation, occupancy_terms, parts_of, profile_from_json)
from talentdesk.rules.loader import (BENEFIT_NAMES, FUNDING_LEVELS, Pack, PackError, check_pack_file,
                                     get_pack, load_packs)
from talentdesk.rules import payability  # noqa: E402  (after the engine it builds on)

__all__ = ["BENEFIT_NAMES", "FUNDING_LEVELS", "BenefitResult", "CreditBar", "Decision", "Evaluation", "Installment", "Pack",
           "evaluate_organisation",
           "PackError", "Step", "check_pack_file", "evaluate", "get_pack", "load_packs", "occupancy_terms", "parts_of",
           "payability", "profile_from_json"]
