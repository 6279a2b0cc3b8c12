"""Errors raised by the partner directory; the web layer maps each to one HTTP status."""

from __future__ import annotations

from uuid import UUID


class PartnersError(Exception):
    """Base class of every error the partner directory raises."""


class PartnerNotFoundError(PartnersError):
    """No partner has the given id."""

    def __init__(self, partner_id: UUID) -> None:
        self.partner_id = partner_id
        super().__init__(f"partner {partner_id} not found")


class InvalidPartnerError(PartnersError):
    """A command was given a value it cannot accept; `field` names the argument at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class PartnerStateError(PartnersError):
    """The partner's current state forbids the transition (e.g. suspending a suspended partner)."""


class VersionConflictError(PartnersError):
    """The partner is no longer at the version the caller read, so the command was not applied."""

    def __init__(self, partner_id: UUID, expected: int, actual: int) -> None:
        self.partner_id = partner_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"partner {partner_id} is at version {actual}, not the expected version {expected}"
        )
