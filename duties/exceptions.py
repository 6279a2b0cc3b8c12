"""Errors of the duties context: each is a DutiesError and one of the kernel's kinds of error
(web/errors.py maps the kinds to HTTP)."""

from __future__ import annotations

from kernel.errors import (
    ConcurrentUpdateError,
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    VersionConflictError,
)


class DutiesError(DomainError):
    """Base of every duties error; the message says what went wrong in plain words."""


class InvalidDutyInputError(DutiesError, InvalidInputError):
    """A command's argument is missing or wrong; names the field."""


class DutiesNotFoundError(DutiesError, NotFoundError):
    """A record that does not exist (or, to the web, one outside the user's scope)."""


class HouseholdNotFoundError(DutiesNotFoundError):
    """No household with this id."""


class DutyNotFoundError(DutiesNotFoundError):
    """No duty with this id."""


class RecordNotFoundError(DutiesNotFoundError):
    """No record with this id."""


class DutiesConflictError(DutiesError, ConflictError):
    """The command is refused by the record's current state."""


class DutyDischargedError(DutiesConflictError):
    """The duty was discharged already."""


class RecordNotTurnableError(DutiesConflictError):
    """Only a concern or a suggestion becomes a need, and only once."""


class RecordWithoutHouseholdError(DutiesConflictError):
    """A need is logged for a household; a record about the whole block names none."""


class DutiesVersionConflictError(DutiesError, VersionConflictError):
    """If-Match named a version the record has moved past."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(
            expected, current, f"the record is at version {current}, not {expected}; reload it"
        )
        self.current = current


class DutiesConcurrentUpdateError(DutiesError, ConcurrentUpdateError):
    """Someone else changed the household at the same moment; nothing was saved."""


class VolunteerGroupNotFoundError(DutiesNotFoundError):
    """No volunteer group with this id (or not one the caller may see)."""
