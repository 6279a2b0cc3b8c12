"""Errors of the casework context; web/errors.py maps them to HTTP."""

from __future__ import annotations

from uuid import UUID

from kernel.errors import ConflictError, InvalidInputError, NotFoundError


class DeclineReasonRequiredError(InvalidInputError):
    """A decline must carry one of the reason codes."""


class NeedNotFoundError(NotFoundError):
    """No need with this id."""


class ReferralNotFoundError(NotFoundError):
    """No referral with this id."""


class NeedResolvedError(ConflictError):
    """The need is resolved; reopen it first."""


class NeedNotResolvedError(ConflictError):
    """Only a resolved need can be reopened."""


class OpenReferralsError(ConflictError):
    """A need cannot be resolved while a referral is still sent or accepted."""


class InvalidTransitionError(ConflictError):
    """The referral's state does not allow this step of the closed loop."""


class PartnerSuspendedError(ConflictError):
    """The partner is suspended and takes no new referrals."""


class PartnerExcludedError(ConflictError):
    """The partner declined or let expire this case's referral."""


class PartnerAlreadyEngagedError(ConflictError):
    """The partner already holds an open referral for this case."""


class PartnerOutOfScopeError(ConflictError):
    """The partner does not serve the category or the block (the secretary may override)."""


class OverrideNotAllowedError(ConflictError):
    """Only the secretary may refer outside a partner's scope, and only with a reason."""


class PossibleDuplicateError(ConflictError):
    """The household already has an open need in this category: add a note to it instead, or
    say that this one is a need of its own."""

    def __init__(self, message: str, existing_need_id: UUID) -> None:
        super().__init__(message)
        self.existing_need_id = existing_need_id
        # What the API's error body adds, for a client to act on.
        self.details = {"reason": "possible_duplicate", "existing_need_id": str(existing_need_id)}


class FollowUpRefusedError(ConflictError):
    """A follow-up is for a resolved need, once per resolution (a reopened one is not done)."""
