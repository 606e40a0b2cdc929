"""Jinja2 (autoescaped) with gettext per request, and the page responses every route returns.

Pages send a strict Content-Security-Policy: scripts and styles only from our own files, so no
inline script or style can run even if one slipped into a template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from app.web.i18n import LANGUAGE_NAMES, ROLE_NAMES
from app.web.sessions import CSRF_FIELD, HOMES, Visitor

TEMPLATES = Path(__file__).parent / "templates"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The merchant desk's scan page compiles ZXing's WebAssembly (the camera's QR reader where the
# browser has none): 'wasm-unsafe-eval' allows compiling WebAssembly only, never eval() of text.
WASM_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages show people's records: never kept by a proxy or the browser's back button cache.
    "Cache-Control": "no-store",
}


@pass_context
def _gettext(context: Context, message: str) -> str:
    return str(context["t"].gettext(message))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return str(context["t"].ngettext(singular, plural, n))


env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_gettext_callables(gettext=_gettext, ngettext=_ngettext, newstyle=True)  # type: ignore[attr-defined]
env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
env.globals["CSRF_FIELD"] = CSRF_FIELD
env.globals["ROLE_NAMES"] = ROLE_NAMES
env.globals["HOMES"] = HOMES


def _apply_cookies(response: Response, v: Visitor) -> Response:
    for cookie in v.set_cookies:
        response.set_cookie(
            cookie.name,
            cookie.value,
            max_age=cookie.max_age,
            httponly=True,
            samesite="strict",
            secure=v.secure,
            path="/",
        )
    for name in v.clear_cookies:
        response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=v.secure)
    return response


def render(
    request: Request, v: Visitor, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    html = env.get_template(template).render(
        t=v.t,
        visitor=v,
        user=v.principal,
        locale=v.locale,
        csrf_token=v.csrf,
        path=request.url.path,
        current_url=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
    return _apply_cookies(response, v)  # type: ignore[return-value]


def redirect(v: Visitor, url: str) -> Response:
    """POST, then redirect, then GET: a reload never posts the form twice."""
    return _apply_cookies(RedirectResponse(url, status_code=303), v)
