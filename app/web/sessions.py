"""Browser sessions for staff: one place for the cookie, the server-side row, CSRF and idle time.

- The cookie holds a random token; the table keeps only its SHA-256, so a copy of the database
  cannot be replayed as cookies. HttpOnly, SameSite=Strict, Secure when served over HTTPS.
- Signing out deletes the row; a disabled account's rows stop working at its next request.
- Idle longer than `console_idle_minutes`: the row is deleted and the clerk signs in again,
  then returns to the page they were on.
- CSRF: every form carries an HMAC of the session token (or, before sign-in, of a random
  pre-session cookie) under the server's secret; a POST without the right one is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.auth import repository as users
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.service import token_secret
from app.config import settings
from app.db import SessionDep, write_transaction
from app.kit.types import utcnow
from app.web import repository
from app.web.i18n import DEFAULT_LOCALE, Translator, pick
from app.web.models import WebSession

SESSION_COOKIE = "rid_console"
PRE_COOKIE = "rid_pre"
LANG_COOKIE = "rid_lang"
CSRF_FIELD = "csrf_token"
LANG_COOKIE_SECONDS = 365 * 24 * 3600
_TOUCH_EVERY = timedelta(minutes=1)


class SignInRequired(Exception):
    """No (live) session: the page redirects to sign-in, and back to `next` after."""

    def __init__(self, next_path: str, *, expired: bool, page: str = "/console/sign-in") -> None:
        self.next_path = next_path
        self.expired = expired
        self.page = page


class PasswordChangeRequired(Exception):
    """An administrator reset the password: the clerk chooses their own before anything else."""


class PageForbidden(Exception):
    """Signed in, but this role may not open the page (or the CSRF token is wrong)."""


@dataclass(frozen=True)
class Cookie:
    name: str
    value: str
    max_age: int | None


@dataclass
class Visitor:
    """Who is at the browser: their language, their CSRF token, and the staff account if any."""

    t: Translator
    csrf: str
    secure: bool
    principal: Principal | None = None
    expired: bool = False
    # An administrator reset the password: every page but the password page waits for a new one.
    must_change_password: bool = False
    set_cookies: list[Cookie] = field(default_factory=list)
    clear_cookies: list[str] = field(default_factory=list)

    @property
    def locale(self) -> str:
        return self.t.locale


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_for(binding: str) -> str:
    key = token_secret().encode()
    return hmac.new(key, b"csrf:" + binding.encode(), hashlib.sha256).hexdigest()


def _principal(user: User) -> Principal:
    return Principal(id=user.id, role=Role(user.role), name=user.username, branch=user.branch)


def _live_session(db: Session, token: str) -> tuple[WebSession, User] | None | bool:
    """The session and its account; None when unknown; False when it timed out or was ended.

    Pages that only read run in a read-only transaction (app.db), so the session's own writes
    (idle time, an ended row) go through short transactions of their own."""
    row = repository.get(db, _digest(token))
    if row is None:
        return None
    user = users.get(db, row.user_id)
    now = utcnow()
    idle = timedelta(minutes=settings.console_idle_minutes)
    ended = user is None or not user.active or user.token_version != row.token_version
    if ended or now - row.last_seen_at > idle:
        with write_transaction() as writer:
            repository.delete_by_id(writer, row.id)
        return False
    assert user is not None
    # Idle time is kept to the minute: no write on every page view.
    if now - row.last_seen_at > _TOUCH_EVERY:
        with write_transaction() as writer:
            repository.touch(writer, row.id, now)
    return row, user


def visitor(request: Request, db: SessionDep) -> Visitor:
    """Every page's first dependency: reads the cookies, never fails."""
    secure = request.url.scheme == "https"
    lang = pick(request.cookies.get(LANG_COOKIE, DEFAULT_LOCALE))
    token = request.cookies.get(SESSION_COOKIE)
    found = _live_session(db, token) if token else None
    if isinstance(found, tuple):
        row, user = found
        v = Visitor(Translator(row.locale), csrf_for(token or ""), secure, _principal(user))
        v.must_change_password = user.must_change_password
    else:
        pre = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(32)
        v = Visitor(Translator(lang), csrf_for("pre:" + pre), secure, expired=found is False)
        if PRE_COOKIE not in request.cookies:
            v.set_cookies.append(Cookie(PRE_COOKIE, pre, None))
        if token:
            v.clear_cookies.append(SESSION_COOKIE)
    request.state.visitor = v
    return v


VisitorDep = Annotated[Visitor, Depends(visitor)]


async def posted_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, parsed once (FastAPI caches the dependency) for the CSRF check and the
    page; uploaded files (photo, signature) are spooled to temporary files, closed after."""
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


FormDep = Annotated[FormData, Depends(posted_form)]


def form_token(form: FormDep) -> str:
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else ""


def check_csrf(v: VisitorDep, token: Annotated[str, Depends(form_token)]) -> Visitor:
    """For every POST: refuse (403, nothing changes) a form without this browser's token."""
    if not token or not hmac.compare_digest(token, v.csrf):
        raise PageForbidden("csrf")
    return v


CheckedVisitor = Annotated[Visitor, Depends(check_csrf)]


def safe_next(path: str | None, default: str = "/console/") -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    return path


def return_path(request: Request) -> str:
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        return request.url.path + query
    # A form posted after the session timed out: back to the page the form was on.
    referer = request.headers.get("referer", "")
    base = str(request.base_url)
    return safe_next(referer[len(base) - 1 :] if referer.startswith(base) else None)


def signed_in(request: Request, v: Visitor) -> Principal:
    """Any signed-in staff member (the password page: open even while a new password is due)."""
    if v.principal is None:
        raise SignInRequired(return_path(request), expired=v.expired)
    return v.principal


class require:
    """A page dependency admitting only signed-in staff with one of the listed roles."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(self, request: Request, v: VisitorDep) -> Visitor:
        if v.principal is None:
            raise SignInRequired(return_path(request), expired=v.expired)
        if v.must_change_password:
            raise PasswordChangeRequired()
        if v.principal.role not in self.roles:
            raise PageForbidden("role")
        return v


Counter = Annotated[Visitor, Depends(require(Role.CLERK, Role.SUPERVISOR))]
Supervisors = Annotated[Visitor, Depends(require(Role.SUPERVISOR))]
Printers = Annotated[Visitor, Depends(require(Role.PRINTER, Role.SUPERVISOR))]
Admins = Annotated[Visitor, Depends(require(Role.ADMIN))]
Auditors = Annotated[Visitor, Depends(require(Role.AUDITOR))]

# Where each role starts after signing in (and where the header's logo leads).
HOMES: dict[str, str] = {
    Role.PRINTER: "/console/print-queue",
    Role.ADMIN: "/console/admin/staff",
    Role.AUDITOR: "/console/audit/trail",
}


def start(v: Visitor, user: User) -> None:
    """Signed in: a new session (a new token, so nothing set before sign-in carries over). Written
    in a transaction of its own: sign-in requests only read (the password check holds no lock)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction() as writer:
        repository.add(
            writer,
            WebSession(
                id=_digest(token),
                user_id=user.id,
                locale=v.locale,
                token_version=user.token_version,
                created_at=now,
                last_seen_at=now,
            ),
        )
    v.set_cookies.append(Cookie(SESSION_COOKIE, token, None))


def end(db: Session, request: Request, v: Visitor) -> None:
    """Signing out ends the session on the server, not only in this browser."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        row = repository.get(db, _digest(token))
        if row is not None:
            repository.delete(db, row)
    v.clear_cookies.append(SESSION_COOKIE)


def choose_language(db: Session, request: Request, v: Visitor, locale: str) -> None:
    locale = pick(locale)
    v.set_cookies.append(Cookie(LANG_COOKIE, locale, LANG_COOKIE_SECONDS))
    token = request.cookies.get(SESSION_COOKIE)
    if token and v.principal is not None:
        row = repository.get(db, _digest(token))
        if row is not None:
            row.locale = locale
            db.flush()
    v.t = Translator(locale)
