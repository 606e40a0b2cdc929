"""The benchmark city's stored value, as the payments domain books it (app/payments/ledger/):

- a load: the branch drawer (debit-normal) is debited, the holder's stored value credited;
- a charge: stored value debited, the merchant's payable (summed, no cached balance) credited;
- a refund of a charge: the payable debited, stored value credited, the charge's refunded total
  raised by as much.

Each holder's transfers are made in time order with a running balance that never goes below
zero nor above the balance cap, and each account's cached balance is written at the end, equal
to its entries: what `ledger check` proves.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import psycopg

from bench.scale_city import (
    BALANCE_CAP,
    REFUND_SHARE,
    TRANSFERS_PER_ACCOUNT,
    City,
    CopyStream,
    timestamp,
)

STREAMS = {
    "ledger_transfers": "id, kind, amount_cents, at",
    "ledger_entries": "id, transfer_id, account_id, side, amount_cents",
    "loads": "id, transfer_id, account_id, branch, clerk_id, amount_cents, recovered_cents, at",
    "charges": "id, transfer_id, merchant_id, account_id, amount_cents, shortfall_cents,"
    " refunded_cents, purpose, reference, receipt_number, at",
    "refunds": "id, charge_id, transfer_id, merchant_id, amount_cents, refunded_by, at",
    "ledger_accounts": "id, kind, owner, balance_cents, spent_cents, created_at",
}
LOAD_AMOUNTS = (1000, 2000, 2500, 5000, 10000)
PURPOSES = ("library_fine", "parking", "other")


class Ledger:
    def __init__(
        self, city: City, stack: ExitStack, conns: dict[str, psycopg.Connection[Any]]
    ) -> None:
        self.city = city
        self.streams = {
            table: CopyStream(stack, conns[table], table, cols) for table, cols in STREAMS.items()
        }
        self.entries = 0
        self.last_entry_id = 0
        self.drawer_totals = dict.fromkeys(city.branches, 0)

    def _transfer(self, kind: str, amount: int, at: str, debit: str, credit: str) -> str:
        transfer = self.city.ids.new()
        self.streams["ledger_transfers"].add(f"{transfer}\t{kind}\t{amount}\t{at}\n")
        for account, side in ((debit, "debit"), (credit, "credit")):
            # Unique across shards: each shard's ids keep its own remainder.
            self.last_entry_id = self.entries * self.city.shards + self.city.shard + 1
            self.entries += 1
            self.streams["ledger_entries"].add(
                f"{self.last_entry_id}\t{transfer}\t{account}\t{side}\t{amount}\n"
            )
        return transfer

    def _load(self, account: str, amount: int, at: float) -> None:
        branch = self.city.rng.choice(self.city.branches)
        ts = timestamp(at)
        drawer = self.city.drawers[branch]
        transfer = self._transfer("load", amount, ts, drawer, account)
        self.drawer_totals[branch] += amount
        clerk = self.city.clerks[branch]
        self.streams["loads"].add(
            f"{self.city.ids.new()}\t{transfer}\t{account}\t{branch}\t{clerk}\t{amount}\t0\t{ts}\n"
        )

    def _charge(self, account: str, amount: int, at: float) -> int:
        """A charge, sometimes refunded in full a little later; answers what was refunded."""
        rng = self.city.rng
        merchant = rng.choice(self.city.merchants)
        payable = self.city.payables[merchant]
        ts = timestamp(at)
        transfer = self._transfer("charge", amount, ts, account, payable)
        refunded = amount if rng.random() < REFUND_SHARE else 0
        charge = self.city.ids.new()
        self.streams["charges"].add(
            f"{charge}\t{transfer}\t{merchant}\t{account}\t{amount}\t0\t{refunded}"
            f"\t{rng.choice(PURPOSES)}\tref-{self.entries}\t{self.city.receipt()}\t{ts}\n"
        )
        if refunded:
            later = timestamp(at + rng.uniform(60, 3600))
            refund = self._transfer("refund", amount, later, payable, account)
            self.streams["refunds"].add(
                f"{self.city.ids.new()}\t{charge}\t{refund}\t{merchant}\t{amount}"
                f"\tmerchant:{merchant}\t{later}\n"
            )
        return refunded

    def holder_account(self, holder: str, opened: float) -> None:
        """One holder's stored value: a first load, then loads and charges until now."""
        rng = self.city.rng
        account = self.city.ids.new()
        count = rng.randint(*TRANSFERS_PER_ACCOUNT)
        times = sorted(rng.uniform(opened, self.city.now - 3600) for _ in range(count))
        balance = 0
        for at in times:
            room = BALANCE_CAP - balance
            if balance < 100 or (rng.random() < 0.35 and room >= LOAD_AMOUNTS[0]):
                amount = min(rng.choice(LOAD_AMOUNTS), room)
                self._load(account, amount, at)
                balance += amount
            else:
                amount = min(rng.randint(50, 2500), balance)
                balance -= amount - self._charge(account, amount, at)
        self.streams["ledger_accounts"].add(
            f"{account}\tstored_value\t{holder}\t{balance}\t0\t{timestamp(opened)}\n"
        )

    def finish(self) -> None:
        for stream in self.streams.values():
            stream.flush()


def shared_accounts(city: City, conn: psycopg.Connection[Any], drawers: dict[str, int]) -> None:
    """The branches' drawers (holding what every shard loaded) and the merchants' payables."""
    opened = timestamp(city.history_start - 3600)
    with (
        conn.cursor() as cur,
        cur.copy(f"COPY ledger_accounts ({STREAMS['ledger_accounts']}) FROM STDIN") as copy,
    ):
        for branch, drawer in city.drawers.items():
            copy.write_row((drawer, "drawer", branch, drawers[branch], 0, opened))
        for merchant, payable in city.payables.items():
            copy.write_row((payable, "payable", merchant, None, 0, opened))
    conn.commit()
