"""The errors every context's own errors build on; web/errors.py maps these bases to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a context raises; the message says what went wrong in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(DomainError):
    """A command's argument is missing or wrong; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownCategoryError(InvalidInputError):
    """The category is not on this community's menu."""


class UnknownBlockError(InvalidInputError):
    """The block is not one of this community's blocks."""


class BuildingNotInBlockError(InvalidInputError):
    """The building number is not part of the block."""


class NotFoundError(DomainError):
    """A record that does not exist (or, to the web, one outside the user's scope)."""


class ConflictError(DomainError):
    """The command is refused by the record's current state."""


class VersionConflictError(DomainError):
    """The command was sent against a version that is no longer current."""

    def __init__(self, expected: int, actual: int, message: str | None = None) -> None:
        super().__init__(
            message
            or f"the record is at version {actual}, not {expected}: "
            "someone changed it meanwhile; reload and try again"
        )
        self.expected = expected
        self.actual = actual


class ConcurrentUpdateError(DomainError):
    """Another command changed the record at the same moment; nothing was saved."""


class UnfinishedError(DomainError):
    """The command did what it could and what it did stands, but it could not finish yet: the
    same command, run again later, finishes it."""
