"""User accounts: passwords, log-in with lock-out, and user administration.

Passwords are hashed with scrypt (``hashlib.scrypt``, memory-hard: n=2**14, r=8, p=1,
16 MiB per hash) and a random 16-byte salt; the stored text is
``scrypt$n$r$p$salt$hash`` (base64), so the cost can be raised later and old hashes
still verify. A password is never stored, logged or written into an audit event.

A database with no accounts runs in single-user mode (``ServiceContext.role is None``).
``create_first_admin`` turns accounts on; from then on every CLI command and the GUI
need a log-in (``authenticate``), which returns the ServiceContext for that user.

Log-ins, failed log-ins, lock-outs and every change to an account are audit events.
After ``MAX_FAILED`` wrong passwords in a row the account is locked for
``LOCK_MINUTES`` minutes (an admin can unlock it at once).
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
from talentdesk.models.entities import User
from talentdesk.services import audit, permissions
from talentdesk.services.context import ServiceContext

SCRYPT_N, SCRYPT_R, SCRYPT_P, DKLEN = 2 ** 14, 8, 1, 32
MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LEN = 8
MAX_PASSWORD_LEN = 256
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,40}$")
ROLE_BY_NAME = {v: k for k, v in ROLES.items()}


WRONG = f"用户名或密码错误（连续输错 {MAX_FAILED} 次，账户将锁定 {LOCK_MINUTES} 分钟）"


class AuthError(PermissionDenied):
    """Log-in refused (wrong name or password, locked, disabled)."""


# -- password hashing -----------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=DKLEN)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected), maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


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
                "created_at": self.created_at.isoformat(timespec="seconds") if self.created_at else None}


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, bool(u.active), u.failed_attempts or 0,
                    u.locked_until, u.created_at)


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


def get_user(ctx: ServiceContext, username: str) -> UserInfo:
    if username != ctx.user:
        permissions.require(ctx, "users.manage")
    with ctx.read() as session:
        return _info(_get(session, username))


# -- creating accounts ------------------------------------------------------------

def create_first_admin(db: Database, username: str, password: str, display_name: str | None = None) -> UserInfo:
    """Create the first administrator; only while the database has no accounts yet."""
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
        return _info(u)


def add_user(ctx: ServiceContext, username: str, password: str, role: str,
             display_name: str | None = None) -> UserInfo:
    """Add an account (admin only). In single-user mode only the first admin can be added."""
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
        u = User(username=username, display_name=display_name or None, role=role, password_hash=hashed,
                 failed_attempts=0, active=True)
        session.add(u)
        session.flush()
        audit.record(session, ctx.actor, "create", "user", username, after=_snapshot(u))
        return _info(u)


# -- log-in -----------------------------------------------------------------------

def _lock_message(until: dt.datetime) -> str:
    local = until.replace(tzinfo=dt.timezone.utc).astimezone()
    return (f"密码连续输错 {MAX_FAILED} 次，账户已锁定至 {local:%H:%M}；"
            f"请稍后再试，或请管理员解锁（talentdesk user unlock 用户名）")


def authenticate(db: Database, username: str, password: str) -> ServiceContext:
    """Check a user's password; return the ServiceContext for that user.

    Raises AuthError with a Chinese message. Every attempt is an audit event
    (``login`` or ``login_failed``; ``lock`` when the account gets locked).
    """
    from sqlalchemy.exc import OperationalError

    try:
        return _authenticate(db, username, password)
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise TalentDeskError("数据库正忙（其他用户正在导入或批量处理），请稍后再登录") from None
        raise


def _authenticate(db: Database, username: str, password: str) -> ServiceContext:
    username = (username or "").strip()
    password = password or ""
    now = utcnow()
    with db.write() as session:
        # FOR UPDATE (PostgreSQL): two wrong passwords at once both count towards the lock-out.
        u = session.execute(select(User).where(User.username == username).with_for_update()).scalar_one_or_none()
        if u is not None and len(password) > MAX_PASSWORD_LEN:
            password = password[: MAX_PASSWORD_LEN + 1]  # cannot match; bounded hashing cost
        if u is None:
            verify_password(password, _dummy_hash())
            audit.record(session, username[:40] or None, "login_failed", "user", username[:40] or None,
                         after={"reason": "unknown user"})
            failure = AuthError(WRONG)
        elif u.locked_until is not None and u.locked_until > now:
            audit.record(session, u.username, "login_failed", "user", u.username, after={"reason": "locked"})
            failure = AuthError(_lock_message(u.locked_until))
        elif not verify_password(password, u.password_hash):
            u.failed_attempts = (u.failed_attempts or 0) + 1
            audit.record(session, u.username, "login_failed", "user", u.username,
                         after={"reason": "wrong password", "failed_attempts": u.failed_attempts})
            if u.failed_attempts >= MAX_FAILED:
                u.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                u.failed_attempts = 0
                audit.record(session, u.username, "lock", "user", u.username,
                             after={"locked_until": u.locked_until})
                failure = AuthError(_lock_message(u.locked_until))
            else:
                failure = AuthError(WRONG)  # the same words as for an unknown name
        elif not u.active:
            audit.record(session, u.username, "login_failed", "user", u.username, after={"reason": "disabled"})
            failure = AuthError(f"账户“{u.username}”已停用，请联系管理员")
        else:
            u.failed_attempts = 0
            u.locked_until = None
            audit.record(session, u.username, "login", "user", u.username, after={"role": u.role})
            return ServiceContext(db, user=u.username, role=u.role,
                                  extra={"display_name": u.display_name or u.username})
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
           "check_password_policy", "normalize_role", "MAX_FAILED", "LOCK_MINUTES"]
