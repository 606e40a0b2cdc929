"""Opening the library system named by the settings; SIP2 is off while RESIDENT_ID_SIP2_HOST is empty."""

from __future__ import annotations

from app.config import settings
from app.library.errors import LibraryNotConnected
from app.library.protocol import LibrarySystem


def connected() -> bool:
    return bool(settings.sip2_host)


def require_connected() -> None:
    if not connected():
        raise LibraryNotConnected(
            "this city's library system is not connected (RESIDENT_ID_SIP2_HOST is empty)"
        )


def library_system() -> LibrarySystem:
    """A client for the configured library system (it connects and logs in on first use)."""
    require_connected()
    # Imported here: a deployment without SIP2 never loads the codec (it slows every start).
    from app.library.sip2 import Sip2Client, Sip2Config

    return Sip2Client(Sip2Config.of(settings))


def lease_seconds() -> float:
    """How long one worker may hold a payment: connecting, then the login, a fines lookup and a
    Fee Paid, each with its resends. A send whose answer never came is asked about only after this."""
    one_exchange = (settings.sip2_resend_attempts + 1) * settings.sip2_read_timeout_seconds
    return settings.sip2_connect_timeout_seconds + 3 * one_exchange
