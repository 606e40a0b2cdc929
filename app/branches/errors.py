from __future__ import annotations

from app.kit.errors import Conflict, NotFound, Unprocessable


class BranchNotFound(NotFound):
    pass


class UnknownBranch(Unprocessable):
    """A staff account or a drawer names a branch that does not exist."""


class BranchExists(Conflict):
    pass
