"""The library tests: a library system on loopback (tests/support/sip2_library.py) holding the test
card's patron record, and the settings that point our client at it, in-process (monkeypatched)
and for the `resident-id` command (environment)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import settings
from tests.payments.conftest import ISSUED, holder_of
from tests.support.builders import make_card, make_merchant
from tests.support.http import Headers
from tests.support.ledger_http import Holder, MerchantKey, load
from tests.support.sip2_library import INSTITUTION, PASSWORD, USER, TestLibrary

# Short timeouts keep the outage tests quick, yet leave a busy machine room to answer in time.
READ_TIMEOUT = 2.0
TIMEOUTS = {
    "sip2_connect_timeout_seconds": 1.0,
    "sip2_read_timeout_seconds": READ_TIMEOUT,
    "sip2_resend_attempts": 1,
    "sip2_worker_interval_seconds": 0.05,
}
# An answer this late is past the read timeout.
LATE = READ_TIMEOUT + 1.5
# What a test waits before a send whose answer was lost is asked about: the lease (connect, then
# login, lookup and Fee Paid, each with one resend) and a margin.
LEASE_SECONDS = 1.0 + 3 * 2 * READ_TIMEOUT + 0.5
# Fees on the test card's patron record: (fee id, cents, description).
FEES = (("F-1001", 350, "Overdue: Beloved"), ("F-1002", 125, "Overdue: The Power Broker"))


@pytest.fixture
def library() -> Iterator[TestLibrary]:
    running = TestLibrary()
    running.start()
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def sip2(library: TestLibrary, monkeypatch: pytest.MonkeyPatch) -> TestLibrary:
    """SIP2 on for this process, pointed at the test library; the server's own worker off, so
    each test runs the worker when it means to (`resident-id library worker --once`)."""
    values = {
        "sip2_host": "127.0.0.1",
        "sip2_port": library.port,
        "sip2_user": USER,
        "sip2_password": PASSWORD,
        "sip2_institution": INSTITUTION,
        "sip2_location": "ives-desk",
        "sip2_worker_in_server": False,
        **TIMEOUTS,
    }
    for name, value in values.items():
        monkeypatch.setattr(settings, name, value)
    return library


@pytest.fixture
def sip2_env(cli_env: dict[str, str], sip2: TestLibrary) -> dict[str, str]:
    """The same settings as environment variables, by the names deployments use."""
    return {
        **cli_env,
        "RESIDENT_ID_SIP2_HOST": "127.0.0.1",
        "RESIDENT_ID_SIP2_PORT": str(sip2.port),
        "RESIDENT_ID_SIP2_USER": USER,
        "RESIDENT_ID_SIP2_PASSWORD": PASSWORD,
        "RESIDENT_ID_SIP2_INSTITUTION": INSTITUTION,
        "RESIDENT_ID_SIP2_LOCATION": "ives-desk",
        "RESIDENT_ID_SIP2_TLS": "false",
        **{f"RESIDENT_ID_{name.upper()}": str(value) for name, value in TIMEOUTS.items()},
    }


@pytest.fixture
def patron(session: Session, sip2: TestLibrary) -> Holder:
    """A card whose holder is a library patron with the two FEES outstanding."""
    holder = holder_of(session, make_card(session, issued_at=ISSUED))
    sip2.add_patron(holder.number, *FEES)
    return holder


@pytest.fixture
def new_patron(session: Session, sip2: TestLibrary) -> Callable[..., Holder]:
    def _new(*fees: tuple[str, int, str]) -> Holder:
        holder = holder_of(session, make_card(session, issued_at=ISSUED))
        sip2.add_patron(holder.number, *fees)
        return holder

    return _new


@pytest.fixture
def desk() -> MerchantKey:
    """The library's desk: a merchant of the library category with an API key."""
    return MerchantKey.of(*make_merchant(name="Ives Memorial Library", category="library"))


@pytest.fixture
def auditor(login: Callable[..., Headers]) -> Headers:
    return login("auditor")


@pytest.fixture
def funded(
    client: TestClient, login: Callable[..., Headers], patron: Holder
) -> Callable[[int], Holder]:
    """`funded(cents)`: the patron's card with that much loaded at a counter."""

    def _funded(cents: int) -> Holder:
        response = load(client, login("clerk", branch="ives-library"), patron.number, cents)
        assert response.status_code == 201, response.text
        return patron

    return _funded
