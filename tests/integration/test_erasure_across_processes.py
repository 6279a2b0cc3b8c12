"""An erasure reaches every process at once: two gunicorn servers on the same store (SQLite and
PostgreSQL), each of which has opened the household's data and holds its key; erased through
one, the other reads [erased] as soon as the erasure has answered, at any version, in the
history and in the export."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from kernel.community import DEMO_COMMUNITY
from tests.integration.conftest import CHEAP_HASHING, PASSWORD
from tests.servers import Caller, gunicorn

NAME, PHONE = "欧阳慧敏", "13917730042"

pytestmark = pytest.mark.slow


@pytest.fixture
def two_servers(app, running, database_url: str, tmp_path: Path) -> Iterator[tuple[Caller, Caller]]:
    """Two independently started servers on the test's store, one worker each, called by the
    secretary."""
    running.accounts.register_user(
        community=DEMO_COMMUNITY.id,
        username="secretary",
        role="secretary",
        password=PASSWORD,
        actor="setup",
    )
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "CELERY_DATA_FOLDER": str(tmp_path / "celery"),
        **CHEAP_HASHING,
    }
    with (
        gunicorn(env, tmp_path / "first.log", workers=1) as first,
        gunicorn(env, tmp_path / "second.log", workers=1) as second,
    ):
        yield Caller(first, "secretary", PASSWORD), Caller(second, "secretary", PASSWORD)


def shown(caller: Caller, path: str) -> str:
    return json.dumps(caller.ok("GET", path), ensure_ascii=False)


def test_once_erased_through_one_process_another_never_opens_the_household_again(
    running, two_servers
):
    first, second = two_servers
    need_id = running.casework.log_need(
        community=DEMO_COMMUNITY.id,
        category="hardship",
        block="B3",
        building=15,
        unit="9单元",
        room="7731室",
        resident_name=NAME,
        contact_phone=PHONE,
        description="独居老人夜间胸闷气短",
        urgency="high",
        actor="leader3",
    )
    household_id = UUID(str(running.needs.get_need(need_id)["household"]["id"]))
    # Both processes open the household's data, and so hold its key.
    for server in (first, second):
        assert server.ok("GET", f"/needs/{need_id}?version=1")["resident_name"] == NAME
        assert NAME in shown(server, f"/needs/{need_id}/export")

    erased = first.ok("POST", f"/households/{household_id}/erasure", {})
    assert erased["needs"] == [str(need_id)]

    then = second.ok("GET", f"/needs/{need_id}?version=1")
    assert (then["resident_name"], then["contact_phone"]) == ("[erased]", "[erased]")
    for path in (f"/needs/{need_id}/history", f"/needs/{need_id}/export"):
        assert NAME not in shown(second, path)
        assert PHONE not in shown(second, path)
