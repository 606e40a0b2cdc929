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
    "changePassword": {
        "current_password": "the password you have now",
        "new_password": "blue heron crossing the harbor",
    },
    "createUser": {
        "username": "mrivera",
        "password": "lantern orchard seventy maple",
        "role": "clerk",
        "branch": "city-hall",
    },
    "updateUser": {"role": "supervisor", "branch": "city-hall"},
    "resetPassword": {"new_password": "copper kettle under the bridge"},
    "correctApplicant": {"phone": "+1 413 555 0199", "address_on_card": False},
    "approveApplicant": {"fee_paid": "cash"},
    "denyApplicant": {"reason": "insufficient_residency"},
    "checkEligibility": {"documents": ["us_passport", "utility_bill"]},
    "recordProof": {"document": "utility_bill", "document_date": "2026-11-20"},
    "revokeCard": {"reason": "lost"},
    "replaceCard": {"reason": "lost", "fee_paid": "cash"},
    "renewCard": {"fee_paid": "waived", "fee_waiver": "senior"},
    "reprintCard": {"reason": "jammed"},
    "printBatchPdf": {
        "job_ids": ["0f8e4c1a-3b2d-4e5f-8a9b-1c2d3e4f5a6b", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"]
    },
    "markFailed": {"reason": "Out of ribbon"},
    "putZone": {"name": "Downtown", "rate_cents_per_hour": 150, "max_minutes": 120},
    "extendSession": {"minutes": 30},
    "uploadOfflineCharges": {
        "charges": [
            {
                "request_id": "meter-17:000042",
                "qr": SAMPLE_QR,
                "zone": "downtown",
                "minutes": 60,
                "occurred_at": "2026-12-04T14:05:00Z",
            }
        ]
    },
    "closeBranchDrawer": {"day": "2026-12-03", "counted_cents": 45500},
    "payFines": {
        "qr": SAMPLE_QR,
        "fines": [{"library_fee_id": "F-2026-0042", "amount_cents": 250}],
    },
    "addStaff": {"username": "desk-ives-1", "password": "willow lantern reading room"},
    "addBranch": {
        "code": "main-library",
        "name": "Main Library",
        "address": "133 Elm Street",
        "opening_hours": "Mon-Fri 9:00-18:00, Sat 10:00-14:00",
    },
}
