"""The print station's client tests print to CUPS's printer simulator."""

from __future__ import annotations

from tests.support.ipp_printer import ipp_printer  # noqa: F401  (a fixture, found by name)
