"""The secretary's pages: the menu board, reassigning, the partner directory and people."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from kernel.clock import ManualClock
from tests.integration.pages.conftest import PASSWORD, Phone, log_need, partner_id, text
from web import services


@pytest.fixture
def secretary(phone: Phone) -> Phone:
    assert phone.sign_in("secretary").status_code == 302
    return phone


def cell(page: str, block: str, category: str) -> str:
    found = re.search(
        rf'<td class="([^"]*)" data-cell="{block}-{category}">\s*(?:<a [^>]*>)?(\d+)', page
    )
    assert found is not None
    return f"{found.group(2)} {found.group(1)}".strip()


def test_the_board_counts_open_needs_by_block_and_category_and_marks_overdue_ones(
    app: Flask, secretary: Phone, clock: ManualClock
) -> None:
    log_need(app)
    log_need(app, building="16")
    log_need(app, block="B5", building="27", category="mediation")
    done = log_need(app, building="17")
    with app.app_context():
        services().needs.resolve(done, "helped", "", actor="leader3")
    page = text(secretary.open("/board"))
    assert cell(page, "B3", "emergency") == "2"
    assert cell(page, "B5", "mediation") == "1"
    assert cell(page, "B1", "hardship") == "0 zero"
    clock.advance(hours=3)  # emergencies want a first contact within 2 hours
    page = text(secretary.open("/board"))
    assert cell(page, "B3", "emergency") == "2 overdue"
    assert "（2 件超时）" in page
    assert cell(page, "B5", "mediation") == "1"
    assert "超时未联系" in page


def test_the_board_charts_needs_logged_and_resolved_per_week(
    app: Flask, secretary: Phone, clock: ManualClock
) -> None:
    first = log_need(app)
    clock.advance(days=8)
    log_need(app, building="16")
    with app.app_context():
        services().needs.resolve(first, "helped", "", actor="leader3")
    page = text(secretary.open("/board"))
    assert "近 12 周：登记 2 件，解决 1 件。" in page
    assert page.count('<rect class="bar logged"') == 12
    assert page.count('<rect class="bar resolved"') == 12
    assert "style=" not in page
    assert "<script>" not in page


def test_the_board_lists_escalated_cases(app: Flask, secretary: Phone) -> None:
    need_id = log_need(app)
    with app.app_context():
        running = services()
        need = running.needs.load(need_id)
        need.escalate("nobody left", running.needs.stamp("clock", None))
        running.needs.save(need)
    page = text(secretary.open("/board"))
    section = page.split('id="escalated-title"')[1].split("</section>")[0]
    assert f"/needs/{need_id}" in section
    assert "已上报" in section


def test_the_board_shows_how_quickly_each_partner_accepts(
    app: Flask, secretary: Phone, clock: ManualClock
) -> None:
    hospital = partner_id(app, "hospital")
    police = partner_id(app, "police")
    with app.app_context():
        running = services()
        for _ in range(2):
            referral = running.casework.refer(log_need(app), hospital, "", actor="leader3")
            clock.advance(minutes=30)
            running.casework.act_on_referral(referral, "accept", "", actor="hospital")
        referral = running.casework.refer(log_need(app), police, "", actor="leader3")
        running.casework.act_on_referral(referral, "decline", "no_capacity", "", actor="police")
    page = text(secretary.open("/board"))
    section = page.split('id="partners-title"')[1]
    hospital_card = section.split("利群医院")[1].split("</li>")[0]
    assert "已接受 2 件中的 100%" in hospital_card
    assert "30分钟" in hospital_card
    police_card = section.split("长征派出所")[1].split("</li>")[0]
    assert "已接受 1 件中的 0%" in police_card


def test_the_secretary_reassigns_a_case(app: Flask, secretary: Phone) -> None:
    need_id = log_need(app)
    page = text(secretary.open(f"/needs/{need_id}"))
    assert "改派" in page
    response = secretary.send(f"/needs/{need_id}/assign", "assign", assignee="leader5")
    assert response.status_code == 302
    with app.app_context():
        assert services().needs.get_need(need_id)["assignee"] == "leader5"
    assert "这件需求现在由 leader5 负责。" in text(secretary.open(f"/needs/{need_id}"))


def test_a_case_cannot_go_to_a_partner_clerk_or_a_stranger(app: Flask, secretary: Phone) -> None:
    need_id = log_need(app)
    secretary.open(f"/needs/{need_id}")
    for who in ("hospital", "nobody"):
        response = secretary.send(f"/needs/{need_id}/assign", "assign", assignee=who)
        assert response.status_code == 422
        assert "请选择一项。" in text(response)


def test_the_secretary_registers_suspends_and_reactivates_a_partner(
    app: Flask, secretary: Phone
) -> None:
    secretary.open("/partners")
    response = secretary.send(
        "/partners",
        "partner",
        name="怒江律师事务所",
        kind="enterprise",
        categories=["mediation"],
        blocks=["B3", "B5"],
        weekly_capacity="4",
        contact="021-1234",
    )
    assert response.status_code == 302
    with app.app_context():
        record = services().partners.find_by_name(_c(), "怒江律师事务所")
    assert record is not None
    assert (record.categories, record.blocks, record.weekly_capacity) == (
        ("mediation",),
        ("B3", "B5"),
        4,
    )
    page = text(secretary.open("/partners"))
    assert "怒江律师事务所 已登记。" in page
    response = secretary.send(
        f"/partners/{record.partner_id}/suspend", f"suspend-{record.partner_id}", reason="停业"
    )
    assert response.status_code == 302
    with app.app_context():
        assert not services().partners.get_partner(record.partner_id).active
    secretary.open("/partners")
    response = secretary.send(
        f"/partners/{record.partner_id}/reactivate", f"reactivate-{record.partner_id}"
    )
    assert response.status_code == 302
    with app.app_context():
        assert services().partners.get_partner(record.partner_id).active


def _c() -> str:
    from tests.integration.pages.conftest import COMMUNITY

    return COMMUNITY


def test_a_refused_partner_form_keeps_what_was_typed(secretary: Phone) -> None:
    secretary.open("/partners")
    response = secretary.send(
        "/partners", "partner", name="新单位", kind="ngo", weekly_capacity="abc"
    )
    page = text(response)
    assert response.status_code == 422
    assert 'value="新单位"' in page
    assert "请至少选择一项。" in page


def test_the_secretary_adds_a_block_leader_who_can_then_sign_in(
    app: Flask, secretary: Phone
) -> None:
    secretary.open("/people")
    response = secretary.send(
        "/people/leaders", "leader", username="Leader7", password="a long password", blocks=["B7"]
    )
    assert response.status_code == 302
    with app.app_context():
        user = services().accounts.get_user("leader7")
    assert (user.role, user.blocks) == ("block_leader", ("B7",))
    taken = secretary.send(
        "/people/leaders", "leader", username="leader3", password="a long password", blocks=["B7"]
    )
    assert taken.status_code == 422
    assert "这个用户名已被使用。" in text(taken)
    newcomer = Phone(app.test_client())
    assert newcomer.sign_in("leader7", "a long password").status_code == 302


def test_a_block_handed_over_leaves_its_old_leader(app: Flask, secretary: Phone) -> None:
    with app.app_context():
        services().accounts.register_user(
            community=_c(),
            username="leader6",
            password=PASSWORD,
            role="block_leader",
            blocks=["B6", "B7"],
            actor="setup",
        )
    secretary.open("/people")
    response = secretary.send("/people/handover", "handover", block="B7", leader="leader5")
    assert response.status_code == 302
    with app.app_context():
        accounts = services().accounts
        assert accounts.get_user("leader6").blocks == ("B6",)
        assert set(accounts.get_user("leader5").blocks) == {"B5", "B7"}
    assert "leader5 现在负责 B7 块。" in text(secretary.open("/people"))


def test_a_leader_with_no_other_block_is_disabled_before_the_hand_over(
    app: Flask, secretary: Phone
) -> None:
    secretary.open("/people")
    refused = secretary.send("/people/handover", "handover", block="B3", leader="leader5")
    assert refused.status_code == 422
    assert "leader3 没有其他块" in text(refused)
    secretary.send("/people/leader3/disable", "disable-leader3", reason="")
    response = secretary.send("/people/handover", "handover", block="B3", leader="leader5")
    assert response.status_code == 302
    with app.app_context():
        assert set(services().accounts.get_user("leader5").blocks) == {"B3", "B5"}


def test_a_reset_password_works_and_the_old_one_does_not(app: Flask, secretary: Phone) -> None:
    leader = Phone(app.test_client())
    assert leader.sign_in("leader3").status_code == 302
    secretary.open("/people")
    short = secretary.send("/people/leader3/password", "password-leader3", password="short")
    assert short.status_code == 422
    response = secretary.send(
        "/people/leader3/password", "password-leader3", password="another long one"
    )
    assert response.status_code == 302
    assert leader.open("/needs").status_code == 302  # the old session has ended
    assert Phone(app.test_client()).sign_in("leader3").status_code != 302
    assert Phone(app.test_client()).sign_in("leader3", "another long one").status_code == 302


def test_a_disabled_account_cannot_sign_in_until_enabled(app: Flask, secretary: Phone) -> None:
    secretary.open("/people")
    response = secretary.send("/people/leader5/disable", "disable-leader5", reason="搬走了")
    assert response.status_code == 302
    assert Phone(app.test_client()).sign_in("leader5").status_code != 302
    assert "已停用" in text(secretary.open("/people"))
    response = secretary.send("/people/leader5/enable", "enable-leader5")
    assert response.status_code == 302
    assert Phone(app.test_client()).sign_in("leader5", PASSWORD).status_code == 302


def test_the_secretary_cannot_disable_herself_or_strangers(secretary: Phone) -> None:
    secretary.open("/people")
    assert secretary.send("/people/secretary/disable", "disable-secretary").status_code == 404
    assert secretary.send("/people/nobody/disable", "disable-nobody").status_code == 404


@pytest.mark.parametrize("who", ["leader3", "auditor", "hospital"])
@pytest.mark.parametrize("url", ["/board", "/partners", "/people"])
def test_only_the_secretary_opens_the_board_partners_and_people(
    app: Flask, phone: Phone, who: str, url: str
) -> None:
    assert phone.sign_in(who).status_code == 302
    response = phone.open(url)
    assert response.status_code == 403
    assert "text/html" in response.content_type


def test_a_leader_cannot_reassign_or_change_people(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    leader.open("/needs")
    assert leader.send(f"/needs/{need_id}/assign", "assign", assignee="leader3").status_code == 403
    assert leader.send("/people/leader5/disable", "disable-leader5").status_code == 403
    assert (
        leader.send("/people/leaders", "leader", username="x1234", password="y" * 10).status_code
        == 403
    )


def test_forms_without_the_csrf_token_are_refused(app: Flask, secretary: Phone) -> None:
    response = secretary.client.post("/people/leader5/disable", data={"disable-leader5-reason": ""})
    assert response.status_code == 400
    with app.app_context():
        assert services().accounts.get_user("leader5").active


def test_the_board_reads_in_english(app: Flask, secretary: Phone) -> None:
    log_need(app)
    secretary.client.set_cookie("lang", "en")
    page = text(secretary.open("/board"))
    assert "The menu board" in page
    assert "Needs logged and resolved per week" in page
    assert "救急 Emergency" in page or "Emergency" in page


def test_the_secretary_starts_on_the_board(phone: Phone) -> None:
    response = phone.sign_in("secretary")
    assert response.headers["Location"].endswith("/board")


def test_a_cell_of_the_board_opens_its_needs(app: Flask, secretary: Phone) -> None:
    log_need(app, description="三块的救急")
    log_need(app, category="hardship", description="三块的帮困")
    log_need(app, block="B5", building="27", description="五块的救急")
    board = text(secretary.open("/board"))
    assert 'href="/needs?block=B3&amp;category=emergency"' in board
    page = text(secretary.open("/needs?block=B3&category=emergency"))
    assert "三块的救急" in page
    assert "三块的帮困" not in page
    assert "五块的救急" not in page
    assert "显示全部" in page


def test_a_leader_cannot_filter_into_another_block(app: Flask, leader: Phone) -> None:
    log_need(app, block="B5", building="27", description="五块的救急")
    page = text(leader.open("/needs?block=B5"))
    assert "五块的救急" not in page
    assert "待办需求 0 件" in page
