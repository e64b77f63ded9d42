"""Use cases: every change the CLI or the GUI makes goes through a function here.

Each function takes a ``ServiceContext`` (the database and the acting user), runs as
one transaction, writes its audit events in that same transaction, and returns plain
data (dataclasses and dicts), never live ORM objects.
"""

from talentdesk.services.context import ServiceContext

__all__ = ["ServiceContext"]
