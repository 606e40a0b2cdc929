"""Who may call the stored-value endpoints, the Idempotency-Key every money-moving POST needs,
and how its answer (first or replayed) goes out."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header
from fastapi.responses import JSONResponse

from app.access.deps import allow, allow_keys
from app.auth.principal import Principal
from app.auth.roles import Role
from app.openapi import IDEMPOTENCY_KEY_PATTERN
from app.payments.errors import IdempotencyKeyRequired
from app.payments.idempotency import REPLAYED_HEADER, Answer

# Loads are counter work; looking at a cardholder's money is also an auditor's.
CounterStaff = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR))]
CardReaders = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR, Role.AUDITOR))]
# A merchant key is found in the worker's cache (access.deps.KeyGuard): no query per sale.
Merchants = Annotated[Principal, Depends(allow_keys(Role.MERCHANT))]
# A refund: the merchant that charged (checked in the service), or a supervisor.
Refunders = Annotated[Principal, Depends(allow(Role.MERCHANT, Role.SUPERVISOR))]
Bookkeepers = Annotated[Principal, Depends(allow(Role.ADMIN, Role.AUDITOR))]
DrawerReaders = Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR))]
# Counting the till: a clerk at their own branch (checked in the service) or a supervisor.
DrawerClosers = Annotated[Principal, Depends(allow(Role.CLERK, Role.SUPERVISOR))]
Admins = Annotated[Principal, Depends(allow(Role.ADMIN))]
Auditors = Annotated[Principal, Depends(allow(Role.AUDITOR))]
ZoneReaders = Annotated[
    Principal, Depends(allow(Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR, Role.MERCHANT))
]

# Stripe's limit; longer keys are refused rather than truncated into someone else's.
MAX_KEY_LENGTH = 255
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


# Async: a pure header check needs no worker thread of its own.
async def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="A new random value per payment (UUID or hex; letters, digits and _ . : -, up to 255), the same on retries.",
        ),
    ] = None,
) -> str:
    if key is None or not key.strip():
        raise IdempotencyKeyRequired(
            "send an Idempotency-Key header (a new random value per payment, the same on retries)"
        )
    if len(key) > MAX_KEY_LENGTH:
        raise IdempotencyKeyRequired(
            f"the Idempotency-Key is longer than {MAX_KEY_LENGTH} characters"
        )
    if not _KEY.fullmatch(key):
        raise IdempotencyKeyRequired(
            "an Idempotency-Key is letters, digits and _ . : - only (a UUID or random hex)"
        )
    return key


IdempotencyKey = Annotated[str, Depends(idempotency_key)]


def answered(answer: Answer) -> JSONResponse:
    """A money-moving endpoint's response, rendered in its own worker thread (see
    idempotency.once) or, by POST /v1/charges, after its commit (app.db.in_one_thread); a
    replay says so in a header."""
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)
