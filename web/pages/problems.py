"""What a refused command means, in the user's language: the contexts' errors say it in
English for the API; the pages say it again for the person holding the phone."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from duties import exceptions as duties_errors
from kernel import errors as kernel_errors
from needs import exceptions as needs_errors
from partners import exceptions as partners_errors
from store import errors as store_errors
from web.errors import status_of
from web.operations.casework import UnknownPartnerError

# Most specific first: the first class an error is an instance of gives its words.
_MESSAGES: tuple[tuple[type[Exception], object], ...] = (
    (kernel_errors.BuildingNotInBlockError, _l("This building is not in the block.")),
    (kernel_errors.UnknownBlockError, _l("This block is not one of the community's.")),
    (kernel_errors.UnknownCategoryError, _l("This category is not on the menu.")),
    (needs_errors.DeclineReasonRequiredError, _l("Choose a reason.")),
    (duties_errors.HouseholdNotFoundError, _l("This household is not in the block.")),
    (needs_errors.NeedResolvedError, _l("This need is resolved; reopen it first.")),
    (needs_errors.NeedNotResolvedError, _l("Only a resolved need can be reopened.")),
    (
        needs_errors.OpenReferralsError,
        _l("A referral is still open: withdraw it, or wait for the partner's outcome."),
    ),
    (
        needs_errors.InvalidTransitionError,
        _l("This referral has already moved on; the page now shows where it stands."),
    ),
    (needs_errors.PartnerSuspendedError, _l("This partner is suspended and takes no referrals.")),
    (
        needs_errors.PartnerExcludedError,
        _l("This partner already declined this need or let it expire."),
    ),
    (needs_errors.PartnerAlreadyEngagedError, _l("This partner already has this need.")),
    (
        needs_errors.PartnerOutOfScopeError,
        _l("This partner does not serve this category in this block."),
    ),
    (
        needs_errors.OverrideNotAllowedError,
        _l("Only the secretary may refer outside a partner's services."),
    ),
    (UnknownPartnerError, _l("This partner is not in the directory.")),
    (
        kernel_errors.VersionConflictError,
        _l("Someone changed this case meanwhile; nothing was saved. Check it and try again."),
    ),
    (
        kernel_errors.ConcurrentUpdateError,
        _l("Someone changed this case at the same moment; nothing was saved. Try again."),
    ),
    (partners_errors.PartnerStateError, _l("The partner's state does not allow this.")),
    (
        store_errors.HouseholdErasedError,
        _l("This household's personal data was erased; nothing personal can be added."),
    ),
    (
        store_errors.PurgeIncompleteError,
        _l(
            "The household's key is destroyed and nobody can open its data any more, but a "
            "copy is still being read elsewhere: erase it again in a minute to finish."
        ),
    ),
)
# Wrong input the form could not catch, by the field the context names.
_FIELDS = {
    "household.building": _l("Write the building as a number, e.g. 15 or 15号楼."),
    "household.unit": _l("The unit is at most 10 characters."),
    "household.room": _l("The room is at most 10 characters."),
    "contact_phone": _l("This is not a phone number."),
}


def explain(error: Exception) -> tuple[str | None, str, int]:
    """(the form field it concerns or None, what to tell the user, the HTTP status)."""
    field = getattr(error, "field", None)
    for error_class, message in _MESSAGES:
        if isinstance(error, error_class):
            return _page_field(field), str(message), status_of(error) or 409
    if field in _FIELDS:
        return _page_field(field), str(_FIELDS[field]), 422
    if isinstance(error, kernel_errors.InvalidInputError):
        return _page_field(field), _("Please check this field."), 422
    return None, _("This could not be done."), status_of(error) or 409


def _page_field(field: str | None) -> str | None:
    """The page's form field for a field the context names (household.building → building)."""
    if field is None:
        return None
    return field.rpartition(".")[2]
