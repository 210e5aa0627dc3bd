"""What an import that fails says: a message and the rows at fault."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number
    column: str  # the column header as written in the file
    message: str


class ImportRejected(Exception):
    """Nothing was imported; ``message`` says why, ``errors`` lists the rows at fault."""

    def __init__(self, message: str, errors: list[RowError]):
        super().__init__(message)
        self.message = message
        self.errors = errors


def reject(errors: list[RowError]) -> ImportRejected:
    """Every row error of the file at once, by row."""
    errors = sorted(errors, key=lambda e: e.row)
    return ImportRejected(
        _("Nothing was imported: %(n)d error(s). Correct the file and try again.")
        % {"n": len(errors)},
        errors,
    )
