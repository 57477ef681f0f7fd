"""What goes wrong reading a source: the whole source (`SourceError`) or one document
of an export (`BadDocument`)."""

from __future__ import annotations

from dataclasses import dataclass


class SourceError(Exception):
    """The source cannot be read at all (missing folder, ambiguous layout, bad file)."""


@dataclass(frozen=True)
class BadDocument:
    """A line of an export that is not a JSON document: reported, never imported (and
    refused by `check_source`)."""

    where: str  # "<file name>:<line>"
    error: str
    path: str = ""  # the file, in full
    line: int = 0

    def message(self) -> str:
        if self.path and self.line:
            return f"{self.path}: line {self.line}: {self.error}"
        return f"{self.where}: {self.error}"
