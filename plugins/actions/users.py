"""Operators: adding, disabling and re-keying accounts, and logging in with a password.

Passwords are hashed with scrypt (memory-hard, in the standard library, so no new
dependency); only the salt, the parameters and the hash are stored, never the password,
and the audit log says only that an account changed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from plugins.actions.context import OFFICE_UNIT, ActionContext, Actor, Role, audited, writing
from plugins.i18n import Text
from plugins.refusal import Refusal
from store import Store, StoreError
from store.transaction import public_user

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSWORD = 8
MANAGE = Text("管理操作员", "manage operators")
LOGIN_REFUSED = Text(
    "登录失败：用户名或密码不对，或账号已停用",
    "login refused: wrong name or password, or the account is disabled",
)
_DUMMY_SALT = b"pingan-no-such-account"


@dataclass(frozen=True, slots=True)
class UserInfo:
    """An operator account as a listing shows it: never its password hash."""

    name: str
    unit: str
    role: Role
    active: bool
    created: str


@dataclass(frozen=True, slots=True)
class UserChanged:
    """The account an action added, disabled or re-keyed, as it is now."""

    user: UserInfo


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=32
    )


def hash_password(password: str) -> dict[str, Any]:
    """A fresh salted scrypt hash of password, with the parameters needed to check it later."""
    salt = os.urandom(16)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64(salt),
        "hash": _b64(key),
    }


def password_matches(password: str, stored: Any) -> bool:
    """Whether password hashes to stored, compared in constant time; False for a bad record."""
    try:
        if stored["kdf"] != "scrypt":
            return False
        salt = base64.b64decode(stored["salt"])
        expected = base64.b64decode(stored["hash"])
        key = _scrypt(password, salt, int(stored["n"]), int(stored["r"]), int(stored["p"]))
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(key, expected)


def _info(doc: dict[str, Any]) -> UserInfo:
    return UserInfo(
        str(doc["name"]),
        str(doc["unit"]),
        Role(str(doc["role"])),
        bool(doc.get("active", True)),
        str(doc.get("created", "")),
    )


def list_users(store: Store) -> list[UserInfo]:
    """Every operator account, oldest first, without password hashes."""
    return [_info(public_user(doc)) for doc in store.users()]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refusal(
            Text(
                f"密码至少要 {MIN_PASSWORD} 个字符",
                f"a password needs at least {MIN_PASSWORD} characters",
            ),
            field="password",
        )


def _unit_for(ctx: ActionContext, role: Role, unit: str | None) -> str:
    """The unit an account of role works for, checked against the loaded units."""
    if role is Role.OFFICE:
        if unit not in (None, "", OFFICE_UNIT):
            raise Refusal(
                Text("办公室账号的单位只能是 office", "an office account's unit is office"),
                field="unit",
            )
        return OFFICE_UNIT
    units = sorted(ctx.host.registry.units)
    code = (unit or "").strip()
    if role is Role.VIEWER and not code:
        return OFFICE_UNIT
    if code not in units and code != OFFICE_UNIT:
        raise Refusal(
            Text(
                f"没有单位 {code!r}；可选：{'、'.join(units)}",
                f"unknown unit {code!r}; known: {', '.join(units)}",
            ),
            field="unit",
        )
    if role is Role.UNIT and code == OFFICE_UNIT:
        raise Refusal(
            Text("单位操作员须属于一个单位", "a unit operator needs a unit"), field="unit"
        )
    return code


@audited
def add_user(
    ctx: ActionContext, name: str, password: str, *, role: Role | str, unit: str | None = None
) -> UserChanged:
    """Create an account; the store's first must be an office one, and it turns login on."""
    ctx.require(None, MANAGE)
    name = name.strip()
    role = Role(role)
    if not name or any(ch.isspace() for ch in name):
        raise Refusal(
            Text("操作员名不能为空或含空格", "an operator name is one word"), field="name"
        )
    if not ctx.store.accounts_on() and role is not Role.OFFICE:
        raise Refusal(
            Text(
                "第一个账号必须是办公室账号（--role office），否则没人能管理操作员",
                "the first account must be an office one (--role office), "
                "or nobody could manage operators",
            ),
            field="role",
        )
    code = _unit_for(ctx, role, unit)
    _check_password(password)
    hashed = hash_password(password)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        doc = tx.add_user(name, code, str(role), hashed)
    return UserChanged(_info(public_user(doc)))


def _account(ctx: ActionContext, name: str) -> UserInfo:
    found = next((u for u in list_users(ctx.store) if u.name == name), None)
    if found is None:
        raise Refusal(Text(f"没有操作员 {name}", f"no operator {name}"), field="name")
    return found


@audited
def disable_user(ctx: ActionContext, name: str) -> UserChanged:
    """Disable an account (kept for the audit trail); the last active office account stays."""
    ctx.require(None, MANAGE)
    user = _account(ctx, name)
    offices = [
        u for u in list_users(ctx.store) if u.active and u.role is Role.OFFICE and u.name != name
    ]
    if user.role is Role.OFFICE and user.active and not offices:
        raise Refusal(
            Text(
                f"{name} 是最后一个启用的办公室账号，停用后就没人能管理操作员了",
                f"{name} is the last active office account; nobody could manage operators",
            ),
            field="name",
        )
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        tx.set_user_active(name, False)
    return UserChanged(_account(ctx, name))


@audited
def change_password(ctx: ActionContext, name: str, password: str) -> UserChanged:
    """Set an account's password: the office for anyone, an operator for their own account."""
    if ctx.actor.name != name or not ctx.store.accounts_on():
        ctx.require(None, MANAGE)
    user = _account(ctx, name)
    _check_password(password)
    hashed = hash_password(password)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        tx.set_user_password(name, hashed)
    return UserChanged(user)


def login(store: Store, name: str, password: str) -> Actor:
    """The operator of a name and password; one Refusal for an unknown, disabled or wrong one.

    The password is hashed even for an unknown name, so timing does not tell which names
    exist; a refused login is audited under the name tried. With no accounts yet (single-user
    mode) anyone is the office.
    """
    if not store.accounts_on():
        return Actor(name) if name else Actor.current()
    doc = next((d for d in store.users() if d.get("name") == name), None)
    if doc is None:
        dummy = {"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
        password_matches(password, {**dummy, "salt": _b64(_DUMMY_SALT), "hash": _b64(b"0" * 32)})
        matched = False
    else:
        matched = password_matches(password, doc.get("password"))
    if not matched or doc is None or not doc.get("active", True):
        _audit_login_refused(store, name)
        raise Refusal(LOGIN_REFUSED)
    return Actor.from_account(doc)


def _audit_login_refused(store: Store, name: str) -> None:
    """Write a `refused` audit entry for a failed login, never with the password tried."""
    try:
        with store.transaction(name or "?") as tx:
            tx.audit("refused", "login", None, {"what": "log in", "why": LOGIN_REFUSED.en})
    except StoreError:
        pass
