"""Errors of the credential signing keys."""

from __future__ import annotations

from app.kit.errors import Conflict, NotFound


class NoSigningKey(Conflict):
    """No key may sign now: run `resident-id keys create` (or `keys rotate` after a window ends)."""


class SigningKeyUnavailable(Conflict):
    """The key's private seed is not on this machine."""


class KeyNotFound(NotFound):
    """No signing key has this id."""

    error = "NotFound"  # the name clients read before this class existed
