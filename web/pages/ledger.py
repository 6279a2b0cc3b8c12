"""The secretary's ledger page: upload one of the committee's Excel ledgers (台账) — a dry run
first, or the import — with the header map the secretary may adjust, and download the household
ledger (recorded in who looked)."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.wrappers import Response
from wtforms import ValidationError

from web.bootstrap import services
from web.operations.ledger_import import import_ledger
from web.operations.ledger_sheet import HEADERS, KINDS, LedgerFileError, parse_map
from web.pages.access import roles
from web.pages.extensions import csrf

bp = Blueprint("ledger", __name__)
# A ledger of some thousands of households is a few megabytes: more than a form's limit.
UPLOAD_LIMIT = 20 * 1024 * 1024
# The form's CSRF token is checked in the view, once the upload's own size limit is in place.
csrf.exempt(f"{__name__}.upload")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(status: int = 200, **shown: Any) -> tuple[str, int]:
    return render_template("pages/ledger.html", kinds=KINDS, fields=HEADERS, **shown), status


@bp.route("/ledgers")
@roles("secretary")
def ledgers() -> tuple[str, int]:
    """The upload form and the household ledger's download."""
    return _page()


@bp.route("/ledgers", methods=["POST"])
@roles("secretary")
def upload() -> tuple[str, int]:
    """Check (dry run) or import the uploaded ledger; every row's outcome is shown."""
    request.max_content_length = UPLOAD_LIMIT
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as error:
        raise CSRFError(str(error)) from None
    kind = request.form.get("kind", "")
    chosen = {"kind": kind, "header_map": request.form.get("header_map", "")}
    upload = request.files.get("ledger")
    if kind not in KINDS or upload is None or not upload.filename:
        return _page(422, problem=_("Choose a ledger file and what it lists."), chosen=chosen)
    dry_run = request.form.get("mode") != "import"
    try:
        summary = import_ledger(
            services(),
            io.BytesIO(upload.read()),
            kind,
            community_id=g.user.community,
            actor=g.user.username,
            dry_run=dry_run,
            all_or_nothing=bool(request.form.get("all_or_nothing")),
            header_map=parse_map(chosen["header_map"]),
        )
    except LedgerFileError as error:
        return _page(422, problem=str(error), chosen=chosen)
    return _page(summary=summary, chosen=chosen)


@bp.route("/ledgers/households.xlsx")
@roles("secretary")
def download() -> Response:
    """The household ledger in the committee's columns; each household's read is recorded."""
    from web.operations.ledger_export import export_households

    out = io.BytesIO()
    export_households(services(), g.user.community, g.user.username, out)
    return Response(
        out.getvalue(),
        mimetype=XLSX,
        headers={"Content-Disposition": 'attachment; filename="households-ledger.xlsx"'},
    )
