"""Settings, read once from the environment (prefix RESIDENT_ID_, and DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RESIDENT_ID_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{VAR_DIR / 'resident-id.sqlite3'}",
        validation_alias=AliasChoices("DATABASE_URL", "RESIDENT_ID_DATABASE_URL"),
    )
    # Where the embedded deployment keeps what is not in the database (signing keys, the token secret).
    data_dir: Path = VAR_DIR
    # HS256 secret for staff tokens; when empty one is generated into data_dir on first use.
    secret_key: str = ""
    access_token_minutes: int = 60

    # The city: printed on cards and used as the credential issuer.
    city_name: str = "City of New Haven"
    issuer: str = "https://id.example.city"
    public_base_url: str = "https://id.example.city"

    # Approval rules (IDNYC-style points); every rule can be changed per deployment.
    min_identity_points: int = 3
    require_photo_document: bool = True
    require_date_of_birth_document: bool = True
    require_residency_proof: bool = True
    residency_max_age_days: int = 90
    require_photo_on_file: bool = True
    min_age_years: int = 10
    # Path to the document catalog; empty means the default shipped with the app.
    document_catalog: Path | None = None

    # Fees in cents.
    fee_adult_cents: int = 1000
    fee_minor_cents: int = 500
    replacement_fee_cents: int = 1000
    # First-card fees: the adult fee from this age on; no fee at all from the senior age on.
    fee_adult_from_age: int = 18
    fee_senior_from_age: int = 65

    # Card validity.
    validity_years_adult: int = 5
    validity_years_minor: int = 2
    validity_adult_from_age: int = 16
    # Renewal window: from this many days before a card's expiry to this many months after it.
    renewal_opens_days_before: int = 60
    renewal_closes_months_after: int = 6

    # Credential signing: a key signs for this long before `keys rotate` must replace it. A key in
    # RESIDENT_ID_SIGNING_KEY (base64url of the 32-byte seed) is used instead of the files.
    signing_key_window_days: int = 365
    signing_key: str = ""

    # Revocation list (IETF Token Status List): cards get random indexes in a list this large.
    status_list_id: str = "1"
    status_list_size: int = 131_072
    # A signed status list is valid this long (its `exp`), and verifiers should fetch a fresh one
    # after `ttl` seconds; the server re-signs at half the lifetime or at once after a revocation.
    status_list_lifetime_hours: int = 24
    status_list_ttl_seconds: int = 3600

    # Photos.
    photo_max_bytes: int = 5 * 1024 * 1024
    photo_max_pixels: int = 40_000_000

    # Verification rate limit: requests per minute per merchant key.
    verify_rate_per_minute: int = 600

    # Stored value.
    balance_cap_cents: int = 15_000
    daily_spend_limit_cents: int = 5_000
    transaction_retention_days: int = 400
    # The city's clock: daily spending limits, settlements and drawer reports run on its days.
    city_timezone: str = "America/New_York"
    # Idempotency keys (and offline meters' request ids) are remembered this long; a meter may
    # upload charges up to offline_charge_max_age_days old, so keep the first above the second.
    idempotency_key_days: int = 30
    offline_charge_max_age_days: int = 14

    # Four eyes on every card: the clerk who registered an applicant may not approve them, unless
    # this is set (a one-person branch has nobody else to ask).
    allow_self_approval: bool = False


settings = Settings()
