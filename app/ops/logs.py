"""Structured JSON logs (structlog), one object per line, each carrying the request's id.

Every `logging` call in the app goes through the same renderer, so the stdlib loggers the domains
already use need no change. What a line may hold is decided where it is written: never a name, a
date of birth, a card number or a path (paths carry card numbers and search terms).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]

HANDLER_NAME = "resident-id-json"


def json_formatter() -> logging.Formatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )


def configure_logging(level: int = logging.INFO) -> None:
    """Route structlog and stdlib logging to one JSON handler on stderr (idempotent)."""
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    if not any(h.get_name() == HANDLER_NAME for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(HANDLER_NAME)
        handler.setFormatter(json_formatter())
        root.addHandler(handler)
        # Only the first time: a level someone set later (a test, an operator) is theirs.
        root.setLevel(level)
    # uvicorn's own access log would print paths; `serve` turns it off, and this keeps it off.
    logging.getLogger("uvicorn.access").disabled = True
