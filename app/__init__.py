"""Resident ID: the city's resident-ID card service."""

from importlib.metadata import PackageNotFoundError, version

try:
    # One version, pyproject.toml's: the API docs and `resident-id --version` both show it.
    __version__ = version("resident-id")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
