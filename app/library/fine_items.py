"""Reading the library's fine items (AV). SIP2 leaves their text to the library system; we read
"<fee id> <amount> <description>", the shape the library's SIP2 server is to be set up to send
(the fee id being what Fee Paid names in CG). A line in another shape is refused, never guessed at."""

from __future__ import annotations

from app.library.amounts import cents_of
from app.library.protocol import Fine


def parse_fine_item(line: str) -> Fine:
    parts = line.strip().split(None, 2)
    if len(parts) < 2:
        raise ValueError("a fine item without a fee id and an amount")
    fee_id, amount = parts[0], parts[1]
    description = parts[2] if len(parts) == 3 else ""
    return Fine(fee_id=fee_id, amount_cents=cents_of(amount), description=description)
