"""Prometheus metrics, labelled by route template and outcome: never a card number, a name or an id.

Request counts, latency and failed sign-ins are counted in this process (app/kit/metrics.py). Verifications, charges,
money moved, the print queue and the status list's age are read from the database when scraped,
so every worker process reports the same figures.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from app.db import session_factory
from app.kit.metrics import REGISTRY
from app.kit.types import utcnow
from app.ops import repository


class DatabaseCollector(Collector):
    """Figures kept in the database, read at each scrape."""

    def collect(self) -> Iterator[Metric]:
        # Imported here: metrics must not make verification a dependency of every import.
        from app.verification.counts import fold

        try:
            with session_factory()() as session, session.begin():
                # This process's pending counts first, as every reader of the counts does.
                fold(session)
                figures = repository.figures(session)
        except SQLAlchemyError:
            # The scrape still answers, so the request metrics survive a database outage.
            yield GaugeMetricFamily("resident_id_database_up", "The database answered.", value=0)
            return
        yield GaugeMetricFamily("resident_id_database_up", "The database answered.", value=1)
        verifications = CounterMetricFamily(
            "resident_id_verifications",
            "QR verifications by outcome (the per-merchant daily counts, summed).",
            labels=["outcome"],
        )
        for outcome, count in figures.verifications.items():
            verifications.add_metric([outcome], count)
        yield verifications
        charges = CounterMetricFamily(
            "resident_id_charges", "Charges to stored value, by purpose.", labels=["purpose"]
        )
        charged = CounterMetricFamily(
            "resident_id_charged_cents",
            "Cents charged to stored value, by purpose.",
            labels=["purpose"],
        )
        for purpose, (count, cents) in figures.charges.items():
            charges.add_metric([purpose], count)
            charged.add_metric([purpose], cents)
        yield charges
        yield charged
        moved = CounterMetricFamily(
            "resident_id_ledger_moved_cents",
            "Cents moved through the ledger, by kind of transfer (load, charge, refund, ...).",
            labels=["kind"],
        )
        for kind, cents in figures.moved.items():
            moved.add_metric([kind], cents)
        yield moved
        yield GaugeMetricFamily(
            "resident_id_print_queue_depth",
            "Print jobs waiting for a printer.",
            value=figures.print_queue,
        )
        yield self._status_list_age()

    @staticmethod
    def _status_list_age() -> GaugeMetricFamily:
        from app.verification.status_lists import held_lists

        age = GaugeMetricFamily(
            "resident_id_status_list_age_seconds",
            "Seconds since this process signed the status list it serves, by list.",
            labels=["list"],
        )
        now = utcnow()
        for list_id, signed in held_lists().items():
            age.add_metric([list_id], (now - signed.issued_at).total_seconds())
        return age


REGISTRY.register(DatabaseCollector())


def scrape() -> bytes:
    """The exposition text: this process's counters and the database's figures."""
    return generate_latest(REGISTRY)
