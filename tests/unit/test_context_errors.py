"""Every context's errors are of the kernel's kinds, so the web maps the kinds alone: each error
keeps its own class, attributes and words, and answers with the status it always had."""

from __future__ import annotations

from uuid import UUID

import pytest

from accounts import exceptions as accounts
from duties import exceptions as duties
from kernel import errors as kernel
from partners import exceptions as partners
from web.errors import describe
from web.operations.casework import UnknownPartnerError

PARTNER = UUID("00000000-0000-4000-8000-000000000001")


@pytest.mark.parametrize(
    ("error", "kind", "status", "message"),
    [
        (duties.InvalidDutyInputError("note", "bad"), kernel.InvalidInputError, 422, "bad"),
        (duties.HouseholdNotFoundError("no household"), kernel.NotFoundError, 404, "no household"),
        (duties.DutyDischargedError("done"), kernel.ConflictError, 409, "done"),
        (
            duties.DutiesVersionConflictError(3, 5),
            kernel.VersionConflictError,
            412,
            "the record is at version 5, not 3; reload it",
        ),
        (duties.DutiesConcurrentUpdateError("clash"), kernel.ConcurrentUpdateError, 409, "clash"),
        (partners.InvalidPartnerError("kind", "odd"), kernel.InvalidInputError, 422, "odd"),
        (
            partners.PartnerNotFoundError(PARTNER),
            kernel.NotFoundError,
            404,
            f"partner {PARTNER} not found",
        ),
        (partners.PartnerStateError("suspended"), kernel.ConflictError, 409, "suspended"),
        (
            partners.VersionConflictError(PARTNER, 2, 4),
            kernel.VersionConflictError,
            412,
            f"partner {PARTNER} is at version 4, not the expected version 2",
        ),
        (accounts.InvalidAccountError("role", "no"), kernel.InvalidInputError, 422, "no"),
        (accounts.UsernameTakenError("ann"), kernel.ConflictError, 409, "username 'ann' is taken"),
        (accounts.UserNotFoundError("ann"), kernel.NotFoundError, 404, "no user 'ann'"),
        (accounts.AccountStateError("disabled"), kernel.ConflictError, 409, "disabled"),
        (
            accounts.InvalidCredentialsError(),
            kernel.DomainError,
            401,
            "wrong username or password",
        ),
        (UnknownPartnerError(PARTNER), kernel.InvalidInputError, 422, f"no partner {PARTNER}"),
    ],
)
def test_an_error_of_a_context_is_of_a_kernel_kind_and_keeps_its_status_and_words(
    error: kernel.DomainError, kind: type[Exception], status: int, message: str
) -> None:
    assert isinstance(error, kind)
    assert (error.message, str(error)) == (message, message)
    described = describe(error)
    assert described is not None
    assert described[0] == status
    assert described[1]["message"] == message


def test_each_context_keeps_its_own_base() -> None:
    assert isinstance(duties.InvalidDutyInputError("f", "m"), duties.DutiesError)
    assert isinstance(partners.PartnerStateError("m"), partners.PartnersError)
    assert isinstance(accounts.InvalidCredentialsError(), accounts.AccountsError)
    # A bare base names no kind: nobody mapped it, and the API answers 500.
    for base in (duties.DutiesError, partners.PartnersError, accounts.AccountsError):
        assert describe(base("m")) is None


def test_the_version_conflicts_keep_their_attributes() -> None:
    conflict = duties.DutiesVersionConflictError(3, 5)
    assert (conflict.expected, conflict.actual, conflict.current) == (3, 5, 5)
    moved = partners.VersionConflictError(PARTNER, 2, 4)
    assert (moved.partner_id, moved.expected, moved.actual) == (PARTNER, 2, 4)
    assert partners.PartnerNotFoundError(PARTNER).partner_id == PARTNER
    assert accounts.UserNotFoundError("ann").username == "ann"


def test_a_field_error_names_its_field() -> None:
    described = describe(partners.InvalidPartnerError("weekly_capacity", "too many"))
    assert described is not None
    assert described[1]["errors"] == {"json": {"weekly_capacity": ["too many"]}}
