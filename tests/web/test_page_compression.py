"""Pages are sent gzipped to a browser that accepts it (the first load's budget of issue 10);
the JSON API is left as it was."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.console import signed_in


def test_a_console_page_is_gzipped_for_a_browser_that_accepts_it(client: TestClient) -> None:
    signed_in(client, "printer")
    page = client.get("/console/print-queue", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "Print queue" in page.text  # the client inflates it, as a browser does

    plain = client.get("/console/print-queue", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert "Print queue" in plain.text


def test_the_api_is_not_compressed_by_the_pages_rule(client: TestClient) -> None:
    answer = client.get("/v1/documents", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert "content-encoding" not in answer.headers
