"""Use cases: every change the CLI or the GUI makes goes through a function here.

Each function takes a ``ServiceContext`` (the database and the acting user), runs as
one transaction, writes its audit events in that same transaction, and returns plain
data (dataclasses and dicts), never live ORM objects.

Grouped by what they serve (a duty's code is one hop away):

- ``register``: talents, employers, attachments, the 人才库 queries;
- ``benefits``: policy packs, agreements, grants and their service-year facts,
  installments and payments, annual reviews, departures and recoveries, 一事一议;
- ``office``: users and permissions, settings, the audit trail (chain, anchor, seals),
  backups, integrity, database locations;
- ``exchange``: imports (roster, reviews, payments, facts), ledgers and printed forms,
  the demo database;
- ``care``: service cases of the talent card, return visits, the housing register;
- ``finance``: budget lines (人才开发资金) and the 资金测算 against commitments;
- ``overview``: the 首页 figures.

The groups depend one way: ``exchange`` and ``overview`` use ``benefits`` and ``register``,
which use ``office`` (only ``office.settings`` reaches back, to ``benefits.packs``, a leaf
that loads policy packs). Whether anything is payable is answered by ``talentdesk.rules``.
"""

from talentdesk.services.context import ServiceContext

__all__ = ["ServiceContext"]
