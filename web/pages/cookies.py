"""Cookies that are Secure whenever they can be: always in production, and on any request
that arrived over HTTPS."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response


def secure(app: Flask) -> bool:
    return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, Secure over HTTPS even outside production."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return secure(app)


def set_cookie(app: Flask, response: Response, name: str, value: str, max_age: int) -> None:
    """A small preference cookie with the session cookie's protections."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=secure(app),
        path="/",
    )
