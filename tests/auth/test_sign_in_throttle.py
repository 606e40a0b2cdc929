"""The sign-in throttle: after 5 failures for one username, each further try waits longer (429 with
Retry-After); the same per client address. Counted in the database, so every worker sees them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.models import SignInThrottle
from app.config import settings
from app.kit.types import utcnow
from tests.support.builders import TEST_PASSWORD, make_user
from tests.support.http import Headers


@pytest.fixture(autouse=True)
def _long_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    # Waits long enough that no block can run out while a test is still looking at it.
    monkeypatch.setattr(settings, "sign_in_backoff_seconds", 600)
    monkeypatch.setattr(settings, "sign_in_backoff_max_seconds", 24 * 3600)


def _sign_in(client: TestClient, username: str, password: str) -> tuple[int, str | None]:
    response = client.post("/v1/auth/token", data={"username": username, "password": password})
    return response.status_code, response.headers.get("Retry-After")


def _time_passes(session: Session) -> None:
    """As if every block had run out (the counts stay)."""
    session.execute(sa.update(SignInThrottle).values(blocked_until=utcnow()))
    session.commit()


def test_after_five_failures_each_further_try_waits_longer(
    client: TestClient, session: Session
) -> None:
    make_user("clerk", username="maria")
    assert [_sign_in(client, "maria", "wrong-password-1")[0] for _ in range(5)] == [401] * 5

    status, first_wait = _sign_in(client, "maria", TEST_PASSWORD)
    assert status == 429
    assert first_wait is not None
    assert int(first_wait) > 0
    assert (
        client.post("/v1/auth/token", data={"username": "maria", "password": TEST_PASSWORD}).json()[
            "error"
        ]
        == "SignInThrottled"
    )

    _time_passes(session)
    assert _sign_in(client, "maria", "wrong-password-2")[0] == 401
    status, second_wait = _sign_in(client, "maria", TEST_PASSWORD)
    assert status == 429
    assert second_wait is not None
    assert int(second_wait) > int(first_wait)

    _time_passes(session)
    assert _sign_in(client, "maria", "wrong-password-3")[0] == 401
    status, third_wait = _sign_in(client, "maria", TEST_PASSWORD)
    assert status == 429
    assert third_wait is not None
    assert int(third_wait) > int(second_wait)

    # Once the wait is over, the right password signs in and the count starts afresh.
    _time_passes(session)
    assert _sign_in(client, "maria", TEST_PASSWORD)[0] == 200
    assert [_sign_in(client, "maria", "wrong-password-4")[0] for _ in range(5)] == [401] * 5
    assert _sign_in(client, "maria", TEST_PASSWORD)[0] == 429


def test_the_username_is_throttled_in_any_case_and_unknown_names_too(client: TestClient) -> None:
    make_user("clerk", username="maria")
    for name in ("maria", "MARIA", "Maria", "mAria", "MARIa"):
        assert _sign_in(client, name, "wrong-password-1")[0] == 401
    assert _sign_in(client, "maria", TEST_PASSWORD)[0] == 429
    for _ in range(5):
        assert _sign_in(client, "nobody", "wrong-password-1")[0] == 401
    assert _sign_in(client, "nobody", "wrong-password-1")[0] == 429
    # Another account is not held back by the first one's failures.
    make_user("clerk", username="sam")
    assert _sign_in(client, "sam", TEST_PASSWORD)[0] == 200


def test_one_client_address_trying_many_names_is_throttled(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "sign_in_free_failures_per_address", 8)
    make_user("clerk", username="maria")
    for n in range(8):
        assert _sign_in(client, f"guess-{n}", "wrong-password-1")[0] == 401
    status, wait = _sign_in(client, "maria", TEST_PASSWORD)
    assert status == 429
    assert wait is not None
    assert int(wait) > 0


# Commits: each refused attempt is counted in a short transaction of its own that must outlive the
# refused request's rollback; inside one rolled-back test transaction it would nest in the request's.
@pytest.mark.commits
def test_a_throttled_password_change_is_refused_too(
    client: TestClient, login: Callable[..., Headers]
) -> None:
    clerk = login("clerk")
    body = {"current_password": "wrong-password-1", "new_password": "a brand new passphrase"}
    answers = [
        client.post("/v1/auth/password", headers=clerk, json=body).status_code for _ in range(6)
    ]
    assert answers == [403] * 5 + [429]
    good = {"current_password": TEST_PASSWORD, "new_password": "a brand new passphrase"}
    assert client.post("/v1/auth/password", headers=clerk, json=good).status_code == 429
