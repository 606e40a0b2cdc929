"""`serve --demo` on a fresh database adds the branch its accounts belong to, and one account a
role (admin, supervisor, clerk, printer), each password printed once."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx2

from tests.support.served import SERVE, serving


def test_the_demo_creates_its_branch_and_one_account_a_role(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "RESIDENT_ID_DATA_DIR": str(tmp_path / "data"),
    }
    with serving([*SERVE, "--demo"], env) as served:
        base, printed = served.url, served.output()
        made = dict(re.findall(r"username (\S+), password (\S+) \(shown once\)", printed))
        assert sorted(made) == ["admin", "clerk", "printer", "supervisor"], printed
        tokens = {
            name: httpx2.post(
                f"{base}/v1/auth/token", data={"username": name, "password": password}
            ).json()["access_token"]
            for name, password in made.items()
        }
        for name, token in tokens.items():
            me = httpx2.get(f"{base}/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
            assert (me.json()["role"], me.json()["branch"]) == (name, "city-hall")
        headers = {"Authorization": f"Bearer {tokens['admin']}"}
        branches = httpx2.get(f"{base}/v1/branches", headers=headers).json()["items"]
        assert [b["code"] for b in branches] == ["city-hall"]
