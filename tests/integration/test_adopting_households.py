"""A store from before the duties owned household identity: its cases name households the
duties never registered. `init-db` registers each with the duties under the same id, at the
address of its latest need, so the one address index finds it; running it again does nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from flask import Flask

from duties.exceptions import HouseholdNotFoundError
from kernel.community import DEMO_COMMUNITY
from needs.values import Household
from web import create_app
from web.operations.erasure import erase_household

COMMUNITY = DEMO_COMMUNITY.id


@pytest.fixture
def app(database_url: str, clock: Any) -> Iterator[Flask]:
    flask_app = create_app({"DATABASE_URL": database_url, "CLOCK": clock})
    assert init_db(flask_app) == "", "a new store has no household to register"
    yield flask_app
    built = flask_app.extensions.get("needs.services")
    if built is not None:
        built.close()


def init_db(flask_app: Flask) -> str:
    """What init-db says beyond its last line."""
    result = flask_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    return "\n".join(result.output.strip().splitlines()[:-1])


def running(flask_app: Flask) -> Any:
    with flask_app.app_context():
        from web import services

        return services()


def logged_before_the_duties(services: Any, household: Household, block: str = "B3") -> UUID:
    """A need logged as the cases did before the duties: for a household only they knew."""
    need_id: UUID = services.needs.log_need(
        community=COMMUNITY,
        category="hardship",
        block=block,
        household=household,
        description="水管爆裂",
        urgency="normal",
        actor="leader3",
    )
    return need_id


def test_init_db_registers_the_households_only_the_cases_knew_under_the_same_id(app, clock):
    services = running(app)
    moved, other = uuid4(), uuid4()
    logged_before_the_duties(services, Household(moved, 15, "2", "501"))
    clock.advance(hours=1)
    logged_before_the_duties(services, Household(moved, 15, "2", "502"))  # its latest address
    logged_before_the_duties(services, Household(other, 27, "", "301"), block="B5")
    assert services.duties.find_household(COMMUNITY, "B3", 15, "2", "502") is None

    assert init_db(app) == "households: 2 known only to the cases registered"

    assert services.duties.find_household(COMMUNITY, "B3", 15, "2", "502") == moved
    assert services.duties.find_household(COMMUNITY, "B3", 15, "2", "501") is None
    assert services.duties.find_household(COMMUNITY, "B5", 27, "", "301") == other
    by_address = services.casework.log_need(
        community=COMMUNITY,
        category="emergency",
        block="B3",
        building="15号楼",
        unit="2",
        room="502",
        description="又漏水了",
        urgency="high",
        actor="leader3",
    )
    assert services.needs.load(by_address).household == Household(moved, 15, "2", "502")
    by_id = services.casework.log_need(
        community=COMMUNITY,
        category="emergency",
        block="B5",
        household_id=other,
        description="停电",
        urgency="high",
        actor="leader5",
    )
    assert services.needs.load(by_id).household == Household(other, 27, "", "301")


def test_running_it_again_registers_nothing_and_an_erased_household_stays_gone(app):
    services = running(app)
    erased, kept = uuid4(), uuid4()
    logged_before_the_duties(services, Household(erased, 15, "2", "502"))
    logged_before_the_duties(services, Household(kept, 16, "1", "101"))
    erase_household(services, erased, "secretary")

    assert init_db(app) == "households: 1 known only to the cases registered"
    events = services.duties.recorder.max_notification_id()
    assert init_db(app) == ""
    assert services.duties.recorder.max_notification_id() == events

    assert services.duties.find_household(COMMUNITY, "B3", 16, "1", "101") == kept
    assert services.duties.find_household(COMMUNITY, "B3", 15, "2", "502") is None
    with pytest.raises(HouseholdNotFoundError):
        services.duties.household_address(erased, COMMUNITY, "B3")
