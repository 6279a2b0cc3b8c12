"""The API's error answers in its OpenAPI document. Every error an operation can answer is
declared with the contract's body (`code`, `status`, `message`; `errors` on a 422), so a client
generated from the document reads the message that says why.

One pass fills them in as each path is registered (an apispec plugin), from what the operation
declares: a bearer token can be missing or bad (401), an id in the path can name nothing in the
caller's scope (404), a JSON body can be malformed, too big or wrong (400, 413, 422), an
Idempotency-Key can be blank, still in use or reused with another request (400, 409, 422), and
If-Match can fail (412). The rest a view declares itself: `roles()` a 403, its decorators a 409
or a 404 its path does not tell; those keep their own descriptions and get the body here."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from apispec import APISpec, BasePlugin
from marshmallow import Schema, fields

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"
IDEMPOTENCY_KEY = "Idempotency-Key"
IF_MATCH = "If-Match"

# What each status means when the view did not say it more precisely.
DESCRIPTIONS = {
    400: "the body is not valid JSON, or the Idempotency-Key is blank or too long",
    401: "no bearer token, or one that is unknown, expired or revoked",
    403: "your role may not do this",
    404: "nothing with this id within your scope",
    409: "refused by the record's state, or a request with this Idempotency-Key is still "
    "being processed (see the message)",
    412: "If-Match names none of the record's current version",
    413: "the body is over the size limit",
    422: "some fields are missing or wrong (see errors), or the Idempotency-Key was used "
    "with another request",
}


class ErrorSchema(Schema):
    """The body of every error answer."""

    code = fields.Integer(required=True, metadata={"description": "the HTTP status"})
    status = fields.String(
        required=True, metadata={"description": "its reason phrase, e.g. `Not Found`"}
    )
    message = fields.String(
        required=True, metadata={"description": "what went wrong and why, in plain words"}
    )
    # Only on refusals a client acts on (a 409 possible_duplicate of POST /needs).
    reason = fields.String(
        metadata={
            "description": "what kind of refusal, for a client to act on: possible_duplicate "
            "(the household has an open need in the category)",
            "enum": ["possible_duplicate"],
        }
    )
    existing_need_id = fields.UUID(
        metadata={"description": "with possible_duplicate: the open need to add a note to"}
    )


class FieldErrorsSchema(Schema):
    json = fields.Dict(
        keys=fields.String(),
        metadata={
            "description": "the body's fields: each a list of messages, or a nested field's "
            "own fields (household.building)"
        },
    )
    query = fields.Dict(
        keys=fields.String(),
        metadata={"description": "the query string's parameters, each a list of messages"},
    )


class ValidationErrorSchema(ErrorSchema):
    """The body of a 422: the error, and what is wrong where."""

    errors = fields.Nested(
        FieldErrorsSchema,
        required=True,
        metadata={
            "description": "what is wrong, by where it was sent; empty when no field is to "
            "blame (an Idempotency-Key used with another request)"
        },
    )


def register_error_schemas(spec: APISpec) -> None:
    """The error bodies as the document's components, under the names the answers refer to
    (Error is there already when the Api's ERROR_SCHEMA is ErrorSchema: flask-smorest registers
    it with its default error answer)."""
    if ERROR not in spec.components.schemas:
        spec.components.schema(ERROR, schema=ErrorSchema)
    spec.components.schema(VALIDATION_ERROR, schema=ValidationErrorSchema)


def error_statuses(path: str, operation: dict[str, Any]) -> set[int]:
    """Every error status the operation can answer: what it declares, and what its token,
    path, body and headers can cause."""
    declared = {int(code) for code in operation.get("responses", {}) if str(code).isdigit()}
    parameters = [p for p in operation.get("parameters", []) if isinstance(p, dict)]
    headers = {p.get("name") for p in parameters if p.get("in") == "header"}
    statuses = {status for status in declared if status >= 400}
    if operation.get("security") != []:
        statuses.add(401)
    if "{" in path:
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= {400, 413, 422}
    if IDEMPOTENCY_KEY in headers:
        statuses |= {400, 409, 422}
    if IF_MATCH in headers:
        statuses.add(412)
    return statuses


def error_response(status: int, declared: Any) -> dict[str, Any]:
    """The error answer for `status`, keeping the description the view gave it."""
    given = declared.get("description") if isinstance(declared, dict) else None
    schema = VALIDATION_ERROR if status == 422 else ERROR
    return {
        "description": given or DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


class ErrorResponses(BasePlugin):
    """Declares each operation's error answers, with their body, as its path is registered."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            # Statuses come as ints or strings, as each decorator gave them: one status, one
            # answer.
            responses: dict[str, Any] = {}
            for code, response in operation.get("responses", {}).items():
                known = responses.get(str(code))
                if isinstance(known, dict) and isinstance(response, dict):
                    response = {**known, **response}
                responses[str(code)] = response
            for status in sorted(error_statuses(path or "", operation)):
                responses[str(status)] = error_response(status, responses.get(str(status)))
            operation["responses"] = responses
