"""Settings, read once from the environment (prefix RESIDENT_ID_, and DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

VAR_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RESIDENT_ID_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{VAR_DIR / 'resident-id.sqlite3'}",
        validation_alias=AliasChoices("DATABASE_URL", "RESIDENT_ID_DATABASE_URL"),
    )
    # Where each worker LISTENs for changes to what it caches (app/changes); empty: database_url.
    # LISTEN needs a session of its own, which a transaction-mode PgBouncer does not keep: behind
    # one, point this at PostgreSQL itself or at a session-mode pool (docs/scaling.md).
    listen_database_url: str = ""
    # Where the embedded deployment keeps what is not in the database (signing keys, the token secret).
    data_dir: Path = VAR_DIR
    # HS256 secret for staff tokens; when empty one is generated into data_dir on first use.
    secret_key: SecretStr = SecretStr("")
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
    signing_key: SecretStr = SecretStr("")

    # Revocation list (IETF Token Status List): cards get random indexes in a list this large.
    status_list_id: str = "1"
    status_list_size: int = 131_072
    # A signed status list is valid this long (its `exp`), and verifiers should fetch a fresh one
    # after `ttl` seconds; the server re-signs at half the lifetime or at once after a revocation.
    status_list_lifetime_hours: int = 24
    status_list_ttl_seconds: int = 3600

    # Photos. The pixel cap takes a phone camera's 12-megapixel picture (a card needs 600 x 800);
    # at most photo_decode_concurrency photos are decoded at once, so memory stays bounded.
    photo_max_bytes: int = 5 * 1024 * 1024
    photo_max_pixels: int = 13_000_000
    photo_decode_concurrency: int = Field(default=2, ge=1, le=64)

    # Verification rate limit: requests per minute per merchant key.
    verify_rate_per_minute: int = 600

    # Server processes for `resident-id serve` (its --workers overrides). Unset: one per core
    # the process may run on with PostgreSQL, one with SQLite (app/cli/serve.py says why).
    workers: int | None = Field(default=None, ge=1, le=256)

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

    # Offline parking (issue 9): what one card may owe from offline stays the balance could not
    # cover. Unset, it is the price of the longest stay the dearest zone sells: one day's longest
    # stay, so a card whose QR a meter holds cannot be run into debt beyond one parking.
    offline_owed_cap_cents: int | None = Field(default=None, ge=0, le=1_000_000)
    # The library system over SIP2 (issue 15): off while the host is empty.
    sip2_host: str = ""
    sip2_port: int = 6001
    sip2_user: str = ""
    sip2_password: str = ""
    # CP in the login (the terminal's location code) and AO in every message (the institution).
    sip2_location: str = ""
    sip2_institution: str = ""
    sip2_tls: bool = False
    # A PEM file of the CA that signed the library's certificate, when it is not a public one.
    sip2_tls_ca_file: str = ""
    sip2_connect_timeout_seconds: float = 5.0
    # How long to wait for an answer; a Fee Paid not answered in time is asked about, not resent blind.
    sip2_read_timeout_seconds: float = 10.0
    # How often a reply with a bad checksum is asked for again (97) before giving up on it.
    sip2_resend_attempts: int = 3
    # SIP2 2.00 names only 00 cash, 01 VISA and 02 credit card: the library books this code of
    # ours as the card's stored value.
    sip2_payment_type: str = "09"
    sip2_currency: str = "USD"
    # The outbox worker: how often it looks for payments to send, and its longest backoff.
    sip2_worker_interval_seconds: float = 5.0
    sip2_backoff_max_seconds: float = 900.0
    # `resident-id serve` runs the worker in-process; turn off where `library worker` runs apart.
    sip2_worker_in_server: bool = True
    # The web console (issue 10): a signed-in browser that sits idle this long must sign in
    # again, because counter machines are shared.
    console_idle_minutes: int = 15

    # Request bodies (issue 9): small by default; the routes that need more declare their own
    # limit (a photo, a meter's upload of 500 charges). A body must have arrived within the
    # timeout, or the client is answered 408 and dropped.
    body_max_bytes: int = 64 * 1024
    body_max_bytes_photo: int = 6 * 1024 * 1024
    body_max_bytes_offline_upload: int = 3 * 1024 * 1024
    body_timeout_seconds: float = 60.0
    # Sign-in throttle: after this many failures for one username (or from one client address:
    # a branch's counter machines may share one), each further attempt waits twice as long as
    # the last, from sign_in_backoff_seconds up to sign_in_backoff_max_seconds. Failures older
    # than sign_in_failure_memory_hours are forgotten.
    sign_in_free_failures: int = 5
    sign_in_free_failures_per_address: int = 50
    sign_in_backoff_seconds: int = 1
    sign_in_backoff_max_seconds: int = 900
    sign_in_failure_memory_hours: int = 24
    # The card's look: a theme TOML file (city name, seal, colours, wording, optional fields);
    # empty means the theme shipped in cards/themes. RESIDENT_ID_CITY_NAME, when set, overrides
    # the theme's city name.
    card_theme: Path | None = None
    # Folders searched for the card's script fonts (Debian: fonts-noto-core, fonts-droid-fallback,
    # fonts-nanum); a JSON list in the environment.
    card_font_dirs: list[Path] = [
        Path("/usr/share/fonts/truetype/noto"),
        Path("/usr/share/fonts/truetype/droid"),
        Path("/usr/share/fonts/truetype/nanum"),
    ]
    # New card numbers are 14-digit library patron barcodes: 2, this institution code (4 digits,
    # the one the city's library system expects), 8 random digits, a mod-10 check digit.
    card_institution_code: str = Field(default="1234", pattern=r"^[0-9]{4}$")
    # Four eyes on every card: the clerk who registered an applicant may not approve them, unless
    # this is set (a one-person branch has nobody else to ask).
    allow_self_approval: bool = False
    # Pre-applications (issue 11): what a resident typed at home is deleted after this many days
    # if nobody came to the counter with its code; one client may send this many per window.
    preapplication_days: int = Field(default=30, ge=1, le=365)
    preapplication_per_client: int = Field(default=5, ge=1)
    preapplication_window_minutes: int = Field(default=60, ge=1)


# Settings that hold secrets without being SecretStr: their values are never shown.
_SECRET_NAMES = ("password", "secret")
MASK = "••••••••"


def shown_settings(current: Settings) -> list[tuple[str, str]]:
    """Every setting by name with its value as an administrator may see it: secrets masked (set
    or not is all that shows), a database URL without its password."""
    shown = []
    for name in type(current).model_fields:
        value = getattr(current, name)
        if isinstance(value, SecretStr) or any(part in name for part in _SECRET_NAMES):
            text = str(value.get_secret_value() if isinstance(value, SecretStr) else value)
            shown.append((name, MASK if text else ""))
        elif name.endswith("database_url") and value:
            try:
                shown.append((name, make_url(value).render_as_string(hide_password=True)))
            except ArgumentError:
                shown.append((name, MASK))
        elif isinstance(value, list):
            shown.append((name, ", ".join(str(item) for item in value)))
        else:
            shown.append((name, "" if value is None else str(value)))
    return shown


settings = Settings()
