"""Queries behind the 人才库 table: the ordered ids for a filter and sort, the rows of
one page by id, the choices for the filter boxes, and one talent's overview (agreement,
grants, schedule, payments, reviews, departures) for the detail pane.

Built for 100,000 talents (see bench/bench_gui.py): the table model holds only the
ordered ids and asks ``rows_by_id`` for a page (~200 rows) when it scrolls there.

Search (``TalentFilter.search``) matches a name prefix, pinyin initials prefix
(张伟 ← zw), a 身份证号 fragment, or an employer name fragment, as
``talents.search_clause`` does, but split by what was typed so that each part can use
an index: letters → the name and initials indexes; digits (and X) → the ID column
only; Chinese → the name index, or the talents of the few employers whose name
contains the text. On SQLite, prefixes are matched as ranges (``name >= '张' AND
name < '张'+1``), which the ordinary (BINARY) indexes answer; ``LIKE`` would need
``COLLATE NOCASE`` indexes (DESIGN.md). PostgreSQL uses ``LIKE``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable, Sequence

from sqlalchemy import and_, bindparam, false, func, literal_column, or_, select

from talentdesk.domain import idcard, pinyin
from talentdesk.domain.status import TALENT_STATUS
from talentdesk.models.entities import AnnualReview, BenefitGrant, Departure, Employer, ServiceAgreement, Talent
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import scope

PAGE_SIZE = 200
# An ID fragment shorter than this matches nearly everyone: it does not filter (the
# search box says so), which keeps the first keystrokes of an ID number instant.
MIN_ID_FRAGMENT = 4


@dataclass(frozen=True)
class TalentFilter:
    search: str = ""
    district: str | None = None
    employer: str | None = None  # employer name
    education: str | None = None
    policy_id: str | None = None
    status: str | None = None  # active / departed
    year: int | None = None  # year of introduction
    office_id: int | None = None  # a league user's choice of one banner (services.office.offices)

    def with_(self, **changes) -> "TalentFilter":
        return replace(self, **changes)

    def is_empty(self) -> bool:
        return self.effective() == TalentFilter()

    def effective(self) -> "TalentFilter":
        """This filter as it is applied (a too-short ID fragment does not filter)."""
        text = self.search.strip()
        if not text or (search_kind(text) == "id" and len(text) < MIN_ID_FRAGMENT):
            return replace(self, search="") if self.search else self
        return self

    @property
    def short_id_fragment(self) -> bool:
        text = self.search.strip()
        return bool(text) and search_kind(text) == "id" and len(text) < MIN_ID_FRAGMENT


# Sort keys the table offers → columns.
# Names sort by full pinyin as WPS and Excel do (张三 before 赵六, 王伟 before 王五): the key
# is worked out in Python (``pinyin.sort_key``), not stored; name_initials orders only a
# caller that sorts by an unknown key.
SORT_COLUMNS = {
    "name": Talent.name_initials,
    "sex": Talent.sex,
    "id_number": Talent.id_number,
    "birth_date": Talent.birth_date,
    "education": Talent.education,
    "talent_class": Talent.talent_class,
    "employer": Employer.name,
    "district": Employer.district,
    "introduction_date": Talent.introduction_date,
    "policy_id": Talent.policy_id,
    "status": Talent.status,
    "phone": Talent.phone,
}
_NEEDS_EMPLOYER = {"employer", "district"}


@dataclass(frozen=True)
class TalentRow:
    """One line of the table: full values; the UI masks the ID number and phone."""

    id: int
    name: str
    sex: str | None
    id_number: str
    birth_date: dt.date | None
    education: str | None
    talent_class: str | None
    employer: str | None
    district: str | None
    introduction_date: dt.date | None
    policy_id: str | None
    status: str
    phone: str | None

    @property
    def status_label(self) -> str:
        return TALENT_STATUS.get(self.status, self.status)

    @property
    def id_masked(self) -> str:
        return idcard.mask(self.id_number)

    @property
    def phone_masked(self) -> str:
        return idcard.mask_phone(self.phone)


_ROW_COLUMNS = (Talent.id, Talent.name, Talent.sex, Talent.id_number, Talent.birth_date, Talent.education,
                Talent.talent_class, Employer.name, Employer.district, Talent.introduction_date, Talent.policy_id,
                Talent.status, Talent.phone)


def _next_prefix(text: str) -> str:
    """The smallest string greater than every string starting with ``text``."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def _prefix(column, text: str, sqlite: bool):
    if sqlite:
        return and_(column >= text, column < _next_prefix(text))
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")


def _contains(column, text: str):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like("%" + escaped + "%", escape="\\")


def search_kind(text: str) -> str:
    """letters / id / text — what a search box entry is treated as."""
    t = text.strip()
    if t.isascii() and t.isalpha() and not (t[:-1].isdigit() and t[-1:] in "xX"):
        return "letters"
    folded = idcard.normalize(t)
    if folded and folded.isascii() and (folded.isdigit() or (folded[:-1].isdigit() and folded[-1] == "X")):
        return "id"
    return "text"


def _search_clause(session, text: str, sqlite: bool):
    """(the condition for a search box entry, whether it must visit many rows: an ID
    fragment scans the ID column, an employer fragment takes every talent of the employers
    it names — 阿拉善 or 中学 can name most of them)."""
    text = text.strip()
    if not text:
        return None, False
    kind = search_kind(text)
    if kind == "letters":
        return or_(_prefix(Talent.name_initials, text.lower(), sqlite), _prefix(Talent.name, text, sqlite)), False
    if kind == "id":
        return _contains(Talent.id_number, idcard.normalize(text)), True
    employer_ids = session.execute(select(Employer.id).where(_contains(Employer.name, text))).scalars().all()
    clauses = [_prefix(Talent.name, text, sqlite)]
    if employer_ids:
        clauses.append(Talent.employer_id.in_(employer_ids))
    return or_(*clauses), bool(employer_ids)


def _where(session, flt: TalentFilter, sqlite: bool) -> tuple[list, bool]:
    """(conditions, whether the search must visit many rows — see ``_search_clause``)."""
    conds = []
    many = False
    if flt.search:
        clause, many = _search_clause(session, flt.search, sqlite)
        if clause is not None:
            conds.append(clause)
    if flt.employer:
        ids = session.execute(select(Employer.id).where(Employer.name == flt.employer)).scalars().all()
        conds.append(Talent.employer_id.in_(ids) if ids else false())
    if flt.district:
        ids = session.execute(select(Employer.id).where(Employer.district == flt.district)).scalars().all()
        conds.append(Talent.employer_id.in_(ids) if ids else false())
    if flt.education:
        conds.append(Talent.education == flt.education)
    if flt.policy_id:
        conds.append(Talent.policy_id == flt.policy_id)
    if flt.status:
        conds.append(Talent.status == flt.status)
    if flt.office_id:
        conds.append(Talent.office_id == flt.office_id)
    if flt.year:
        conds.append(and_(Talent.introduction_date >= dt.date(flt.year, 1, 1),
                          Talent.introduction_date <= dt.date(flt.year, 12, 31)))
    return conds, many


def ordered_ids(ctx: ServiceContext, flt: TalentFilter = TalentFilter(), *, sort: str = "name",
                descending: bool = False, within: Sequence[int] | None = None) -> list[int]:
    """The ids of every talent matching ``flt``, in table order (ties by id).

    ``within``: the caller's cached ids of the whole table in this same order. A search
    that must visit many rows anyway (an ID fragment; an employer fragment such as 阿拉善
    or 中学, which can match most of the table), and any search in name order (names sort
    by full pinyin in Python), then fetches the matching ids unordered (the ID column's
    covering index; the employer and name indexes) and keeps ``within``'s order, instead
    of sorting up to 100,000 rows on each keystroke.
    """
    column = SORT_COLUMNS.get(sort, Talent.name_initials)
    flt = flt.effective()
    with ctx.read() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
        conds, many = _where(session, flt, sqlite)
        conds += scope.talent_condition(session)  # session.connection() skips the ORM's office criteria
        scan = bool(flt.search) and search_kind(flt.search) == "id"
        if within is not None and (many or sort == "name"):
            # (names sort in Python: the cached order is the cheap one for every search)
            result = session.connection().execute(select(Talent.id).where(*conds))
            wanted = {row[0] for row in result.cursor.fetchall()}
            return [i for i in within if i in wanted]
        if sort == "name":
            # in id order, then a stable sort by the key alone: ties stay by id (~2x faster
            # than sorting on (key, id) pairs)
            stmt = select(Talent.id, Talent.name).order_by(Talent.id.desc() if descending else Talent.id)
            if conds:
                stmt = stmt.where(*conds)
            rows = session.connection().execute(stmt).cursor.fetchall()
            keys = list(map(pinyin.sort_key, [r[1] for r in rows]))
            return [rows[i][0] for i in sorted(range(len(rows)), key=keys.__getitem__, reverse=descending)]
        stmt = select(Talent.id)
        if sort in _NEEDS_EMPLOYER:
            stmt = stmt.outerjoin(Employer, Talent.employer_id == Employer.id)
        if conds:
            stmt = stmt.where(*conds)
        if sqlite and scan:
            # An ID fragment scans the table: walking the name index to avoid a sort would
            # visit every row in index order (~10x slower); "+col" turns the index off.
            column = literal_column(f"+{column.table.name}.{column.name}")
        if descending:
            stmt = stmt.order_by(column.desc(), Talent.id.desc())
        else:
            stmt = stmt.order_by(column, Talent.id)
        result = session.connection().execute(stmt)
        # The raw DBAPI rows: ~3x faster than SQLAlchemy's row processing for 100k ids.
        return [row[0] for row in result.cursor.fetchall()]


# Built once: an expanding IN parameter keeps the compiled statement cached (building an
# IN list of 200 literals cost more than running the query).
_ROWS_STMT = (select(*_ROW_COLUMNS).outerjoin(Employer, Talent.employer_id == Employer.id)
              .where(Talent.id.in_(bindparam("ids", expanding=True))))


def rows_by_id(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, TalentRow]:
    """Table rows for the given ids (missing ids — deleted meanwhile — are absent)."""
    if not ids:
        return {}
    with ctx.read() as session:
        if scope.scope_of(session) is not None:
            result = session.execute(_ROWS_STMT, {"ids": list(ids)})  # through the ORM: the office criteria
        else:
            result = session.connection().execute(_ROWS_STMT, {"ids": list(ids)})
        return {row[0]: TalentRow(*row) for row in result}


def count(ctx: ServiceContext, flt: TalentFilter = TalentFilter()) -> int:
    flt = flt.effective()
    with ctx.read() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
        conds, _ = _where(session, flt, sqlite)
        stmt = select(func.count(Talent.id))
        if conds:
            stmt = stmt.where(*conds)
        return session.execute(stmt).scalar_one()


@dataclass
class FilterOptions:
    districts: list[str] = field(default_factory=list)
    employers: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def filter_options(ctx: ServiceContext) -> FilterOptions:
    """The values the filter boxes offer (only those present in the database)."""
    with ctx.read() as session:
        districts = session.execute(select(Employer.district).where(Employer.district.is_not(None))
                                    .distinct().order_by(Employer.district)).scalars().all()
        names = session.execute(select(Employer.name).order_by(Employer.name)).scalars().all()
        policies = session.execute(select(Talent.policy_id).where(Talent.policy_id.is_not(None)).distinct()
                                   .order_by(Talent.policy_id)).scalars().all()
        lo, hi = session.execute(select(func.min(Talent.introduction_date),
                                        func.max(Talent.introduction_date))).one()
    years = list(range(hi.year, lo.year - 1, -1)) if lo and hi else []
    return FilterOptions(list(districts), list(names), list(policies), years)


# -- one talent's overview for the detail pane ---------------------------------------------

@dataclass(frozen=True)
class AgreementLine:
    id: int
    kind: str
    signed_date: dt.date | None
    start_date: dt.date | None
    term_years: Decimal | None
    required_service_years: int | None
    status: str


@dataclass(frozen=True)
class InstallmentLine:
    id: int
    grant_id: int
    benefit_name: str
    seq: int
    due_date: dt.date
    amount_fen: int
    status: str
    paid_date: dt.date | None
    voucher_no: str | None
    status_reason: str | None


@dataclass(frozen=True)
class GrantLine:
    id: int
    benefit_code: str
    benefit_name: str
    policy_id: str
    total_fen: int | None
    status: str
    approval_date: dt.date | None
    approval_doc_no: str | None
    basis: str | None
    paid_fen: int
    installments: tuple[InstallmentLine, ...]


@dataclass(frozen=True)
class ReviewLine:
    year: int
    result: str
    review_date: dt.date | None
    remarks: str | None


@dataclass(frozen=True)
class DepartureLine:
    departed_on: dt.date
    reason: str | None
    refund_due_fen: int
    recovered_fen: int


@dataclass
class TalentOverview:
    talent_id: int
    agreements: list[AgreementLine] = field(default_factory=list)
    grants: list[GrantLine] = field(default_factory=list)
    reviews: list[ReviewLine] = field(default_factory=list)
    departures: list[DepartureLine] = field(default_factory=list)

    @property
    def installments(self) -> list[InstallmentLine]:
        return sorted((i for g in self.grants for i in g.installments), key=lambda i: (i.due_date, i.id))

    @property
    def paid_fen(self) -> int:
        return sum(g.paid_fen for g in self.grants)


PAID = ("paid",)


def overview(ctx: ServiceContext, talent_id: int) -> TalentOverview:
    out = TalentOverview(talent_id)
    with ctx.read() as session:
        for a in session.execute(select(ServiceAgreement).where(ServiceAgreement.talent_id == talent_id)
                                 .order_by(ServiceAgreement.signed_date, ServiceAgreement.id)).scalars():
            out.agreements.append(AgreementLine(a.id, a.kind, a.signed_date, a.start_date, a.term_years,
                                                a.required_service_years, a.status))
        grants = session.execute(select(BenefitGrant).where(BenefitGrant.talent_id == talent_id)
                                 .order_by(BenefitGrant.id)).scalars().all()
        for g in grants:
            name = g.benefit_name or g.benefit_code
            lines = tuple(InstallmentLine(i.id, g.id, name, i.seq, i.due_date, i.amount_fen, i.status, i.paid_date,
                                          i.voucher_no, i.status_reason) for i in g.installments)
            paid = sum(i.amount_fen for i in lines if i.status in PAID)
            out.grants.append(GrantLine(g.id, g.benefit_code, name, g.policy_id, g.total_fen, g.status,
                                        g.approval_date, g.approval_doc_no, g.basis, paid, lines))
        for r in session.execute(select(AnnualReview).where(AnnualReview.talent_id == talent_id)
                                 .order_by(AnnualReview.year)).scalars():
            out.reviews.append(ReviewLine(r.year, r.result, r.review_date, r.remarks))
        for d in session.execute(select(Departure).where(Departure.talent_id == talent_id)
                                 .order_by(Departure.departed_on)).scalars():
            recovered = sum(r.amount_fen for r in d.recoveries)
            out.departures.append(DepartureLine(d.departed_on, d.reason, d.refund_due_fen, recovered))
    return out


def employer_names(ctx: ServiceContext) -> list[str]:
    with ctx.read() as session:
        return list(session.execute(select(Employer.name).order_by(Employer.name)).scalars())


def ids_for_numbers(ctx: ServiceContext, id_numbers: Iterable[str]) -> dict[str, int]:
    numbers = [idcard.normalize(n) for n in id_numbers]
    if not numbers:
        return {}
    with ctx.read() as session:
        return dict(session.execute(select(Talent.id_number, Talent.id).where(Talent.id_number.in_(numbers))).all())
