"""The printer workstation: pull the queue over HTTP, print each card, report back.

A card is a physical object: printing one twice puts two cards in the world. So the station
notes in a local journal every job it has printed (synced to disk) *before* telling the server,
and a job found in the journal is only reported, never printed again. The server refuses a
second `printed` (409), which the station takes as "already done". The one window left is a
crash between the print command returning and the journal write: that card could print twice.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from rich.console import Console
from rich.progress import Progress

from app.cli.ipp import IppPrinter
from cards.numbers import grouped

# A renewable sign-in is renewed when less than this is left of its token.
RENEW_BEFORE_SECONDS = 120
# Answers that mean "the server is not there right now", as opposed to "you asked wrongly".
_OUTAGE_STATUSES = frozenset({502, 503, 504})


class StationStopped(Exception):
    """The station cannot go on (credentials refused, server gone too long): exit with `code`."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class Journal:
    """The ids of jobs this station printed, one per line, on disk before the server is told."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._ids = set(path.read_text().split()) if path.exists() else set()

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._ids

    def add(self, job_id: str) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{job_id}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        self._ids.add(job_id)


@dataclass
class Credentials:
    """A bearer token, renewable when the station was given a username and password."""

    token: str | None = None
    username: str | None = None
    password: str | None = None

    @property
    def renewable(self) -> bool:
        return self.username is not None and self.password is not None


@dataclass
class Server:
    """The print queue over HTTP; an outage is ridden out with capped exponential backoff."""

    client: httpx.Client
    credentials: Credentials
    console: Console
    max_backoff: float = 30.0
    # Seconds of continuous outage after which to stop; None rides out any outage.
    give_up_after: float | None = None
    sleep: Callable[[float], None] = time.sleep

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        delay, down_since = 1.0, None
        while True:
            try:
                response = self.client.request(method, path, **kwargs)
                if response.status_code not in _OUTAGE_STATUSES:
                    return response
                problem = f"server answered {response.status_code}"
            except httpx.TransportError as exc:
                problem = f"server unreachable ({type(exc).__name__})"
            now = time.monotonic()
            down_since = down_since or now
            if self.give_up_after is not None and now - down_since >= self.give_up_after:
                raise StationStopped(f"{problem}; gave up after {self.give_up_after:g} s", 3)
            self.console.print(f"[yellow]{problem}; retrying in {delay:g} s[/yellow]")
            self.sleep(delay)
            delay = min(delay * 2, self.max_backoff)

    def sign_in(self) -> None:
        response = self._send(
            "POST",
            "/v1/auth/token",
            data={"username": self.credentials.username, "password": self.credentials.password},
        )
        if response.status_code != 200:
            raise StationStopped(
                f"sign in failed: the server refused {self.credentials.username}'s password "
                f"({_detail(response)})",
                2,
            )
        self.credentials.token = response.json()["access_token"]

    def _renew_if_due(self) -> None:
        """Sign in afresh shortly before the token runs out: a shift outlasts a token."""
        if not self.credentials.renewable:
            return
        expires = _expiry(self.credentials.token)
        if self.credentials.token is None or (
            expires is not None and expires - time.time() < RENEW_BEFORE_SECONDS
        ):
            self.sign_in()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if not self.credentials.token and not self.credentials.renewable:
            raise StationStopped(
                "sign in: give a printer token (RESIDENT_ID_TOKEN) or --username", 2
            )
        self._renew_if_due()
        for retry in (False, True):
            headers = {"Authorization": f"Bearer {self.credentials.token}"}
            response = self._send(method, path, headers=headers, **kwargs)
            if response.status_code == 401 and self.credentials.renewable and not retry:
                self.sign_in()  # tokens are short-lived; a station runs all day
                continue
            break
        if response.status_code == 401:
            raise StationStopped(
                f"sign in again: the server does not accept this token ({_detail(response)})", 2
            )
        if response.status_code == 403:
            raise StationStopped(
                f"not allowed: this account may not print cards ({_detail(response)})", 2
            )
        return response


def _expiry(token: str | None) -> float | None:
    """The `exp` of a JWT, read without checking it (the server checks; this only plans)."""
    try:
        payload = (token or "").split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return f"{body.get('error', response.status_code)}: {body.get('detail', '')}"
    return f"HTTP {response.status_code}"


@dataclass
class Output:
    """Where a card goes: a file in a folder, a printer over IPP (a CUPS queue's name or an
    ipp:// URI), or both. A printed card counts only once the printer reports it completed."""

    folder: Path | None = None
    printer: IppPrinter | None = None

    def deliver(self, pdf: bytes, name: str) -> str | None:
        """Print or write the card; answers what went wrong, or None when it is out."""
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / name
            # Written aside and renamed: a half-written card file never looks finished.
            partial = target.with_suffix(".part")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pdf)
            partial.replace(target)
        if self.printer is not None:
            return self.printer.print_pdf(pdf, name)
        return None


def file_name(number: object, job_id: object) -> str:
    """The card's file name from what the server sent, reduced to letters, digits and dashes:
    whatever the server says, the file lands in the station's folder and nowhere else."""

    def safe(value: object, length: int) -> str:
        return "".join(ch for ch in str(value) if ch.isascii() and (ch.isalnum() or ch == "-"))[
            :length
        ]

    return f"{safe(number, 32) or 'card'}-{safe(job_id, 8) or 'job'}.pdf"


@dataclass
class Station:
    server: Server
    output: Output
    journal: Journal
    console: Console
    poll_seconds: float = 10.0
    printed: int = 0
    failed: int = 0
    # Jobs not to try again in this pass: failed, or refused by the server.
    _passed_over: set[str] = field(default_factory=set)

    def queued(self) -> list[dict[str, Any]]:
        response = self.server.request("GET", "/v1/print-jobs", params={"status": "queued"})
        if response.status_code != 200:
            raise StationStopped(f"cannot read the queue: {_detail(response)}", 1)
        jobs: list[dict[str, Any]] = response.json()
        return [job for job in jobs if job["id"] not in self._passed_over]

    def run(self, *, once: bool) -> int:
        while True:
            jobs = self.queued()
            if jobs:
                self._pass(jobs)
                continue
            if once:
                return 1 if self.failed else 0
            self.server.sleep(self.poll_seconds)
            self._passed_over.clear()  # a failed job gets another try on the next poll

    def _pass(self, jobs: list[dict[str, Any]]) -> None:
        with Progress(console=self.console, transient=True) as progress:
            task = progress.add_task("printing cards", total=len(jobs))
            for job in jobs:
                self._process(job)
                progress.advance(task)

    def _process(self, job: dict[str, Any]) -> None:
        job_id, number = job["id"], job["card_number"]
        if job_id in self.journal:
            self.console.print(
                f"job {job_id} was printed here before: reporting it, not reprinting"
            )
            self._report_printed(job_id, number)
            return
        response = self.server.request("GET", f"/v1/print-jobs/{quote(job_id, safe='')}/card.pdf")
        if response.status_code != 200:
            self._passed_over.add(job_id)
            self.console.print(f"[yellow]skipped job {job_id}: {_detail(response)}[/yellow]")
            return
        problem = self.output.deliver(response.content, file_name(number, job_id))
        if problem is not None:
            self._report_failed(job_id, problem)
            return
        self.journal.add(job_id)
        self._report_printed(job_id, number)

    def _report_printed(self, job_id: str, number: str) -> None:
        response = self.server.request("POST", f"/v1/print-jobs/{quote(job_id, safe='')}/printed")
        body = (
            response.json()
            # Errors come as RFC 9457 problems (application/problem+json), still with `error`.
            if response.headers.get("content-type", "").startswith(
                ("application/json", "application/problem+json")
            )
            else {}
        )
        if response.status_code == 200 or body.get("error") == "PrintJobAlreadyPrinted":
            self.printed += 1
            self.console.print(f"[green]printed card {grouped(number)}[/green] (job {job_id})")
            return
        self._passed_over.add(job_id)
        self.console.print(
            f"[red]card {grouped(number)} was printed but the server refused to mark it "
            f"({_detail(response)}): set the card aside[/red]"
        )

    def _report_failed(self, job_id: str, problem: str) -> None:
        self.failed += 1
        self._passed_over.add(job_id)
        self.console.print(f"[red]job {job_id} failed: {problem}[/red]")
        response = self.server.request(
            "POST", f"/v1/print-jobs/{quote(job_id, safe='')}/failed", json={"reason": problem}
        )
        if response.status_code != 200:
            self.console.print(f"[yellow]could not report it: {_detail(response)}[/yellow]")
