"""Issue 15 (privacy and accounts): password cost, rehash on log-in, a way in for an
administrator that a stranger cannot block, lock-out messages (issue 21)."""

import base64
import hashlib
import secrets

import pytest
from sqlalchemy import select

from talentdesk.models.entities import Setting, User
from talentdesk.services.office import users
from talentdesk.services.office.audit import log as audit

ADMIN_PW = "Admin-pass-1"


def _old_hash(password: str) -> str:
    """A hash as main made it before (n=2**14)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2 ** 14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _stored_hash(db, name: str) -> str:
    with db.read() as s:
        return s.execute(select(User.password_hash).where(User.username == name)).scalar_one()


def test_scrypt_cost_is_n_2_17_r_8_p_1():
    stored = users.hash_password("秘密-password-1")
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2 ** 17, 8, 1)
    assert users.verify_password("秘密-password-1", stored)
    assert not users.needs_rehash(stored)


def test_old_hash_still_verifies_and_is_rehashed_at_log_in(db):
    users.create_first_admin(db, "admin", ADMIN_PW)
    with db.write() as s:
        s.execute(select(User).where(User.username == "admin")).scalar_one().password_hash = _old_hash(ADMIN_PW)
    assert users.needs_rehash(_stored_hash(db, "admin"))
    ctx = users.authenticate(db, "admin", ADMIN_PW)
    stored = _stored_hash(db, "admin")
    assert stored.startswith("scrypt$131072$8$1$") and not users.needs_rehash(stored)
    assert users.authenticate(db, "admin", ADMIN_PW).user == "admin"
    assert any("password_hash" in (audit.dumps(e.after) or "")
               for e in audit.list_events(ctx) if e.action == "login")  # the upgrade is audited
    # A wrong password does not rehash (nor unlock anything).
    with db.write() as s:
        s.execute(select(User).where(User.username == "admin")).scalar_one().password_hash = _old_hash(ADMIN_PW)
    with pytest.raises(users.AuthError):
        users.authenticate(db, "admin", "wrong-password")
    assert users.needs_rehash(_stored_hash(db, "admin"))


def _lock(db, name: str) -> None:
    for _ in range(users.MAX_FAILED):
        with pytest.raises(users.AuthError):
            users.authenticate(db, name, "stranger-guess")


def test_a_stranger_cannot_lock_out_the_only_administrator(db):
    admin = users.create_first_admin(db, "admin", ADMIN_PW)
    code = admin.recovery_code
    assert code and len(code.replace("-", "")) == 16
    # The code is stored only as a hash.
    with db.read() as s:
        stored = s.execute(select(Setting.value).where(Setting.key == "recovery_code:admin")).scalar_one()
    assert code not in stored and code.replace("-", "") not in stored
    _lock(db, "admin")
    with pytest.raises(users.AuthError, match="已锁定"):
        users.authenticate(db, "admin", ADMIN_PW)
    # A wrong code, or the code without the password, does not get in.
    with pytest.raises(users.AuthError, match="已锁定"):
        users.authenticate(db, "admin", ADMIN_PW, recovery_code="AAAA-BBBB-CCCC-DDDD")
    with pytest.raises(users.AuthError, match="已锁定"):
        users.authenticate(db, "admin", "stranger-guess", recovery_code=code)
    # Password and recovery code: in, even though the account was locked (typed loosely).
    ctx = users.authenticate(db, "admin", ADMIN_PW, recovery_code=code.lower().replace("-", " "))
    assert ctx.role == "admin"
    assert not users.get_user(ctx, "admin").locked
    events = [e for e in audit.list_events(ctx) if e.action == "login"]
    assert any("recovery_code" in (audit.dumps(e.after) or "") for e in events)
    # A new code replaces the old one.
    new = users.new_recovery_code(ctx)
    assert new != code
    _lock(db, "admin")
    with pytest.raises(users.AuthError, match="已锁定"):
        users.authenticate(db, "admin", ADMIN_PW, recovery_code=code)
    assert users.authenticate(db, "admin", ADMIN_PW, recovery_code=new).user == "admin"


def test_refusals_say_how_many_tries_remain_and_where_to_unlock(db):
    admin = users.create_first_admin(db, "admin", ADMIN_PW)
    ctx = users.authenticate(db, "admin", ADMIN_PW)
    users.add_user(ctx, "clerk", "Clerk-pass-1", "clerk")
    messages = []
    for _ in range(users.MAX_FAILED):
        with pytest.raises(users.AuthError) as refused:
            users.authenticate(db, "clerk", "bad-password")
        messages.append(refused.value.message)
    assert [f"还可再试 {n} 次" in m for n, m in zip((4, 3, 2, 1), messages)] == [True] * 4
    assert "已锁定" in messages[-1] and "系统 → 用户管理" in messages[-1]
    # An unknown name gets the very same answers (it cannot be told from a real one).
    unknown = []
    for _ in range(users.MAX_FAILED):
        with pytest.raises(users.AuthError) as refused:
            users.authenticate(db, "nobody", "bad-password")
        unknown.append(refused.value.message)
    assert unknown[:4] == messages[:4]
    assert "已锁定" in unknown[-1]
    assert admin.username == "admin"


def test_cli_init_prints_the_recovery_code_and_the_cli_accepts_it(tmp_path, monkeypatch, capsys):
    from talentdesk.cli import main

    path = tmp_path / "office.sqlite3"
    monkeypatch.setenv("TALENTDESK_PASSWORD", ADMIN_PW)
    assert main(["--db", str(path), "--json", "init", "--admin", "admin"]) == 0
    import json

    code = json.loads(capsys.readouterr().out)["recovery_code"]
    from talentdesk.models.db import open_database

    db = open_database(path)
    try:
        _lock(db, "admin")
    finally:
        db.dispose()
    assert main(["--db", str(path), "--user", "admin", "user", "list"]) == 1
    assert "系统 → 用户管理" in capsys.readouterr().err
    monkeypatch.setenv("TALENTDESK_RECOVERY_CODE", code)
    assert main(["--db", str(path), "--user", "admin", "user", "list"]) == 0
    assert "admin" in capsys.readouterr().out


def test_single_user_mode_does_not_take_a_typed_user_name_as_the_actor(tmp_path, monkeypatch, capsys):
    from factories import talent_row
    from talentdesk.cli import main
    from talentdesk.models.db import open_database
    from talentdesk.services.context import ServiceContext

    path = tmp_path / "single.sqlite3"
    row = talent_row(姓名="单机")
    args = [f"{k}={v}" for k, v in row.items() if v is not None]
    assert main(["--db", str(path), "--user", "局长", "talent", "add", *args]) == 0
    assert "未经验证" in capsys.readouterr().err
    db = open_database(path)
    try:
        creators = {e.user for e in audit.list_events(ServiceContext(db)) if e.action == "create"}
    finally:
        db.dispose()
    assert creators == {"单机用户"}


def test_single_user_choice_is_recorded_and_refused_once_accounts_exist(db):
    assert not users.single_user_chosen(db)
    users.choose_single_user(db)
    assert users.single_user_chosen(db)
    from talentdesk.services.context import ServiceContext

    assert [e.action for e in audit.list_events(ServiceContext(db))].count("single_user") == 1
    users.create_first_admin(db, "admin", ADMIN_PW)
    from talentdesk.domain.errors import ConflictError

    with pytest.raises(ConflictError):
        users.choose_single_user(db)
