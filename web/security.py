"""Security on every answer: a strict Content-Security-Policy and the usual headers, the proxy
the service may sit behind, and the rate limiter that the sign-in of the API and the pages share."""

from __future__ import annotations

import os

from flask import Flask, Response, abort, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

# The longest request target (path and query, as sent) the service reads. gunicorn's own limit
# on the whole request line is set above it in the Procfile (--limit-request-line 8190, its
# largest), so a longer address reaches the app and is answered here — in the API's JSON error
# body under /api, as a page elsewhere — instead of by gunicorn's bare HTML 414. A line longer
# than gunicorn's limit still gets gunicorn's answer.
MAX_REQUEST_TARGET = 4096
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


def refuse_long_addresses() -> None:
    """414 for a request target longer than MAX_REQUEST_TARGET, before anything else runs."""
    environ = request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if target is None:  # a server that keeps no raw target: the decoded path is no longer
        query = environ.get("QUERY_STRING", "")
        target = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        target += f"?{query}" if query else ""
    if len(target) > MAX_REQUEST_TARGET:
        abort(414, description=f"the address is longer than {MAX_REQUEST_TARGET} bytes")


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
    app.before_request(refuse_long_addresses)  # first of all the app's hooks
    app.after_request(secure_headers)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
