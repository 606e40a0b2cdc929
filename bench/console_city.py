"""The console benchmark's town: staff, and applicants made by the app's own services.

Every record is what the counter would leave: registered by a clerk (`applicants.service.register`,
look-alike check and audit event included), documents checked (`proofs.service.record`), a photo
normalised (`upload_photo`), approved by the supervisor (`decision.approve`: card, print job, the
fee in the drawer), printed (`printing.mark_printed`), cash loaded (`payments.loads.load`). The
services run in one transaction per batch of people, as a busy day would commit them request by
request, only fewer commits. The drawer's history is then spread over the last few days by moving
whole transfers back in time (a load or fee with its ledger transfer), so every balance holds.
"""

from __future__ import annotations

import io
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from bench.scale_names import NamePicker

STREETS = (
    "Church St",
    "Whitney Ave",
    "Chapel St",
    "Grand Ave",
    "Dixwell Ave",
    "Ferry St",
    "Orange St",
    "Congress Ave",
    "Howard Ave",
    "Edgewood Ave",
)
LANGUAGES = ("English", "Español", "中文", "Tiếng Việt", "العربية", "Kreyòl ayisyen", "Polski")
IDENTITY = (
    "us_passport",
    "foreign_passport",
    "consular_id",
    "state_id_card",
    "foreign_national_id",
)
RESIDENCY = ("utility_bill", "bank_statement", "residential_lease", "government_letter")
# Shares of the town: approved and carded, waiting with documents, just registered.
APPROVED, WAITING = 0.85, 0.10
# Of the approved: cards still in the print queue, and holders with stored value.
UNPRINTED, WITH_VALUE = 0.015, 0.3
HISTORY_DAYS = 5
BATCH = 250


@dataclass
class Staff:
    """username -> (password, user id, role); the benchmark signs in with these."""

    accounts: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def actor(self, username: str) -> str:
        return f"user:{self.accounts[username][1]}"


@dataclass
class Town:
    staff: Staff
    people: int = 0
    approved: list[str] = field(default_factory=list)  # applicant ids
    waiting: list[str] = field(default_factory=list)
    card_numbers: list[str] = field(default_factory=list)
    loaded_card_numbers: list[str] = field(default_factory=list)
    names: list[tuple[str, str, date]] = field(default_factory=list)  # given, family, born


def portraits(rng: random.Random, count: int) -> list[bytes]:
    """A few different head-and-shoulders JPEGs as a counter camera takes them (640 x 480)."""
    out = []
    for _ in range(count):
        wall = tuple(rng.randrange(60, 200) for _ in range(3))
        skin = (rng.randrange(90, 240), rng.randrange(60, 190), rng.randrange(40, 150))
        image = Image.new("RGB", (640, 480), wall)
        draw = ImageDraw.Draw(image)
        draw.ellipse((250, 80, 390, 260), fill=skin)
        draw.rectangle((200, 290, 440, 480), fill=tuple(rng.randrange(0, 120) for _ in range(3)))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=88)
        out.append(buffer.getvalue())
    return out


def make_staff(password_of: Callable[[], str]) -> Staff:
    """City Hall, and one account a console role (two clerks), made by the auth service."""
    from app.auth import service as auth
    from app.auth.schemas import UserCreate
    from app.branches import repository as branches_repository
    from app.branches import service as branches
    from app.branches.schemas import BranchCreate
    from app.cli.session import command_session
    from app.keys import service as keys

    staff = Staff()
    with command_session() as session:
        if branches_repository.get(session, "city-hall") is None:
            branches.add(
                session,
                BranchCreate(code="city-hall", name="City Hall", address="165 Church St"),
                actor="bench",
            )
        keys.create_key(session, actor="bench")
        for username, role in (
            ("admin", "admin"),
            ("supervisor", "supervisor"),
            ("clerk", "clerk"),
            ("clerk2", "clerk"),
            ("printer", "printer"),
        ):
            password = password_of()
            user = auth.create_user(
                session, UserCreate(username=username, password=password, role=role), actor="bench"
            )
            staff.accounts[username] = (password, user.id, role)
    return staff


def _person(rng: random.Random, picker: NamePicker, today: date) -> tuple[str, str, date, dict]:  # type: ignore[type-arg]  # the address, as the schema takes it
    given, family = picker.pair()
    born = today - timedelta(days=rng.randrange(14 * 365, 90 * 365))
    address = {
        "street": f"{rng.randrange(1, 1800)} {rng.choice(STREETS)}",
        "unit": f"Apt {rng.randrange(1, 40)}" if rng.random() < 0.3 else None,
        "city": "New Haven",
        "postal_code": rng.choice(("06510", "06511", "06513", "06515", "06519")),
    }
    return given, family, born, address


def build(holders: int, seed: int, log: Callable[[str], None]) -> Town:
    """Staff and `holders` applicants through the services; answers what the pages will ask for."""
    from app.applicants import images
    from app.applicants import service as applicants
    from app.applicants.schemas import ApplicantCreate
    from app.approvals import decision
    from app.auth.principal import Principal
    from app.auth.roles import Role
    from app.cards.models import Card
    from app.cards.printing.models import PrintJob, PrintJobStatus
    from app.cards.printing.service import mark_printed
    from app.cli.session import command_session
    from app.kit.types import utcnow
    from app.payments.loads import service as loads
    from app.proofs import service as proofs
    from app.proofs.schemas import ProofCheckCreate

    rng = random.Random(seed)
    picker = NamePicker(rng)
    town = Town(staff=make_staff(lambda: secrets.token_urlsafe(18)))
    staff = town.staff
    clerks = [
        Principal(id=staff.accounts[name][1], role=Role.CLERK, name=name, branch="city-hall")
        for name in ("clerk", "clerk2")
    ]
    supervisor, printer = staff.actor("supervisor"), staff.actor("printer")
    photos = portraits(rng, 12)
    today = utcnow().date()
    for start in range(0, holders, BATCH):
        with command_session() as session:
            for _ in range(start, min(start + BATCH, holders)):
                clerk = rng.choice(clerks)
                given, family, born, address = _person(rng, picker, today)
                languages = rng.sample(LANGUAGES, rng.choice((0, 1, 1, 2)))
                created = applicants.register(
                    session,
                    ApplicantCreate(
                        given_name=given,
                        family_name=family,
                        date_of_birth=born,
                        address=address,
                        preferred_languages=languages,
                        gender=rng.choice(("F", "M", "X", None)),
                        phone=f"203-555-{rng.randrange(10000):04d}" if rng.random() < 0.6 else None,
                    ),
                    actor=clerk.actor,
                )
                town.people += 1
                town.names.append((given, family, born))
                fate = rng.random()
                if fate >= APPROVED + WAITING:
                    continue
                for document, dated in (
                    (rng.choice(IDENTITY), None),
                    (rng.choice(RESIDENCY), today - timedelta(days=rng.randrange(1, 25))),
                ):
                    proofs.record(
                        session,
                        created.id,
                        ProofCheckCreate(document=document, document_date=dated),
                        actor=clerk.actor,
                    )
                if fate >= APPROVED:
                    town.waiting.append(created.id)
                    if rng.random() < 0.7:
                        images.upload_photo(
                            session, created.id, rng.choice(photos), actor=clerk.actor
                        )
                    continue
                images.upload_photo(session, created.id, rng.choice(photos), actor=clerk.actor)
                waiver = "hardship" if rng.random() < 0.1 else None
                approval = decision.approve(
                    session,
                    created.id,
                    waiver,  # type: ignore[arg-type]  # a FeeWaiverReason
                    actor=supervisor,
                    fee_paid="waived" if waiver else "cash",
                )
                number = approval.card.number
                town.approved.append(created.id)
                town.card_numbers.append(number)
                if rng.random() < UNPRINTED:
                    continue
                job = session.scalars(
                    sa.select(PrintJob)
                    .join(Card, Card.id == PrintJob.card_id)
                    .where(Card.number == number, PrintJob.status == PrintJobStatus.QUEUED)
                ).one()
                mark_printed(session, job.id, actor=printer)
                if rng.random() < WITH_VALUE:
                    for _ in range(rng.randrange(1, 4)):
                        loads.load(session, clerk, number, rng.choice((500, 1000, 2000, 2500)))
                    town.loaded_card_numbers.append(number)
        log(f"  {min(start + BATCH, holders):>6} people")
    spread_history(HISTORY_DAYS, rng)
    return town


def spread_history(days: int, rng: random.Random) -> None:
    """Move each load and fee, with its ledger transfer, back by 0 to `days - 1` days: the
    drawer then has a few days of counter work behind today's."""
    from app.cli.session import command_session
    from app.payments.models import Fee, LedgerTransfer, Load

    with command_session() as session:
        rows: list[Load | Fee] = [
            *session.scalars(sa.select(Load)),
            *session.scalars(sa.select(Fee)),
        ]
        for row in rows:
            back = timedelta(days=rng.randrange(days))
            if back:
                transfer = session.get(LedgerTransfer, row.transfer_id)
                assert transfer is not None  # a foreign key guarantees it
                row.at -= back
                transfer.at -= back
