"""The pre-application through the app's client: a resident sends it in Spanish and gets a code,
a clerk opens the registration form by that code and registering consumes it; a wrong code finds
nothing; one client may send only so many; bad or unknown input keeps nothing; and the purge
leaves no trace of it in any table."""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator
from datetime import timedelta

import httpx2
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.applicants.models import Applicant
from app.auth.models import SignInThrottle
from app.config import settings
from app.kit.types import utcnow
from app.main import create_app
from app.models import metadata
from app.preapplications.models import PreApplication
from tests.support.builders import fresh_look
from tests.support.console import csrf_of, post_form, signed_in, text_of

RESIDENT = {
    "given_name": "Lucía",
    "family_name": "Hernández Quispe",
    "date_of_birth": "1991-07-23",
    "gender": "F",
    "address_street": "48 Grand Avenue",
    "address_unit": "Apt 3B",
    "address_city": "New Haven",
    "address_postal_code": "06513",
    "phone": "203 555 0187",
    "language_1": "Español",
    "emergency_contact_name": "Rosa Quispe",
    "emergency_contact_phone": "203 555 0142",
}
CODE = re.compile(r"\b([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})\b")


@pytest.fixture
def clerk() -> Iterator[TestClient]:
    """The counter's browser: a client of its own, signed in as a clerk."""
    with TestClient(create_app()) as counter:
        signed_in(counter, "clerk")
        yield counter


def _words(page: httpx2.Response) -> str:
    return html.unescape(text_of(page))


def _in_spanish(client: TestClient) -> TestClient:
    page = client.get("/")
    answer = client.post(
        "/language",
        data={"locale": "es", "next": "/pre-apply", "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return client


def _send(client: TestClient, data: dict[str, str]) -> httpx2.Response:
    return post_form(client, "/pre-apply", "/pre-apply", data)


def _code_of(page: httpx2.Response) -> str:
    found = CODE.search(_words(page))
    assert found, _words(page)[:800]
    return found.group(1)


def _open(clerk: TestClient, code: str) -> httpx2.Response:
    return post_form(
        clerk, "/console/register", "/console/register/pre-application", {"code": code}
    )


def _count(session: Session, model: type[PreApplication] | type[Applicant]) -> int:
    fresh_look(session)
    return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_a_resident_pre_applies_in_spanish_and_the_clerk_registers_from_the_code(
    client: TestClient, clerk: TestClient, session: Session
) -> None:
    _in_spanish(client)
    form = client.get("/pre-apply")
    assert form.status_code == 200
    assert "Complete sus datos antes de venir" in _words(form)
    assert _count(session, PreApplication) == 0  # the form alone keeps nothing

    sent = _send(client, RESIDENT)
    assert sent.status_code == 200, _words(sent)[:800]
    words = _words(sent)
    assert "Su código de solicitud previa" in words
    assert 'src="data:image/svg+xml;base64,' in sent.text
    code = _code_of(sent)
    assert _count(session, PreApplication) == 1

    # Scanned or typed: any case, with or without the hyphens.
    opened = _open(clerk, code.replace("-", " ").lower())
    assert opened.status_code == 200
    assert "pre-application is filled in below" in _words(opened)
    for name in ("given_name", "family_name", "date_of_birth", "address_street", "phone"):
        assert f'value="{html.escape(RESIDENT[name])}"' in opened.text, name
    assert 'value="F" checked' in opened.text
    assert '<option value="Español" selected>' in opened.text
    assert f'name="preapplication" value="{code.replace("-", " ").lower()}"' in opened.text
    assert _count(session, Applicant) == 0  # opening registers nothing

    register = {**RESIDENT, "preapplication": code}
    done = post_form(
        clerk, "/console/register", "/console/register", register, follow_redirects=False
    )
    assert done.status_code == 303, _words(done)[:800]
    assert _count(session, Applicant) == 1
    assert _count(session, PreApplication) == 0  # registering consumed it
    assert _open(clerk, code).status_code == 404


def test_a_wrong_code_finds_nothing(
    client: TestClient, clerk: TestClient, session: Session
) -> None:
    code = _code_of(_send(client, RESIDENT))
    wrong = code[:-1] + ("2" if code[-1] != "2" else "3")
    for typed in (wrong, "", "not a code", code[:-2]):
        page = _open(clerk, typed)
        assert page.status_code == 404
        assert "No pre-application has this code" in _words(page)
        assert RESIDENT["family_name"] not in _words(page)
    assert _count(session, PreApplication) == 1


def test_submissions_are_limited_per_client(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "preapplication_per_client", 2)
    monkeypatch.setattr(settings, "preapplication_window_minutes", 60)
    assert _send(client, RESIDENT).status_code == 200
    assert _send(client, RESIDENT).status_code == 200
    refused = _send(client, RESIDENT)
    assert refused.status_code == 429
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
    assert "Too many pre-applications were sent from this connection" in _words(refused)
    assert _count(session, PreApplication) == 2
    # The count is kept under a keyed hash: the table holds no address.
    fresh_look(session)
    keys = list(session.scalars(sa.select(SignInThrottle.key)))
    assert len(keys) == 1
    assert keys[0].startswith("preapply:")
    assert "testclient" not in keys[0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": "23/07/1991"}, "date_of_birth"),
        ({"family_name": ""}, "family_name"),
        ({"address_postal_code": ""}, "address_postal_code"),
        ({"phone": "call me"}, "phone"),
        ({"emergency_contact_phone": ""}, "emergency_contact_phone"),
    ],
)
def test_bad_input_is_named_at_its_field_and_keeps_nothing(
    client: TestClient, session: Session, change: dict[str, str], field: str
) -> None:
    _in_spanish(client)
    page = _send(client, {**RESIDENT, **change})
    assert page.status_code == 422
    assert "Hay un problema" in _words(page)
    assert f'id="{field}-error"' in page.text
    assert f'value="{html.escape(RESIDENT["given_name"])}"' in page.text  # the answers stay
    assert CODE.search(_words(page)) is None
    assert _count(session, PreApplication) == 0


@pytest.mark.parametrize("extra", ["nationality", "country_of_birth", "ssn", "immigration_status"])
def test_an_unknown_field_is_refused_and_keeps_nothing(
    client: TestClient, session: Session, extra: str
) -> None:
    page = _send(client, {**RESIDENT, extra: "anything"})
    assert page.status_code == 422
    assert "answers this page does not ask for" in _words(page)
    assert _count(session, PreApplication) == 0


def _cells(session: Session) -> Iterator[tuple[str, str]]:
    """Every value in every table, as text (bytes as hex too), with its table's name."""
    fresh_look(session)
    for table in metadata.sorted_tables:
        for row in session.execute(sa.select(table)):
            for value in row:
                if value is None:
                    continue
                if isinstance(value, bytes):
                    yield table.name, value.hex()
                    yield table.name, value.decode("latin-1")
                else:
                    yield table.name, str(value)


def test_after_the_retention_period_the_purge_leaves_no_trace_in_any_table(
    client: TestClient,
    clerk: TestClient,
    session: Session,
    cli_env: dict[str, str],
) -> None:
    code = _code_of(_send(client, RESIDENT))
    fresh_look(session)
    row = session.execute(sa.select(PreApplication)).scalar_one()
    traces = {row.id, row.sealed.hex(), code, code.replace("-", "")}
    traces |= {v for k, v in RESIDENT.items() if k not in ("gender", "language_1", "address_city")}
    fresh_look(session)

    # Nothing is stored in the clear while it waits, either.
    kept = [(t, v) for t, v in _cells(session) for n in RESIDENT.values() if len(n) > 3 and n in v]
    assert kept == []

    # Thirty days and a minute later, with the client's submission count idle as well.
    past = utcnow() - timedelta(days=settings.preapplication_days, minutes=1)
    session.execute(sa.update(PreApplication).values(created_at=past))
    session.execute(sa.update(SignInThrottle).values(updated_at=past))
    session.commit()
    # Past its time, the code opens nothing even before the purge has run.
    assert _open(clerk, code).status_code == 404

    done = subprocess.run(
        [".venv/bin/resident-id", "preapplications", "purge"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "deleted 1 pre-application(s) older than 30 days" in done.stdout
    assert "1 idle submission count(s)" in done.stdout

    found = [(table, trace) for table, text in _cells(session) for trace in traces if trace in text]
    assert found == []
    assert _count(session, PreApplication) == 0


def test_the_purge_keeps_what_is_younger_than_the_retention_period(
    client: TestClient, session: Session, cli_env: dict[str, str]
) -> None:
    _send(client, RESIDENT)
    done = subprocess.run(
        [".venv/bin/resident-id", "preapplications", "purge"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "deleted 0 pre-application(s)" in done.stdout
    assert _count(session, PreApplication) == 1


def test_the_residents_pages_lead_to_the_pre_application(client: TestClient) -> None:
    for path in ("/", "/eligibility", "/what-to-bring"):
        assert 'href="/pre-apply"' in client.get(path).text, path
