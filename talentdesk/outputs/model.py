"""The document model the renderers draw: plain dataclasses, no database, no Qt.

``talentdesk.services.exchange.reports`` fills these from the database; ``xlsx`` and ``pdf``
render them. Money is integer fen everywhere here; dates are ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Protocol

from talentdesk.domain.values import cn_date

# ------------------------------------------------------------------ progress / cancel

ProgressFn = Callable[[int, "int | None"], None]
"""``progress(done, total)``: rows (ledgers) or forms (PDF) done; total may be None."""


class CancelFlag(Protocol):  # pragma: no cover - typing only
    def is_set(self) -> bool: ...


def is_cancelled(cancel: "CancelFlag | Callable[[], bool] | None") -> bool:
    """A ``threading.Event`` (or anything with ``is_set()``), a callable, or None."""
    if cancel is None:
        return False
    is_set = getattr(cancel, "is_set", None)
    if is_set is not None:
        return bool(is_set())
    return bool(cancel())


# ------------------------------------------------------------------ office

@dataclass
class Office:
    """Who issues the documents (from ``settings.get_settings``, defaults otherwise)."""

    name: str = "人才工作领导小组办公室"
    doc_prefix: str = "人才办"
    # role label → name, e.g. {"经办人": "李娜", "审核人": "王强", "负责人": "赵敏"}
    signatories: dict[str, str] = field(default_factory=dict)

    def doc_no(self, year: int, seq: int | str, kind: str = "") -> str:
        """``人才办审〔2024〕12号`` from the prefix, a kind character, the year and a sequence."""
        return f"{self.doc_prefix}{kind}〔{year}〕{seq}号"

    def serial_no(self, year: int, seq: int, kind: str = "") -> str:
        """``人才办审2025-0012``: a form's number within its year (the 人才待遇审批表)."""
        return f"{self.doc_prefix}{kind}{year}-{seq:04d}"


# ------------------------------------------------------------------ ledgers

# Column kinds: text, id (ID number: always text, masked on request), phone (masked on
# request), money (int fen → yuan number with 2 decimals), date, int, rate.
COLUMN_KINDS = ("text", "id", "phone", "money", "date", "int")


@dataclass(frozen=True)
class LedgerColumn:
    label: str
    kind: str = "text"
    width: float = 12  # characters


class Subtotal(tuple):
    """A 小计 row inside the table (label in the first text column, sums as values)."""

    __slots__ = ()


class Total(tuple):
    """The 合计 row (bold, double top border)."""

    __slots__ = ()


class Heading(tuple):
    """A section heading row inside the table (e.g. 按资金层级汇总)."""

    __slots__ = ()


@dataclass
class Ledger:
    """One sheet: title over the table, a 填报单位/日期 line, the header, the rows.

    ``rows`` yields plain tuples (data rows, one value per column: ``str``/``None`` for
    text, ``int`` fen for money, ``datetime.date`` for dates, ``int`` for counts) and
    ``Subtotal``/``Total``/``Heading`` tuples of the same width. It may be a generator so
    that 100,000 rows stream from the database to the file with flat memory.
    ``row_count`` (when known) lets the renderer report progress as a fraction.
    """

    kind: str  # talents / disbursement / recovery / review
    name: str  # 人才信息台账 …
    office: Office
    year: int | None
    columns: list[LedgerColumn]
    rows: Iterable[tuple]
    row_count: int | None = None
    generated_on: dt.date = field(default_factory=dt.date.today)
    subtitle: str = ""  # filters applied, e.g. “用人单位：…”
    notes: list[str] = field(default_factory=list)  # lines printed under the table

    @property
    def title(self) -> str:
        if not self.year:
            return f"{self.office.name}{self.name}"
        if self.name.startswith("年度"):
            return f"{self.office.name}{self.year}{self.name}"
        return f"{self.office.name}{self.year}年度{self.name}"


# ------------------------------------------------------------------ forms

@dataclass
class ScheduleLine:
    seq: int
    due: dt.date
    amount_fen: int
    funding: dict[str, int]  # level label (盟级 …) → fen
    status: str  # Chinese
    condition: str = ""


@dataclass
class ApprovalForm:
    """人才待遇审批表 for one granted benefit."""

    office: Office
    doc_no: str
    talent: dict[str, str]  # roster label → display text (姓名, 性别, 身份证号 …)
    agreement: str  # one line describing the service agreement
    benefit_name: str
    policy_title: str
    policy_document: str
    amount_fen: int
    schedule: list[ScheduleLine]
    basis: list[str]  # “阿党人才字〔2023〕2号 第四十条”
    quotes: list[str]  # the quoted sentences, same order as basis (may be shorter)
    approval_date: dt.date | None
    approval_doc_no: str | None
    grant_status: str
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    talent_id: int | None = None
    # "talent", or an organisation's grant ("employer" / "platform"): ``talent`` then holds
    # the organisation's details (单位名称, 统一社会信用代码, 单位性质, 所属地区, 平台类型 …)
    beneficiary: str = "talent"


@dataclass
class BatchLine:
    name: str
    id_number: str
    employer: str
    benefit_name: str
    seq: int
    due: dt.date
    amount_fen: int
    funding: dict[str, int]
    status: str
    voucher: str = ""


@dataclass
class BatchForm:
    """补贴发放审批表: installments due in one month, subtotals by benefit, total."""

    office: Office
    doc_no: str
    year: int
    month: int
    lines: list[BatchLine]
    levels: list[str]  # funding level labels, in order
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)


@dataclass
class ReviewForm:
    """年度考核登记表 for one talent and year."""

    office: Office
    year: int
    talent: dict[str, str]
    result: str | None  # 优秀/合格/基本合格/不合格, None when not yet recorded
    review_date: dt.date | None
    remarks: str
    benefits: list[str]  # benefits being paid, one line each
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    talent_id: int | None = None


@dataclass
class SuspendedLine:
    name: str
    employer: str
    benefit_name: str
    due: dt.date
    amount_fen: int
    status: str
    reason: str


@dataclass
class ReviewSummary:
    """年度考核汇总报告 for one year."""

    office: Office
    doc_no: str
    year: int
    results: list[str]  # 优秀, 合格, 基本合格, 不合格
    counts: dict[str, int]  # result → persons
    by_employer: list[tuple[str, dict[str, int]]]  # (employer, {result: n})
    not_passing: list[tuple[str, str, str, str]]  # (name, employer, result, remarks)
    suspended: list[SuspendedLine]
    unreviewed: int = 0  # active talents without a result for the year
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def suspended_fen(self) -> int:
        return sum(s.amount_fen for s in self.suspended)


@dataclass
class ReceivedLine:
    benefit_name: str
    seq: int
    paid_date: dt.date | None
    amount_fen: int
    voucher: str


@dataclass
class RecoveryNotice:
    """追回通知书 for one departure."""

    office: Office
    doc_no: str
    talent: dict[str, str]
    departed_on: dt.date
    reason: str
    service_required: str  # e.g. “5年（2023年5月1日至2028年4月30日）”
    received: list[ReceivedLine]
    refund_due_fen: int
    recovered_fen: int
    basis: list[str]
    quotes: list[str]
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    talent_id: int | None = None
    # the articles the refund rests on (阿党人才字〔2023〕2号 第十九条): the letter's “根据…的规定”;
    # ``basis`` is the stored refund explanation, shown under 三、政策依据
    articles: list[str] = field(default_factory=list)
    # an in-post case (在岗追回, services.benefits.recoveries): ``in_post`` is what happened
    # (“经核实，你在申领…时弄虚作假”), replacing the departure sentence; ``refund_due_fen`` is
    # the decided amount; ``decision_doc_no`` its 文号; ``plan`` the repayment plan
    # [(due date, fen)]; ``levels`` [(level name, fen)] the amount returned to each budget
    in_post: str = ""
    decision_doc_no: str = ""
    plan: list[tuple[dt.date, int]] = field(default_factory=list)
    levels: list[tuple[str, int]] = field(default_factory=list)

    @property
    def received_fen(self) -> int:
        return sum(r.amount_fen for r in self.received)

    @property
    def outstanding_fen(self) -> int:
        return self.refund_due_fen - self.recovered_fen


Form = ApprovalForm | BatchForm | ReviewForm | ReviewSummary | RecoveryNotice


def iter_forms(forms: Iterable[Form]) -> Iterator[Form]:
    yield from forms


@dataclass
class FilingForm:
    """A 备案 list sent to the league office (盟委人才办): one kind of record in a period.

    ``rows`` are plain tuples typed as a ledger's (text, int fen, dates); ``columns`` say
    how each is shown. ``basis`` names the article that asks for the filing."""

    office: Office
    kind: str  # hires / flexible / departures / recognitions …
    name: str  # 新引进刚性人才备案表 …
    date_from: dt.date
    date_to: dt.date
    basis: str
    columns: list[LedgerColumn]
    rows: list[tuple]
    notes: list[str] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def title(self) -> str:
        return f"{self.office.name}{self.name}"

    @property
    def period(self) -> str:
        return f"{cn_date(self.date_from)}至{cn_date(self.date_to)}"


@dataclass
class FormRow:
    """One row of a ``RegisterForm``'s grid: (label, value) pairs side by side (one pair
    spans the width, two share it, three take the talent grid's six columns)."""

    cells: list[tuple[str, str]]
    min_h: float = 24.0
    small: bool = False  # the value in 小五 (long texts: the articles quoted)


@dataclass
class RegisterForm:
    """A one-record form of the office's other registers (issue 17) on portrait A4:
    人才认定备案表, 人才服务事项办理单, 回访记录表, 人才公寓入住/腾退确认单. Title, 填报单位 and
    编号, the grid, the signature boxes (label, printed names), the notes (articles)."""

    office: Office
    kind: str  # recognition / case / visit / housing
    name: str  # 人才认定备案表 …
    doc_no: str
    rows: list[FormRow]
    # (label, printed text, a person's signature without seal: 被走访人, 入住人)
    signatures: list[tuple[str, str, bool]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    talent_id: int | None = None
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def title(self) -> str:
        return self.name
