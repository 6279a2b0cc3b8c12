"""Security on every answer: a strict Content-Security-Policy and the usual headers, the proxy
the service may sit behind, and the rate limiter that the sign-in of the API and the pages share."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from typing import Any

from eventsourcing.persistence import PersistenceError
from flask import Flask, Response, abort, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from werkzeug.middleware.proxy_fix import ProxyFix

from accounts.domain import login_name
from store.counters import Counters
from web.bootstrap import services

log = logging.getLogger(__name__)

# The longest request target (path and query, as sent) the service reads. gunicorn's own limit
# on the whole request line is set above it in the Procfile (--limit-request-line 8190, its
# largest), so a longer address reaches the app and is answered here — in the API's JSON error
# body under /api, as a page elsewhere — instead of by gunicorn's bare HTML 414. A line longer
# than gunicorn's limit still gets gunicorn's answer.
MAX_REQUEST_TARGET = 4096
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
# Where the limits count without Redis: the service's own store, which every process shares.
STORE_STORAGE_URI = "needs-store://"
SIGN_IN_LIMITS = "5 per minute;20 per hour"


def sign_in_key(username: object) -> str:
    """What the sign-in limits count by: the caller's address and the username as the account
    look-up reads it (accounts.domain.login_name), so no way of writing a name counts apart. A
    name no one could have (a control character, a lone surrogate) is counted by its digest: the
    key must be storable, whatever was sent."""
    name = login_name(username)[:64]
    if not name.isprintable():
        name = "#" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{get_remote_address()}|{name}"


class StoreStorage(Storage):
    """The limiter's storage in the service's SQL store (store/counters.py), reached through the
    request's app, so every worker process and every app counts the same failed sign-ins."""

    STORAGE_SCHEME = ["needs-store"]  # noqa: RUF012 - the limits library's registry reads it

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return (PersistenceError, sqlite3.Error)

    @staticmethod
    def _counters() -> Counters:
        return services().counters

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._counters().incr(key, expiry, amount)

    def get(self, key: str) -> int:
        return self._counters().get(key)

    def get_expiry(self, key: str) -> float:
        return self._counters().get_expiry(key)

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        return self._counters().reset()

    def clear(self, key: str) -> None:
        self._counters().clear(key)


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
    app.config.setdefault("RATELIMIT_STORAGE_URI", STORE_STORAGE_URI)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    uri = str(app.config["RATELIMIT_STORAGE_URI"])
    if uri == STORE_STORAGE_URI:
        store = "PostgreSQL" if app.config["NEEDS_SETTINGS"].store == "postgres" else "SQLite"
        log.info(
            "failed sign-ins are counted in the store (%s), shared by every process; "
            "set REDIS_URL to count them in Redis",
            store,
        )
    elif uri.startswith(("redis://", "rediss://", "redis+")):
        log.info("failed sign-ins are counted in Redis")
    else:
        log.info("failed sign-ins are counted in %s", uri.partition("://")[0])
