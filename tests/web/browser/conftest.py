"""Browser tests: a real server (uvicorn, a subprocess on a free port, against the test database)
driven by Debian's Chromium through Playwright, with axe-core on every page and a screenshot of
every screen in var/screenshots/<run>/ for people to look at.

One browser for the whole session; each role gets its own context (its own cookies).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.support.served import UVICORN, serving
from tests.web.browser.media import write_fake_camera

CHROMIUM = os.environ.get("RESIDENT_ID_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[3]
# tests/conftest.py has set DATABASE_URL to the run's test database before this is imported.
BACKEND = "sqlite" if os.environ["DATABASE_URL"].startswith("sqlite") else "postgres"
RUN = datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + "-" + BACKEND
SCREENSHOTS = ROOT / "var" / "screenshots" / RUN


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCREENSHOTS.exists():
        terminalreporter.write_line(f"screenshots of every screen: {SCREENSHOTS}")


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[str]:
    """The app served by uvicorn on the test database; answers its base URL."""
    built = ROOT / "app" / "web" / "static" / "vendor" / ".built"
    assert built.exists(), "the web assets are not built: run `make web` (make test does)"
    env = {**os.environ, "DATABASE_URL": database_url}
    with serving([*UVICORN, "--log-level", "warning"], env) as served:
        yield served.url


@pytest.fixture(scope="session")
def fake_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fake_camera(tmp_path_factory.mktemp("camera") / "camera.y4m")


@pytest.fixture(scope="session")
def browser(fake_camera: Path) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Debian's Chromium is missing: `make tools` installs it")
    playwright: Playwright = sync_playwright().start()
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={fake_camera}",
        ],
    )
    try:
        yield launched
    finally:
        launched.close()
        playwright.stop()


@pytest.fixture(scope="session")
def shots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
