"""`resident-id status-list export` and `resident-id verify`: what a merchant device syncs, and
verifying a card with nothing but those files (no database, no server)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from app.cli.session import command_session
from app.cli.verifier import keyset_path, status_list_paths
from app.config import settings
from app.kit.errors import ResidentIdError
from app.verification import status_lists
from cards.errors import CredentialError
from cards.numbers import grouped
from cards.verifier import OfflineVerifier, VerificationResult, load_keyset

EXIT_CODES = {"valid": 0, "invalid": 1, "revoked": 2, "expired": 3, "revocation_unknown": 4}
# The key set or a status list file could not be read at all: nothing was verified.
EXIT_UNREADABLE = 5

VERIFY_EPILOG = """\b
Exit status:
  0  valid: signature good, not expired, not revoked
  1  invalid: malformed, unknown key, bad signature, ...
  2  revoked: on the status list (lost, stolen, replaced, ...)
  3  expired
  4  signature valid, revocation unknown (no current status list)
  5  the key set or a status list file (or --dir) is missing or unreadable
A mistyped option also exits 2 (a usage error): read the status line."""


def _holder(result: VerificationResult) -> str:
    parts = [f"{result.given_name} {result.family_name}"]
    if result.date_of_birth is not None:
        parts.append(f"born {result.date_of_birth.isoformat()}")
    if result.card_number is not None:
        parts.append(f"card {grouped(result.card_number)}")
    if result.expires_on is not None:
        parts.append(f"expires {result.expires_on.isoformat()}")
    return ", ".join(parts)


def _describe(result: VerificationResult) -> str:
    if result.status == "invalid":
        return f"invalid: {result.reason or 'malformed'}"
    if result.status == "revocation_unknown":
        why = result.reason or "no current status list"
        return f"signature valid, revocation unknown ({why}): {_holder(result)}"
    return f"{result.status}: {_holder(result)}"


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(EXIT_UNREADABLE)


def _verifier(keys: Path, status_list_files: list[Path]) -> OfflineVerifier:
    try:
        verifier = OfflineVerifier(load_keyset(keys))
    except CredentialError as exc:
        raise _fail(exc.detail) from None
    for path in status_list_files:
        try:
            token = path.read_bytes()
        except OSError as exc:
            raise _fail(f"cannot read the status list {path}: {exc.strerror}") from None
        try:
            verifier.update_status_list(token)
        except CredentialError as exc:
            # An expired, forged or broken list is set aside: its cards answer "revocation
            # unknown", never "valid".
            typer.echo(f"status list {path} not used: {exc.reason} ({exc.detail})", err=True)
    return verifier


def export(
    file: Path,
    list_id: str = typer.Option(
        settings.status_list_id, "--list", help="Which list (the one new cards use by default)."
    ),
) -> None:
    """Write the signed status list (application/statuslist+cwt) for offline verifiers."""
    try:
        with command_session() as session:
            signed = status_lists.signed_list(session, list_id)
    except ResidentIdError as exc:
        typer.echo(exc.detail, err=True)
        raise typer.Exit(1) from exc
    file.write_bytes(signed.token)
    typer.echo(
        f"status list {list_id} written to {file} ({len(signed.token)} bytes, "
        f"valid until {signed.expires_at.isoformat()})"
    )


def verify(
    text: str = typer.Argument(
        "-", help="The QR text as scanned; - or nothing reads it from stdin (a scanner)."
    ),
    # Checked here rather than by click, whose usage errors exit 2, which means "revoked".
    keys: Path | None = typer.Option(
        None, help="The key set from `resident-id keys export` (or --dir)."
    ),
    status_list: list[Path] = typer.Option(
        [], help="A status list from `resident-id status-list export` (repeatable)."
    ),
    folder: Path | None = typer.Option(
        None,
        "--dir",
        help="A folder `resident-id verifier sync` filled: its key set and status lists.",
    ),
) -> None:
    """Verify a card's QR offline, with only the key set and status list files."""
    if folder is not None:
        if not folder.is_dir():
            raise _fail(f"--dir {folder} is not a folder: run `resident-id verifier sync`")
        keys = keys or keyset_path(folder)
        status_list = [*status_list_paths(folder), *status_list]
    if keys is None:
        raise _fail(
            "--keys FILE or --dir DIR is required: the key set from `resident-id keys export`"
            " or `resident-id verifier sync`"
        )
    verifier = _verifier(keys, status_list)
    qr_text = sys.stdin.read().strip() if text == "-" else text
    result = verifier.verify(qr_text)
    typer.echo(_describe(result))
    raise typer.Exit(EXIT_CODES[result.status])


def register(cli: typer.Typer) -> None:
    status_list = typer.Typer(
        help="The revocation list (IETF Token Status List).", no_args_is_help=True
    )
    cli.add_typer(status_list, name="status-list")
    status_list.command("export")(export)
    cli.command("verify", epilog=VERIFY_EPILOG)(verify)
