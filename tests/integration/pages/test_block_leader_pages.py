"""The block leader's pages: my block, logging a need, and working a case to its end."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from flask import Flask

from kernel.clock import ManualClock
from tests.integration.pages.conftest import Phone, log_need, partner_id, text
from web import services

NEED_FORM = {
    "category": "emergency",
    "building": "15号楼",
    "unit": "2",
    "room": "502",
    "urgency": "high",
    "description": "独居老人摔倒，无法起身",
    "resident_name": "王秀英",
    "contact_phone": "139 1234 5678",
    "consent_to_share": "y",
}


def send_need(leader: Phone, **changes: Any) -> Any:
    page = text(leader.open("/needs/new"))
    key = re.search(r'name="key" type="hidden" value="(\w+)"', page)
    fields = {"block": "B3", "key": key.group(1) if key else "", **NEED_FORM, **changes}
    return leader.send("/needs/new", **fields)


def need_of(response: Any) -> UUID:
    return UUID(response.headers["Location"].rsplit("/", 1)[1])


def get(app: Flask, need_id: UUID) -> dict[str, Any]:
    with app.app_context():
        need: dict[str, Any] = services().needs.get_need(need_id)
    return need


def test_my_block_lists_its_open_needs_most_urgent_first(app: Flask, leader: Phone) -> None:
    log_need(app, urgency="low", description="楼道灯坏了")
    log_need(app, urgency="critical", description="煤气味很重")
    log_need(app, block="B5", building="27", description="别块的需求")
    done = log_need(app, description="已经办好的")
    with app.app_context():
        services().needs.resolve(done, "helped", "", actor="leader3")
    page = text(leader.open("/needs"))
    assert page.index("煤气味很重") < page.index("楼道灯坏了")
    assert "别块的需求" not in page
    assert "已经办好的" not in page
    assert "待办需求 2 件" in page


def test_an_untouched_need_past_its_first_contact_time_is_marked_overdue(
    app: Flask, leader: Phone, clock: ManualClock
) -> None:
    log_need(app, description="没人去看过")
    visited = log_need(app, description="已经走访过", building="16")
    with app.app_context():
        services().needs.record_visit(visited, "去看过了", actor="leader3")
    clock.advance(hours=3)  # emergencies want a first contact within 2 hours
    cards = text(leader.open("/needs")).split('<li class="card')
    overdue = [card for card in cards if "超时" in card]
    assert len(overdue) == 1
    assert "没人去看过" in overdue[0]


def test_the_six_categories_are_large_buttons_with_their_chinese_names(leader: Phone) -> None:
    page = text(leader.open("/needs/new"))
    for name in ("扶贫", "帮困", "救急", "助学", "解忧", "调解"):
        assert f'<span class="tile-text" lang="zh-CN">{name}</span>' in page


def test_a_need_logged_from_the_form_opens_its_case(app: Flask, leader: Phone) -> None:
    response = send_need(leader)
    assert response.status_code == 302
    need = get(app, need_of(response))
    assert (need["category"], need["block"], need["urgency"]) == ("emergency", "B3", "high")
    assert need["household"]["building"] == 15
    assert (need["logged_by"], need["consent_to_share"]) == ("leader3", True)
    page = text(leader.open(response.headers["Location"]))
    assert "需求已登记。" in page
    assert "15号楼 2单元 502室" in page


def test_a_refused_form_keeps_what_was_typed_and_says_why_in_chinese(
    app: Flask, leader: Phone
) -> None:
    response = send_need(leader, building="20号楼")  # building 20 is in block B4
    page = text(response)
    assert response.status_code == 422
    assert "这栋楼不在本块。" in page
    assert "B3 块的楼号是 13–18。" in page
    assert "独居老人摔倒，无法起身</textarea>" in page
    assert 'value="20号楼"' in page
    assert 'value="emergency" checked' in page
    assert 'value="high" checked' in page


def test_missing_answers_are_named_in_chinese(leader: Phone) -> None:
    page = text(send_need(leader, category=None, building=None, unit=None, description=""))
    assert "请选择一项。" in page
    assert "请写下情况。" in page
    assert "请点选最近的住户，或填写楼号。" in page


def test_a_recent_household_is_one_tap(app: Flask, leader: Phone) -> None:
    first = log_need(app)
    household = get(app, first)["household"]
    page = text(leader.open("/needs/new"))
    assert f'value="{household["id"]}"' in page
    assert "15号楼 2单元 502室" in page
    response = send_need(
        leader, category="hardship", building="", unit="", room="", household_id=household["id"]
    )
    assert get(app, need_of(response))["household"] == household


def test_a_second_tap_on_send_logs_the_need_once(app: Flask, leader: Phone) -> None:
    page = text(leader.open("/needs/new"))
    key = re.search(r'name="key" type="hidden" value="(\w+)"', page)
    assert key is not None
    fields = {"block": "B3", "key": key.group(1), **NEED_FORM}
    first = leader.send("/needs/new", **fields)
    second = leader.send("/needs/new", **fields)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert services().view.list_needs(get(app, need_of(first))["community"])[1] == 1


def test_the_timeline_names_who_did_what_and_when_in_shanghai_time(
    app: Flask, leader: Phone, clock: ManualClock
) -> None:
    need_id = log_need(app)  # 01:00 UTC is 09:00 in Shanghai
    clock.advance(minutes=25)
    with app.app_context():
        services().needs.record_visit(need_id, "老人已送医", actor="leader3")
    page = text(leader.open(f"/needs/{need_id}"))
    timeline = page[page.index('class="timeline"') :]
    assert re.search(r"<strong>登记</strong>.*leader3 · .*2026-11-30 09:00", timeline, re.S)
    assert re.search(r"<strong>走访</strong>.*老人已送医.*2026-11-30 09:25", timeline, re.S)


def test_recording_a_visit_and_adding_a_note(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    case = f"/needs/{need_id}"
    leader.open(case)
    assert leader.send(f"{case}/visits", prefix="visit", notes="人已送医").status_code == 302
    assert "走访已记录。" in text(leader.open(case))
    assert leader.send(f"{case}/notes", prefix="note", text="家属明天到").status_code == 302
    need = get(app, need_id)
    assert [v["notes"] for v in need["visits"]] == ["人已送医"]
    assert [n["text"] for n in need["notes"]] == ["家属明天到"]


def test_an_empty_note_is_refused_on_the_case_page(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    leader.open(f"/needs/{need_id}")
    response = leader.send(f"/needs/{need_id}/notes", prefix="note", text="")
    assert response.status_code == 422
    assert "请写备注。" in text(response)


def test_the_partners_are_ranked_with_their_reasons(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    page = text(leader.open(f"/needs/{need_id}"))
    for name in ("利群医院", "长征派出所", "物业公司"):
        assert name in page
    assert "本周还可接 10 件（每周 10 件）" in page
    assert "尚无答复记录" in page


def test_referring_a_need_to_a_partner(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    hospital = partner_id(app, "hospital")
    leader.open(f"/needs/{need_id}")
    response = leader.send(
        f"/needs/{need_id}/referrals", prefix="refer", partner_id=str(hospital), note="请上门"
    )
    assert response.status_code == 302
    assert "已转介给 利群医院。" in text(leader.open(f"/needs/{need_id}"))
    (referral,) = get(app, need_id)["referrals"]
    assert (referral["partner_id"], referral["status"]) == (hospital, "sent")


def test_resolving_is_refused_while_a_referral_is_open_keeping_the_summary(
    app: Flask, leader: Phone
) -> None:
    need_id = log_need(app)
    with app.app_context():
        services().casework.refer(need_id, partner_id(app, "hospital"), actor="leader3")
    leader.open(f"/needs/{need_id}")
    response = leader.send(
        f"/needs/{need_id}/resolve", prefix="resolve", outcome="helped", summary="已解决"
    )
    page = text(response)
    assert response.status_code == 409
    assert "还有未结束的转介" in page
    assert "已解决</textarea>" in page
    assert 'value="helped" checked' in page


def test_withdrawing_resolving_and_reopening(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    with app.app_context():
        referral_id = services().casework.refer(
            need_id, partner_id(app, "hospital"), actor="leader3"
        )
    case = f"/needs/{need_id}"
    leader.open(case)
    withdraw = f"{case}/referrals/{referral_id}/withdraw"
    assert (
        leader.send(withdraw, prefix=f"withdraw-{referral_id}", reason="家属自己处理").status_code
        == 302
    )
    assert (
        leader.send(f"{case}/resolve", prefix="resolve", outcome="no_longer_needed").status_code
        == 302
    )
    assert get(app, need_id)["status"] == "resolved"
    assert "重新打开" in text(leader.open(case))
    assert leader.send(f"{case}/reopen", prefix="reopen", reason="老人又摔了").status_code == 302
    assert get(app, need_id)["status"] == "open"


def test_a_leader_cannot_act_on_a_need_of_another_block(app: Flask, phone: Phone) -> None:
    need_id = log_need(app)
    phone.sign_in("leader5")
    phone.open("/needs")
    response = phone.send(f"/needs/{need_id}/visits", prefix="visit", notes="不是我的块")
    assert response.status_code == 404
    assert get(app, need_id)["visits"] == []


def test_an_auditor_reads_a_case_without_forms(app: Flask, phone: Phone) -> None:
    need_id = log_need(app)
    phone.sign_in("auditor")
    page = text(phone.open(f"/needs/{need_id}"))
    assert "时间线" in page
    assert "记录走访" not in page
    response = phone.send(f"/needs/{need_id}/visits", prefix="visit", notes="审核员不能走访")
    assert response.status_code == 403
