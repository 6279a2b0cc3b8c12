"""Security on every answer: a strict Content-Security-Policy and the usual headers, the proxy
the service may sit behind, and the rate limiter that the sign-in of the API and the pages share."""

from __future__ import annotations

import os

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
# Swagger UI sets style attributes at run time; nothing else needs inline styles.
_DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
    "object-src 'none'"
)


def secure_headers(response: Response) -> Response:
    headers = response.headers
    docs = request.path.startswith("/api/v1/docs")
    headers.setdefault("Content-Security-Policy", _DOCS_CSP if docs else _CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # same-origin: Flask-WTF checks the Referer of forms sent over HTTPS; others learn nothing.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def trusts_proxy(app: Flask) -> bool:
    """TRUST_PROXY=1: the service runs behind one reverse proxy (nginx, Caddy) that ends TLS."""
    return str(app.config.get("TRUST_PROXY", os.environ.get("TRUST_PROXY", ""))) == "1"


def init_app(app: Flask) -> None:
    if trusts_proxy(app):
        # Believe the proxy's X-Forwarded-For/-Proto/-Host (one hop only): the request is then
        # known to be HTTPS (Secure cookies, HSTS) and to come from the phone's address (the
        # sign-in rate limit). Never set this without a proxy that overwrites those headers.
        # (Flask's documented way to wrap its WSGI app; mypy forbids assigning to a method.)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.after_request(secure_headers)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
