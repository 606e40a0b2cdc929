"""OpenAPI links: which answer supplies the identifier another operation takes.

They tell a client (and the docs) where an id comes from, and they drive the contract's stateful
phase: schemathesis follows exactly these, instead of guessing links from field names (it once
took a branch's name for its code, and a new applicant's photo for a created resource).
"""

from __future__ import annotations

from typing import Any

# producer operation -> its success status -> (consumer operation, {parameter: expression})
Link = tuple[str, dict[str, str]]

_APPLICANT = {"applicant_id": "$response.body#/id"}
_CARD = {"number": "$response.body#/card/number"}
_NEW_CARD = {"number": "$response.body#/number"}
_USER = {"user_id": "$response.body#/id"}
_MERCHANT = {"merchant_id": "$response.body#/id"}
_SESSION = {"session_id": "$response.body#/id"}
_BRANCH = {"branch": "$response.body#/code"}
_JOB = {"job_id": "$response.body#/0/id"}
_CARD_OPERATIONS = ("getCard", "cardBalance", "cardTransactions", "loadCard", "reprintCard")

LINKS: dict[str, dict[str, list[Link]]] = {
    "registerApplicant": {
        "201": [
            (consumer, _APPLICANT)
            for consumer in (
                "readApplicant",
                "correctApplicant",
                "recordProof",
                "listProofs",
                "uploadPhoto",
                "uploadSignature",
                "approveApplicant",
                "denyApplicant",
                "applicantCards",
            )
        ]
    },
    "recordProof": {
        "201": [
            (
                "withdrawProof",
                {"applicant_id": "$request.path.applicant_id", "check_id": "$response.body#/id"},
            )
        ]
    },
    "approveApplicant": {
        "201": [(consumer, _CARD) for consumer in (*_CARD_OPERATIONS, "revokeCard")]
    },
    "replaceCard": {"201": [(consumer, _NEW_CARD) for consumer in _CARD_OPERATIONS]},
    "renewCard": {"201": [(consumer, _NEW_CARD) for consumer in _CARD_OPERATIONS]},
    "createUser": {"201": [("updateUser", _USER), ("resetPassword", _USER)]},
    "createMerchant": {
        "201": [
            (consumer, _MERCHANT)
            for consumer in (
                "getMerchant",
                "disableMerchant",
                "enableMerchant",
                "rotateMerchantKey",
                "merchantSettlement",
                "addStaff",
                "listStaff",
            )
        ]
    },
    "createCharge": {"201": [("refundCharge", {"charge_id": "$response.body#/id"})]},
    "startSession": {"201": [("getSession", _SESSION), ("extendSession", _SESSION)]},
    "addBranch": {"201": [("branchDrawer", _BRANCH), ("closeBranchDrawer", _BRANCH)]},
    "listPrintJobs": {"200": [("printJobPdf", _JOB), ("markPrinted", _JOB), ("markFailed", _JOB)]},
}


def add_links(operations: dict[str, dict[str, Any]]) -> None:
    """Write LINKS into the operations' answers (only operations the app has)."""
    for producer, answers in LINKS.items():
        for status, links in answers.items():
            answer = operations[producer]["responses"][status]
            for consumer, parameters in links:
                if consumer in operations:
                    answer.setdefault("links", {})[consumer] = {
                        "operationId": consumer,
                        "parameters": parameters,
                    }
