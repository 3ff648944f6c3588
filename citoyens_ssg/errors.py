"""Errors a volunteer may cause, each shown as one readable line.

Anything that is not a ``CitoyensError`` is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from citoyens_ssg.i18n import _


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class CitoyensError(Exception):
    """An expected failure: printed as its message, no traceback."""


class ConfigError(CitoyensError):
    """The network's configuration has problems; all of them are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def summary(self) -> str:
        return _("{count} configuration problem(s); nothing was built.", count=len(self.problems))
