"""Fixtures of the verification tests: a merchant's key, and the command run without a database."""

from __future__ import annotations

import pytest

from tests.support.builders import make_merchant
from tests.support.http import Headers


@pytest.fixture
def merchant() -> Headers:
    """The auth headers of an active merchant's API key."""
    return make_merchant()[1]


@pytest.fixture
def offline_env(cli_env: dict[str, str]) -> dict[str, str]:
    """The command's environment with a database that does not exist: `verify` must not need one."""
    return {**cli_env, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
