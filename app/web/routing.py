"""The route class every page uses: what the API answers as JSON errors, a page shows as a page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from app.kit.errors import ResidentIdError
from app.web.errors import message_for
from app.web.i18n import Translator, pick
from app.web.sessions import (
    LANG_COOKIE,
    PageForbidden,
    PasswordChangeRequired,
    SignInRequired,
    Visitor,
)
from app.web.templating import render

log = logging.getLogger("resident_id.web")


def _visitor(request: Request) -> Visitor:
    found = getattr(request.state, "visitor", None)
    if isinstance(found, Visitor):
        return found
    return Visitor(Translator(pick(request.cookies.get(LANG_COOKIE))), "", False)


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                query = {"next": exc.next_path, **({"expired": "1"} if exc.expired else {})}
                return RedirectResponse(f"{exc.page}?{urlencode(query)}", status_code=303)
            except PasswordChangeRequired:
                return RedirectResponse("/console/password", status_code=303)
            except PageForbidden:
                v = _visitor(request)
                return render(
                    request,
                    v,
                    "error.html",
                    403,
                    message=v.t.gettext(
                        "You may not do this here. If you came back to an old page, reload it and try again."
                    ),
                )
            except RequestValidationError:
                v = _visitor(request)
                return render(
                    request,
                    v,
                    "error.html",
                    422,
                    message=v.t.gettext("The form was incomplete. Go back and try again."),
                )
            except ResidentIdError as exc:
                v = _visitor(request)
                page = render(
                    request, v, "error.html", exc.status_code, message=message_for(v.t, exc)
                )
                # What the answer tells the client (Retry-After on a 429) a page tells it too.
                page.headers.update(exc.headers)
                return page

        return page_handler
