"""Indexes for speed (issue 20), on tables defined in ``entities``.

``ix_installment_status_paid_date``: money paid in a period (the 首页's 各月待遇发放 chart:
status 已发放/已冲销 and the paid date in the year) read through the index instead of every
paid installment's row.
"""

from __future__ import annotations

from sqlalchemy import Index

from talentdesk.models.entities import Installment

# a column-bound Index attaches itself to the installment table (created with it, compared by
# the migration test, and created by migration 0015 on an existing database)
ix_installment_status_paid_date = Index("ix_installment_status_paid_date", Installment.status, Installment.paid_date)
