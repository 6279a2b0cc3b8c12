"""The demo's projects: building 7's lift retrofit of 2015–2016, finished, the template made
from it, and building 22's project in progress from that template; seeding again adds none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from kernel.community import DEMO_COMMUNITY
from tests.integration.test_demo_seed import fresh_store
from web.bootstrap import Services, build_services
from web.demo import seed


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, list[str]]]:
    settings = fresh_store(tmp_path_factory.mktemp("demo-projects"))
    lines: list[str] = []
    seed(settings, echo=lines.append, now=datetime.now(UTC))
    seed(settings, echo=lines.append, now=datetime.now(UTC))
    services = build_services(settings)
    yield services, lines
    services.close()


def project(services: Services, block: str, building: int) -> dict[str, Any]:
    found = services.projects.list_projects(community=DEMO_COMMUNITY.id, blocks={block})
    [one] = [p for p in found if p["building"] == building]
    return one


def test_building_7_finished_its_lift_in_2016_with_everyone_consenting(seeded) -> None:
    services, _ = seeded
    seven = project(services, "B2", 7)
    assert seven["phase"] == "in_operation"
    first = seven["consents"][0]
    assert (first["round"], first["yes"], first["households"], first["met"]) == (1, 12, 12, True)
    assert seven["progress"]["stamps"] >= 90
    assert seven["progress"]["steps_done"] == seven["progress"]["steps_total"] >= 60
    assert seven["meetings"]["count"] >= 40
    assert {m["role"] for m in seven["team"]} >= {"leader", "treasurer", "technical_adviser"}
    assert seven["started_at"].year == 2015
    assert seven["phases"][-1]["at"].year == 2016
    assert [d["task"] for d in seven["rota"]] == ["电梯保洁", "流动红旗"]
    ledger = seven["ledger"]
    assert ledger["paid"] == ledger["share_total"] == 60_000_000
    assert ledger["paid"] == ledger["refunded"] + ledger["spent"] + ledger["balance"]
    assert seven["households"][0]["floor"] == 6  # the board reads from the top floor down


def test_building_22_started_from_the_template_building_7_made(seeded) -> None:
    services, _ = seeded
    seven, twenty_two = project(services, "B2", 7), project(services, "B4", 22)
    template = services.projects.get_template(UUID(twenty_two["template"]["id"]))
    assert twenty_two["template"]["version"] == template["version"] == 2
    assert template["made_from"] == seven["id"]
    assert twenty_two["phase"] == "applying"
    assert 0 < twenty_two["progress"]["steps_done"] < twenty_two["progress"]["steps_total"]
    assert twenty_two["started_at"].date() > date(2016, 12, 31)


def test_seeding_again_adds_no_project(seeded) -> None:
    services, lines = seeded
    assert len(services.projects.list_projects(community=DEMO_COMMUNITY.id)) == 2
    assert "projects: already there, none added" in lines
    assert services.projects.verify(UUID(project(services, "B2", 7)["id"]))["intact"] is True
