"""Idempotency-Key on every POST of the API: a client that retries gets the first answer, never a
second case (the answers are kept in store/idempotency.py).

A replay shows what a fresh read would show now. An answer that showed a record (a need, a
referral, a household, a duty, a record, a partner) is remembered by that record's path, not
its body; a replay reads the record again through the endpoint a GET uses — the caller's scope,
the resident's consent, an erasure, who looked — with the first answer's status and Location
and the record's current ETag. Other answers (refusals, an erasure's summary, a webhook's
secret) are kept as they were sent, until an erasure drops them.

A claimed key also names the request's command (store/commands.py): its events carry the name,
so a request sent again after a crash left its claim pending finds the command done in the
stream it changed, runs nothing, and answers as a replay too."""

from __future__ import annotations

import hashlib
import json

from flask import Flask, Response, abort, current_app, g, request
from werkzeug.test import EnvironBuilder

from store.commands import CommandKey, command_id
from store.idempotency import Answer, checked_key
from web.bootstrap import services

_KEPT_HEADERS = ("Location", "ETag", "Content-Type")
REPLAYED = "Idempotent-Replayed"


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
    """Claim the key (and name the request's command by it), or answer as the first request
    did — as it would now."""
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
        g.command_key = CommandKey(command_id(g.user.username, key, request_hash))
        return None
    if row["request_hash"] != request_hash:
        abort(422, description="this Idempotency-Key was already used with a different request")
    if row["state"] != "done":
        abort(409, description="a request with this Idempotency-Key is still being processed")
    return _replayed(running.idempotency.replay(row))


def _replayed(answer: Answer) -> Response:
    shows = answer.shows or _shown_before_answers_named_it(answer)
    if shows is not None:
        response = _read_now(shows)
        response.status_code = answer.status
        if "Location" in answer.headers:
            response.headers["Location"] = answer.headers["Location"]
    elif answer.body is None:
        abort(410, description="the answer to this request held personal data since erased")
    else:
        response = Response(answer.body, status=answer.status, headers=dict(answer.headers))
    response.headers[REPLAYED] = "true"
    return response


def _read_now(path: str) -> Response:
    """The record at `path` as this caller's GET of it reads now; a record no longer theirs to
    see is not found."""
    environ = EnvironBuilder(path=path, method="GET", base_url=request.url_root).get_environ()
    g.shown_via = request.path  # who looked: shown by this request, not by a GET
    try:
        with current_app.request_context(environ):
            return current_app.make_response(current_app.dispatch_request())
    finally:
        g.pop("shown_via", None)


def _shown_before_answers_named_it(answer: Answer) -> str | None:
    """The record an answer remembered with its body showed (answers before they were
    remembered by what they show): a record's body — an id and a version, and no secret
    shown once — is at its Location, or at the path of the command less its verb."""
    if answer.body is None or not 200 <= answer.status < 300:
        return None
    try:
        body = json.loads(answer.body)
    except ValueError:
        return None
    if not isinstance(body, dict) or not {"id", "version"} <= body.keys():
        return None
    if "webhook_secret" in body:
        return None
    location = answer.headers.get("Location")
    if location is not None:
        return location.removeprefix(request.script_root)
    return request.path.rsplit("/", 1)[0]


def after_request(response: Response) -> Response:
    """Remember the answer; a server error is forgotten, so the retry runs afresh. A command
    found done (sent again after a crash) answers as a replay."""
    command: CommandKey | None = g.pop("command_key", None)
    if command is not None and command.repeated:
        response.headers[REPLAYED] = "true"
    key = g.pop("idempotency_key", None)
    if key is None:
        return response
    store = services().idempotency
    if response.status_code >= 500:
        store.forget(g.user.username, key)
    else:
        headers = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
        shows = g.get("answer_shows") if response.status_code < 300 else None
        answer = Answer(response.status_code, response.get_data(), headers, shows)
        store.remember(g.user.username, key, answer, _subject(response))
    return response


def init_app(app: Flask) -> None:
    # Runs after authentication (registered later), so the key belongs to the caller.
    app.before_request(before_request)
    app.after_request(after_request)
