"""The one place that keeps a banner's clerk to that banner's records (阿党人才字〔2023〕2号
第七、十三、十五、二十条: each banner keeps its own records; the league office sees all).

``ServiceContext.read()``/``write()`` put the acting banner's office id into the session
(``session.info[SCOPE_KEY]``, ``bind``); every ORM statement that session runs then gets
``with_loader_criteria`` for Talent and Employer (``office_id`` = the banner) and for every
record that belongs to a talent (through its talent) or to a grant, a departure or a recovery
case (through those): lists, searches, ``session.get``, lazy loads and ORM UPDATE/DELETE
alike. A row outside the banner is simply not there: loading it raises the service's
NotFoundError, so a banner cannot change another banner's record.

League users, users without an office, and a single office's database (no office rows) have
no scope: nothing is added, every query is exactly as before.

Statements run on ``session.connection()`` (the fast paths of the 人才库 search) and Core
statements on ``Table`` objects do not pass through the ORM: they add ``talent_condition``
themselves. ``unscoped(session)`` gives a statement option for the few checks that must look
across the league (a 身份证号 is unique in the whole database: ``owner_of_id_number``).

New talents and employers get the acting office's id (``owner``): a ``before_flush`` hook
fills ``office_id`` of new Talent and Employer rows; the roster importer's bulk INSERT binds
``owner(session)`` itself.
"""

from __future__ import annotations

import functools

from sqlalchemy import event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from talentdesk.models.duties.care import ServiceCase, Visit
from talentdesk.models.entities import (AnnualReview, Attachment, BenefitGrant, CaseDecision, CreditEntry,
                                        Departure, Employer, GrantYearFact, Installment, InstallmentFunding,
                                        Recovery, ServiceAgreement, Talent)
from talentdesk.models.duties.housing import HousingConfirmation, Occupancy
from talentdesk.models.league.office import Office
from talentdesk.models.duties.platform import Platform
from talentdesk.models.duties.recognition import Recognition
from talentdesk.models.money.recovery_case import (RecoveryCase, RecoveryCaseLevel, RecoveryPlanItem, RecoveryRepayment,
                                                   RecoveryRepaymentLevel)

SCOPE_KEY = "office_scope"  # session.info: the banner's office id the session is kept to
OWNER_KEY = "office_owner"  # session.info: the office id new talents and employers get
UNSCOPED = "office_unscoped"  # execution option: this statement looks across the league

# records that belong to a talent (their talent_id)
TALENT_OWNED = (ServiceAgreement, AnnualReview, Departure, Attachment, ServiceCase,
                Visit, Occupancy, HousingConfirmation, Recognition, RecoveryCase)
# records that belong to a talent, an employer or a platform (单位/平台奖补, migration 0017)
BENEFICIARY_OWNED = (BenefitGrant, CaseDecision)


def bind(session: Session, scope: int | None, owner: int | None) -> None:
    """Keep ``session`` to the banner ``scope`` (None: everything); new talents and
    employers get ``owner`` (None: the database's own office)."""
    if scope is not None:
        session.info[SCOPE_KEY] = scope
    else:
        session.info.pop(SCOPE_KEY, None)
    if owner is not None:
        session.info[OWNER_KEY] = owner
    else:
        session.info.pop(OWNER_KEY, None)


def scope_of(session: Session) -> int | None:
    return session.info.get(SCOPE_KEY)


def owner(session: Session) -> int | None:
    return session.info.get(OWNER_KEY)


def talent_ids(office_id: int):
    return select(Talent.id).where(Talent.office_id == office_id).scalar_subquery()


def talent_condition(session: Session, column=Talent.office_id) -> list:
    """[the condition keeping ``Talent`` rows to the session's banner] or [] (no scope); for
    statements that do not pass through the ORM's criteria (``session.connection()``)."""
    office_id = scope_of(session)
    return [] if office_id is None else [column == office_id]


@functools.lru_cache(maxsize=64)
def criteria(office_id: int) -> tuple:
    """The loader criteria for one banner (every entity named in the module docstring); built
    once per banner, not for every statement its sessions run (they are immutable)."""
    own_talents = talent_ids(office_id)
    own_employers = select(Employer.id).where(Employer.office_id == office_id).scalar_subquery()
    own_platforms = select(Platform.id).where(Platform.employer_id.in_(own_employers)).scalar_subquery()

    def beneficiary_is_own(m):  # a talent's, or an organisation's of this banner (a platform: its host's)
        return or_(m.talent_id.in_(own_talents), m.employer_id.in_(own_employers), m.platform_id.in_(own_platforms))

    own_grants = select(BenefitGrant.id).where(beneficiary_is_own(BenefitGrant)).scalar_subquery()
    own_installments = select(Installment.id).where(Installment.grant_id.in_(own_grants)).scalar_subquery()
    own_cases = select(RecoveryCase.id).where(RecoveryCase.talent_id.in_(own_talents)).scalar_subquery()
    opts = [with_loader_criteria(Talent, Talent.office_id == office_id, include_aliases=True),
            with_loader_criteria(Employer, Employer.office_id == office_id, include_aliases=True)]
    opts += [with_loader_criteria(m, m.talent_id.in_(own_talents), include_aliases=True) for m in TALENT_OWNED]
    opts += [with_loader_criteria(m, beneficiary_is_own(m), include_aliases=True) for m in BENEFICIARY_OWNED]
    opts.append(with_loader_criteria(Platform, Platform.employer_id.in_(own_employers), include_aliases=True))
    opts += [
        with_loader_criteria(CreditEntry, or_(CreditEntry.talent_id.in_(own_talents),
                                              CreditEntry.employer_id.in_(own_employers)), include_aliases=True),
        with_loader_criteria(Installment, Installment.grant_id.in_(own_grants), include_aliases=True),
        with_loader_criteria(GrantYearFact, GrantYearFact.grant_id.in_(own_grants), include_aliases=True),
        with_loader_criteria(InstallmentFunding, InstallmentFunding.installment_id.in_(own_installments),
                             include_aliases=True),
        with_loader_criteria(Recovery, Recovery.departure_id.in_(
            select(Departure.id).where(Departure.talent_id.in_(own_talents)).scalar_subquery()),
            include_aliases=True),
        with_loader_criteria(RecoveryCaseLevel, RecoveryCaseLevel.case_id.in_(own_cases), include_aliases=True),
        with_loader_criteria(RecoveryPlanItem, RecoveryPlanItem.case_id.in_(own_cases), include_aliases=True),
        with_loader_criteria(RecoveryRepayment, RecoveryRepayment.case_id.in_(own_cases), include_aliases=True),
        with_loader_criteria(RecoveryRepaymentLevel, RecoveryRepaymentLevel.repayment_id.in_(
            select(RecoveryRepayment.id).where(RecoveryRepayment.case_id.in_(own_cases)).scalar_subquery()),
            include_aliases=True),
    ]
    return tuple(opts)


@event.listens_for(Session, "do_orm_execute")
def _keep_to_banner(state: ORMExecuteState) -> None:
    office_id = state.session.info.get(SCOPE_KEY)
    if office_id is None or state.execution_options.get(UNSCOPED):
        return
    if state.is_select and (state.is_column_load or state.is_relationship_load):
        return  # the criteria propagate to these loads from the statement that loaded the object
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(*criteria(office_id))


@event.listens_for(Session, "before_flush")
def _new_rows_get_owner(session: Session, _flush_context, _instances) -> None:
    office_id = session.info.get(OWNER_KEY)
    if office_id is None:
        return
    for obj in session.new:
        if isinstance(obj, (Talent, Employer)) and obj.office_id is None:
            obj.office_id = office_id


def office_name(session: Session, office_id: int | None) -> str:
    if office_id is None:
        return "本办"
    o = session.get(Office, office_id)
    return o.name if o is not None else f"办公室{office_id}"


def owner_of_id_number(session: Session, id_number: str) -> tuple[bool, str | None]:
    """(a talent with this 身份证号 exists anywhere in the database, the name of its office
    when that is outside the session's banner — else None). Reads across the league and
    returns only the office, never the talent's data."""
    row = session.execute(select(Talent.office_id).where(Talent.id_number == id_number)
                          .execution_options(**{UNSCOPED: True})).first()
    if row is None:
        return False, None
    scope = scope_of(session)
    if scope is None or row[0] == scope:
        return True, None
    return True, office_name(session, row[0])


def foreign_id_numbers(session: Session, numbers) -> dict[str, str]:
    """{身份证号: the other office's name} for the numbers registered outside the session's
    banner (empty without a scope)."""
    scope = scope_of(session)
    numbers = list(numbers)
    if scope is None or not numbers:
        return {}
    out: dict[str, str] = {}
    names: dict[int | None, str] = {}
    for i in range(0, len(numbers), 500):
        for number, oid in session.execute(
                select(Talent.id_number, Talent.office_id).where(Talent.id_number.in_(numbers[i:i + 500]),
                                                                 or_(Talent.office_id.is_(None),
                                                                     Talent.office_id != scope))
                .execution_options(**{UNSCOPED: True})):
            if oid not in names:
                names[oid] = office_name(session, oid)
            out[number] = names[oid]
    return out


def foreign_employer_office(session: Session, name: str, uscc: str | None) -> str | None:
    """The other office's name when an employer of this name or credit code is registered
    outside the session's banner (None without a scope or when there is none)."""
    scope = scope_of(session)
    if scope is None:
        return None
    cond = Employer.name == name if not uscc else or_(Employer.name == name, Employer.uscc == uscc)
    row = session.execute(select(Employer.office_id).where(cond).execution_options(**{UNSCOPED: True})).first()
    if row is None or row[0] == scope:
        return None
    return office_name(session, row[0])
