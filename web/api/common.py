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
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


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


def if_match() -> int | None:
    """The version a command was sent against (If-Match: "<version>"), if any."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = _ETAG.match(header)
    if match is None:
        abort(412, description=f'If-Match must be a version in quotes, like "3"; got {header!r}')
    return int(match.group(1))


def command_opts(
    args: dict[str, Any], *, version: str = "expected_version", keyed: bool = True
) -> dict[str, Any]:
    """Who gives the command, when it happened, the version it was sent against (passed as
    `version`: a referral's steps pin the referral's own version) and, `keyed`, the command's
    name when its sender gave an Idempotency-Key (its events carry it: a command sent again
    after a crash finds itself done)."""
    opts: dict[str, Any] = {"actor": g.user.username, version: if_match()}
    if args.get("occurred_at") is not None:
        opts["occurred_at"] = args["occurred_at"]
    if keyed and command_key() is not None:
        opts["key"] = command_key()
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
    "description": 'the record\'s version as read (its ETag, e.g. "3"); a stale one gets 412',
}
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^\S(.*\S)?$"},
    "description": "a client-made key (a UUID); the same key and body return the first answer",
}
OCCURRED_AT = {"metadata": {"description": "when it happened on the phone (default: now)"}}
