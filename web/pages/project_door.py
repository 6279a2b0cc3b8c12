"""A consent recorded at the household's door, on the phone: the project's households as
tiles, the answer, whether it was signed on paper. Like "Log a need", it works with no signal —
the service worker keeps the page once opened, static/offline.js keeps each answer waiting on
the phone with its own key and the time it was given, and sends it here once there is a signal
(web/pages/offline.py says why that endpoint needs no form token). A consent sent again runs
once: its command's id is derived from the user and its key."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from kernel.errors import DomainError
from store.commands import CommandKey
from web.access import WORKERS, check_collector, check_project, project_in_scope
from web.bootstrap import services
from web.pages.access import roles
from web.pages.offline import Queued, _json, _refused, queued
from web.pages.project_forms import ConsentForm, answers, consent_form, page_key

bp = Blueprint("project_door", __name__)


@bp.route("/projects/<uuid:project_id>/consent", methods=["GET", "POST"])
@roles(*WORKERS)
def consent(project_id: UUID) -> Any:
    """Record a household's answer at its door (works with no signal)."""
    check_project(project_id, "consent")
    project = project_in_scope(project_id)
    form = consent_form(project)
    if request.method == "POST" and form.validate():
        try:
            _record(project_id, form, page_key(form.key.data), None)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Consent recorded."), "ok")
            return redirect(url_for(".consent", project_id=project_id))
    tally = project["consents"][-1]
    return render_template(
        "pages/project_consent.html", project=project, form=form, tally=tally, answers=answers()
    )


def _record(project_id: UUID, form: ConsentForm, key: CommandKey, occurred_at: Any) -> None:
    services().projects.record_consent(
        project_id,
        UUID(form.household_id.data),
        form.answer.data,
        actor=g.user.username,
        collected_by=check_collector(""),
        on_paper=bool(form.on_paper.data),
        signatory=form.signatory.data or "",
        key=key,
        occurred_at=occurred_at,
    )


@bp.route("/sync/projects/<uuid:project_id>/consents", methods=["POST"])
def sync_consent(project_id: UUID) -> Any:
    """A consent sent from the phone's queue (or straight from the form, with a signal): the
    form's fields as JSON, ``Idempotency-Key`` and ``occurred_at``. Answers in JSON: 201 with
    the door page to go back to; 401 when the session has ended (the phone keeps the answer);
    4xx that will never succeed with the reason."""
    sent = queued(WORKERS, _("This page is not for your role"), services().projects.clock.now())
    if not isinstance(sent, Queued):
        return sent
    key, occurred_at = sent.key, sent.occurred_at
    try:
        check_project(project_id, "consent")
        project = project_in_scope(project_id, note=False)
    except (HTTPException, DomainError):
        return _json(404, "refused", _("This page is not for your role"))
    form = consent_form(project, formdata=sent.fields, meta={"csrf": False})
    if not form.validate():
        return _refused(form, 422)
    try:
        _record(project_id, form, page_key(key), occurred_at)
    except DomainError as error:
        return _json(409, "refused", error.message)
    if request.args.get("flash"):
        flash(_("Consent recorded."), "ok")
    page = url_for(".consent", project_id=project_id)
    return jsonify({"project_id": str(project_id), "url": page}), 201
