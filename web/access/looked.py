"""Who looked: every read of a resident's personal data is noted for the request and written
after it (a list writes its own beside its page query: web.access.listed_needs)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from flask import Response, g

from web.bootstrap import services


def note_read(need_id: UUID, fields: tuple[str, ...], via: str, at: datetime) -> None:
    """Remember, for this request, that the caller was shown these personal fields (of a
    case, or of a household: its id stands where the case's would) — via the path the request
    came by (a replay reads the record through its GET: `g.shown_via` names the POST)."""
    if not fields:
        return
    read = {
        "username": g.user.username,
        "need_id": str(need_id),
        "fields": ",".join(fields),
        "via": g.get("shown_via", via),
        "read_at": at,
    }
    # Once: a command checks its household, then answers with it.
    g.setdefault("personal_reads", {}).setdefault(tuple(read.values()), read)


def flush(response: Response) -> Response:
    reads = g.pop("personal_reads", None)
    if reads:
        services().access_log.record(list(reads.values()))
    return response
