"""An erased household on the phone: its page reads [erased] where its address, members,
notes and records were, and a form that would write something personal says why it cannot."""

from __future__ import annotations

from uuid import UUID

from flask import Flask

from tests.integration.pages.conftest import Phone, text
from tests.integration.pages.test_household_page import register
from web import services
from web.operations.erasure import erase_household

PERSONAL = ("欧阳慧敏", "老伴脑梗住院", "楼道杂物太多", "上门时情绪低落")


def erased_household(app: Flask, leader: Phone) -> str:
    home = register(leader, room="7731")
    leader.open(home)
    leader.send(f"{home}/groups", prefix="group", member=PERSONAL[0], group="elderly_alone")
    leader.open(home)
    leader.send(f"{home}/life-events", prefix="life", type="hospitalised", note=PERSONAL[1])
    leader.open(home)
    leader.send(f"{home}/records", prefix="record", kind="concern", text=PERSONAL[2])
    household_id = UUID(home.rsplit("/", 1)[1])
    with app.app_context():
        running = services()
        duty_id = running.duties.get_household(household_id)["duties"][0]["id"]
        running.duties.discharge_duty(duty_id, PERSONAL[3], actor="leader3")
        shown = text(leader.open(home))
        # The control: the page shows them (a life event's note is not shown on it).
        assert [s for s in PERSONAL if s not in shown] == [PERSONAL[1]]
        erase_household(running, household_id, "secretary")
    return home


def test_the_household_page_reads_erased_and_keeps_its_duties(app: Flask, leader: Phone) -> None:
    home = erased_household(app, leader)
    page = text(leader.open(home))
    assert [s for s in PERSONAL if s in page] == []
    assert "7731" not in page
    assert page.count("[erased]") >= 4
    assert "15" in page


def test_a_member_added_to_an_erased_household_is_refused_in_words(
    app: Flask, leader: Phone
) -> None:
    home = erased_household(app, leader)
    leader.open(home)
    refused = leader.send(f"{home}/groups", prefix="group", member="李建国", group="unemployed")
    assert refused.status_code == 422
    assert "该户的个人信息已删除，不能再添加个人信息。" in text(refused)
    assert "李建国" not in text(leader.open(home))


def test_the_secretary_erases_a_household_from_its_page_once_she_confirms(
    app: Flask, leader: Phone
) -> None:
    home = register(leader, room="7731")
    leader.open(home)
    leader.send(f"{home}/groups", prefix="group", member=PERSONAL[0], group="elderly_alone")
    assert "删除该户的个人信息" not in text(leader.open(home))  # a block leader has no button
    assert leader.send(f"{home}/erasure", prefix="erase", confirm="y").status_code == 403
    secretary = Phone(app.test_client())
    assert secretary.sign_in("secretary").status_code == 302
    assert "删除该户的个人信息" in text(secretary.open(home))
    unconfirmed = secretary.send(f"{home}/erasure", prefix="erase")
    assert unconfirmed.status_code == 422
    assert "请勾选以确认删除。" in text(unconfirmed)
    assert PERSONAL[0] in text(secretary.open(home))
    erased = secretary.send(f"{home}/erasure", prefix="erase", confirm="y")
    assert erased.status_code == 302
    page = text(secretary.open(home))
    assert "该户的个人信息已删除。" in page
    assert "个人信息已由secretary于" in page
    assert PERSONAL[0] not in page
    assert "删除该户的个人信息" not in page  # nothing left to erase


def test_the_erasure_form_is_refused_without_its_csrf_token(app: Flask, leader: Phone) -> None:
    home = register(leader, room="7731")
    secretary = Phone(app.test_client())
    assert secretary.sign_in("secretary").status_code == 302
    secretary.open(home)
    secretary.token = ""
    assert secretary.send(f"{home}/erasure", prefix="erase", confirm="y").status_code == 400
