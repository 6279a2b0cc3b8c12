"""The auditor's view of a case: every event with who did it, when it happened and when it
was recorded, what it changed field by field, and the case as it stood at any event."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, g, render_template, request

from web.api.scope import need_in_scope
from web.pages.access import roles
from web.pages.timeline import timeline

bp = Blueprint("audit", __name__)
AUDITORS = ("secretary", "auditor")
# Lists whose items carry an id are compared item by item under that id.
_KEYED = ("referrals",)
# A referral repeats the case's facts for its partner; the case's own fields show their changes.
_CASE_FACTS = frozenset(
    {
        "need_id",
        "community",
        "category",
        "urgency",
        "block",
        "building",
        "consent_to_share",
        "resident_name",
        "contact_phone",
        "household",
        "description",
    }
)


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """A case as {dotted path: value}: referrals by id, other lists by position."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(value, list):
        flat = {}
        for i, item in enumerate(value):
            if path in _KEYED and isinstance(item, dict):
                own = {k: v for k, v in item.items() if k not in _CASE_FACTS}
                flat.update(flatten(own, f"{path}[{str(item['id'])[:8]}]"))
            else:
                flat.update(flatten(item, f"{path}[{i + 1}]"))
        return flat
    return {path: value}


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field whose value differs between two states of a case, in the later one's order."""
    old = flatten(before or {})
    new = flatten(after)
    ignored = {"version", "updated_at"}
    rows = []
    for path in [*new, *(p for p in old if p not in new)]:
        if path in ignored or old.get(path) == new.get(path):
            continue
        rows.append({"field": path, "before": shown(old.get(path)), "after": shown(new.get(path))})
    return rows


def shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        from web.pages.present import when

        return when(value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


@bp.route("/needs/<uuid:need_id>/history")
@roles(*AUDITORS)
def history(need_id: UUID) -> str:
    """The case's events, each with its changes; `?at=<event number>` shows the case then."""
    from web import services

    running = services()
    latest = need_in_scope(need_id)
    events = running.needs.get_history(need_id)
    rows = timeline(latest, events)
    previous: dict[str, Any] | None = None
    for row in rows:
        state = running.needs.get_need(need_id, version=row["version"])
        row["changes"] = changes(previous, state)
        previous = state
    at = request.args.get("at", type=int)
    if at is not None and not 1 <= at <= latest["version"]:
        abort(404)
    then = need_in_scope(need_id, version=at) if at is not None else None
    return render_template(
        "pages/history.html",
        need=latest,
        events=rows,
        then=then,
        at=at,
        category=running.needs.community(latest["community"]).category(latest["category"]),
        viewer_role=g.user.role,
    )
