"""Idempotency-Key on every POST of the API: a client that retries gets the first answer, never a
second case (the answers are kept in store/idempotency.py)."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, abort, g, request

from store.idempotency import Answer, checked_key
from web.bootstrap import services

_KEPT_HEADERS = ("Location", "ETag", "Content-Type")


def _subject(response: Response) -> str | None:
    """What an answer is about, so an erasure can drop it: the case, or for the duties the
    household (named in the path, or in the answer about its duty or record), else what the
    request created."""
    path = request.view_args or {}
    subject = path.get("household_id") or path.get("need_id")
    if subject is None and response.is_json:
        body = response.get_json(silent=True)
        if isinstance(body, dict):
            subject = body.get("household_id") or body.get("need_id") or body.get("id")
    return None if subject is None else str(subject)


def _request_hash() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode()):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def idempotency_key() -> str | None:
    """The request's Idempotency-Key, checked (400 when it is blank or too long)."""
    try:
        return checked_key(request.headers.get("Idempotency-Key"))
    except ValueError as error:
        abort(400, description=str(error))


def before_request() -> Response | None:
    """Claim the key, or answer with what the first request got."""
    if request.method != "POST" or getattr(g, "user", None) is None:
        return None
    key = idempotency_key()
    if key is None:
        return None
    running = services()
    request_hash = _request_hash()
    row = running.idempotency.claim(g.user.username, key, request_hash, running.clock.now())
    if row is None:
        g.idempotency_key = key
        return None
    if row["request_hash"] != request_hash:
        abort(422, description="this Idempotency-Key was already used with a different request")
    if row["state"] != "done":
        abort(409, description="a request with this Idempotency-Key is still being processed")
    answer = running.idempotency.replay(row)
    response = Response(answer.body, status=answer.status, headers=dict(answer.headers))
    response.headers["Idempotent-Replayed"] = "true"
    return response


def after_request(response: Response) -> Response:
    """Remember the answer; a server error is forgotten, so the retry runs afresh."""
    key = g.pop("idempotency_key", None)
    if key is None:
        return response
    store = services().idempotency
    if response.status_code >= 500:
        store.forget(g.user.username, key)
    else:
        headers = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
        answer = Answer(response.status_code, response.get_data(), headers)
        store.remember(g.user.username, key, answer, _subject(response))
    return response


def init_app(app: Flask) -> None:
    # Runs after authentication (registered later), so the key belongs to the caller.
    app.before_request(before_request)
    app.after_request(after_request)
