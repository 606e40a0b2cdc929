"""The SIP2 client: our LibrarySystem spoken over TCP (optionally TLS) with pysip2's codec.

Every message carries a sequence number and a checksum (AY/AZ). A reply whose checksum fails is
asked for again with Request ACS Resend (97), which makes the library repeat its last answer
rather than act twice; a 96 from the library (it could not read us) makes us send ours again.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from pysip2 import (
    ACSStatusResponse,
    FeePaidRequest,
    FeePaidResponse,
    LoginRequest,
    LoginResponse,
    PatronInformationRequest,
    PatronInformationResponse,
    RequestACSResend,
    RequestSCResend,
    SCStatusRequest,
    SIP2ChecksumError,
    SIP2Error,
    SIPMessage,
    SIPRequest,
    decode_message,
    encode_message,
)

from app.config import Settings
from app.library.amounts import cents_of, sip2_amount
from app.library.errors import LibraryUnavailable
from app.library.fine_items import parse_fine_item
from app.library.protocol import FeePaidAnswer, FeePayment, LibraryStatus, PatronFines

Reply = TypeVar("Reply", bound=SIPMessage)

ENCODING = "cp850"
MAX_FRAME = 64 * 1024
# Summary (63): the fourth position asks for fine items.
FINE_ITEMS_SUMMARY = "   Y      "
# Fee type 01: "other/unknown"; the library knows the fee's type from its id.
FEE_TYPE_OTHER = "01"
LANGUAGE_UNKNOWN = "000"


def transaction_date(now: datetime | None = None) -> str:
    """SIP2's 18-character date: YYYYMMDD, a zone ("   Z" is UTC), HHMMSS."""
    at = (now or datetime.now(UTC)).astimezone(UTC)
    return at.strftime("%Y%m%d") + "   Z" + at.strftime("%H%M%S")


@dataclass(frozen=True)
class Sip2Config:
    host: str
    port: int
    user: str
    password: str
    location: str
    institution: str
    tls: bool
    tls_ca_file: str
    connect_timeout: float
    read_timeout: float
    resend_attempts: int
    payment_type: str
    currency: str

    @classmethod
    def of(cls, settings: Settings) -> Sip2Config:
        return cls(
            host=settings.sip2_host,
            port=settings.sip2_port,
            user=settings.sip2_user,
            password=settings.sip2_password,
            location=settings.sip2_location,
            institution=settings.sip2_institution,
            tls=settings.sip2_tls,
            tls_ca_file=settings.sip2_tls_ca_file,
            connect_timeout=settings.sip2_connect_timeout_seconds,
            read_timeout=settings.sip2_read_timeout_seconds,
            resend_attempts=settings.sip2_resend_attempts,
            payment_type=settings.sip2_payment_type,
            currency=settings.sip2_currency,
        )


class Sip2Client:
    """One logged-in connection, opened on first use and closed after any failure, so a late
    answer to one message is never read as the answer to the next."""

    def __init__(self, config: Sip2Config) -> None:
        self.config = config
        self._sock: socket.socket | None = None
        self._buffer = b""
        self._sequence = 0

    # -- LibrarySystem ------------------------------------------------------------------------

    def status(self) -> LibraryStatus:
        reply = self._exchange(
            SCStatusRequest(status_code="0", max_print_width="000", protocol_version="2.00"),
            ACSStatusResponse,
        )
        return LibraryStatus(
            online=reply.online_status == "Y",
            institution=reply.institution_id,
            library_name=reply.library_name,
            supported_messages=reply.supported_messages,
        )

    def patron_fines(self, patron: str) -> PatronFines:
        reply = self._exchange(
            PatronInformationRequest(
                language=LANGUAGE_UNKNOWN,
                transaction_date=transaction_date(),
                summary=FINE_ITEMS_SUMMARY,
                institution_id=self.config.institution,
                patron_identifier=patron,
            ),
            PatronInformationResponse,
        )
        if reply.valid_patron == "N":
            return PatronFines(known=False, fines=(), owed_cents=None)
        try:
            fines = tuple(parse_fine_item(line) for line in reply.fine_items)
            owed = cents_of(reply.fee_amount) if reply.fee_amount else None
        except ValueError as error:
            raise LibraryUnavailable(f"the library's answer cannot be read: {error}") from None
        return PatronFines(known=True, fines=fines, owed_cents=owed)

    def pay_fee(self, payment: FeePayment) -> FeePaidAnswer:
        reply = self._exchange(
            FeePaidRequest(
                transaction_date=transaction_date(),
                fee_type=FEE_TYPE_OTHER,
                payment_type=self.config.payment_type,
                currency_type=self.config.currency,
                fee_amount=sip2_amount(payment.amount_cents),
                institution_id=self.config.institution,
                patron_identifier=payment.patron,
                fee_identifier=payment.fee_id,
                transaction_id=payment.transaction_id,
            ),
            FeePaidResponse,
        )
        if reply.transaction_id and reply.transaction_id != payment.transaction_id:
            self.close()
            raise LibraryUnavailable("the library answered about another transaction")
        return FeePaidAnswer(
            accepted=reply.payment_accepted == "Y", screen_message=" ".join(reply.screen_message)
        )

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock, self._buffer = None, b""

    # -- the wire -----------------------------------------------------------------------------

    def _connect(self) -> None:
        config = self.config
        try:
            sock = socket.create_connection(
                (config.host, config.port), timeout=config.connect_timeout
            )
            if config.tls:
                context = ssl.create_default_context(cafile=config.tls_ca_file or None)
                sock = context.wrap_socket(sock, server_hostname=config.host)
        except OSError as error:
            raise LibraryUnavailable(
                f"cannot reach the library system at {config.host}:{config.port} ({type(error).__name__})"
            ) from None
        sock.settimeout(config.read_timeout)
        self._sock, self._buffer, self._sequence = sock, b"", 0
        reply = self._exchange(
            LoginRequest(
                uid_algorithm="0",
                pwd_algorithm="0",
                login_user_id=config.user,
                login_password=config.password,
                location_code=config.location or None,
            ),
            LoginResponse,
        )
        if reply.ok != "1":
            self.close()
            raise LibraryUnavailable("the library system refused our login (check the SIP2 user)")

    def _exchange(self, request: SIPRequest, expected: type[Reply]) -> Reply:
        if self._sock is None:
            self._connect()
        try:
            return self._ask(request, expected)
        except LibraryUnavailable:
            self.close()
            raise
        except (OSError, SIP2Error) as error:
            self.close()
            raise LibraryUnavailable(
                f"the library system did not answer in time or answered what cannot be read ({type(error).__name__})"
            ) from None

    def _ask(self, request: SIPRequest, expected: type[Reply]) -> Reply:
        sequence = self._sequence
        self._sequence = (sequence + 1) % 10
        frame = encode_message(request, sequence_number=sequence, checksum=True, encoding=ENCODING)
        self._send(frame)
        for _ in range(self.config.resend_attempts + 1):
            try:
                decoded = decode_message(self._read_frame(), encoding=ENCODING)
            except SIP2ChecksumError:
                self._send(encode_message(RequestACSResend(), checksum=True, encoding=ENCODING))
                continue
            message = decoded.message
            if isinstance(message, RequestSCResend):
                self._send(frame)
                continue
            if not isinstance(message, expected):
                raise LibraryUnavailable(
                    f"the library answered {type(message).__name__} to {type(request).__name__}"
                )
            if decoded.sequence_number not in (None, sequence):
                raise LibraryUnavailable("the library's answer carries another sequence number")
            return message
        raise LibraryUnavailable(
            f"the library's answer failed its checksum {self.config.resend_attempts + 1} times"
        )

    def _send(self, frame: bytes) -> None:
        assert self._sock is not None
        self._sock.sendall(frame)

    def _read_frame(self) -> bytes:
        assert self._sock is not None
        while b"\r" not in self._buffer:
            if len(self._buffer) > MAX_FRAME:
                raise LibraryUnavailable("the library's answer has no end")
            chunk = self._sock.recv(4096)
            if not chunk:
                raise LibraryUnavailable("the library system closed the connection")
            self._buffer += chunk
        frame, _, self._buffer = self._buffer.partition(b"\r")
        # Some systems end frames with CR LF: the LF belongs to no message.
        return frame.lstrip(b"\n") + b"\r"
