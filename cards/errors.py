"""Why a QR text or a status list was refused: one base, a stable machine-readable reason each."""

from __future__ import annotations


class CredentialError(Exception):
    reason = "malformed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Malformed(CredentialError):
    """Not Base45, a corrupt or oversize zlib stream, CBOR of the wrong shape, missing claims."""

    reason = "malformed"


class UnsupportedAlgorithm(CredentialError):
    reason = "unsupported_algorithm"


class UnknownKey(CredentialError):
    """No published key has the credential's key id (never published, or withdrawn)."""

    reason = "unknown_key"


class BadSignature(CredentialError):
    reason = "bad_signature"


class Expired(CredentialError):
    reason = "expired"


class StaleStatusList(CredentialError):
    """A status list older than the one already held."""

    reason = "stale_status_list"
