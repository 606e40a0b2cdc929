"""Console pages: server time at 10,000 applicants on SQLite, and what a first load weighs.

Issue 10: "server time for every console page under 50 ms at p95 on the SQLite default with
10,000 applicants. The first load of a page transfers under 300 KB."

A fresh SQLite file in a temporary folder, migrated as the app migrates, filled by the app's own
services (bench/console_city.py: registration, documents, photos, approvals with fees, printing,
cash loads, a few days of drawer history), and staff made by the auth service. uvicorn serves it
in a subprocess (one worker, as `resident-id serve` runs); each role signs in through the real
sign-in form (session cookie, CSRF token) on one keep-alive HTTP connection, and every console
page that role sees is asked for `--requests` times, one request at a time, each for a different
person or card where the page is about one. A page's time is from the request's first byte sent
to the response's last byte read on loopback: the server's time plus a loopback round trip,
nothing subtracted. The floor, measured in the same run on the same connections: GET /healthz
(no session, no database) and the sign-in page (a template, no session).

The first load is counted by Chromium (Playwright, the browser tests' Debian Chromium) with its
cache disabled: every response of the page (HTML, styles, scripts, fonts, images) as sent on the
wire, compressed as the server sends it, headers included.

    .venv/bin/python bench/console.py [--holders 10000] [--requests 200] [--no-weight]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.client
import os
import pickle
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Request, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TARGET_P95_MS = 50.0
TARGET_BYTES = 300_000
# The card preview renders a card at 300 dpi: fewer requests keep the run short.
PREVIEW_REQUESTS = 40
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browserish:
    """One keep-alive connection that keeps its cookies, as one signed-in browser tab."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes, float]:
        headers = {"Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.conn.port}"
        try:
            began = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # uvicorn closes a connection idle for 5 s (while other roles were measured): a
            # browser opens another. The warm-up requests before the clock runs absorb this.
            self.conn.close()
            began = time.perf_counter()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - began
        if response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, data, elapsed

    def sign_in(self, username: str, password: str) -> None:
        status, page, _ = self.request("GET", "/console/sign-in")
        found = _CSRF.search(page.decode())
        assert status == 200, status
        assert found is not None
        form = {"username": username, "password": password, "csrf_token": found.group(1)}
        status, body, _ = self.request("POST", "/console/sign-in", form)
        if status != 303:
            raise SystemExit(f"sign-in as {username}: {status} {body[:200]!r}")
        status, page, _ = self.request("GET", "/console/password")
        found = _CSRF.search(page.decode())
        assert status == 200, status
        assert found is not None
        self.csrf = found.group(1)


@dataclass
class Page:
    label: str
    role: str
    method: str
    path: Callable[[int], str]
    form: Callable[[int], dict[str, str]] | None = None
    requests: int = 0
    weigh: bool = True


@dataclass
class Timing:
    page: Page
    p50_ms: float
    p95_ms: float
    max_ms: float
    count: int
    failures: list[str]


def pages(town: object, rng: random.Random) -> list[Page]:
    """Every console page a clerk, a supervisor and a printer open, on the town's people."""
    from bench.console_city import Town

    assert isinstance(town, Town)
    approved, waiting = town.approved, town.waiting
    cards, fresh = (
        town.card_numbers,
        [n for n in town.card_numbers if n not in set(town.loaded_card_numbers)],
    )
    names = town.names

    def pick(items: list[str]) -> Callable[[int], str]:
        return lambda i: items[(i * 7919) % len(items)]

    person, applicant, card = pick(approved), pick(waiting), pick(cards)
    rng.shuffle(fresh)

    def search(query: Callable[[int], str]) -> Callable[[int], dict[str, str]]:
        return lambda i: {"q": query(i)}

    def family(i: int) -> str:
        return names[(i * 7919) % len(names)][1]

    def full(i: int) -> str:
        given, fam, _ = names[(i * 104729) % len(names)]
        return f"{given} {fam}"

    def born(i: int) -> str:
        return names[(i * 7919) % len(names)][2].isoformat()

    return [
        Page("search form", "clerk", "GET", lambda i: "/console/"),
        Page("search: family name", "clerk", "POST", lambda i: "/console/search", search(family)),
        Page(
            "search: given + family name",
            "clerk",
            "POST",
            lambda i: "/console/search",
            search(full),
        ),
        Page("search: date of birth", "clerk", "POST", lambda i: "/console/search", search(born)),
        Page("search: card number", "clerk", "POST", lambda i: "/console/search", search(card)),
        Page("register form", "clerk", "GET", lambda i: "/console/register"),
        Page(
            "person (card, balance, fee)", "clerk", "GET", lambda i: f"/console/people/{person(i)}"
        ),
        Page(
            "person's photo (JPEG)",
            "clerk",
            "GET",
            lambda i: f"/console/people/{person(i)}/photo.jpg",
            weigh=False,
        ),
        Page("correct a record", "clerk", "GET", lambda i: f"/console/people/{person(i)}/correct"),
        Page("photo page", "clerk", "GET", lambda i: f"/console/people/{applicant(i)}/photo"),
        Page("proofs page", "clerk", "GET", lambda i: f"/console/people/{applicant(i)}/proofs"),
        Page("card page (replace, load)", "clerk", "GET", lambda i: f"/console/cards/{card(i)}"),
        Page(
            "cash load → receipt",
            "clerk",
            "POST",
            lambda i: f"/console/cards/{fresh[i % len(fresh)]}/loads",
            lambda i: {"amount": "1.00", "key": secrets.token_urlsafe(24)},
        ),
        Page("change password", "clerk", "GET", lambda i: "/console/password"),
        Page("approvals queue", "supervisor", "GET", lambda i: "/console/approvals"),
        Page(
            "approval (fee, decision)",
            "supervisor",
            "GET",
            lambda i: f"/console/approvals/{applicant(i)}",
        ),
        Page(
            "card preview (JPEG)",
            "supervisor",
            "GET",
            lambda i: f"/console/approvals/{applicant(i)}/card.jpg",
            requests=PREVIEW_REQUESTS,
            weigh=False,
        ),
        Page("cash drawer (today)", "supervisor", "GET", lambda i: "/console/drawer"),
        Page("print queue", "printer", "GET", lambda i: "/console/print-queue"),
    ]


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


def time_page(client: Browserish, page: Page, count: int, warm: int = 5) -> Timing:
    latencies, failures = [], []
    for i in range(-warm, count):
        form = page.form(i) if page.form else None
        if form is not None:
            form["csrf_token"] = client.csrf
        status, body, elapsed = client.request(page.method, page.path(i), form)
        if status != 200:
            failures.append(f"{status} {page.path(i)} {body[:160]!r}")
        if i >= 0:
            latencies.append(elapsed * 1000)
    latencies.sort()
    return Timing(
        page,
        statistics.median(latencies),
        _percentile(latencies, 0.95),
        latencies[-1],
        len(latencies),
        failures,
    )


def _weigh_role(
    browser: Browser, base: str, role: str, password: str, all_pages: list[Page]
) -> dict[str, tuple[int, int]]:
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    sizes: list[int] = []

    def count(request: Request) -> None:
        measured = request.sizes()
        sizes.append(int(measured["responseBodySize"]) + int(measured["responseHeadersSize"]))

    def first_load(open_page: Callable[[], object]) -> tuple[int, int]:
        """Empty the browser's cache, open the page, count what came over the wire."""
        cdp.send("Network.clearBrowserCache")
        sizes.clear()
        open_page()
        page.wait_for_load_state("networkidle")
        return sum(sizes), len(sizes)

    out: dict[str, tuple[int, int]] = {}
    page.on("requestfinished", count)
    out["sign-in page (no session)"] = first_load(lambda: page.goto("/console/sign-in"))
    page.fill("#username", role)
    page.fill("#password", password)
    page.locator("form[action='/console/sign-in'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    for item in all_pages:
        if item.role != role or not item.weigh:
            continue
        url = item.path(1)
        if item.method == "GET":
            out[item.label] = first_load(functools.partial(page.goto, url))
            continue
        # A posted page: open its form, fill it, and count what the submit brings.
        form = item.form(1) if item.form else {}
        field = "#q" if "q" in form else "#amount"
        page.goto("/console/" if field == "#q" else url.rsplit("/", 1)[0])
        page.wait_for_load_state("networkidle")
        page.fill(field, form.get("q", form.get("amount", "")))
        out[item.label] = first_load(functools.partial(page.locator(field).press, "Enter"))
    context.close()
    return out


def weigh(
    port: int, staff: dict[str, tuple[str, str, str]], all_pages: list[Page]
) -> dict[str, tuple[int, int]]:
    """label -> (bytes on the wire, responses) of each page's first load with an empty cache."""
    chromium = os.environ.get("RESIDENT_ID_CHROMIUM", "/usr/bin/chromium")
    out: dict[str, tuple[int, int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for role in ("clerk", "supervisor", "printer"):
            out.update(
                _weigh_role(browser, f"http://{HOST}:{port}", role, staff[role][0], all_pages)
            )
        browser.close()
    return out


def start_server(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """uvicorn as `resident-id serve` runs it (one worker, the app's JSON request log on)."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
    ]
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start; see {log_path}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holders", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--no-weight", action="store_true", help="skip the browser's first loads")
    parser.add_argument(
        "--folder",
        type=Path,
        help="build the town here and keep it; a folder holding one is measured again as it is "
        "(for profiling: the timed requests' loads and audit events stay in it)",
    )
    args = parser.parse_args()

    tmp = args.folder or Path(tempfile.mkdtemp(prefix="bench-console-"))
    tmp.mkdir(parents=True, exist_ok=True)
    saved = tmp / "town.pickle"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'console.sqlite3'}"
    os.environ["RESIDENT_ID_DATA_DIR"] = str(tmp / "data")
    # No RESIDENT_ID_SECRET_KEY: the app makes one in the data folder, so a kept folder reopens.
    os.environ.pop("RESIDENT_ID_SECRET_KEY", None)
    sys.path.insert(0, str(ROOT))

    from app import migrate
    from app.config import settings
    from bench.console_city import build
    from bench.verify import _free_port

    print(
        f"SQLite at {tmp}; {args.holders} applicants; {os.cpu_count()} CPUs; load {load_average()}"
    )
    started = time.perf_counter()
    if saved.exists():
        town = pickle.loads(saved.read_bytes())
        print("measuring the town built earlier in this folder")
    else:
        migrate.upgrade(settings.database_url)
        town = build(args.holders, args.seed, print)
        if args.folder:
            saved.write_bytes(pickle.dumps(town))
    size = (tmp / "console.sqlite3").stat().st_size
    print(
        f"built in {time.perf_counter() - started:.0f} s: {town.people} applicants, "
        f"{len(town.approved)} approved, {len(town.waiting)} waiting with documents, "
        f"{len(town.loaded_card_numbers)} with stored value; {size / 1e6:.0f} MB; load {load_average()}"
    )
    all_pages = pages(town, random.Random(args.seed))
    port = _free_port()
    server_log = tmp / "server.log"
    server = start_server(port, server_log)
    try:
        clients = {}
        for role in ("clerk", "supervisor", "printer"):
            clients[role] = Browserish(port)
            clients[role].sign_in(role, town.staff.accounts[role][0])
        floor_client = Browserish(port)
        floors = [
            time_page(
                floor_client,
                Page("GET /healthz (floor)", "-", "GET", lambda i: "/healthz"),
                args.requests,
            ),
            time_page(
                floor_client,
                Page("sign-in page (floor)", "-", "GET", lambda i: "/console/sign-in"),
                args.requests,
            ),
        ]
        print(f"measuring {len(all_pages)} pages, load {load_average()}")
        timings = [time_page(clients[p.role], p, p.requests or args.requests) for p in all_pages]
        floors.append(
            time_page(
                floor_client,
                Page("GET /healthz (floor, again)", "-", "GET", lambda i: "/healthz"),
                args.requests,
            )
        )
        print(f"timed; load {load_average()}")
        weights = {} if args.no_weight else weigh(port, town.staff.accounts, all_pages)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\n{'page':34} {'role':10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'n':>5}  first load"
    )
    failed = False
    for t in floors + timings:
        weight = weights.get(t.page.label)
        shown = f"{weight[0] / 1000:7.1f} KB in {weight[1]:2} responses" if weight else ""
        verdict = (
            "" if t.page.role == "-" else ("  met" if t.p95_ms < TARGET_P95_MS else "  MISSED")
        )
        print(
            f"{t.page.label:34} {t.page.role:10} {t.p50_ms:8.1f} {t.p95_ms:8.1f} {t.max_ms:8.1f} "
            f"{t.count:5}  {shown}{verdict}"
        )
        for failure in t.failures[:3]:
            print(f"    failed: {failure}")
        failed = failed or bool(t.failures)
    if "sign-in page (no session)" in weights:
        total, responses = weights["sign-in page (no session)"]
        print(
            f"{'sign-in page, first load':34} {'':10} {'':8} {'':8} {'':8} {'':5}  {total / 1000:7.1f} KB in {responses:2} responses"
        )
    heaviest = max(weights.values(), default=(0, 0))[0]
    print(
        f"\ntarget: p95 < {TARGET_P95_MS:g} ms per page; first load < {TARGET_BYTES / 1000:g} KB (heaviest: {heaviest / 1000:.1f} KB)"
    )
    print(f"load average at the end: {load_average()}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
