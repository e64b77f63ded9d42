"""How the CLI obtains its ServiceContext: single-user mode or a real log-in.

- No accounts in the database yet: single-user mode, every command works as before.
  A typed ``--user`` (or ``TALENTDESK_USER``) is not checked by anything, so it is not
  taken as the actor: the command runs as 单机用户 with a warning on stderr.
- Once an account exists: ``--user`` (or ``TALENTDESK_USER``) is required, and the
  password comes from ``TALENTDESK_PASSWORD`` or, on a terminal, a hidden prompt.
  ``users.authenticate`` checks it (lock-out, audit events).

After the context is made, the first command of the day makes the automatic daily
backup (SQLite only); a failure there is a warning on stderr, never a failed command.
"""

from __future__ import annotations

import getpass
import os
import sys

from talentdesk.domain.errors import PermissionDenied
from talentdesk.services.context import ServiceContext


def read_password(username: str) -> str:
    password = os.environ.get("TALENTDESK_PASSWORD")
    if password is not None:
        return password
    if sys.stdin is None or not sys.stdin.isatty():
        raise PermissionDenied("需要密码：请设置环境变量 TALENTDESK_PASSWORD，或在终端中运行以输入密码")
    return getpass.getpass(f"用户“{username}”的密码：")


def login_context(db, username: str | None) -> ServiceContext:
    """Single-user context when there are no accounts, else a checked log-in."""
    from talentdesk.services.office import users

    if not users.has_accounts(db):
        if username:
            sys.stderr.write(f"提示：此数据库尚未启用用户账户（单机模式），--user “{username}”未经验证，"
                             "操作记为“单机用户”。启用账户：talentdesk init --admin 用户名\n")
        return ServiceContext(db)
    if not username:
        raise PermissionDenied("此数据库已启用用户账户：请用 --user 用户名（或环境变量 TALENTDESK_USER）登录")
    return users.authenticate(db, username, read_password(username),
                              recovery_code=os.environ.get("TALENTDESK_RECOVERY_CODE") or None)


def cli_context(app) -> ServiceContext:
    """On a dry run (``app.database()`` is a rehearsal) the log-in's audit events are rolled
    back with everything else, and no daily backup is made."""
    db = app.database()
    if db.dry_run:
        return _dry_run_login(app, db, getattr(app.args, "user", None))
    ctx = login_context(db, getattr(app.args, "user", None))
    _daily_backup(ctx)
    return ctx


def _dry_run_login(app, rehearsal, username: str | None) -> ServiceContext:
    """A successful log-in of a dry run leaves no trace; a failed one is recorded on the
    real database as always (a dry run is no way round the lock-out)."""
    from talentdesk.services.office import users

    if not users.has_accounts(rehearsal) or not username:
        return login_context(rehearsal, username)
    password = read_password(username)
    try:
        return users.authenticate(rehearsal, username, password)
    except PermissionDenied:
        users.authenticate(app.real_database(), username, password)  # records the failure, raises again
        raise


def _daily_backup(ctx: ServiceContext) -> None:
    from talentdesk.services.office import backup

    try:
        result = backup.auto_daily(ctx)
    except Exception as exc:  # a backup problem must not stop the clerk's command
        sys.stderr.write(f"警告：自动备份失败：{getattr(exc, 'message', exc)}\n")
        return
    if result.warning:
        sys.stderr.write(f"警告：{result.message}\n")
