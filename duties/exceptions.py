"""Errors of the duties context; web/errors.py maps them to HTTP."""

from __future__ import annotations


class DutiesError(Exception):
    """Base of every duties error; the message says what went wrong in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidDutyInputError(DutiesError):
    """A command's argument is missing or wrong; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class DutiesNotFoundError(DutiesError):
    """A record that does not exist (or, to the web, one outside the user's scope)."""


class HouseholdNotFoundError(DutiesNotFoundError):
    """No household with this id."""


class DutyNotFoundError(DutiesNotFoundError):
    """No duty with this id."""


class RecordNotFoundError(DutiesNotFoundError):
    """No record with this id."""


class DutiesConflictError(DutiesError):
    """The command is refused by the record's current state."""


class DutyDischargedError(DutiesConflictError):
    """The duty was discharged already."""


class RecordNotTurnableError(DutiesConflictError):
    """Only a concern or a suggestion becomes a need, and only once."""


class RecordWithoutHouseholdError(DutiesConflictError):
    """A need is logged for a household; a record about the whole block names none."""


class DutiesVersionConflictError(DutiesError):
    """If-Match named a version the record has moved past."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(f"the record is at version {current}, not {expected}; reload it")
        self.expected = expected
        self.current = current


class DutiesConcurrentUpdateError(DutiesError):
    """Someone else changed the household at the same moment; nothing was saved."""
