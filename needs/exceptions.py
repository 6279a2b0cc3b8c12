"""Errors of the casework context; web/errors.py maps them to HTTP."""

from __future__ import annotations


class NeedsError(Exception):
    """Base of every casework error; the message says what went wrong in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(NeedsError):
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


class DeclineReasonRequiredError(InvalidInputError):
    """A decline must carry one of the reason codes."""


class NotFoundError(NeedsError):
    """A record that does not exist (or, to the web, one outside the user's scope)."""


class NeedNotFoundError(NotFoundError):
    """No need with this id."""


class ReferralNotFoundError(NotFoundError):
    """No referral with this id."""


class HouseholdNotFoundError(NotFoundError):
    """No household with this id in the block."""


class ConflictError(NeedsError):
    """The command is refused by the case's current state."""


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


class VersionConflictError(NeedsError):
    """The command was sent against a version that is no longer current."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"the record is at version {actual}, not {expected}: "
            "someone changed it meanwhile; reload and try again"
        )
        self.expected = expected
        self.actual = actual


class ConcurrentUpdateError(NeedsError):
    """Another command changed the case at the same moment; nothing was saved."""


class HouseholdErasedError(ConflictError):
    """The household's personal data was erased; nothing personal may be added to it."""


class KeyStoreError(NeedsError):
    """The key store cannot serve a household's key."""


class KeyStoreLostError(KeyStoreError):
    """A sealed value's key is missing and no erasure explains it: the key store was lost."""


class SealBrokenError(KeyStoreError):
    """A sealed value does not open with its key, or does not match its commitment: tampered."""
