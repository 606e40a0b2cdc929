"""Every domain's tables, imported together so Alembic and the tests see the whole schema."""

from app.applicants import models as applicants
from app.audit import models as audit
from app.auth import models as auth
from app.branches import models as branches
from app.cards import models as cards
from app.cards.printing import models as printing
from app.db import Model
from app.keys import models as keys
from app.library import models as library
from app.merchants import models as merchants
from app.payments import models as payments
from app.preapplications import models as preapplications
from app.proofs import models as proofs
from app.verification import models as verification
from app.web import models as web

metadata = Model.metadata

__all__ = [
    "applicants",
    "audit",
    "auth",
    "branches",
    "cards",
    "keys",
    "library",
    "merchants",
    "metadata",
    "payments",
    "preapplications",
    "printing",
    "proofs",
    "verification",
    "web",
]
