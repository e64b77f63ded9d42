"""How the CLI obtains its ServiceContext.

Single-user mode for now: every command runs as the local user. The accounts issue
replaces ``cli_context`` with a login that honours ``--user``/``TALENTDESK_USER`` and
``TALENTDESK_PASSWORD``.
"""

from __future__ import annotations

from talentdesk.services.context import ServiceContext


def cli_context(app) -> ServiceContext:
    return ServiceContext(app.database(), user=getattr(app.args, "user", None))
