"""The leader's "today" and the secretary's compliance board through the test client: what is
due and overdue in my blocks, a duty discharged in one tap, and the board counting it."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest
from flask import Flask

from kernel.clock import ManualClock
from tests.integration.pages.conftest import COMMUNITY, Phone
from web import services
from web.tasks.duties import fall_due


def household(app: Flask, block: str = "B3", building: str = "15号楼", room: str = "502") -> UUID:
    with app.app_context():
        return services().duties.register_household(
            community=COMMUNITY, block=block, building=building, unit="2", room=room, actor="setup"
        )


@pytest.fixture
def hospitalised(app: Flask, clock: ManualClock) -> UUID:
    """A B3 household whose member went into hospital 3 days ago: its visit is overdue."""
    home = household(app)
    with app.app_context():
        duty = services().duties.record_life_event(home, "hospitalised", "", actor="leader3")
    clock.advance(days=3)
    return duty


def test_today_shows_the_overdue_visit_with_its_address_and_a_one_tap_button(
    app: Flask, hospitalised: UUID, leader: Phone
) -> None:
    page = leader.open("/today?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-duty="{hospitalised}"' in html
    assert "502" in html
    assert f'action="/duties/{hospitalised}/discharge"' in html
    assert 'class="card duty duty-visit overdue"' in html


def test_a_tap_discharges_the_duty_and_the_compliance_board_counts_it_late(
    app: Flask, hospitalised: UUID, leader: Phone
) -> None:
    leader.open("/today")
    answer = leader.send(f"/duties/{hospitalised}/discharge", notes="已探望")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/today")
    html = leader.open("/today").get_data(as_text=True)
    assert f'data-duty="{hospitalised}"' not in html
    with app.app_context():
        now = services().clock.now()
        (row,) = services().duties_view.compliance(COMMUNITY, now - timedelta(weeks=4), now)
    assert (row["block"], row["due"], row["on_time"], row["late"], row["overdue"]) == (
        "B3",
        1,
        0,
        1,
        0,
    )


def test_a_leader_sees_nothing_of_another_block_and_cannot_discharge_there(
    app: Flask, hospitalised: UUID, phone: Phone
) -> None:
    assert phone.sign_in("leader5").status_code == 302
    html = phone.open("/today").get_data(as_text=True)
    assert f'data-duty="{hospitalised}"' not in html
    assert phone.send(f"/duties/{hospitalised}/discharge").status_code == 404


def test_the_compliance_board_shows_each_block_to_the_secretary_only(
    app: Flask, hospitalised: UUID, phone: Phone
) -> None:
    assert phone.sign_in("secretary").status_code == 302
    html = phone.open("/compliance").get_data(as_text=True)
    assert '<tr data-block="B3">' in html
    assert 'class="overdue" data-count="overdue">1<' in html
    phone.client.post("/sign-out", data={"csrf_token": phone.token})
    assert phone.sign_in("leader3").status_code == 302
    assert phone.open("/compliance").status_code == 403


def test_an_ask_falls_due_on_its_day_and_shows_on_today(
    app: Flask, clock: ManualClock, leader: Phone
) -> None:
    home = household(app)
    with app.app_context():
        running = services()
        running.duties.join_group(home, "张阿姨", "elderly_alone", date(2026, 11, 29), actor="x")
        clock.advance(days=7)
        assert fall_due(running, clock.now()) == 1
    html = leader.open("/today").get_data(as_text=True)
    assert "张阿姨" in html
