"""A project's forms on the phone: a consent at the door (also sent from a phone's queue, once
however often), a meeting, a stamp and a payment in yuan kept in fen — each offered only to whom
may record it; the flow chart drawn by state; the template's page; the printable stamp table."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from kernel.clock import SHANGHAI, ManualClock
from kernel.community import DEMO_COMMUNITY
from tests.integration.pages.conftest import PASSWORD, Phone
from web import services

SITE = "http://localhost"
KEY = "5a0f3c2e-1b7d-4e6f-8a9b-0c1d2e3f4a5b"


@pytest.fixture
def project_id(app: Flask) -> UUID:
    """Building 15 of B3, with a treasurer and a field officer who sign in."""
    with app.app_context():
        running = services()
        projects = running.projects
        homes = [{"floor": f, "label": f"1单元{f}01"} for f in (1, 2, 3)]
        made = projects.start_project(
            community=DEMO_COMMUNITY.id,
            block="B3",
            building=15,
            title="15号楼加装电梯",
            template_id=projects.ensure_builtin_templates(),
            actor="secretary",
            households=homes,
        )
        for role, account in (("treasurer", "treasurer15"), ("field_officer", "officer15")):
            running.accounts.register_user(
                community=DEMO_COMMUNITY.id,
                username=account,
                role="project_member",
                password=PASSWORD,
                actor="setup",
            )
            projects.appoint(made, role, account, account=account, actor="secretary")
        return made


def signed_in(app: Flask, username: str) -> Phone:
    phone = Phone(app.test_client())
    assert phone.sign_in(username).status_code == 302
    return phone


def project(app: Flask, project_id: UUID) -> dict[str, Any]:
    with app.app_context():
        return services().projects.get_project(project_id)


def home(app: Flask, project_id: UUID, label: str) -> str:
    return next(
        str(h["household_id"])
        for h in project(app, project_id)["households"]
        if h["label"] == label
    )


def test_a_team_member_records_a_consent_at_the_door(app: Flask, project_id: UUID) -> None:
    officer = signed_in(app, "officer15")
    door = officer.open(f"/projects/{project_id}/consent")
    assert door.status_code == 200
    page = door.get_data(as_text=True)
    assert 'id="record-consent"' in page
    assert "data-offline" in page
    assert page.index("3 楼 · 1单元301") < page.index("1 楼 · 1单元101")
    key = re.search(r'name="key"[^>]*value="(\w+)"', page)
    assert key is not None
    sent = officer.send(
        f"/projects/{project_id}/consent",
        key=key.group(1),
        household_id=home(app, project_id, "1单元201"),
        answer="yes",
        on_paper="y",
        signatory="王阿姨",
    )
    assert sent.status_code == 302
    assert "已记录该户意见" in officer.open(sent.headers["Location"]).get_data(as_text=True)
    shown = project(app, project_id)
    assert shown["consents"][0]["yes"] == 1
    with app.app_context():
        [consent] = [
            e for e in services().projects.get_history(project_id) if e["type"] == "ConsentRecorded"
        ]
    assert consent["actor"] == "officer15"
    assert consent["data"]["collected_by"] == "officer15"


def sync(
    phone: Phone, project_id: UUID, fields: dict[str, str], at: datetime, **headers: str
) -> Any:
    sent = {
        "X-Requested-With": "needs-offline",
        "Origin": SITE,
        "Sec-Fetch-Site": "same-origin",
        "Idempotency-Key": KEY,
        **headers,
    }
    body = {
        "fields": fields,
        "occurred_at": at.astimezone(SHANGHAI).isoformat(),
        "captured_by": None,
    }
    return phone.client.post(
        f"/sync/projects/{project_id}/consents",
        json=body,
        headers={k: v for k, v in sent.items() if v},
    )


def test_a_consent_from_the_phones_queue_is_recorded_once(
    app: Flask, project_id: UUID, clock: ManualClock
) -> None:
    officer = signed_in(app, "officer15")
    at = clock.now() - timedelta(hours=3)
    fields = {"household_id": home(app, project_id, "1单元101"), "answer": "no"}
    first, again = sync(officer, project_id, fields, at), sync(officer, project_id, fields, at)
    assert (first.status_code, again.status_code) == (201, 201), first.json
    assert first.json["url"] == f"/projects/{project_id}/consent"
    with app.app_context():
        events = services().projects.get_history(project_id)
    recorded = [e for e in events if e["type"] == "ConsentRecorded"]
    assert len(recorded) == 1
    assert recorded[0]["occurred_at"] == at
    assert sync(officer, project_id, fields, at, **{"X-Requested-With": ""}).status_code == 403
    assert sync(officer, project_id, {**fields, "answer": "maybe"}, at).status_code == 422
    other = signed_in(app, "leader5")  # another block's leader: not their project
    assert sync(other, project_id, fields, at).status_code == 404


def test_the_treasurer_records_a_payment_in_yuan(app: Flask, project_id: UUID) -> None:
    treasurer = signed_in(app, "treasurer15")
    page = treasurer.open(f"/projects/{project_id}").get_data(as_text=True)
    assert 'id="record-payment"' in page
    assert 'id="record-meeting"' in page
    payment = {
        "household_id": home(app, project_id, "1单元301"),
        "kind": "payment",
        "on": "2016-04-01",
        "receipt": "SJ-001",
    }
    wrong = treasurer.send(
        f"/projects/{project_id}/payment", prefix="payment", amount="12.345", **payment
    )
    assert wrong.status_code == 422
    assert "请按元填写金额" in wrong.get_data(as_text=True)
    paid = treasurer.send(
        f"/projects/{project_id}/payment", prefix="payment", amount="1,500.50", **payment
    )
    assert paid.status_code == 302
    assert project(app, project_id)["ledger"]["paid"] == 150_050


def test_a_field_officer_is_offered_no_payment_and_may_not_send_one(
    app: Flask, project_id: UUID
) -> None:
    officer = signed_in(app, "officer15")
    page = officer.open(f"/projects/{project_id}").get_data(as_text=True)
    assert 'id="record-payment"' not in page
    assert 'id="record-stamp"' in page
    refused = officer.send(
        f"/projects/{project_id}/payment",
        prefix="payment",
        household_id=home(app, project_id, "1单元301"),
        kind="payment",
        amount="100",
        on="2016-04-01",
    )
    assert refused.status_code == 403
    assert project(app, project_id)["ledger"]["paid"] == 0


def test_the_leader_records_a_meeting_and_a_stamp(app: Flask, project_id: UUID) -> None:
    leader = signed_in(app, "leader3")
    leader.open(f"/projects/{project_id}")
    undated = leader.send(f"/projects/{project_id}/meeting", prefix="meeting", kind="joint")
    assert undated.status_code == 422
    assert "请填写日期" in undated.get_data(as_text=True)
    held = leader.send(
        f"/projects/{project_id}/meeting",
        prefix="meeting",
        kind="joint",
        held_on="2016-03-01",
        minutes="讲解方案",
    )
    assert held.status_code == 302
    stamped = leader.send(
        f"/projects/{project_id}/stamp",
        prefix="stamp",
        step_id="housing-01",
        on="2016-03-05",
        reference="沪房1",
    )
    assert stamped.status_code == 302
    shown = project(app, project_id)
    assert shown["meetings"]["count"] == 1
    assert shown["progress"]["stamps"] == 1
    page = leader.open(f"/projects/{project_id}").get_data(as_text=True)
    assert re.search(r'class="flow-step step-started" data-step="housing-01"', page)
    assert re.search(r'class="flow-step step-pending" data-step="housing-02"', page)
    assert "<svg" in page
    assert "流程图" in page


def test_readers_are_offered_no_forms(app: Flask, project_id: UUID) -> None:
    auditor = signed_in(app, "auditor")
    page = auditor.open(f"/projects/{project_id}").get_data(as_text=True)
    assert 'id="record-meeting"' not in page
    assert f'href="/projects/{project_id}/consent"' not in page
    assert auditor.open(f"/projects/{project_id}/consent").status_code == 403
    assert 'href="/projects"' in page  # the projects link in the navigation
    hospital = signed_in(app, "hospital")
    assert 'href="/projects"' not in hospital.open("/inbox").get_data(as_text=True)


def test_the_stamp_table_and_the_template_page_print_every_step(
    app: Flask, project_id: UUID
) -> None:
    leader = signed_in(app, "leader3")
    table = leader.open(f"/projects/{project_id}/stamp-table")
    assert table.status_code == 200
    page = table.get_data(as_text=True)
    steps = project(app, project_id)["progress"]["steps_total"]
    assert len(re.findall(r'<tr data-step="', page)) == steps
    assert "盖章表" in page or "Stamp table" in page
    shown = project(app, project_id)
    template = leader.open(f"/project-templates/{shown['template']['id']}")
    assert template.status_code == 200
    drawn = template.get_data(as_text=True)
    assert len(re.findall(r'class="flow-step step-pending"', drawn)) == steps
    leader.send("/language", language="en", next=f"/projects/{project_id}/stamp-table")
    english = leader.open(f"/projects/{project_id}/stamp-table").get_data(as_text=True)
    assert "Department" in english
    assert "Housing administration" in english
    drawn_in_english = leader.open(f"/projects/{project_id}").get_data(as_text=True)
    assert "Housing administration (0/" in drawn_in_english
    assert "Not started" in drawn_in_english
    assert "Stamped" in english


def test_the_forms_stand_once_in_the_page_and_the_title_is_only_the_projects(
    app: Flask, project_id: UUID
) -> None:
    page = signed_in(app, "leader3").open(f"/projects/{project_id}?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    title = re.findall(r"<title>(.*?)</title>", html, re.S)[0]  # the page's, in its head
    assert "<" not in title
    assert "15号楼加装电梯" in title
    for form in ("record-meeting", "record-stamp", "record-payment"):
        assert html.count(f'id="{form}"') == 1, form
