"""A library system on loopback, built on pysip2's SIP2 server and codec: every message our client
sends is parsed by someone else's code. It holds patrons and their fees, books Fee Paid (37) as
most library systems do (once per message: SIP2 has no idempotency), and can be made to
misbehave: refuse, answer slowly, garble a checksum, go down and come back on the same port.

Watch the traffic by hand:

    python -m tests.support.sip2_library --port 6001
    RESIDENT_ID_SIP2_HOST=127.0.0.1 RESIDENT_ID_SIP2_PORT=6001 RESIDENT_ID_SIP2_USER=resident-id \
      RESIDENT_ID_SIP2_PASSWORD=library-secret RESIDENT_ID_SIP2_INSTITUTION=NHFPL \
      .venv/bin/resident-id library status
"""

from __future__ import annotations

import argparse
import logging
import ssl
import threading
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.abc import Listener, SocketAttribute, SocketStream
from anyio.from_thread import BlockingPortal, start_blocking_portal
from anyio.streams.tls import TLSListener
from pysip2 import (
    FEE_PAID,
    LOGIN,
    PATRON_INFORMATION,
    FeePaidRequest,
    FeePaidResponse,
    LoginRequest,
    LoginResponse,
    PatronInformationRequest,
    PatronInformationResponse,
    SIP2Server,
)

from app.library.amounts import sip2_amount

log = logging.getLogger("sip2_library")

USER, PASSWORD, INSTITUTION = "resident-id", "library-secret", "NHFPL"


@dataclass
class Fee:
    fee_id: str
    amount_cents: int
    description: str


@dataclass(frozen=True)
class Booked:
    """A payment as the library's own record keeps it."""

    patron: str
    fee_id: str
    amount_cents: int
    transaction_id: str
    payment_type: str
    currency: str


@dataclass
class LibraryState:
    """What the library holds and how it will misbehave next; shared with the test's thread."""

    patrons: dict[str, dict[str, Fee]] = field(default_factory=dict)
    booked: list[Booked] = field(default_factory=list)
    # Every command id received, in order (96/97 included), and the login user ids seen.
    received: list[str] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    refuse_next: str | None = None
    # Seconds to wait before answering a Fee Paid (it is booked first: the answer is what is late).
    fee_paid_delay: float = 0.0
    patron_information_delay: float = 0.0
    # How many of the next replies go out with a wrong checksum.
    garble_replies: int = 0
    # Whether Patron Information lists fine items (AV) at all.
    lists_fines: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)


def _now_18() -> str:
    from app.library.sip2 import transaction_date

    return transaction_date()


class GarblingServer(SIP2Server):
    """pysip2's server, able to corrupt a reply's checksum while keeping the true reply as the
    one a Request ACS Resend (97) repeats."""

    def __init__(self, state: LibraryState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state

    async def _process_frame(self, stream: SocketStream, conn: Any, frame: bytes) -> None:
        log.debug("<- %r", frame)
        with self.state.lock:
            self.state.received.append(frame[:2].decode("ascii", "replace"))
        await super()._process_frame(stream, conn, frame)

    async def _send(self, stream: SocketStream, conn: Any, frame: bytes) -> None:
        with self.state.lock:
            garble = self.state.garble_replies > 0 and not frame.startswith(b"96")
            if garble:
                self.state.garble_replies -= 1
        if garble:
            wrong = (int(frame[-5:-1], 16) + 1) & 0xFFFF
            await stream.send(frame[:-5] + f"{wrong:04X}".encode() + b"\r")
            conn.last_response = frame
            return
        await super()._send(stream, conn, frame)


def build_server(state: LibraryState) -> SIP2Server:
    server = GarblingServer(
        state,
        institution_id=INSTITUTION,
        library_name="New Haven Free Public Library",
        login_required=True,
        # Our client must send a sequence number and a valid checksum on every message.
        error_detection="required",
    )

    @server.route(LOGIN)
    def login(req: LoginRequest, ctx: Any) -> LoginResponse:
        with state.lock:
            state.logins.append(req.login_user_id)
        ok = req.login_user_id == USER and req.login_password == PASSWORD
        return LoginResponse(ok="1" if ok else "0")

    @server.route(PATRON_INFORMATION)
    async def patron_information(
        req: PatronInformationRequest, ctx: Any
    ) -> PatronInformationResponse:
        await anyio.sleep(state.patron_information_delay)
        with state.lock:
            fees = state.patrons.get(req.patron_identifier)
            listed = list((fees or {}).values()) if state.lists_fines else []
            owed = sum(f.amount_cents for f in (fees or {}).values())
        wants_fines = req.summary[3:4] == "Y"
        return PatronInformationResponse(
            patron_status=" " * 14,
            language="000",
            transaction_date=_now_18(),
            hold_items_count="0000",
            overdue_items_count="0000",
            charged_items_count="0000",
            fine_items_count=f"{len(listed):04d}",
            recall_items_count="0000",
            unavailable_holds_count="0000",
            institution_id=INSTITUTION,
            patron_identifier=req.patron_identifier,
            personal_name="Patron" if fees is not None else "",
            valid_patron="Y" if fees is not None else "N",
            currency_type="USD",
            fee_amount=sip2_amount(owed),
            fine_items=tuple(
                f"{f.fee_id} {sip2_amount(f.amount_cents)} {f.description}" for f in listed
            )
            if wants_fines
            else (),
        )

    @server.route(FEE_PAID)
    async def fee_paid(req: FeePaidRequest, ctx: Any) -> FeePaidResponse:
        accepted, message = _book(state, req)
        await anyio.sleep(state.fee_paid_delay)
        return FeePaidResponse(
            payment_accepted="Y" if accepted else "N",
            transaction_date=_now_18(),
            institution_id=INSTITUTION,
            patron_identifier=req.patron_identifier,
            transaction_id=req.transaction_id,
            screen_message=(message,),
        )

    return server


def _book(state: LibraryState, req: FeePaidRequest) -> tuple[bool, str]:
    with state.lock:
        if state.refuse_next is not None:
            message, state.refuse_next = state.refuse_next, None
            return False, message
        fees = state.patrons.get(req.patron_identifier)
        fee = (fees or {}).get(req.fee_identifier or "")
        if fees is None or fee is None:
            return False, "No such fee for this patron"
        whole, _, part = req.fee_amount.partition(".")
        cents = int(whole) * 100 + int((part + "00")[:2])
        if cents > fee.amount_cents:
            return False, "Payment is more than the fee"
        fee.amount_cents -= cents
        if fee.amount_cents == 0:
            del fees[fee.fee_id]
        state.booked.append(
            Booked(
                patron=req.patron_identifier,
                fee_id=fee.fee_id,
                amount_cents=cents,
                transaction_id=req.transaction_id or "",
                payment_type=req.payment_type,
                currency=req.currency_type,
            )
        )
        log.info("booked %s cents on fee %s (BK %s)", cents, fee.fee_id, req.transaction_id)
        return True, "Payment accepted"


@asynccontextmanager
async def _serving(server: SIP2Server, port: int, tls: ssl.SSLContext | None) -> AsyncIterator[int]:
    """Like SIP2Server.start, but the listening socket is closed on exit (pysip2 0.1 leaves it
    open), so a library that is down refuses connections and can come back on its port; and
    optionally behind TLS."""
    plain = await server.listen("127.0.0.1", port)
    bound = plain.extra(SocketAttribute.local_port)
    listener: Listener[Any] = TLSListener(plain, tls) if tls is not None else plain
    async with listener, anyio.create_task_group() as tasks:
        tasks.start_soon(listener.serve, server._handle_connection)
        yield bound
        tasks.cancel_scope.cancel()


class TestLibrary:
    """The library in a background thread; `stop()` and `start()` take it down and bring it
    back on the same port, keeping its records."""

    __test__ = False  # not a pytest test class

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.state = LibraryState()
        self.tls = tls
        self.port = 0
        self._portal_cm: AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None
        self._serving: AbstractContextManager[int] | None = None

    def add_patron(self, barcode: str, *fees: tuple[str, int, str]) -> None:
        with self.state.lock:
            self.state.patrons[barcode] = {f[0]: Fee(*f) for f in fees}

    def outstanding(self, barcode: str) -> dict[str, int]:
        with self.state.lock:
            return {f.fee_id: f.amount_cents for f in self.state.patrons[barcode].values()}

    def booked(self) -> list[Booked]:
        with self.state.lock:
            return list(self.state.booked)

    def received(self) -> list[str]:
        with self.state.lock:
            return list(self.state.received)

    def start(self) -> None:
        if self._portal is None:
            self._portal_cm = start_blocking_portal()
            self._portal = self._portal_cm.__enter__()
        self._serving = self._portal.wrap_async_context_manager(
            _serving(build_server(self.state), self.port, self.tls)
        )
        self.port = self._serving.__enter__()

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.__exit__(None, None, None)
            self._serving = None

    def close(self) -> None:
        self.stop()
        if self._portal_cm is not None:
            self._portal_cm.__exit__(None, None, None)
            self._portal_cm = self._portal = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6001)
    parser.add_argument("--patron", default="2100000000000", help="a patron barcode to hold")
    args = parser.parse_args()
    logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(name)s %(message)s")
    state = LibraryState()
    state.patrons[args.patron] = {
        "F1": Fee("F1", 350, "Overdue: Beloved"),
        "F2": Fee("F2", 125, "Overdue: The Power Broker"),
    }
    anyio.run(build_server(state).serve, args.host, args.port)


if __name__ == "__main__":
    main()
