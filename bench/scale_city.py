"""The benchmark's city, streamed into PostgreSQL with COPY: applicants (with the app's own name
keys), cards (a share revoked and replaced), and a year and more of stored value: loads at branch
counters, charges at merchants, a few refunds, every transfer balanced and every cached balance
equal to its entries, so `ledger check` holds.

Rows are made by generators and written in text-format COPY chunks; nothing holds the city in
memory but the set of card numbers (to keep them unique) and the status-list index pools.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from app.applicants.names import name_key, name_skeleton
from bench.scale_names import NamePicker

NULL = "\\N"
CHUNK_ROWS = 5_000
BRANCHES = 20
MERCHANTS = 500
# 1 bit per card and at most 2^21 entries: 256 KiB, the most cards/status_list.py will inflate.
LIST_CAPACITY = 2**21
MIN_LIST = 131_072
# A list is left for a new one when this full, so a random free index is found in few draws.
LIST_FILL = 0.8
APPROVED, PENDING = 0.97, 0.02
REVOKED_SHARE = 0.08
STORED_VALUE_SHARE = 0.5
# Transfers per stored-value account: uniform between these, about 7 on average, which gives
# about 10 million entries for 1.5 million holders.
TRANSFERS_PER_ACCOUNT = (2, 12)
REFUND_SHARE = 0.01
BALANCE_CAP = 15_000
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_memo_key = functools.lru_cache(maxsize=300_000)(name_key)
_memo_skeleton = functools.lru_cache(maxsize=300_000)(name_skeleton)


def status_list_size(holders: int) -> int:
    """Entries per list: the smallest power of two that keeps the city's cards under LIST_FILL."""
    wanted = holders * APPROVED * (1 + REVOKED_SHARE) / LIST_FILL
    size = MIN_LIST
    while size < wanted and size < LIST_CAPACITY:
        size *= 2
    return size


def timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(sep=" ")


class Ids:
    """UUID-4-shaped ids from a seeded generator: the app's primary keys are 36-character text."""

    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits

    def new(self) -> str:
        h = f"{self._bits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


class CopyStream:
    """One table's COPY FROM STDIN on its own connection, fed whole text lines in chunks."""

    def __init__(self, stack: ExitStack, conn: psycopg.Connection[Any], table: str, cols: str):
        cursor = stack.enter_context(conn.cursor())
        self._copy = stack.enter_context(cursor.copy(f"COPY {table} ({cols}) FROM STDIN"))
        self._lines: list[str] = []
        self.rows = 0

    def add(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            self._copy.write("".join(self._lines))
            self.rows += len(self._lines)
            self._lines.clear()


@dataclass
class Samples:
    """What the measurements draw on: a thousand holders and cards picked along the way."""

    holders: list[tuple[str, str, date]] = field(default_factory=list)
    card_numbers: list[str] = field(default_factory=list)
    applicant_ids: list[str] = field(default_factory=list)
    lists: dict[str, int] = field(default_factory=dict)

    def merge(self, other: Samples) -> None:
        self.holders += other.holders
        self.card_numbers += other.card_numbers
        self.applicant_ids += other.applicant_ids
        for list_id, count in other.lists.items():
            self.lists[list_id] = self.lists.get(list_id, 0) + count


@dataclass
class StatusIndexes:
    """Random, unique indexes per list; a new list starts when one is LIST_FILL full. Every shard
    shuffles each list the same way and takes every `shards`-th index of it, so shards never meet.
    """

    seed: int
    size: int
    shard: int
    shards: int
    list_no: int = 0
    pool: list[int] = field(default_factory=list)
    taken: int = 0

    def next(self) -> tuple[str, int]:
        if not self.pool or self.taken >= self.size * LIST_FILL / self.shards:
            self.list_no += 1
            pool = list(range(self.size))
            random.Random(self.seed * 1000 + self.list_no).shuffle(pool)
            self.pool = pool[self.shard :: self.shards]
            self.taken = 0
        self.taken += 1
        return str(self.list_no), self.pool.pop()


class City:
    """One shard of the city (all of it when shards == 1). What every shard shares (branches,
    clerks, merchants and their accounts) comes from `seed` alone; the rest from seed and shard,
    and what must be unique across shards (card numbers, receipts, entry ids) is kept apart by
    its remainder modulo the number of shards."""

    def __init__(
        self,
        holders: int,
        seed: int,
        now: float,
        history_days: int,
        shard: int = 0,
        shards: int = 1,
    ) -> None:
        shared = Ids(random.Random(seed))
        self.branches = [f"branch-{b:02d}" for b in range(BRANCHES)]
        self.clerks = {b: shared.new() for b in self.branches}
        self.merchants = [shared.new() for _ in range(MERCHANTS)]
        self.drawers = {b: shared.new() for b in self.branches}
        self.payables = {m: shared.new() for m in self.merchants}
        self.shard, self.shards = shard, shards
        self.seed, self.history_days, self.city_holders = seed, history_days, holders
        self.holders = holders // shards + (1 if shard < holders % shards else 0)
        self.rng = random.Random(seed * 1000 + shard + 1)
        self.ids = Ids(self.rng)
        self.names = NamePicker(self.rng)
        self.now = now
        self.history_start = now - history_days * 86400
        self.samples = Samples()
        self.sample_every = max(self.holders * shards // 1000, 1)
        self.indexes = StatusIndexes(seed, status_list_size(holders), shard, shards)
        # Imported here, not at the top: app.cards.numbers reads the settings, and scale.py sets
        # their environment after asking this module the status list's size.
        from app.cards.numbers import luhn_check_digit

        self._check_digit = luhn_check_digit
        self._numbers: set[int] = set()
        self._receipts = 0

    def card_number(self) -> str:
        while True:
            body = self.rng.randrange(10**14 // self.shards + 1, 10**15 // self.shards - 1)
            body = body * self.shards + self.shard
            if body not in self._numbers:
                self._numbers.add(body)
                return f"{body}{self._check_digit(str(body))}"

    def receipt(self) -> str:
        n, chars = self._receipts * self.shards + self.shard, []
        self._receipts += 1
        for _ in range(11):
            n, digit = divmod(n, 32)
            chars.append(_RECEIPT_ALPHABET[digit])
        return "R" + "".join(reversed(chars))


def staff_and_merchants(city: City, conn: psycopg.Connection[Any]) -> None:
    """The branches' clerks and the merchants the charges name (small tables, one COPY each)."""
    created = timestamp(city.history_start - 86400)
    with conn.cursor() as cur:
        with cur.copy(
            "COPY users (id, username, password_hash, role, branch, active, created_at) FROM STDIN"
        ) as copy:
            for branch, clerk in city.clerks.items():
                copy.write_row((clerk, f"clerk-{branch}", "-", "clerk", branch, True, created))
        with cur.copy(
            "COPY merchants (id, name, category, api_key_hash, api_key_prefix, active, created_at)"
            " FROM STDIN"
        ) as copy:
            for k, merchant in enumerate(city.merchants):
                category = ("library", "parking", "pharmacy", "other")[k % 4]
                key_hash = f"{city.rng.getrandbits(256):064x}"
                copy.write_row(
                    (
                        merchant,
                        f"Merchant {k}",
                        category,
                        key_hash,
                        f"rid_mk_{k:05d}",
                        True,
                        created,
                    )
                )
    conn.commit()


def _applicant_line(city: City, i: int, applicant_id: str, status: str) -> tuple[str, date]:
    rng = city.rng
    given, family = city.names.pair()
    born = date.fromordinal(
        rng.randrange(date(1935, 1, 1).toordinal(), date(2014, 1, 1).toordinal())
    )
    created = timestamp(rng.uniform(city.now - 5 * 365 * 86400, city.now - 86400))
    unit = f"Apt {rng.randrange(1, 30)}{rng.choice('ABCDEF')}" if rng.random() < 0.6 else NULL
    phone = f"+1 718 555 {rng.randrange(10000):04d}" if rng.random() < 0.6 else NULL
    email = f"holder{i}@example.org" if rng.random() < 0.4 else NULL
    lang = rng.choice(("es", "zh", "ru", "bn", "ht", "ko", "ar", "fr", "pl", "yi"))
    language = lang if rng.random() < 0.4 else NULL
    gender = rng.choices(("F", "M", "X", NULL), cum_weights=(48, 95, 97, 100))[0]
    contact = rng.random() < 0.2
    line = "\t".join(
        (
            applicant_id,
            given,
            family,
            _memo_key(given, family),
            _memo_skeleton(given, family),
            born.isoformat(),
            f"{rng.randrange(1, 3000)} {rng.choice(('Broadway', 'Main St', '5th Ave', 'Grand Concourse', 'Flatbush Ave', 'Roosevelt Ave'))}",
            unit,
            "New York",
            f"1{rng.randrange(1697):04d}",
            "t" if rng.random() < 0.97 else "f",
            phone,
            email,
            language,
            NULL,
            gender,
            "Next of kin" if contact else NULL,
            "+1 212 555 0100" if contact else NULL,
            status,
            created,
        )
    )
    if i % city.sample_every == 0:
        city.samples.holders.append((given, family, born))
        city.samples.applicant_ids.append(applicant_id)
    return line + "\n", born


APPLICANT_COLUMNS = (
    "id, given_name, family_name, name_key, name_skeleton, date_of_birth, street, unit, city, postal_code,"
    " address_on_card, phone, email, language_1, language_2, gender, emergency_contact_name,"
    " emergency_contact_phone, status, created_at"
)
CARD_COLUMNS = (
    "id, number, applicant_id, status, issued_at, expires_on, activated_at, revoked_at,"
    " revoke_reason, replaces_card_id, fee_cents, fee_waiver, status_list_id, status_index"
)


def _card_lines(city: City, i: int, holder: str, born: date) -> Iterator[str]:
    """The holder's card, or a revoked card and its replacement."""
    rng = city.rng
    issued = rng.uniform(city.now - 4.5 * 365 * 86400, city.now - 30 * 86400)
    revoked = rng.random() < REVOKED_SHARE
    previous = NULL
    for turn in range(2 if revoked else 1):
        card_id, number = city.ids.new(), city.card_number()
        list_id, index = city.indexes.next()
        city.samples.lists[list_id] = city.samples.lists.get(list_id, 0) + 1
        issued_day = datetime.fromtimestamp(issued, UTC).date()
        years = 5 if (issued_day - born).days >= 16 * 365 else 2
        expires = issued_day.replace(year=issued_day.year + years, day=min(issued_day.day, 28))
        last = turn == (1 if revoked else 0)
        pending = last and rng.random() < 0.01
        status = "revoked" if not last else ("pending_print" if pending else "active")
        revoked_at = timestamp(issued + rng.uniform(86400, 200 * 86400)) if not last else NULL
        reason = rng.choice(("lost", "stolen", "damaged")) if not last else NULL
        fee, waiver = ("0", "hardship") if rng.random() < 0.3 else ("1000", NULL)
        yield (
            "\t".join(
                (
                    card_id,
                    number,
                    holder,
                    status,
                    timestamp(issued),
                    expires.isoformat(),
                    NULL if pending else timestamp(issued + 3 * 86400),
                    revoked_at,
                    reason,
                    previous,
                    fee,
                    waiver,
                    list_id,
                    str(index),
                )
            )
            + "\n"
        )
        if last and not pending and i % city.sample_every == 0:
            city.samples.card_numbers.append(number)
        previous = card_id
        if not last:
            issued += rng.uniform(200 * 86400, 230 * 86400)


def people(city: City, conns: list[psycopg.Connection[Any]]) -> Iterator[tuple[str, float]]:
    """Applicants and their cards; yields each approved holder (id, account opening time) that
    keeps stored value, for the ledger to follow."""
    with ExitStack() as stack:
        applicants = CopyStream(stack, conns[0], "applicants", APPLICANT_COLUMNS)
        cards = CopyStream(stack, conns[1], "cards", CARD_COLUMNS)
        for i in range(city.holders):
            draw = city.rng.random()
            status = (
                "approved"
                if draw < APPROVED
                else "pending"
                if draw < APPROVED + PENDING
                else "denied"
            )
            holder = city.ids.new()
            line, born = _applicant_line(city, i, holder, status)
            applicants.add(line)
            if status != "approved":
                continue
            for card in _card_lines(city, i, holder, born):
                cards.add(card)
            if city.rng.random() < STORED_VALUE_SHARE:
                yield holder, city.rng.uniform(city.history_start, city.history_start + 86400 * 30)
        applicants.flush()
        cards.flush()
