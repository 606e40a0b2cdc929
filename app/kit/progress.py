"""A way for long work (ledger check and rollup, audit verify) to say how far it has got, without
knowing who listens: the CLI draws a bar, everyone else passes nothing."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class Silent:
    def start(self, total: int | None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


SILENT = Silent()
