"""A volunteer's phone page (/my-work) through the test client: signing in lands there; it
shows the need and the duty asked of them, and only those; a visit and a duty done in one tap."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from tests.integration.conftest import PASSWORD
from tests.integration.pages.conftest import COMMUNITY, Phone, log_need
from web import services


@pytest.fixture
def asked(app: Flask) -> dict[str, Any]:
    """vol3 in B3's group, asked to help with one need and to do one duty; another need not."""
    mine, other = log_need(app), log_need(app, room="601", resident_name="李")
    with app.app_context():
        running = services()
        running.accounts.register_user(
            community=COMMUNITY,
            username="vol3",
            role="volunteer",
            blocks=["B3"],
            password=PASSWORD,
            actor="setup",
        )
        group = running.duties.form_volunteer_group(
            community=COMMUNITY, block="B3", name="三块组团", leader="陈", actor="leader3"
        )
        member = running.duties.add_volunteer(group, name="褚家明", account="vol3", actor="leader3")
        running.needs.assign_volunteer(mine, group, member, actor="leader3")
        home = running.needs.load(mine).household.id
        duty = running.duties.record_life_event(home, "hospitalised", "", actor="leader3")
        running.duties.assign_duty_volunteer(duty, group, member, actor="leader3")
    return {"need": mine, "other": other, "duty": duty}


def test_a_volunteer_lands_on_what_is_asked_of_them_and_only_that(
    app: Flask, phone: Phone, asked: dict[str, Any]
) -> None:
    answer = phone.sign_in("vol3")
    assert answer.headers["Location"].endswith("/my-work")
    html = phone.open("/my-work?lang=en").get_data(as_text=True)
    assert f'data-need="{asked["need"]}"' in html
    assert f'data-need="{asked["other"]}"' not in html
    assert f'data-duty="{asked["duty"]}"' in html
    assert phone.open("/today").status_code == 403
    assert phone.open("/board").status_code == 403


def test_a_volunteer_records_a_visit_and_does_the_duty_in_one_tap(
    app: Flask, phone: Phone, asked: dict[str, Any]
) -> None:
    phone.sign_in("vol3")
    phone.open("/my-work")
    visited = phone.send(f"/my-work/needs/{asked['need']}/visit", notes="已上门")
    assert visited.headers["Location"].endswith("/my-work")
    phone.open("/my-work")
    done = phone.send(f"/duties/{asked['duty']}/discharge", notes="")
    assert done.headers["Location"].endswith("/my-work")
    refused = phone.send(f"/my-work/needs/{asked['other']}/visit", notes="x")
    assert refused.status_code == 404
    with app.app_context():
        running = services()
        assert running.needs.load(asked["need"]).visits[-1].visitor == "vol3"
        assert running.duties.get_duty(UUID(str(asked["duty"])))["discharged_by"] == "vol3"
    html = phone.open("/my-work").get_data(as_text=True)
    assert f'data-duty="{asked["duty"]}"' not in html


def test_a_volunteer_records_the_follow_up_of_a_resolved_need(
    app: Flask, phone: Phone, asked: dict[str, Any]
) -> None:
    with app.app_context():
        services().needs.resolve(asked["need"], "helped", "已送医", actor="leader3")
    phone.sign_in("vol3")
    html = phone.open("/my-work?lang=en").get_data(as_text=True)
    assert f'action="/my-work/needs/{asked["need"]}/follow-up"' in html
    answer = phone.send(f"/my-work/needs/{asked['need']}/follow-up", verdict="satisfied", note="")
    assert answer.headers["Location"].endswith("/my-work")
    with app.app_context():
        follow_up = services().needs.load(asked["need"]).follow_up
    assert follow_up is not None
    assert (follow_up.verdict.value, follow_up.by) == ("satisfied", "vol3")
    html = phone.open("/my-work").get_data(as_text=True)
    assert f'data-need="{asked["need"]}"' not in html
