"""The station's IPP client against CUPS's printer simulator: only a job the printer completes
counts; an aborted job, or one a stopped printer never finishes, comes back with the printer's
own reason (and the stuck job is cancelled, so no card comes out later unreported)."""

from __future__ import annotations

import pytest

from app.cli.ipp import IppPrinter, printer_uri
from tests.support.ipp_printer import JAMS, PRINTS, Simulator, needs_ippeveprinter

pytestmark = [pytest.mark.slow, needs_ippeveprinter]
PDF = b"%PDF-1.4\n% a card\n"
RIBBON_OUT = (
    '#!/bin/sh\necho "STATE: +media-empty-error" >&2\necho "ERROR: Out of ribbon" >&2\nexit 1\n'
)


def test_a_completed_job_is_the_only_success(ipp_printer: Simulator) -> None:
    ipp_printer.set_command(PRINTS)
    assert IppPrinter(ipp_printer.uri, timeout=30, poll=0.2).print_pdf(PDF, "card.pdf") is None
    assert ipp_printer.printed.read_bytes() == PDF


def test_an_aborted_job_reports_the_printers_reason(ipp_printer: Simulator) -> None:
    ipp_printer.set_command(JAMS)
    said = IppPrinter(ipp_printer.uri, timeout=30, poll=0.2).print_pdf(PDF, "card.pdf")
    assert said is not None
    assert "aborted" in said
    assert "Out of ribbon" in said
    assert not ipp_printer.printed.exists()


def test_a_job_a_stopped_printer_never_finishes_is_a_failure_with_the_printers_state(
    ipp_printer: Simulator,
) -> None:
    ipp_printer.set_command(RIBBON_OUT)
    printer = IppPrinter(ipp_printer.uri, timeout=3, poll=0.2)
    assert printer.print_pdf(PDF, "first.pdf") is not None  # aborted; the ribbon is now out
    ipp_printer.set_command(PRINTS)
    said = printer.print_pdf(PDF, "second.pdf")
    assert said is not None
    assert "did not finish" in said
    assert "media-" in said  # the printer's own reason
    assert not ipp_printer.printed.exists()


def test_a_cups_queue_name_means_that_queue_on_this_machine() -> None:
    assert printer_uri("Card_Printer") == "ipp://localhost:631/printers/Card_Printer"
    assert printer_uri("ipps://printer.city.gov/ipp/print") == "ipps://printer.city.gov/ipp/print"
