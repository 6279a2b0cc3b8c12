"""Bearer tokens: signing in, knowing who calls, and what each role may do."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar

from flask import Flask, abort, g, request
from flask.views import MethodView
from marshmallow import Schema, fields

from accounts.domain import Role
from web.api.parsing import Blueprint
from web.bootstrap import services
from web.operations.representation import Time, code, codes
from web.security import SIGN_IN_LIMITS, limiter, sign_in_key

blp = Blueprint("auth", __name__, description="Sign in and receive a bearer token")

# Endpoints anyone may call; every other /api/v1 endpoint needs a bearer token.
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.Tokens",
        "health.Health",
        "api-docs.openapi_json",
        "docs.swagger_ui",
        "docs.swagger_asset",
        "audit.PublicKey",
    }
)


def _login_key() -> str:
    body = request.get_json(silent=True)
    return sign_in_key(body.get("username") if isinstance(body, dict) else None)


class CredentialsSchema(Schema):
    username = fields.String(required=True, metadata={"example": "leader3"})
    password = fields.String(required=True, load_only=True, metadata={"example": "demo-password"})


class UserSchema(Schema):
    username = fields.String(required=True)
    role = code(codes(Role), required=True)
    blocks = fields.List(fields.String(), required=True)
    partner_id = fields.UUID(allow_none=True, required=True)


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = Time(required=True)
    user = fields.Nested(UserSchema, required=True)


@blp.route("/auth/tokens")
class Tokens(MethodView):
    decorators: ClassVar[list[Callable[..., Any]]] = [
        limiter.limit(
            SIGN_IN_LIMITS,
            key_func=_login_key,
            deduct_when=lambda response: response.status_code == 401,
        ),
    ]

    @blp.arguments(CredentialsSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, description="Wrong username or password")
    @blp.alt_response(429, description="Too many failed attempts; wait and try again")
    @blp.doc(security=[])
    def post(self, credentials: dict[str, str]) -> dict[str, Any]:
        """Sign in with a username and password; the token expires after a working day."""
        token, expires_at, user = services().authenticator.login(
            credentials["username"], credentials["password"]
        )
        return {"token": token, "expires_at": expires_at, "user": user}


def authenticate() -> None:
    """Before each API request: who is calling (401 when nobody we know)."""
    from web.errors import is_api_request

    if not is_api_request() or request.url_rule is None or request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, description="sign in first: send Authorization: Bearer <token>")
    user = services().authenticator.principal_for(token.strip())
    if user is None:
        abort(401, description="this token is unknown, expired or revoked; sign in again")
    g.user = user


def current_user() -> Any:
    return g.user


def roles(*allowed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only these roles may call the view; others get 403 before anything else happens. The
    403 is declared in the OpenAPI document (web/api/responses.py gives it its body and, unless
    the view describes its 403 more precisely, its description)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if g.user.role not in allowed:
                abort(403, description=f"your role ({g.user.role}) may not do this")
            return view(*args, **kwargs)

        documented: Callable[..., Any] = Blueprint.doc(responses={403: {}})(checked)
        return documented

    return decorate


def init_app(app: Flask) -> None:
    app.before_request(authenticate)
