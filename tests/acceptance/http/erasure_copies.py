"""Steps of 'Erase a household's personal data' about the copies of a household's data outside
the answering process: other server processes, and a reader holding the key store's log."""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from pytest_bdd import given, parsers, then, when

from tests.acceptance.http.support import QUOTED, RESIDENT, USER, Answer, Api
from tests.integration.conftest import CHEAP_HASHING, PASSWORD
from tests.servers import Caller, gunicorn
from web import services as _services


def erasure_path(need: dict[str, Any]) -> str:
    return f"/households/{need['household']['id']}/erasure"


@pytest.fixture
def held_open() -> Iterator[ExitStack]:
    """What a scenario keeps running (server processes, a reader), ended after it."""
    with ExitStack() as stack:
        yield stack


# --- every process, and every copy ------------------------------------------------------------


@given(
    parsers.parse(
        "the service also runs in two server processes of its own, each of which has shown the "
        "need as it was at version 1"
    ),
    target_fixture="processes",
)
def two_processes(
    app: Flask, need: dict[str, Any], held_open: ExitStack, tmp_path: Path
) -> list[Caller]:
    env = {
        "DATABASE_URL": app.config["NEEDS_SETTINGS"].database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "CELERY_DATA_FOLDER": str(tmp_path / "celery"),
        **CHEAP_HASHING,
    }
    processes = []
    for name in ("first", "second"):
        url = held_open.enter_context(gunicorn(env, tmp_path / f"{name}.log", workers=1))
        caller = Caller(url, "secretary", PASSWORD)
        assert caller.ok("GET", f"/needs/{need['id']}?version=1")["resident_name"] == RESIDENT
        processes.append(caller)
    return processes


@when(
    parsers.re(USER + r" erases the need's household through the first of them"),
    target_fixture="answer",
)
def erases_through_first(processes: list[Caller], need: dict[str, Any], username: str) -> Any:
    return processes[0].ok("POST", erasure_path(need), {})


@then(
    parsers.re(
        r"the second at once shows the need as it was at version 1 with "
        + QUOTED.format("text")
        + r" for the resident and the phone"
    )
)
def second_shows(processes: list[Caller], need: dict[str, Any], text: str) -> None:
    then = processes[1].ok("GET", f"/needs/{need['id']}?version=1")
    assert (then["resident_name"], then["contact_phone"]) == (text, text)


@then("neither the history nor the export the second shows holds the resident's name or phone")
def second_holds_neither(processes: list[Caller], need: dict[str, Any]) -> None:
    for path in (f"/needs/{need['id']}/history", f"/needs/{need['id']}/export"):
        shown = json.dumps(processes[1].ok("GET", path), ensure_ascii=False)
        assert RESIDENT not in shown
        assert need["contact_phone"] not in shown


@given("another connection keeps a read open on the household key store", target_fixture="reader")
def keeps_a_read_open(
    app: Flask, need: dict[str, Any], held_open: ExitStack, key_material: list[bytes]
) -> sqlite3.Connection:
    keys_file = app.config["NEEDS_SETTINGS"].sqlite_path("keys")
    reader = held_open.enter_context(closing(sqlite3.connect(keys_file, isolation_level=None)))
    reader.execute("BEGIN")
    reader.execute("SELECT * FROM household_keys").fetchall()
    return reader


@when(
    parsers.re(
        r"the other connection has finished reading and "
        + USER
        + r" erases the need's household again"
    ),
    target_fixture="answer",
)
def erases_again(
    api: Api, reader: sqlite3.Connection, need: dict[str, Any], username: str
) -> Answer:
    reader.execute("ROLLBACK")
    return api.post(username, erasure_path(need), {})


@pytest.fixture
def key_material(app: Flask, need: dict[str, Any]) -> list[bytes]:
    """The household's key, raw in each spelling, and wrapped as the key store keeps it."""
    household_id = UUID(need["household"]["id"])
    with app.app_context():
        keys = _services().keys
        raw = keys.key(household_id)
        with keys.store.read() as sql:
            row = sql.execute(
                "SELECT wrapped FROM household_keys WHERE household_id=%(h)s",
                {"h": str(household_id)},
            ).fetchone()
    assert raw is not None
    assert row is not None
    return [raw, raw.hex().encode(), base64.b64encode(raw), row["wrapped"].encode()]


@then("no file of the store holds the household's key")
def no_file_holds_the_key(app: Flask, tmp_path: Path, key_material: list[bytes]) -> None:
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-keys.sqlite") for p in files)
    held = [p.name for p in files for k in key_material if k in p.read_bytes()]
    assert held == []
