"""Request body examples for the main operations: shown in the API docs, and the first requests
the contract sends. Each is valid against its schema (tests/ops/test_contract.py checks), and
names no real person, card or key."""

from __future__ import annotations

from typing import Any

# A card QR's shape (Base45 of a signed, compressed credential) for "Ana Example", signed by a
# throwaway key no deployment holds: a verification answers it as unknown_key.
SAMPLE_QR = (
    "NCFOXN%TSMAHO.J$N8N2KLUO%CUSEH5H4.%5$T5L3569525NWCR0W9NP9699KZ51F9CQ9Q:5$FIP8FHCRM*4UC3:5K"
    "RMC G25R7.L8SNCENALOEXL9.L82N1%VEVAH4/H$M8XL9PI0PI0T4RCBPEV8FGW5/29:26S4KWIACPHTC05JPK95V9"
    "$DI0H9MZ55%LWEO3TI:IJA*714H8697LMYEC7YO:YI7RDP*1BEJ*2W+77FY7XQVYVI-CVE6VDUR/PLD%4J9SGNRELV"
    "R%H+U8DTLN P/:PD%GH.J%YLJM5IXE%8TF5R.-4P:O9+C1ESV50XM4QOB"
)

REQUEST_EXAMPLES: dict[str, dict[str, Any]] = {
    "verifyCard": {"qr": SAMPLE_QR},
    "verifyByNumber": {"number": "2123 4567 8901 28", "date_of_birth": "1990-01-01"},
    "createCharge": {
        "qr": SAMPLE_QR,
        "amount_cents": 250,
        "purpose": "library_fine",
        "reference": "fine 2026-0042",
        "library_fee_id": "F-2026-0042",
    },
    "refundCharge": {"amount_cents": 250},
    "loadCard": {"amount_cents": 2000},
    "startSession": {"qr": SAMPLE_QR, "zone": "downtown", "minutes": 60},
    "registerApplicant": {
        "given_name": "Ana",
        "family_name": "Example",
        "date_of_birth": "1990-01-01",
        "address": {"street": "12 Main Street", "city": "Springfield", "postal_code": "01101"},
        "phone": "+1 413 555 0100",
        "preferred_languages": ["es", "en"],
    },
    "createMerchant": {"name": "Main Street Parking", "category": "parking"},
}
