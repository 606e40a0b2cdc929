from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import UTCDateTime, utcnow


class PreApplication(Model):
    """A resident's details typed at home, sealed (AES-GCM) under a key derived from its reference
    code and the server's secret: without the code the row can be neither found nor read. The id
    is a keyed hash of the code; the code itself is kept nowhere."""

    __tablename__ = "preapplications"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary())
    # The purge deletes by age; nothing else about the visit (no address, no language) is kept.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
