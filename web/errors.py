"""How errors of the contexts become HTTP answers: status, message and, for bad input,
the field it concerns — in the API's error body."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import request

from accounts.exceptions import InvalidCredentialsError
from kernel import errors as kernel_errors

API_PREFIX = "/api/v1"


def is_api_request() -> bool:
    """Whether the request is for the JSON API (its errors are JSON; the pages' are pages)."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


# Most specific first: the first class an error is an instance of decides its status. Every
# context's errors are of the kernel's kinds; only wrong credentials are a kind of their own.
STATUSES: tuple[tuple[type[Exception], int], ...] = (
    (InvalidCredentialsError, 401),
    (kernel_errors.InvalidInputError, 422),
    (kernel_errors.NotFoundError, 404),
    (kernel_errors.VersionConflictError, 412),
    (kernel_errors.ConflictError, 409),
    (kernel_errors.ConcurrentUpdateError, 409),
    (kernel_errors.UnfinishedError, 503),
)


def status_of(error: Exception) -> int | None:
    for error_class, status in STATUSES:
        if isinstance(error, error_class):
            return status
    return None


def error_body(status: int, message: str, field: str | None = None) -> dict[str, Any]:
    """The API's error body; a field error nests like marshmallow's (household.building)."""
    body: dict[str, Any] = {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message,
    }
    if field is not None:
        errors: dict[str, Any] = {}
        target = errors
        *parents, leaf = field.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = [message]
        body["errors"] = {"json": errors}
    return body


def describe(error: Exception) -> tuple[int, dict[str, Any]] | None:
    """(status, body) for an error of the contexts, or None for one nobody mapped."""
    status = status_of(error)
    if status is None:
        return None
    message = getattr(error, "message", None) or str(error)
    field = getattr(error, "field", None) if status == 422 else None
    body = error_body(status, message, field)
    # A refusal a client acts on names itself (reason) and what it concerns.
    body.update(getattr(error, "details", None) or {})
    return status, body
