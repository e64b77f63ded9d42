"""User accounts: hashing, first admin, log-in with lock-out, admin-only user management."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from talentdesk.domain.errors import ConflictError, PermissionDenied, ValidationError
from talentdesk.models.entities import User
from talentdesk.services.office import backup, settings, users
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

ADMIN_PW = "Admin-pass-1"


@pytest.fixture
def admin(db):
    users.create_first_admin(db, "admin", ADMIN_PW, "管理员甲")
    return users.authenticate(db, "admin", ADMIN_PW)


class _Ev:
    def __init__(self, e):
        self.user, self.action, self.entity_id = e.user, e.action, e.entity_id
        self.before = audit.dumps(e.before) or ""
        self.after = audit.dumps(e.after) or ""


def _events(db, action=None):
    events = [_Ev(e) for e in reversed(audit.list_events(ServiceContext(db)))]
    return [e for e in events if action is None or e.action == action]


def test_password_hash_is_scrypt_salted_and_never_clear():
    h1, h2 = users.hash_password("秘密-password-1"), users.hash_password("秘密-password-1")
    assert h1.startswith("scrypt$131072$8$1$") and h1 != h2  # random salt
    assert "password" not in h1
    assert users.verify_password("秘密-password-1", h1)
    assert not users.verify_password("秘密-password-2", h1)
    assert not users.verify_password("x", "garbage")


def test_password_policy():
    with pytest.raises(ValidationError, match="至少需要 8 个字符"):
        users.check_password_policy("short")
    with pytest.raises(ValidationError, match="不能与用户名相同"):
        users.check_password_policy("zhangwei1", "zhangwei1")
    with pytest.raises(ValidationError, match="过于简单"):
        users.check_password_policy("aaaaaaaaaa")


def test_single_user_mode_until_first_admin(db):
    assert not users.has_accounts(db)
    info = users.create_first_admin(db, "admin", ADMIN_PW)
    assert info.role == "admin" and users.has_accounts(db)
    with pytest.raises(ConflictError):
        users.create_first_admin(db, "second", ADMIN_PW)
    # The password is stored only as a hash and never reaches the audit trail.
    with db.read() as s:
        stored = s.execute(select(User.password_hash)).scalar_one()
    assert ADMIN_PW not in stored
    assert all(ADMIN_PW not in (e.after or "") + (e.before or "") for e in _events(db))


def test_single_user_mode_can_add_only_the_first_admin(db):
    ctx = ServiceContext(db)
    with pytest.raises(PermissionDenied, match="第一个账户必须是管理员"):
        users.add_user(ctx, "clerk", "Clerk-pass-1", "clerk")
    users.add_user(ctx, "boss", "Boss-pass-1", "管理员")
    with pytest.raises(PermissionDenied, match="请先登录"):
        users.add_user(ctx, "other", "Other-pass-1", "admin")


def test_login_success_and_failure_are_audited(db, admin):
    assert admin.user == "admin" and admin.role == "admin"
    with pytest.raises(users.AuthError, match="用户名或密码错误") as known:
        users.authenticate(db, "admin", "wrong-password")
    with pytest.raises(users.AuthError, match="用户名或密码错误") as unknown:
        users.authenticate(db, "nobody", "wrong-password")
    assert unknown.value.message == known.value.message  # same words: names cannot be probed
    actions = [(e.user, e.action) for e in _events(db)]
    assert ("admin", "login") in actions
    assert actions.count(("admin", "login_failed")) == 1 and ("nobody", "login_failed") in actions
    assert audit.verify(admin).ok


def test_lockout_after_repeated_failures_and_admin_unlock(db, admin):
    users.add_user(admin, "clerk", "Clerk-pass-1", "clerk")
    for n in range(users.MAX_FAILED - 1):
        with pytest.raises(users.AuthError) as refused:
            users.authenticate(db, "clerk", "bad-password")
        assert refused.value.message == users.wrong_message(users.MAX_FAILED - 1 - n)
    with pytest.raises(users.AuthError, match="已锁定"):
        users.authenticate(db, "clerk", "bad-password")
    # Even the right password is refused while locked.
    with pytest.raises(users.AuthError, match="已锁定"):
        users.authenticate(db, "clerk", "Clerk-pass-1")
    assert [e.entity_id for e in _events(db, "lock")] == ["clerk"]
    assert users.get_user(admin, "clerk").locked
    users.unlock_user(admin, "clerk")
    assert users.authenticate(db, "clerk", "Clerk-pass-1").role == "clerk"


def test_lock_expires(db, admin):
    users.add_user(admin, "clerk", "Clerk-pass-1", "clerk")
    for _ in range(users.MAX_FAILED):
        with pytest.raises(users.AuthError):
            users.authenticate(db, "clerk", "bad-password")
    with db.write() as s:  # the lock-out time has passed
        s.execute(update(User).where(User.username == "clerk")
                  .values(locked_until=dt.datetime(2000, 1, 1)))
    assert users.authenticate(db, "clerk", "Clerk-pass-1").user == "clerk"


def test_disabled_user_cannot_log_in(db, admin):
    users.add_user(admin, "clerk", "Clerk-pass-1", "clerk")
    users.disable_user(admin, "clerk")
    with pytest.raises(users.AuthError, match="已停用"):
        users.authenticate(db, "clerk", "Clerk-pass-1")
    users.enable_user(admin, "clerk")
    assert users.authenticate(db, "clerk", "Clerk-pass-1")


def test_change_password(db, admin):
    users.add_user(admin, "clerk", "Clerk-pass-1", "clerk")
    clerk = users.authenticate(db, "clerk", "Clerk-pass-1")
    with pytest.raises(users.AuthError, match="原密码不正确"):
        users.change_password(clerk, "nope-nope-1", "Clerk-pass-2")
    with pytest.raises(ValidationError):
        users.change_password(clerk, "Clerk-pass-1", "short")
    users.change_password(clerk, "Clerk-pass-1", "Clerk-pass-2")
    with pytest.raises(users.AuthError):
        users.authenticate(db, "clerk", "Clerk-pass-1")
    assert users.authenticate(db, "clerk", "Clerk-pass-2")
    users.set_password(admin, "clerk", "Reset-pass-3")
    assert users.authenticate(db, "clerk", "Reset-pass-3")
    texts = [e.after + e.before for e in _events(db)]
    assert not any(pw in t for t in texts for pw in ("Clerk-pass", "Reset-pass"))


def test_only_admin_manages_users_settings_and_restore(db, admin, tmp_path):
    users.add_user(admin, "clerk", "Clerk-pass-1", "clerk")
    users.add_user(admin, "rev", "Review-pass-1", "reviewer")
    for name, pw in (("clerk", "Clerk-pass-1"), ("rev", "Review-pass-1")):
        ctx = users.authenticate(db, name, pw)
        with pytest.raises(PermissionDenied, match="管理员"):
            users.add_user(ctx, "x" + name, "Other-pass-1", "admin")
        with pytest.raises(PermissionDenied):
            users.list_users(ctx)
        with pytest.raises(PermissionDenied):
            users.set_role(ctx, name, "admin")  # no self-promotion
        with pytest.raises(PermissionDenied):
            users.unlock_user(ctx, name)
        with pytest.raises(PermissionDenied):
            settings.save_settings(ctx, office_name="改名")
        with pytest.raises(PermissionDenied):
            backup.restore(ctx, tmp_path / "whatever.sqlite3")
        with pytest.raises(PermissionDenied):
            users.get_user(ctx, "admin")
    assert users.get_user(users.authenticate(db, "clerk", "Clerk-pass-1"), "clerk").role == "clerk"
    assert [u.username for u in users.list_users(admin)] == ["admin", "clerk", "rev"]


def test_last_admin_cannot_be_disabled_or_demoted(db, admin):
    with pytest.raises(ConflictError, match="最后一个管理员"):
        users.set_role(admin, "admin", "clerk")
    users.add_user(admin, "admin2", "Admin2-pass-1", "admin")
    with pytest.raises(ConflictError, match="自己"):
        users.disable_user(admin, "admin")
    users.set_role(admin, "admin2", "reviewer")
    assert users.get_user(admin, "admin2").role == "reviewer"


def test_duplicate_and_bad_usernames(db, admin):
    with pytest.raises(ConflictError):
        users.add_user(admin, "admin", "Other-pass-1", "clerk")
    with pytest.raises(ValidationError):
        users.add_user(admin, "bad name; drop", "Other-pass-1", "clerk")
    with pytest.raises(ValidationError, match="角色"):
        users.add_user(admin, "ok", "Other-pass-1", "boss")


def test_concurrent_wrong_passwords_all_count(db, admin):
    """Two PCs trying passwords at the same moment: no attempt is lost (row lock)."""
    import threading

    from talentdesk.models.db import Database

    users.add_user(admin, "clerk", "Clerk-pass-1", "clerk")
    other = Database(db.url)
    try:
        barrier = threading.Barrier(4)

        def attempt(database):
            barrier.wait()
            try:
                users.authenticate(database, "clerk", "bad-password")
            except users.AuthError:
                pass

        threads = [threading.Thread(target=attempt, args=(d,)) for d in (db, other, db, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        other.dispose()
    assert users.get_user(admin, "clerk").failed_attempts == 4


def test_overlong_password_is_refused_cheaply(db, admin):
    with pytest.raises(ValidationError, match="不能超过"):
        users.add_user(admin, "long", "x1" * 200, "clerk")
    with pytest.raises(users.AuthError):
        users.authenticate(db, "admin", "y" * 1_000_000)
