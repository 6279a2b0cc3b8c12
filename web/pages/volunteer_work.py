"""A volunteer's phone page: what the block's leader has asked of them (the needs and the duties
assigned to them, and only those), a visit recorded on a need and a duty done in one tap each."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from kernel.errors import ConflictError, InvalidInputError
from web.access import duty_in_scope, need_in_scope
from web.access.volunteers import VOLUNTEER, my_volunteer_entry
from web.bootstrap import services
from web.operations.volunteering import assigned_work
from web.pages.access import roles
from web.pages.duties import KINDS, REASONS
from web.pages.forms import unprintable_refusal
from web.presentation.labels import FOLLOW_UP_VERDICTS

bp = Blueprint("volunteer_work", __name__)


def my_work() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The needs and the open duties assigned to the signed-in volunteer."""
    entry = my_volunteer_entry()
    if entry is None:
        return [], []
    user = g.user
    need_ids, duty_ids = assigned_work(services(), user.community, user.blocks[0], entry)
    return [need_in_scope(i) for i in need_ids], [duty_in_scope(i) for i in duty_ids]


@bp.route("/my-work")
@roles(VOLUNTEER)
def my_work_page() -> str:
    """What is assigned to me: needs to visit or follow up, duties to do."""
    needs, duties = my_work()
    return render_template(
        "pages/volunteer_work.html",
        needs=needs,
        duties=duties,
        reasons=REASONS,
        kinds=KINDS,
        verdicts=FOLLOW_UP_VERDICTS,
    )


@bp.route("/my-work/needs/<uuid:need_id>/visit", methods=["POST"])
@roles(VOLUNTEER)
def visit(need_id: UUID) -> Response:
    """Record a visit to the household of a need assigned to me."""
    need_in_scope(need_id)
    notes = (request.form.get("notes") or "").strip()
    refusal = unprintable_refusal(notes) or (None if notes else _("Say what you found."))
    if refusal is not None:
        flash(refusal, "error")
        return redirect(url_for("pages.volunteer_work.my_work_page"))
    try:
        services().needs.record_visit(need_id, notes, actor=g.user.username)
    except (ConflictError, InvalidInputError) as error:
        flash(error.message, "error")
    else:
        flash(_("Visit recorded. Thank you."), "success")
    return redirect(url_for("pages.volunteer_work.my_work_page"))


@bp.route("/my-work/needs/<uuid:need_id>/follow-up", methods=["POST"])
@roles(VOLUNTEER)
def follow_up(need_id: UUID) -> Response:
    """Record the resident's verdict at the follow-up visit of a need assigned to me (the
    leader decides whether to reopen it)."""
    need_in_scope(need_id)
    verdict = request.form.get("verdict") or ""
    note = (request.form.get("note") or "").strip()
    refusal = unprintable_refusal(note)
    if verdict not in FOLLOW_UP_VERDICTS:
        refusal = _("Choose the resident's verdict.")
    if refusal is not None:
        flash(refusal, "error")
        return redirect(url_for("pages.volunteer_work.my_work_page"))
    try:
        services().needs.record_follow_up(need_id, verdict, note, actor=g.user.username)
    except (ConflictError, InvalidInputError) as error:
        flash(error.message, "error")
    else:
        flash(_("Follow-up recorded. Thank you."), "success")
    return redirect(url_for("pages.volunteer_work.my_work_page"))
