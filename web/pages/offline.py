"""Offline capture for the phone pages: the service worker that keeps "Log a need" on the
phone, and the endpoint its queue sends waiting needs to once there is a signal again.

Why the endpoint does not use the form's CSRF token: a need captured in a stairwell may wait
for hours or days in the phone's IndexedDB, and a token captured with the form may have expired
(or been replaced by a new sign-in) by the time it is sent. So the endpoint is authenticated by
the session cookie alone — SameSite=Lax, so other sites' cross-site POSTs never carry it — and
protected against cross-site requests by what a forged request cannot have:

* the custom header ``X-Requested-With: needs-offline``: an HTML form cannot set a header, and
  a cross-origin ``fetch`` that sets one needs a CORS preflight this service never grants;
* ``Origin`` (and ``Sec-Fetch-Site`` where the browser sends it) naming this very site.

A retry never logs twice: the need's id is derived from the user and the client's
``Idempotency-Key`` exactly as ``POST /api/v1/needs`` and the form derive it
(``web.operations.casework.NEED_IDS``), and the application keeps a need already logged
under that id.
The same key answers with the same need and ``201``, as the API's contract says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from store.idempotency import checked_key
from web.access import LEADERS
from web.bootstrap import services
from web.operations.casework import FLAG

bp = Blueprint("offline", __name__)

STATIC = Path(__file__).resolve().parents[1] / "static"
WORKER = STATIC / "offline-sw.js"
# What "Log a need" needs to open with no signal; the worker caches it at install.
SHELL = ("pages.css", "pages.js", "offline.js", "favicon.svg")
HEADER = "X-Requested-With"
HEADER_VALUE = "needs-offline"
# A phone's clock may run a little fast; a capture time further ahead is refused.
CLOCK_SKEW = timedelta(days=1)


@cache
def version() -> str:
    """The app's version with a digest of the worker and its shell: any change to either
    makes a new cache, and the old one is dropped when the new worker takes over."""
    try:
        release = metadata.version("urgent-needs-menu")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        release = "0"
    digest = hashlib.sha256(WORKER.read_bytes())
    for name in SHELL:
        digest.update((STATIC / name).read_bytes())
    return f"{release}-{digest.hexdigest()[:12]}"


@bp.route("/sw.js")
def service_worker() -> Response:
    """The service worker, from the site's root so that its scope is every page."""
    script = WORKER.read_text(encoding="utf-8").replace("__VERSION__", version())
    response = Response(script, mimetype="text/javascript")
    # Always asked afresh, so a new release reaches the phones on their next visit.
    response.headers["Cache-Control"] = "no-cache"
    return response


def _json(status: int, error: str, message: str, **more: Any) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message, **more}), status


def _same_site() -> bool:
    """The request came from a page of this site (see the module's docstring)."""
    if request.headers.get(HEADER) != HEADER_VALUE:
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return fetch_site == "same-origin"
    # The host only: behind a proxy that ends TLS the service sees http, the phone https.
    return urlsplit(origin).netloc == request.host


def _occurred_at(value: Any, now: datetime) -> datetime | None:
    """When the need was captured on the phone: an ISO 8601 time with its offset."""
    if not isinstance(value, str):
        raise ValueError(value)
    at = datetime.fromisoformat(value)
    if at.tzinfo is None or at > now + CLOCK_SKEW or at.year < 2000:
        raise ValueError(value)
    return min(at, now)


@dataclass(frozen=True)
class Queued:
    """A form sent from the phone's queue: its fields, its key and when it was captured."""

    fields: MultiDict[str, str]
    key: str
    occurred_at: datetime | None


def queued(allowed: tuple[str, ...], refusal: str, now: datetime) -> Queued | tuple[Response, int]:
    """The queued form of a request, or the JSON refusal to answer with: another site, no
    session (the phone keeps it), a role that may not, a body that is not a form, someone
    else's capture (it waits for them), a missing key or a time that cannot be."""
    if not _same_site():
        return _json(403, "cross_site", _("This request did not come from these pages."))
    if not current_user.is_authenticated:
        return _json(401, "signed_out", _("Sign in to send the needs waiting on this phone."))
    if current_user.record.role not in allowed:
        return _json(403, "role", refusal)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("fields"), dict):
        return _json(400, "body", _("Something in the request was wrong"))
    captured_by = body.get("captured_by")
    if captured_by is not None and captured_by != current_user.record.username:
        # Captured by someone else on this phone: it waits for them to sign in.
        return _json(409, "other_user", _("Captured by %(name)s.", name=str(captured_by)))
    try:
        key = checked_key(request.headers.get("Idempotency-Key"))
    except ValueError:
        key = None
    if key is None:
        return _json(400, "idempotency_key", _("Something in the request was wrong"))
    try:
        occurred_at = _occurred_at(body.get("occurred_at"), now)
    except ValueError:
        return _json(422, "occurred_at", _("The time this need was captured is not valid."))
    fields = {
        name: str(value)
        for name, value in body["fields"].items()
        if isinstance(value, str | int | float) and name not in ("csrf_token", "key")
    }
    return Queued(MultiDict(fields), key, occurred_at)


@bp.route("/sync/needs", methods=["POST"])
def sync_need() -> Any:
    """Log a need sent from the phone's queue (or straight from the form, when there is a
    signal): the form's fields as JSON, ``Idempotency-Key`` and ``occurred_at``. Answers in
    JSON: 201 with the need's id and page; 401 when the session has ended (the phone keeps the
    need until its person signs in again); 4xx that will never succeed with the reason."""
    from web.pages.leader import log_need, log_need_form

    refusal = _("Only block leaders and the secretary log needs.")
    sent = queued(LEADERS, refusal, services().needs.clock.now())
    if not isinstance(sent, Queued):
        return sent
    key, occurred_at = sent.key, sent.occurred_at
    form = log_need_form(formdata=sent.fields, meta={"csrf": False})
    form.key.data = key
    if not form.validate():
        return _refused(form, 422)
    try:
        # A need captured offline is never refused as a possible duplicate: it is logged and
        # flagged for the leader. Sent straight from the form, the form warns as it would.
        need_id, status = log_need(
            form, occurred_at, duplicates=None if request.args.get("flash") else FLAG
        )
    except HTTPException as error:  # a block that is not the leader's
        return _json(error.code or 400, "refused", _("This page is not for your role"))
    if need_id is None:
        return _refused(form, status)
    if request.args.get("flash"):
        flash(_("Need logged."), "ok")
    page = url_for("pages.leader.case", need_id=need_id)
    return jsonify({"need_id": str(need_id), "url": page}), 201


def _refused(form: Any, status: int) -> tuple[Response, int]:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items() if errs}
    messages = [str(m) for m in form.form_errors] + [m for errs in errors.values() for m in errs]
    return _json(status, "invalid", " ".join(messages), errors=errors)


def exempt_from_form_tokens() -> bool:
    """The requests whose defences against cross-site forgery are the ones above."""
    return request.endpoint in ("pages.offline.sync_need", "pages.project_door.sync_consent")
