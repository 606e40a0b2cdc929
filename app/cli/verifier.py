"""`resident-id verifier sync`: a merchant device fetches the key set and the status lists into a
folder that `resident-id verify --dir` reads. No database: only HTTP and the files.

The folder holds `keys.json` (the JWK set) and `status-lists/<id>.cwt` (one signed list each).
Every file is replaced atomically, so a verify running meanwhile reads the old file or the new
one, never half of one. A fetched list is kept only if it verifies against the fetched key set,
is the list asked for, and is newer than the one held: a server (or a network in the way) cannot
roll a device back to a list from before a revocation.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import typer

from app.cli.output import (
    EXIT_NOT_FOUND,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    JSON_OPTION,
    fail,
)
from app.config import settings
from cards.errors import CredentialError
from cards.keys import KeySet
from cards.status_list import (
    MAX_TOKEN_BYTES,
    MEDIA_TYPE,
    VerifiedStatusList,
    verify_status_list_token,
)

KEYSET_FILE = "keys.json"
STATUS_LIST_DIR = "status-lists"
STATUS_LIST_SUFFIX = ".cwt"
# A list id becomes a file name: no separators, no dot files (the cards table's column is 16).
_LIST_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,15}")
# The start of time: reading a held list's issued-at whether or not it has expired since.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TIMEOUT = httpx.Timeout(30.0)
_MAX_KEYSET_BYTES = 1024 * 1024
# As `verify` says of a key set or list file it cannot read: the folder cannot be written.
EXIT_UNWRITABLE = 5


def keyset_path(folder: Path) -> Path:
    return folder / KEYSET_FILE


def status_list_paths(folder: Path) -> list[Path]:
    """The status lists synced into a folder, in a stable order."""
    return sorted((folder / STATUS_LIST_DIR).glob(f"*{STATUS_LIST_SUFFIX}"))


@dataclass(frozen=True)
class Synced:
    """What happened to one file: written, unchanged, refused (the held one kept) or failed."""

    file: str
    outcome: str
    detail: str
    exit_code: int = 0


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _Unanswered(Exception):
    """No usable answer from the server: why, in one line, and the exit code it means."""

    def __init__(self, detail: str, exit_code: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.exit_code = exit_code


def _get(client: httpx.Client, path: str, limit: int) -> bytes:
    """The body of a 200 answer, read no further than `limit` bytes (a server cannot fill the
    device's memory or disk)."""
    url = f"{client.base_url}{path}"
    try:
        with client.stream("GET", path) as response:
            if response.status_code != 200:
                code = EXIT_NOT_FOUND if response.status_code == 404 else EXIT_UNREACHABLE
                raise _Unanswered(f"{url} answered HTTP {response.status_code}", code)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise _Unanswered(f"{url} answered more than {limit} bytes", EXIT_REFUSED)
            return bytes(body)
    except httpx.HTTPError as exc:
        raise _Unanswered(
            f"cannot reach {url}: {type(exc).__name__}: {exc}", EXIT_UNREACHABLE
        ) from None


def _sync_keys(client: httpx.Client, folder: Path) -> tuple[Synced, KeySet | None]:
    name = KEYSET_FILE
    try:
        answer = _get(client, "/v1/keys", _MAX_KEYSET_BYTES)
    except _Unanswered as exc:
        # Whatever the answer, without keys no list can be checked: nothing more is fetched.
        code = EXIT_REFUSED if exc.exit_code == EXIT_REFUSED else EXIT_UNREACHABLE
        return Synced(name, "failed", exc.detail, code), None
    try:
        jwks = json.loads(answer)
        keyset = KeySet.from_jwks(jwks)
    except (ValueError, CredentialError) as exc:
        detail = exc.detail if isinstance(exc, CredentialError) else str(exc)
        return Synced(name, "refused", f"the key set does not parse ({detail})", EXIT_REFUSED), None
    count = len(keyset.to_jwks()["keys"])
    if count == 0:
        # A device left with no key verifies nothing: keep what it had and say so.
        return Synced(name, "refused", "the key set holds no Ed25519 key", EXIT_REFUSED), None
    data = (json.dumps(jwks, indent=2) + "\n").encode()
    path = keyset_path(folder)
    if path.is_file() and path.read_bytes() == data:
        return Synced(name, "unchanged", f"{count} key(s)"), keyset
    _write_atomically(path, data)
    return Synced(name, "written", f"{count} key(s)"), keyset


def _held(path: Path, keyset: KeySet) -> VerifiedStatusList | None:
    """The list already in the folder, if it is one the synced keys signed (expired or not)."""
    try:
        return verify_status_list_token(path.read_bytes(), keyset, now=_EPOCH)
    except (OSError, CredentialError):
        return None


def _stamp(held: VerifiedStatusList) -> str:
    return f"issued {held.issued_at.isoformat()}, valid until {held.expires_at.isoformat()}"


def _sync_list(client: httpx.Client, folder: Path, keyset: KeySet, list_id: str) -> Synced:
    path = folder / STATUS_LIST_DIR / f"{list_id}{STATUS_LIST_SUFFIX}"
    name = f"{STATUS_LIST_DIR}/{path.name}"
    try:
        answer = _get(client, f"/v1/status-lists/{list_id}", MAX_TOKEN_BYTES)
    except _Unanswered as exc:
        return Synced(name, "failed", exc.detail, exc.exit_code)
    kept = "; the one held is kept" if path.is_file() else ""
    try:
        fetched = verify_status_list_token(answer, keyset)
    except CredentialError as exc:
        return Synced(name, "refused", f"{exc.reason}: {exc.detail}{kept}", EXIT_REFUSED)
    if not fetched.uri.endswith(f"/v1/status-lists/{list_id}"):
        return Synced(
            name, "refused", f"the server sent the list {fetched.uri}{kept}", EXIT_REFUSED
        )
    held = _held(path, keyset) if path.is_file() else None
    if held is not None and fetched.issued_at < held.issued_at:
        detail = (
            f"older than the one held (issued {fetched.issued_at.isoformat()}, "
            f"held {held.issued_at.isoformat()}){kept}"
        )
        return Synced(name, "refused", detail, EXIT_REFUSED)
    if held is not None and fetched.issued_at == held.issued_at:
        return Synced(name, "unchanged", _stamp(held))
    _write_atomically(path, answer)
    return Synced(name, "written", _stamp(fetched))


def _exit_code(results: list[Synced]) -> int:
    codes = {r.exit_code for r in results}
    for code in (EXIT_UNREACHABLE, EXIT_REFUSED, EXIT_NOT_FOUND):
        if code in codes:
            return code
    return 0


def sync(client: httpx.Client, folder: Path, list_ids: list[str]) -> list[Synced]:
    keys, keyset = _sync_keys(client, folder)
    if keyset is None:
        return [keys]
    return [keys, *(_sync_list(client, folder, keyset, list_id) for list_id in list_ids)]


def _report(results: list[Synced], *, as_json: bool) -> None:
    if as_json:
        rows = [{k: v for k, v in asdict(r).items() if k != "exit_code"} for r in results]
        print(json.dumps(rows, indent=2))
    for r in results:
        if r.exit_code:
            print(f"error: {r.file} not synced: {' '.join(r.detail.split())}", file=sys.stderr)
        elif not as_json:
            print(f"{r.file}: {r.outcome} ({r.detail})")


def register(cli: typer.Typer) -> None:
    verifier = typer.Typer(
        help="A merchant device: the files that verify cards offline.", no_args_is_help=True
    )
    cli.add_typer(verifier, name="verifier")

    @verifier.command("sync", epilog=SYNC_EPILOG)
    def sync_command(
        server: str = typer.Option(
            ..., help="The Resident ID server, e.g. https://id.example.city"
        ),
        folder: Path = typer.Option(..., "--dir", help="Where `resident-id verify --dir` reads."),
        lists: list[str] = typer.Option(
            [settings.status_list_id],
            "--list",
            help="A status list to sync (repeatable; the one new cards use by default).",
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Fetch the key set and the status lists; a list is kept only if signed and newer."""
        if not server.startswith(("https://", "http://")):
            fail(f"--server must be an http(s) URL, not {server!r}", EXIT_USAGE)
        for list_id in lists:
            if not _LIST_ID.fullmatch(list_id):
                fail(f"--list {list_id!r} is not a status list id", EXIT_USAGE)
        headers: dict[str, Any] = {"Accept": f"application/json, {MEDIA_TYPE}"}
        try:
            with httpx.Client(
                base_url=server.rstrip("/"), timeout=_TIMEOUT, headers=headers
            ) as client:
                results = sync(client, folder, list(dict.fromkeys(lists)))
        except OSError as exc:
            fail(f"cannot write in {folder}: {exc.strerror or exc}", EXIT_UNWRITABLE)
        _report(results, as_json=as_json)
        raise typer.Exit(_exit_code(results))


SYNC_EPILOG = f"""\b
Exit status:
  0  every file written or already current
  {EXIT_NOT_FOUND}  the server has no such status list
  {EXIT_UNWRITABLE}  the folder cannot be written
  {EXIT_REFUSED}  a file was refused (bad signature, older, unparseable): the one held is kept
  {EXIT_UNREACHABLE}  the server could not be reached or answered an error"""
