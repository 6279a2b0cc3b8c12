"""The public JSON API under /api/v1 (flask-smorest): its blueprints, error bodies and docs."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, request
from flask_smorest import Api
from marshmallow import fields
from werkzeug.exceptions import HTTPException, InternalServerError

from web.api.responses import ErrorResponses, ErrorSchema, register_error_schemas
from web.errors import API_PREFIX, describe, error_body, is_api_request

MAX_BODY_BYTES = 64 * 1024

log = logging.getLogger(__name__)


class NeedsApi(Api):
    """flask-smorest's Api, with the contract's error body and errors kept to /api/."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        if not is_api_request():
            return error  # the pages render their own errors
        payload, code, headers = super().handle_http_exception(error)
        if code == 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.error(
                    "unhandled error on %s %s", request.method, request.path, exc_info=original
                )
            payload["message"] = "something went wrong on our side; nothing was changed"
        if code == 422 and "errors" in payload:
            payload["message"] = "some fields are missing or wrong: " + ", ".join(
                _field_names(payload["errors"])
            )
        elif code == 400 and "errors" in payload:
            # The contract keeps "errors" for 422; a 400 says what is wrong in its message.
            reasons = payload.pop("errors").get("json") or []
            reason = reasons[0] if reasons and reasons[0] != "Invalid JSON body." else ""
            payload["message"] = "the body is not valid JSON" + (f": {reason}" if reason else "")
        payload.setdefault("message", error.description or HTTPStatus(code).phrase)
        if code == 422:
            # Declared required: empty when no field is to blame (a reused Idempotency-Key).
            payload.setdefault("errors", {})
        allowed: list[str] | None = getattr(error, "valid_methods", None)
        if code == 405 and allowed:
            # flask-smorest drops werkzeug's Allow header; clients and checkers rely on it.
            headers = {**dict(headers or {}), "Allow": ", ".join(allowed)}
        return payload, code, headers


def _field_names(errors: dict[str, Any]) -> list[str]:
    """Dotted names of the fields in a webargs error dict ({"json": {"household": {...}}})."""
    names: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}.{key}" if prefix else str(key))
        else:
            names.append(prefix)

    for location in errors.values():
        walk(location, "")
    return names


def handle_domain_error(error: Exception) -> Any:
    """An error of the contexts, as the API's JSON error body."""
    described = describe(error)
    if described is None or not is_api_request():
        log.error("unmapped error on %s %s", request.method, request.path, exc_info=error)
        if not is_api_request():
            return InternalServerError(original_exception=error)
        return error_body(500, "something went wrong on our side; nothing was changed"), 500
    status, body = described
    return body, status


def init_app(app: Flask) -> Api:
    """Register the API's blueprints, its error handling and its OpenAPI document."""
    from kernel.errors import DomainError
    from web.api import (
        audit,
        auth,
        channels,
        compliance,
        directory,
        docs,
        duties,
        erasure,
        follow_ups,
        handover,
        health,
        households,
        idempotency,
        needs,
        offerings,
        parsing,
        partner_edits,
        partners,
        project_commands,  # noqa: F401  (its routes are on the projects blueprint)
        projects,
        records,
        reference,
        referrals,
        reminders,
        reports,
        team_channels,
        volunteer_work,
        volunteers,
    )

    app.config.setdefault("API_TITLE", "Menu of urgent needs (急难愁盼菜单)")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    api = NeedsApi(
        app,
        spec_kwargs={
            "info": {"description": docs.DESCRIPTION},
            "security": [{"bearerAuth": []}],  # every operation but those marked security=[]
            # each operation's errors, with their body; the rules over several fields
            "extra_plugins": [ErrorResponses(), parsing.SchemaRules()],
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    parsing.document(api)  # before any schema is registered
    register_error_schemas(api.spec)
    api.register_field(fields.URL, "string", "uri")  # apispec's "url" is no OpenAPI format
    app.register_error_handler(DomainError, handle_domain_error)
    for module in (health, auth, reference, needs, referrals, partners, reminders, audit, erasure):
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)
    for module in (
        households,
        duties,
        records,
        channels,
        team_channels,
        projects,
        reports,
        partner_edits,
        offerings,
        directory,
    ):
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)
    for module in (follow_ups, handover, volunteers, volunteer_work, compliance):  # (#18)
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)
    docs.init_app(app)
    auth.init_app(app)
    idempotency.init_app(app)  # after authentication: a key is its caller's
    return api
