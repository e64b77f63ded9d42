"""Whether a database is a demo database (演示数据), and the words that say so.

``demo.generate`` writes the setting ``demo_database = true`` (a row of the ``setting``
table that is not one of the office settings: no one switches it off in 系统设置). The
window title and status bar, every printout and ledger, the CLI and the importer ask
``is_demo``. A module of its own with no other service imports, so that the reports, the
CLI, the importer and the UI may ask without an import circle.
"""

from __future__ import annotations

from talentdesk.models.entities import Setting

DEMO_SETTING = "demo_database"
DEMO_MARK = "演示数据"
DEMO_WARNING = "此数据库是演示数据库（demo_database = true），其中的记录均为虚构：请勿在此录入或导入正式工作数据"


def is_demo_session(session) -> bool:
    row = session.get(Setting, DEMO_SETTING)
    return row is not None and row.value.strip().strip('"').lower() in ("true", "1")


def is_demo(ctx_or_db) -> bool:
    """True when the database was made by ``demo.generate`` (``demo_database = true``)."""
    db = getattr(ctx_or_db, "db", ctx_or_db)
    with db.read() as session:
        return is_demo_session(session)
