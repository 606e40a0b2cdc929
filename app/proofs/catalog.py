"""The document catalog: a JSON file the city edits, validated when it is loaded."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.config import settings

DEFAULT_CATALOG = Path(__file__).with_name("catalog.json")
CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"


class CatalogError(RuntimeError):
    """The catalog file is missing or wrong: the service must not start guessing."""


class Document(BaseModel):
    """One kind of document the city accepts, and what it proves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=CODE_PATTERN)
    name_en: str = Field(min_length=1, max_length=200)
    name_es: str = Field(min_length=1, max_length=200)
    identity_points: int = Field(ge=0, le=10)
    shows_photo: bool
    shows_date_of_birth: bool
    proves_residency: bool
    # How recent a residency document must be; null: valid while current (a lease).
    max_age_days: int | None = Field(default=None, ge=1, le=3660)

    @model_validator(mode="after")
    def _proves_something(self) -> Document:
        if self.identity_points == 0 and not self.proves_residency:
            raise ValueError(f"{self.code}: gives no identity points and proves no residency")
        if self.max_age_days is not None and not self.proves_residency:
            raise ValueError(f"{self.code}: max_age_days only applies to residency documents")
        return self


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    comment: str | None = Field(default=None, alias="_comment")
    documents: tuple[Document, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> Catalog:
        codes = [d.code for d in self.documents]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"document codes must be unique: {', '.join(repeated)}")
        return self

    def find(self, code: str) -> Document | None:
        return next((d for d in self.documents if d.code == code), None)


def catalog_path() -> Path:
    return settings.document_catalog or DEFAULT_CATALOG


@lru_cache(maxsize=4)
def _load(path: Path, modified_ns: int, size: int) -> Catalog:
    try:
        return Catalog.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise CatalogError(f"the document catalog {path} cannot be read: {exc}") from exc
    except ValidationError as exc:
        raise CatalogError(f"the document catalog {path} is invalid:\n{exc}") from exc


def load_catalog() -> Catalog:
    """The catalog in force; an edited file is read again on the next request."""
    path = catalog_path()
    try:
        stat = path.stat()
    except OSError as exc:
        raise CatalogError(f"the document catalog {path} cannot be read: {exc}") from exc
    # Keyed by modification time and size: an edited file is a new cache entry.
    return _load(path, stat.st_mtime_ns, stat.st_size)
