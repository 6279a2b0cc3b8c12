"""Errors raised by the partner directory: each is a PartnersError and one of the kernel's
kinds of error (web/errors.py maps the kinds to HTTP)."""

from __future__ import annotations

from uuid import UUID

from kernel import errors


class PartnersError(errors.DomainError):
    """Base class of every error the partner directory raises."""


class PartnerNotFoundError(PartnersError, errors.NotFoundError):
    """No partner has the given id."""

    def __init__(self, partner_id: UUID) -> None:
        super().__init__(f"partner {partner_id} not found")
        self.partner_id = partner_id


class InvalidPartnerError(PartnersError, errors.InvalidInputError):
    """A command was given a value it cannot accept; `field` names the argument at fault."""


class PartnerStateError(PartnersError, errors.ConflictError):
    """The partner's current state forbids the transition (e.g. suspending a suspended partner)."""


class VersionConflictError(PartnersError, errors.VersionConflictError):
    """The partner is no longer at the version the caller read, so the command was not applied."""

    def __init__(self, partner_id: UUID, expected: int, actual: int) -> None:
        super().__init__(
            expected,
            actual,
            f"partner {partner_id} is at version {actual}, not the expected version {expected}",
        )
        self.partner_id = partner_id


class ChannelNotFoundError(PartnersError, errors.NotFoundError):
    """No channel has the given id (in the caller's community, for this owner)."""

    def __init__(self, channel_id: UUID) -> None:
        super().__init__(f"channel {channel_id} not found")
        self.channel_id = channel_id


class OfferingNotFoundError(PartnersError, errors.NotFoundError):
    """No offering has the given id (in the caller's community)."""

    def __init__(self, offering_id: UUID) -> None:
        super().__init__(f"offering {offering_id} not found")
        self.offering_id = offering_id


class OfferingStateError(PartnersError, errors.ConflictError):
    """The offering's state forbids the command (changing a withdrawn offering)."""


class OfferingVersionConflictError(PartnersError, errors.VersionConflictError):
    """The offering is no longer at the version the caller read; nothing was applied."""

    def __init__(self, offering_id: UUID, expected: int, actual: int) -> None:
        super().__init__(
            expected,
            actual,
            f"offering {offering_id} is at version {actual}, not the expected version {expected}",
        )
        self.offering_id = offering_id
