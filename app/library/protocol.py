"""What we need from a library system, as our own small interface: the SIP2 library underneath
(today pysip2's codec, see `sip2.py`) can be swapped without touching the rest of the domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.kit.types import Cents


@dataclass(frozen=True)
class LibraryStatus:
    """The library system's answer to SC Status (99/98)."""

    online: bool
    institution: str
    library_name: str | None
    # 16 Y/N flags in the order SIP2 lists its messages (BX); Fee Paid (37) is the tenth.
    supported_messages: str

    @property
    def takes_fee_paid(self) -> bool:
        return self.supported_messages[9:10] == "Y"


@dataclass(frozen=True)
class Fine:
    """One outstanding fee as the library lists it (a fine item, AV)."""

    fee_id: str
    amount_cents: Cents
    description: str


@dataclass(frozen=True)
class PatronFines:
    """Patron Information (63/64) with fine items."""

    known: bool
    fines: tuple[Fine, ...]
    # BV: what the library says the patron owes in all.
    owed_cents: Cents | None


@dataclass(frozen=True)
class FeePayment:
    """One Fee Paid (37): our receipt number goes as the transaction id, so a retry is recognisable."""

    patron: str
    fee_id: str
    amount_cents: Cents
    transaction_id: str


@dataclass(frozen=True)
class FeePaidAnswer:
    """Fee Paid Response (38)."""

    accepted: bool
    screen_message: str


class LibrarySystem(Protocol):
    """A connection to the library's system. Every method raises LibraryUnavailable when the
    library cannot be reached, answers too late, or answers what cannot be read."""

    def status(self) -> LibraryStatus: ...

    def patron_fines(self, patron: str) -> PatronFines: ...

    def pay_fee(self, payment: FeePayment) -> FeePaidAnswer: ...

    def close(self) -> None: ...
