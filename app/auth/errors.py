"""Errors of sign-in and account management."""

from __future__ import annotations

from app.kit.errors import Conflict, Forbidden, NotFound, ResidentIdError, Unprocessable


class SignInThrottled(ResidentIdError):
    """Too many failed sign-ins for this account name or from this address: wait, then retry."""

    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many failed sign-ins; try again in {retry_after} s",
            extra={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class WeakPassword(Unprocessable):
    """The new password is too short or too common (NIST SP 800-63B)."""


class WrongPassword(Forbidden):
    """The current password given to change it is wrong."""


class PasswordChangeRequired(Forbidden):
    """An administrator reset this account's password: choose a new one first."""


class LastAdmin(Conflict):
    """The last active administrator cannot be disabled or given another role."""


class UserNotFound(NotFound):
    """No staff account has this id."""

    error = "NotFound"  # the name clients read before this class existed


class UsernameTaken(Conflict):
    """Another account has this username (usernames ignore case)."""
