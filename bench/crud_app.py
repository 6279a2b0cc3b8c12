"""The baseline: the two calls a block leader makes most, as a plain CRUD Flask + SQLite app
written the way the Flask tutorial writes a database app (flaskr: `create_app`, `get_db` on
`g`, `close_db` at teardown, an `init-db` command, SQL by hand) — no history, no encryption,
no read models. It takes and answers the same JSON as the service's POST and GET
/api/v1/needs, through the service's own marshmallow schemas, so the two differ only in how
they keep the data.

Beyond the tutorial it does what any such app in production would: an index for the list
and WAL journal mode (set once by `init-db`), and a bearer-token check against a tokens table.
Given a `postgresql://` CRUD_DATABASE it runs the same SQL through psycopg instead: the
benchmark's reference for what PostgreSQL itself costs on this machine. CRUD_CONNECTION=kept
makes each worker keep one connection (a pool on PostgreSQL) instead of the tutorial's one
per request (bench/crud_db.py).

    flask --app bench.crud_app init-db
    flask --app bench.crud_app add-token leader3 --role block_leader --block B3
    gunicorn --workers 2 'bench.crud_app:create_app()'
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime
from typing import Any

import click
from flask import Blueprint, Flask, abort, g, jsonify, request
from marshmallow import ValidationError

from bench.crud_db import add_token, close_db, default_form, get_db, init_db
from kernel.community import DEMO_COMMUNITY
from kernel.errors import DomainError
from web.api.schemas import LogNeedSchema, NeedArgsSchema, NeedSchema

RANK = {"low": 0, "normal": 1, "high": 2, "critical": 3}
log_need_schema, need_args_schema = LogNeedSchema(), NeedArgsSchema()
need_schema, needs_schema = NeedSchema(), NeedSchema(many=True)
bp = Blueprint("needs", __name__, url_prefix="/api/v1")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The tutorial's factory: the database file from the config or the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATABASE=os.environ.get("CRUD_DATABASE", "crud.sqlite"),
        DATABASE_CONNECTION=default_form(),
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
    app.cli.add_command(add_token_command)
    app.register_blueprint(bp)
    app.add_url_rule("/health", "health", lambda: {"status": "ok"})
    return app


@click.command("init-db")
def init_db_command() -> None:
    """Clear the existing data and create new tables."""
    init_db()
    click.echo("Initialized the database.")


@click.command("add-token")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["secretary", "block_leader"]))
@click.option("--block", default=None)
def add_token_command(username: str, role: str, block: str | None) -> None:
    """Print a new bearer token for a user."""
    click.echo(add_token(username, role, block))


@bp.before_request
def load_user() -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    row = None
    if scheme.lower() == "bearer" and token:
        row = (
            get_db()
            .execute(
                "SELECT username, role, block FROM token WHERE digest = ?",
                (hashlib.sha256(token.strip().encode()).hexdigest(),),
            )
            .fetchone()
        )
    if row is None:
        abort(401)
    g.user = row


def _error(code: int, message: str, errors: Any = None) -> Any:
    body = {"code": code, "status": "error", "message": message}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), code


def _need(row: Any) -> dict[str, Any]:
    """A need row with the service's fields (a CRUD app has no history to show)."""
    need = dict(row)
    need["household"] = {
        "id": need.pop("household_id"),
        "building": need.pop("building"),
        "unit": need.pop("unit"),
        "room": need.pop("room"),
    }
    for key in ("logged_at", "recorded_at", "updated_at"):
        need[key] = datetime.fromisoformat(need[key])
    need.update(consent_to_share=bool(need["consent_to_share"]), overdue=False, escalated=False)
    need.update(referrals=[], visits=[], notes=[])
    return need


_SELECT = (
    "SELECT need.*, household.building, household.unit, household.room FROM need "
    "JOIN household ON household.id = need.household_id"
)


@bp.post("/needs")
def log_need() -> Any:
    try:
        data = log_need_schema.load(request.get_json())
    except ValidationError as err:
        return _error(422, "invalid request", {"json": err.messages})
    if "household" not in data:
        return _error(422, "name the household by address")
    if g.user["role"] == "block_leader" and data["block"] != g.user["block"]:
        return _error(403, "not your block")
    address = data["household"]
    try:
        DEMO_COMMUNITY.category(data["category"])
        building = DEMO_COMMUNITY.building_in_block(data["block"], address["building"])
    except DomainError as err:
        return _error(422, str(err))
    db = get_db()
    where = (data["block"], building, address["unit"].strip(), address["room"].strip())
    db.execute(
        "INSERT INTO household (id, block, building, unit, room) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (str(uuid.uuid4()), *where),
    )
    household = db.execute(
        "SELECT id FROM household WHERE block = ? AND building = ? AND unit = ? AND room = ?",
        where,
    ).fetchone()
    now = datetime.now(UTC).isoformat()
    need_id = str(uuid.uuid4())
    db.execute(
        "INSERT INTO need (id, community, category, block, household_id, resident_name,"
        " contact_phone, description, urgency, urgency_rank, consent_to_share, logged_by,"
        " logged_at, recorded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            need_id,
            DEMO_COMMUNITY.id,
            data["category"],
            data["block"],
            household["id"],
            data["resident_name"],
            data["contact_phone"],
            data["description"],
            data["urgency"],
            RANK[data["urgency"]],
            int(data["consent_to_share"]),
            g.user["username"],
            (data.get("occurred_at") or datetime.now(UTC)).isoformat(),
            now,
            now,
        ),
    )
    db.commit()
    row = db.execute(f"{_SELECT} WHERE need.id = ?", (need_id,)).fetchone()
    return (
        need_schema.dump(_need(row)),
        201,
        {"Location": f"/api/v1/needs/{need_id}", "ETag": '"1"'},
    )


@bp.get("/needs")
def list_needs() -> Any:
    try:
        args = need_args_schema.load(request.args)
    except ValidationError as err:
        return _error(422, "invalid request", {"query": err.messages})
    block = args.get("block") or g.user["block"]
    if g.user["role"] == "block_leader" and block != g.user["block"]:
        return _error(403, "not your block")
    where, params = "need.block = ?", [block]
    if "status" in args:
        where += " AND need.status = ?"
        params.append(args["status"])
    db = get_db()
    count = f"SELECT COUNT(*) AS n FROM need WHERE {where}"  # noqa: S608 - fixed column names
    total = db.execute(count, params).fetchone()["n"]
    rows = db.execute(
        f"{_SELECT} WHERE {where} ORDER BY urgency_rank DESC, logged_at, need.id LIMIT ? OFFSET ?",
        [*params, args["per_page"], (args["page"] - 1) * args["per_page"]],
    ).fetchall()
    items = needs_schema.dump([_need(row) for row in rows])
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}
