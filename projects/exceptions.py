"""Errors of the projects context: each is a ProjectsError and one of the kernel's kinds of
error (web/errors.py maps the kinds to HTTP)."""

from __future__ import annotations

from kernel.errors import ConflictError, DomainError, InvalidInputError, NotFoundError


class ProjectsError(DomainError):
    """Base of every projects error; the message says what went wrong in plain words."""


class InvalidProjectInputError(ProjectsError, InvalidInputError):
    """A command's argument is missing or wrong; names the field."""


class ProjectNotFoundError(ProjectsError, NotFoundError):
    """No project (or template, household, step) with this id."""


class TemplateNotFoundError(ProjectNotFoundError):
    """No template with this id, or no such version of it."""


class ProjectConflictError(ProjectsError, ConflictError):
    """The project's state refuses the command."""


class ConsentBelowThresholdError(ProjectConflictError):
    """The project may not apply before the consent threshold is met in the current round."""


class ApprovalsIncompleteError(ProjectConflictError):
    """The project may not reach a phase before every step its gate needs is complete."""


class PhaseOrderError(ProjectConflictError):
    """Phases are reached in order, one at a time."""


class HouseholdsClosedError(ProjectConflictError):
    """Households are added, and consents opened in a new round, only while consenting."""


class WrongRoundError(ProjectConflictError):
    """A consent is recorded in the project's current round only."""


class StepStateError(ProjectConflictError):
    """The step's state refuses the command (a completed step takes no stamps, say)."""


class LedgerError(ProjectConflictError):
    """The ledger refuses the entry: it would go negative or pay back more than was paid."""


class TreasurerOnlyError(ProjectConflictError):
    """Only the project's treasurer records ledger entries among its team."""


class ProjectNotFinishedError(ProjectConflictError):
    """Only a project in operation or closed turns into a template."""
