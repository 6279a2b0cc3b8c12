"""The CRUD app's database, in the two forms a user might pick: the Flask tutorial's
connection per request (`get_db` opens one on `g`, `close_db` closes it at teardown), or one
connection kept by each worker process (SQLite in WAL mode; on PostgreSQL a psycopg pool), as
a careful engineer writes it. CRUD_CONNECTION (or the DATABASE_CONNECTION config) picks:
`per-request` (the default, the tutorial) or `kept`."""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from typing import Any

import psycopg
from flask import current_app, g
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

SCHEMA = """
DROP TABLE IF EXISTS need;
DROP TABLE IF EXISTS household;
DROP TABLE IF EXISTS token;
CREATE TABLE token (
    digest TEXT PRIMARY KEY, username TEXT NOT NULL, role TEXT NOT NULL, block TEXT);
CREATE TABLE household (
    id TEXT PRIMARY KEY, block TEXT NOT NULL, building INTEGER NOT NULL,
    unit TEXT NOT NULL, room TEXT NOT NULL, UNIQUE (block, building, unit, room));
CREATE TABLE need (
    id TEXT PRIMARY KEY, community TEXT NOT NULL, category TEXT NOT NULL, block TEXT NOT NULL,
    household_id TEXT NOT NULL REFERENCES household (id), resident_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL, description TEXT NOT NULL, urgency TEXT NOT NULL,
    urgency_rank INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'open',
    consent_to_share INTEGER NOT NULL, assignee TEXT, logged_by TEXT NOT NULL,
    logged_at TEXT NOT NULL, recorded_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1);
CREATE INDEX need_block ON need (block, status, urgency_rank, logged_at);
"""
FORMS = ("per-request", "kept")


def connection_form() -> str:
    """Which form this app runs in (from the config, else CRUD_CONNECTION)."""
    form = str(current_app.config.get("DATABASE_CONNECTION") or "per-request")
    if form not in FORMS:
        raise ValueError(f"CRUD_CONNECTION must be one of {FORMS}, not {form!r}")
    return form


def default_form() -> str:
    return os.environ.get("CRUD_CONNECTION", "per-request")


class PostgresDb:
    """The few sqlite3 calls the app makes, on a psycopg connection (`?` becomes `%s`): a new
    one for the request, or one borrowed from the worker's pool."""

    def __init__(self, conn: psycopg.Connection[Any], pool: ConnectionPool | None) -> None:
        self.conn, self.pool = conn, pool

    def execute(self, query: str, params: Any = ()) -> Any:
        return self.conn.execute(query.replace("?", "%s"), params)

    def executescript(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        self.conn.commit()

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.rollback()
        if self.pool is not None:
            self.pool.putconn(self.conn)
        else:
            self.conn.close()


class KeptSqlite:
    """The worker's one SQLite connection, lent to a request: closing it only ends any
    transaction the request left open."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, query: str, params: Any = ()) -> Any:
        return self.conn.execute(query, params)

    def executescript(self, script: str) -> None:
        self.conn.executescript(script)

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.rollback()


# Per process (gunicorn's workers fork before the first request, so each makes its own).
_pools: dict[tuple[int, str], ConnectionPool] = {}
_kept: dict[tuple[int, str], sqlite3.Connection] = {}


def _pool(url: str) -> ConnectionPool:
    key = (os.getpid(), url)
    if key not in _pools:
        _pools[key] = ConnectionPool(
            url, min_size=1, max_size=4, kwargs={"row_factory": dict_row}, open=True
        )
    return _pools[key]


def _sqlite(database: str) -> sqlite3.Connection:
    conn = sqlite3.connect(database, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def _kept_sqlite(database: str) -> sqlite3.Connection:
    key = (os.getpid(), database)
    if key not in _kept:
        conn = _sqlite(database)
        conn.execute("PRAGMA journal_mode=WAL")
        _kept[key] = conn
    return _kept[key]


def get_db() -> Any:
    if "db" not in g:
        database = current_app.config["DATABASE"]
        kept = connection_form() == "kept"
        if database.startswith("postgresql://"):
            if kept:
                pool = _pool(database)
                g.db = PostgresDb(pool.getconn(), pool)
            else:
                g.db = PostgresDb(psycopg.connect(database, row_factory=dict_row), None)
        elif kept:
            g.db = KeptSqlite(_kept_sqlite(database))
        else:
            g.db = _sqlite(database)
    return g.db


def close_db(e: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db() -> None:
    db = get_db()
    db.executescript(SCHEMA)
    if not isinstance(db, PostgresDb):
        db.execute("PRAGMA journal_mode=WAL")


def add_token(username: str, role: str, block: str | None) -> str:
    """A new bearer token for the user; only its digest is kept."""
    token = secrets.token_urlsafe(32)
    db = get_db()
    db.execute(
        "INSERT INTO token (digest, username, role, block) VALUES (?, ?, ?, ?)",
        (hashlib.sha256(token.encode()).hexdigest(), username, role, block),
    )
    db.commit()
    return token
