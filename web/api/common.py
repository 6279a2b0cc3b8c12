"""Pieces every resource shares: times in Shanghai, paging, ETag and If-Match, and what the
Idempotency-Key of a command needs to know of it: the command's name, the record it shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import abort, g, request, url_for
from marshmallow import Schema, fields, validate

from store.commands import CommandKey

MAX_PER_PAGE = 200
# One element of If-Match's list (RFC 9110, 5.6.1 and 8.8.3): an entity-tag, [W/]"<etagc>*",
# or nothing (empty elements are allowed), then a comma or the end.
_LIST_ELEMENT = re.compile(r'[ \t]*(?:(W/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(?:,|\Z)')


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The list envelope: {"items", "total", "page", "per_page"}."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
        },
        name=name,
    )


def page_of(items: list[Any], total: int, args: dict[str, Any]) -> dict[str, Any]:
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def paged(
    args: dict[str, Any], fetch: Callable[[int, int], tuple[list[Any], int]]
) -> dict[str, Any]:
    """The page `args` asks for: `fetch(limit, offset)` gives its items and the total."""
    items, total = fetch(args["per_page"], (args["page"] - 1) * args["per_page"])
    return page_of(items, total, args)


def entity_tags(header: str) -> list[tuple[bool, str]] | None:
    """If-Match's list as (weak, opaque tag) pairs, or None when it is no such list."""
    tags: list[tuple[bool, str]] = []
    position = 0
    while position < len(header):
        element = _LIST_ELEMENT.match(header, position)
        if element is None or element.end() == position:
            return None
        if element.group(2) is not None:
            tags.append((element.group(1) is not None, element.group(2)))
        position = element.end()
    return tags or None


def if_match(current: int, *, keyed: bool = False) -> int | None:
    """The version a command on a record now at version `current` goes ahead against, by its
    If-Match (RFC 9110, 13.1.1): none without the header or with `*` (the view found the
    record, so it exists); `current` when one of the listed tags is its ETag, compared
    strongly (a weak tag, W/"3", never matches); else 412, as for what is no list of entity
    tags. The command pins the version, so a change that slips in before it saves is a 412."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tags = entity_tags(header)
    if tags is None:
        abort(
            412,
            description='If-Match must be * or versions in quotes, like "3" or "3", "7"; '
            f"got {header!r}",
        )
    if (False, str(current)) in tags:
        return current
    pinned = [int(tag) for weak, tag in tags if not weak and tag.isdigit()]
    if keyed and pinned:
        # A command sent again after a crash may itself have moved the record on: the
        # application finds it done by its key (a replay), or refuses the stale version (412).
        return max(pinned)
    weak = ' (a weak tag, W/"…", never matches)' if any(weak for weak, _ in tags) else ""
    abort(
        412,
        description=f"If-Match names none of the record's current version {current}{weak}: "
        "someone changed it meanwhile; reload and try again",
    )


def command_opts(
    args: dict[str, Any],
    current: int,
    *,
    version: str = "expected_version",
    keyed: bool = True,
) -> dict[str, Any]:
    """Who gives the command, when it happened, the version it goes ahead against (by If-Match,
    against the record's `current` version; passed as `version`: a referral's steps pin the
    referral's own version) and, `keyed`, the command's name when its sender gave an
    Idempotency-Key (its events carry it: a command sent again after a crash finds itself
    done)."""
    key = command_key() if keyed else None
    opts: dict[str, Any] = {
        "actor": g.user.username,
        version: if_match(current, keyed=key is not None),
    }
    if args.get("occurred_at") is not None:
        opts["occurred_at"] = args["occurred_at"]
    if key is not None:
        opts["key"] = key
    return opts


def command_key() -> CommandKey | None:
    """This request's command, named by its Idempotency-Key (once web/api/idempotency.py has
    claimed the key), or None."""
    key: CommandKey | None = g.get("command_key")
    return key


def shows(endpoint: str, **values: Any) -> None:
    """Say which record this request's answer shows (the endpoint that reads it, and its
    arguments): a replay of the request shows that record as it is then, through that
    endpoint. An answer that names none is replayed as it was sent."""
    g.answer_shows = url_for(endpoint, **values)[len(request.script_root) :]


def shown_once() -> None:
    """Say that this request's answer holds what no read shows again (a webhook's secret): a
    replay gives it as it was sent."""
    g.pop("answer_shows", None)


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'the record\'s version as read (its ETag, e.g. "3"), or a list of them '
    '("3", "7"), or * for any; compared strongly (RFC 9110): a weak tag (W/"3") never matches. '
    "One that names none of the record's current version gets 412",
}
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^\S(.*\S)?$"},
    "description": "a client-made key (a UUID); the same key and body return the first answer",
}
OCCURRED_AT = {"metadata": {"description": "when it happened on the phone (default: now)"}}
