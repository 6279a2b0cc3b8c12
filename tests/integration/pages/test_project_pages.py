"""A project on the phone: the list of my blocks' projects, and the project's page with its
consent board drawn as the building, its checklist by phase, its team and its money."""

from __future__ import annotations

import re
from uuid import UUID

from flask import Flask

from kernel.community import DEMO_COMMUNITY
from web import services

from .conftest import Phone


def start(app: Flask, block: str = "B3", building: int = 15) -> UUID:
    with app.app_context():
        projects = services().projects
        homes = [{"floor": f, "label": f"1单元{f}0{r}"} for f in (1, 2, 3) for r in (1, 2)]
        project_id = projects.start_project(
            community=DEMO_COMMUNITY.id,
            block=block,
            building=building,
            title="加装电梯",
            template_id=projects.ensure_builtin_templates(),
            actor="secretary",
            households=homes,
        )
        rows = projects.get_project(project_id)["households"]
        top = next(h for h in rows if h["label"] == "1单元301")
        low = next(h for h in rows if h["label"] == "1单元101")
        projects.record_consent(project_id, UUID(top["household_id"]), "yes", actor="leader3")
        projects.record_consent(project_id, UUID(low["household_id"]), "no", actor="leader3")
        projects.appoint(project_id, "treasurer", "李会计", actor="secretary")
        projects.obtain_stamp(project_id, "housing-01", on="2015-06-01", actor="leader3")
        return project_id


def test_the_leader_sees_the_projects_of_the_block(app: Flask, leader: Phone) -> None:
    mine, theirs = start(app), start(app, block="B5", building=25)
    page = leader.open("/projects").get_data(as_text=True)
    assert f'data-project="{mine}"' in page
    assert f'data-project="{theirs}"' not in page
    assert leader.open(f"/projects/{theirs}").status_code == 404


def test_the_project_page_draws_the_building_floor_by_floor(app: Flask, leader: Phone) -> None:
    project_id = start(app)
    response = leader.open(f"/projects/{project_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    answers = re.findall(r'class="home answer-(\w+)"[^>]*>([^<]+)<', page)
    assert answers[:2] == [("yes", "1单元301"), ("pending", "1单元302")]
    assert ("no", "1单元101") in answers
    assert page.index("3 楼") < page.index("1 楼")  # the top floor first
    assert "第 1 轮：6 户中 1 户同意" in page
    assert 'data-step="housing-01"' in page
    assert "房管" in page
    assert "财务: 李会计" in page


def test_the_project_page_speaks_english_when_asked(app: Flask, leader: Phone) -> None:
    project_id = start(app)
    leader.send("/language", language="en", next=f"/projects/{project_id}")
    page = leader.open(f"/projects/{project_id}").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Consent board" in page
    assert "Round 1: 1 of 6 households agree (threshold 1)" in page
    assert "Treasurer: 李会计" in page
