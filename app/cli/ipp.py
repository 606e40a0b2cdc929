"""Printing a card over IPP and waiting for the printer's own word that it came out.

`lp` answers as soon as CUPS has queued a file; a jam or an empty ribbon comes later. So the
station sends the card with an IPP Print-Job and then asks for the job's state until the
printer calls it completed (the card exists), aborted, canceled or stopped (it does not).

The IPP client is CUPS's own `ipptool` (Debian cups-ipp-utils): the reference IPP client, kept
with CUPS, with structured (plist) output; nothing to compile (pycups needs libcups headers and
a running CUPS scheduler, which a printer simulator in a test does not have). It talks to a
CUPS queue (ipp://localhost:631/printers/NAME) and to an IPP Everywhere printer alike.
"""

from __future__ import annotations

import plistlib
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HEADER = """  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name resident-id-station
"""
PRINT_JOB = (
    "{\n  OPERATION Print-Job\n" + _HEADER + "  ATTR name job-name $job_name\n"
    "  ATTR mimeMediaType document-format application/pdf\n  FILE $filename\n}\n"
)
JOB_STATE = (
    "{\n  OPERATION Get-Job-Attributes\n" + _HEADER + "  ATTR integer job-id $job_id\n"
    "  ATTR keyword requested-attributes job-state,job-state-reasons,job-state-message\n}\n"
)
PRINTER_STATE = (
    "{\n  OPERATION Get-Printer-Attributes\n" + _HEADER + "  ATTR keyword requested-attributes "
    "printer-state,printer-state-reasons,printer-state-message\n}\n"
)
CANCEL_JOB = "{\n  OPERATION Cancel-Job\n" + _HEADER + "  ATTR integer job-id $job_id\n}\n"

# RFC 8011 job-state values.
COMPLETED, STOPPED, CANCELED, ABORTED = 9, 6, 7, 8
_ENDED_BADLY = {STOPPED: "stopped", CANCELED: "canceled", ABORTED: "aborted"}


def printer_uri(printer: str) -> str:
    """An ipp:// or ipps:// URI as given; a bare name is that CUPS queue on this machine."""
    if printer.startswith(("ipp://", "ipps://", "http://", "https://")):
        return printer
    return f"ipp://localhost:631/printers/{printer}"


class IppError(Exception):
    """ipptool could not run, or the printer refused the request."""


@dataclass
class IppPrinter:
    uri: str
    # How long to wait for the printer to finish one card, and how often to ask.
    timeout: float = 300.0
    poll: float = 1.0
    sleep: Callable[[float], None] = time.sleep

    def _ask(self, workdir: Path, test: str, **values: str) -> dict[str, Any]:
        script = workdir / "request.test"
        script.write_text(test)
        answer = workdir / "answer.plist"
        command = ["ipptool", "-T", "30", "-P", str(answer)]
        for name, value in values.items():
            command += ["-f", value] if name == "filename" else ["-d", f"{name}={value}"]
        try:
            done = subprocess.run(
                [*command, self.uri, str(script)],
                capture_output=True,
                text=True,
                timeout=90,
                check=False,
            )
        except FileNotFoundError as exc:
            raise IppError("ipptool is not installed (Debian: cups-ipp-utils)") from exc
        except subprocess.TimeoutExpired as exc:
            raise IppError(f"the printer at {self.uri} did not answer") from exc
        if not answer.exists():
            said = (done.stderr or done.stdout).strip().splitlines()
            raise IppError(f"cannot reach the printer: {said[-1] if said else 'no answer'}")
        test_result = plistlib.loads(answer.read_bytes())["Tests"][0]
        attributes: dict[str, Any] = {}
        for group in test_result.get("ResponseAttributes", []):
            attributes.update(group)
        if not str(test_result.get("StatusCode", "")).startswith("successful-ok"):
            reason = attributes.get("status-message") or test_result.get("StatusCode")
            raise IppError(f"the printer refused the request: {reason}")
        return attributes

    def print_pdf(self, pdf: bytes, name: str) -> str | None:
        """Print and wait; answers None when the printer reports the job completed, else why
        not (in the printer's words)."""
        # A private temporary folder, removed at once: the PDF carries a photo and a name.
        with tempfile.TemporaryDirectory(prefix="resident-id-print-") as spool:
            workdir = Path(spool)
            card = workdir / "card.pdf"
            card.write_bytes(pdf)
            try:
                job = self._ask(workdir, PRINT_JOB, job_name=name, filename=str(card))
                job_id = str(job["job-id"])
                return self._wait(workdir, job_id, job)
            except (IppError, KeyError) as exc:
                return str(exc)[:300] if isinstance(exc, IppError) else "no job id from printer"

    def _wait(self, workdir: Path, job_id: str, job: dict[str, Any]) -> str | None:
        deadline = time.monotonic() + self.timeout
        while True:
            state = int(job.get("job-state", 0))
            if state == COMPLETED:
                return None
            if state in _ENDED_BADLY:
                if state == STOPPED:
                    # Cancelled, so the card cannot come out later unreported and unactivated.
                    self._cancel(workdir, job_id)
                    return f"{_why('stopped', job)}; {self._printer_says(workdir)}"[:300]
                return _why(_ENDED_BADLY[state], job)
            if time.monotonic() >= deadline:
                self._cancel(workdir, job_id)
                said = self._printer_says(workdir)
                return f"the printer did not finish the card within {self.timeout:g} s; {said}"[
                    :300
                ]
            self.sleep(self.poll)
            job = self._ask(workdir, JOB_STATE, job_id=job_id)

    def _printer_says(self, workdir: Path) -> str:
        """The printer's own state and reasons (media-empty-error, media-jam-error...)."""
        try:
            printer = self._ask(workdir, PRINTER_STATE)
        except IppError as exc:
            return str(exc)
        reasons = printer.get("printer-state-reasons", "")
        if isinstance(reasons, list):
            reasons = ", ".join(str(r) for r in reasons)
        message = str(printer.get("printer-state-message", "")).strip()
        return "printer: " + "; ".join(p for p in (message, str(reasons)) if p)

    def _cancel(self, workdir: Path, job_id: str) -> None:
        try:
            self._ask(workdir, CANCEL_JOB, job_id=job_id)
        except IppError:
            pass  # already ended on the printer's side: nothing left to stop


def _why(ended: str, job: dict[str, Any]) -> str:
    reasons = job.get("job-state-reasons", "")
    if isinstance(reasons, list):
        reasons = ", ".join(str(r) for r in reasons)
    message = str(job.get("job-state-message", "")).strip()
    said = "; ".join(part for part in (message, str(reasons)) if part)
    return f"the printer {ended} the job: {said or 'no reason given'}"[:300]
