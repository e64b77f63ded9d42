"""User accounts: passwords, log-in with lock-out, and user administration.

Passwords are hashed with scrypt (``hashlib.scrypt``, memory-hard: n=2**17, r=8, p=1,
128 MiB per hash) and a random 16-byte salt; the stored text is
``scrypt$n$r$p$salt$hash`` (base64), so the cost can be raised later and old hashes
still verify. A hash made with a lower cost (n=2**14 before) is replaced by one at the
current cost at the next successful log-in. A password is never stored, logged or
written into an audit event.

A database with no accounts runs in single-user mode (``ServiceContext.role is None``).
``create_first_admin`` turns accounts on; from then on every CLI command and the GUI
need a log-in (``authenticate``), which returns the ServiceContext for that user.

Log-ins, failed log-ins, lock-outs and every change to an account are audit events.
After ``MAX_FAILED`` wrong passwords in a row the account is locked for
``LOCK_MINUTES`` minutes (an admin can unlock it at once). Every refusal says how many
tries remain (an unknown name counts its recent failures from the audit trail, so the
answer does not tell whether the name exists).

A stranger must not be able to lock the office out: ``create_first_admin`` (``init
--admin``) makes a recovery code (``RecoveryCode``, 80 random bits, shown once, stored
only as a scrypt hash in the ``setting`` table under ``recovery_code:NAME``). The right
password together with the account's recovery code logs in even while the account is
locked (audited as a log-in ``via: recovery_code``); a wrong code counts as a failure.
An admin makes a new code with ``new_recovery_code`` (``talentdesk user recovery-code``),
which replaces the old one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from talentdesk.domain.errors import (ConflictError, FieldError, NotFoundError, PermissionDenied,
                                      TalentDeskError, ValidationError)
from talentdesk.domain.status import ROLES
from talentdesk.models.base import utcnow
from talentdesk.models.db import Database
from talentdesk.models.entities import AuditEvent, Setting, User
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

SCRYPT_N, SCRYPT_R, SCRYPT_P, DKLEN = 2 ** 17, 8, 1, 32
# OpenSSL needs 128*r*n bytes (128 MiB at n=2**17) plus a little: allow twice that.
SCRYPT_MAXMEM = 2 * 128 * SCRYPT_R * SCRYPT_N
MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LEN = 8
MAX_PASSWORD_LEN = 256
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,40}$")
ROLE_BY_NAME = {v: k for k, v in ROLES.items()}


WRONG = "用户名或密码错误"
RECOVERY_KEY = "recovery_code:"


def wrong_message(remaining: int) -> str:
    """The refusal for a wrong name or password, with the tries left before the lock-out."""
    return (f"{WRONG}，还可再试 {remaining} 次（连续输错 {MAX_FAILED} 次，账户将锁定 {LOCK_MINUTES} 分钟；"
            f"忘记密码请管理员在 系统 → 用户管理 中重设）")


class AuthError(PermissionDenied):
    """Log-in refused (wrong name or password, locked, disabled)."""


# -- password hashing -----------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=DKLEN, maxmem=SCRYPT_MAXMEM)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected), maxmem=min(max(SCRYPT_MAXMEM, 2 * 128 * int(r) * int(n)), 1 << 30))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def needs_rehash(stored: str) -> bool:
    """True for a hash made with a lower cost than today's (rehashed at the next log-in)."""
    try:
        scheme, n, r, p, _salt, _digest = stored.split("$")
        return scheme != "scrypt" or (int(n), int(r), int(p)) < (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    except ValueError:
        return True


# A hash to compare against when the user name is unknown, so both cases take as long.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


def check_password_policy(password: str, username: str = "") -> None:
    problems = []
    if len(password) < MIN_PASSWORD_LEN:
        problems.append(f"密码至少需要 {MIN_PASSWORD_LEN} 个字符")
    if len(password) > MAX_PASSWORD_LEN:
        problems.append(f"密码不能超过 {MAX_PASSWORD_LEN} 个字符")
    if username and password.strip().lower() == username.strip().lower():
        problems.append("密码不能与用户名相同")
    if password and len(set(password)) < 3:
        problems.append("密码过于简单（至少包含 3 个不同字符）")
    if problems:
        raise ValidationError([FieldError("password", "密码", None, "；".join(problems))])


# -- plain data out ------------------------------------------------------------

@dataclass
class UserInfo:
    id: int
    username: str
    display_name: str | None
    role: str
    active: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    created_at: dt.datetime | None
    # Only on the UserInfo that create_first_admin returns: shown once, never stored in clear.
    recovery_code: str | None = None
    office_id: int | None = None  # the office the user works for (services.office.offices)

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > utcnow()

    @property
    def status_label(self) -> str:
        if not self.active:
            return "已停用"
        if self.locked:
            return "已锁定"
        return "正常"

    def as_dict(self) -> dict:
        return {"username": self.username, "display_name": self.display_name, "role": self.role,
                "role_name": self.role_name, "active": self.active, "locked": self.locked,
                "locked_until": self.locked_until.isoformat(timespec="seconds") if self.locked_until else None,
                "failed_attempts": self.failed_attempts, "status": self.status_label,
                "created_at": self.created_at.isoformat(timespec="seconds") if self.created_at else None,
                **({"office_id": self.office_id} if self.office_id is not None else {})}


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, bool(u.active), u.failed_attempts or 0,
                    u.locked_until, u.created_at, office_id=u.office_id)


def _snapshot(u: User) -> dict:
    return {"username": u.username, "display_name": u.display_name, "role": u.role, "active": bool(u.active)}


# -- validation helpers ---------------------------------------------------------

def normalize_role(role: str) -> str:
    role = (role or "").strip()
    if role in ROLES:
        return role
    if role in ROLE_BY_NAME:
        return ROLE_BY_NAME[role]
    raise ValidationError([FieldError("role", "角色", role, "角色应为：" + "、".join(
        f"{v}（{k}）" for k, v in ROLES.items()))])


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError([FieldError("username", "用户名", username,
                                          "用户名应为 1-40 个汉字、字母、数字或 _ . -")])
    return username


def _get(session, username: str) -> User:
    u = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if u is None:
        raise NotFoundError(f"没有用户“{username}”")
    return u


def _active_admins(session) -> int:
    return session.execute(select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))
                           ).scalar_one()


# -- queries ----------------------------------------------------------------------

def has_accounts(db: Database) -> bool:
    """True once any account exists (then every use needs a log-in)."""
    with db.read() as session:
        return session.execute(select(User.id).limit(1)).first() is not None


def list_users(ctx: ServiceContext) -> list[UserInfo]:
    permissions.require(ctx, "users.manage")
    with ctx.read() as session:
        return [_info(u) for u in session.execute(select(User).order_by(User.id)).scalars()]


def display_names(ctx: ServiceContext) -> dict[str, str]:
    """{log-in name: the person's name} of every account, for tables that show who proposed or
    approved (names, not log-in codes); an account without a name keeps its log-in name."""
    with ctx.read() as session:
        return {u: (d or u) for u, d in session.execute(select(User.username, User.display_name))}


def get_user(ctx: ServiceContext, username: str) -> UserInfo:
    if username != ctx.user:
        permissions.require(ctx, "users.manage")
    with ctx.read() as session:
        return _info(_get(session, username))


# -- recovery codes -----------------------------------------------------------------

def _new_code() -> str:
    """80 random bits as 4 groups of 4 base-32 letters and digits (no 0/O/1/I to misread)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    chars = [secrets.choice(alphabet) for _ in range(16)]
    return "-".join("".join(chars[i:i + 4]) for i in range(0, 16, 4))


def _normal_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _store_recovery_code(session, username: str) -> str:
    code = _new_code()
    key = RECOVERY_KEY + username
    row = session.get(Setting, key)
    value = '"' + hash_password(_normal_code(code)) + '"'
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    return code


def _recovery_code_ok(session, username: str, code: str | None) -> bool:
    if not code:
        return False
    row = session.get(Setting, RECOVERY_KEY + username)
    if row is None:
        return False
    return verify_password(_normal_code(code), row.value.strip('"'))


def new_recovery_code(ctx: ServiceContext) -> str:
    """A new recovery code for the logged-in administrator (the old one stops working).
    Shown once: print it and keep it locked away."""
    permissions.require(ctx, "users.manage")
    if ctx.user is None:
        raise PermissionDenied("单机模式下没有用户账户，请先创建管理员账户")
    with ctx.write() as session:
        _get(session, ctx.user)
        code = _store_recovery_code(session, ctx.user)
        audit.record(session, ctx.actor, "update", "user", ctx.user, after={"recovery_code": "已重新生成"})
    return code


# -- single-user mode ---------------------------------------------------------------

SINGLE_USER_KEY = "single_user_mode"


def single_user_chosen(db: Database) -> bool:
    """True once someone chose 单机单人使用，不设账户 at the first start (and no account
    exists since)."""
    with db.read() as session:
        return session.get(Setting, SINGLE_USER_KEY) is not None


def choose_single_user(db: Database) -> None:
    """Record the explicit choice to work without accounts (an audit event and a setting,
    so later starts do not ask again). Refused once accounts exist."""
    import json

    with db.write() as session:
        if session.execute(select(User.id).limit(1)).first() is not None:
            raise ConflictError("已经存在用户账户，不能改为单机模式")
        value = json.dumps({"chosen_at": utcnow().isoformat(timespec="seconds")})
        row = session.get(Setting, SINGLE_USER_KEY)
        if row is None:
            session.add(Setting(key=SINGLE_USER_KEY, value=value))
        else:
            row.value = value
        audit.record(session, ServiceContext(db).actor, "single_user", "user", None,
                     after={"choice": "单机单人使用，不设账户"})


# -- creating accounts ------------------------------------------------------------

def create_first_admin(db: Database, username: str, password: str, display_name: str | None = None) -> UserInfo:
    """Create the first administrator; only while the database has no accounts yet.

    The returned UserInfo carries the admin's recovery code (``recovery_code``), shown once."""
    username = _check_username(username)
    check_password_policy(password, username)
    hashed = hash_password(password)
    with db.write() as session:
        if session.execute(select(User.id).limit(1)).first() is not None:
            raise ConflictError("已经存在用户账户，不能再创建“首个管理员”；请由管理员登录后添加用户")
        u = User(username=username, display_name=display_name or None, role="admin", password_hash=hashed,
                 failed_attempts=0, active=True)
        session.add(u)
        session.flush()
        audit.record(session, username, "create", "user", username, after=_snapshot(u))
        code = _store_recovery_code(session, username)
        info = _info(u)
        info.recovery_code = code
        return info


def add_user(ctx: ServiceContext, username: str, password: str, role: str,
             display_name: str | None = None, office: str | None = None) -> UserInfo:
    """Add an account (admin only). In single-user mode only the first admin can be added.
    ``office``: the code or name of the office the user works for (``offices``)."""
    role = normalize_role(role)
    if ctx.role is None:
        if has_accounts(ctx.db):
            raise PermissionDenied("数据库已启用用户账户，请先登录")
        if role != "admin":
            raise PermissionDenied("尚无用户账户：第一个账户必须是管理员（talentdesk init --admin 用户名）")
        return create_first_admin(ctx.db, username, password, display_name)
    permissions.require(ctx, "users.manage")
    username = _check_username(username)
    check_password_policy(password, username)
    hashed = hash_password(password)
    with ctx.write() as session:
        if session.execute(select(User.id).where(User.username == username)).first():
            raise ConflictError(f"用户“{username}”已存在")
        from talentdesk.services.office import offices

        u = User(username=username, display_name=display_name or None, role=role, password_hash=hashed,
                 failed_attempts=0, active=True, office_id=offices.office_id_of(session, office))
        session.add(u)
        session.flush()
        after = _snapshot(u) | ({"office": offices.scope_name(session, u.office_id)} if u.office_id else {})
        audit.record(session, ctx.actor, "create", "user", username, after=after)
        return _info(u)


# -- log-in -----------------------------------------------------------------------

def _lock_message(until: dt.datetime) -> str:
    local = until.replace(tzinfo=dt.timezone.utc).astimezone()
    return (f"密码连续输错 {MAX_FAILED} 次，账户已锁定至 {local:%H:%M}（还可再试 0 次）；"
            f"请稍后再试，或请管理员在 系统 → 用户管理 中解锁（命令行：talentdesk user unlock 用户名）；"
            f"管理员本人可用密码加恢复码登录")


def authenticate(db: Database, username: str, password: str, recovery_code: str | None = None) -> ServiceContext:
    """Check a user's password; return the ServiceContext for that user.

    Raises AuthError with a Chinese message. Every attempt is an audit event
    (``login`` or ``login_failed``; ``lock`` when the account gets locked). With the
    account's ``recovery_code`` the right password logs in even while it is locked.
    """
    from sqlalchemy.exc import OperationalError

    try:
        return _authenticate(db, username, password, recovery_code)
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise TalentDeskError("数据库正忙（其他用户正在导入或批量处理），请稍后再登录") from None
        raise


def _unknown_failures(session, username: str, now: dt.datetime) -> int:
    """Recent failed log-ins under a name that has no account (from the audit trail)."""
    return session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "login_failed", AuditEvent.entity == "user", AuditEvent.entity_id == username,
        AuditEvent.at >= now - dt.timedelta(minutes=LOCK_MINUTES))).scalar_one()


def _authenticate(db: Database, username: str, password: str, recovery_code: str | None = None) -> ServiceContext:
    username = (username or "").strip()
    password = password or ""
    now = utcnow()
    with db.write() as session:
        # FOR UPDATE (PostgreSQL): two wrong passwords at once both count towards the lock-out.
        u = session.execute(select(User).where(User.username == username).with_for_update()).scalar_one_or_none()
        if u is not None and len(password) > MAX_PASSWORD_LEN:
            password = password[: MAX_PASSWORD_LEN + 1]  # cannot match; bounded hashing cost
        locked = u is not None and u.locked_until is not None and u.locked_until > now
        if u is None:
            verify_password(password, _dummy_hash())
            name = username[:40] or None
            earlier = _unknown_failures(session, name, now) if name else 0
            audit.record(session, name, "login_failed", "user", name, after={"reason": "unknown user"})
            # The same answers as for a real account: tries left, then "locked".
            done = earlier % MAX_FAILED + 1
            if done >= MAX_FAILED:
                failure = AuthError(_lock_message(now + dt.timedelta(minutes=LOCK_MINUTES)))
            else:
                failure = AuthError(wrong_message(MAX_FAILED - done))
        elif locked and not recovery_code:
            audit.record(session, u.username, "login_failed", "user", u.username, after={"reason": "locked"})
            failure = AuthError(_lock_message(u.locked_until))
        elif not verify_password(password, u.password_hash) or (
                locked and not _recovery_code_ok(session, u.username, recovery_code)):
            reason = "wrong password" if not locked else "wrong password or recovery code while locked"
            if locked:
                audit.record(session, u.username, "login_failed", "user", u.username, after={"reason": reason})
                failure = AuthError(_lock_message(u.locked_until))
            else:
                u.failed_attempts = (u.failed_attempts or 0) + 1
                audit.record(session, u.username, "login_failed", "user", u.username,
                             after={"reason": reason, "failed_attempts": u.failed_attempts})
                if u.failed_attempts >= MAX_FAILED:
                    u.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                    u.failed_attempts = 0
                    audit.record(session, u.username, "lock", "user", u.username,
                                 after={"locked_until": u.locked_until})
                    failure = AuthError(_lock_message(u.locked_until))
                else:
                    failure = AuthError(wrong_message(MAX_FAILED - u.failed_attempts))
        elif not u.active:
            audit.record(session, u.username, "login_failed", "user", u.username, after={"reason": "disabled"})
            failure = AuthError(f"账户“{u.username}”已停用，请联系管理员")
        else:
            u.failed_attempts = 0
            u.locked_until = None
            after = {"role": u.role}
            if locked:
                after["via"] = "recovery_code"
            if needs_rehash(u.password_hash):
                u.password_hash = hash_password(password)
                after["password_hash"] = "已升级为当前强度"
            audit.record(session, u.username, "login", "user", u.username, after=after)
            from talentdesk.services.office import offices

            return ServiceContext(db, user=u.username, role=u.role,
                                  extra={"display_name": u.display_name or u.username},
                                  **offices.context_fields(session, u.office_id))
    raise failure


# -- changes to accounts ------------------------------------------------------------

def change_password(ctx: ServiceContext, old_password: str, new_password: str) -> None:
    """The logged-in user changes her own password (the old one is checked)."""
    if ctx.user is None or ctx.role is None:
        raise PermissionDenied("单机模式下没有用户账户，请先创建管理员账户")
    check_password_policy(new_password, ctx.user)
    with ctx.write() as session:
        u = _get(session, ctx.user)
        if not verify_password(old_password, u.password_hash):
            raise AuthError("原密码不正确")
        if verify_password(new_password, u.password_hash):
            raise ValidationError([FieldError("password", "密码", None, "新密码不能与原密码相同")])
        u.password_hash = hash_password(new_password)
        audit.record(session, ctx.actor, "password", "user", u.username, after={"password": "已修改"})


def set_password(ctx: ServiceContext, username: str, new_password: str) -> None:
    """An admin sets another user's password (e.g. a forgotten one); also unlocks."""
    permissions.require(ctx, "users.manage")
    check_password_policy(new_password, username)
    hashed = hash_password(new_password)
    with ctx.write() as session:
        u = _get(session, username)
        u.password_hash = hashed
        u.failed_attempts = 0
        u.locked_until = None
        audit.record(session, ctx.actor, "password", "user", u.username, after={"password": "管理员重置"})


def _update(ctx: ServiceContext, username: str, action: str, **changes) -> UserInfo:
    permissions.require(ctx, "users.manage")
    with ctx.write() as session:
        u = _get(session, username)
        before = _snapshot(u) | {"locked": u.locked_until is not None and u.locked_until > utcnow()}
        losing_admin = (u.role == "admin" and u.active
                        and (changes.get("active") is False or changes.get("role", "admin") != "admin"))
        if losing_admin and _active_admins(session) <= 1:
            raise ConflictError("不能停用或降级最后一个管理员账户，否则将无人能管理用户和恢复数据")
        if changes.get("active") is False and u.username == ctx.user:
            raise ConflictError("不能停用自己正在使用的账户")
        for k, v in changes.items():
            setattr(u, k, v)
        session.flush()
        after = _snapshot(u) | {"locked": u.locked_until is not None and u.locked_until > utcnow()}
        b, a = audit.diff(before, after)
        audit.record(session, ctx.actor, action, "user", u.username, before=b or None, after=a or None)
        return _info(u)


def disable_user(ctx: ServiceContext, username: str) -> UserInfo:
    return _update(ctx, username, "disable", active=False)


def enable_user(ctx: ServiceContext, username: str) -> UserInfo:
    return _update(ctx, username, "enable", active=True, failed_attempts=0, locked_until=None)


def unlock_user(ctx: ServiceContext, username: str) -> UserInfo:
    return _update(ctx, username, "unlock", failed_attempts=0, locked_until=None)


def set_role(ctx: ServiceContext, username: str, role: str) -> UserInfo:
    return _update(ctx, username, "update", role=normalize_role(role))


def set_display_name(ctx: ServiceContext, username: str, display_name: str | None) -> UserInfo:
    return _update(ctx, username, "update", display_name=(display_name or "").strip() or None)


__all__ = ["AuthError", "UserInfo", "TalentDeskError", "has_accounts", "create_first_admin", "add_user",
           "authenticate", "change_password", "set_password", "disable_user", "enable_user", "unlock_user",
           "set_role", "set_display_name", "list_users", "get_user", "hash_password", "verify_password",
           "check_password_policy", "normalize_role", "MAX_FAILED", "LOCK_MINUTES", "needs_rehash",
           "new_recovery_code", "wrong_message", "single_user_chosen", "choose_single_user"]
