"""The auditor's history of a case, a block leader's reminders, and what the case page shows
of escalations and failed deliveries."""

from __future__ import annotations

import re
from uuid import UUID, uuid4

import pytest
from flask import Flask

from kernel.clock import ManualClock
from tests.integration.pages.conftest import Phone, log_need, partner_id, text
from web import services


@pytest.fixture
def auditor(phone: Phone) -> Phone:
    assert phone.sign_in("auditor").status_code == 302
    return phone


def worked_case(app: Flask, clock: ManualClock) -> tuple[UUID, UUID]:
    """A need logged, visited 10 minutes later, referred to the hospital, which accepts."""
    need_id = log_need(app)
    with app.app_context():
        running = services()
        clock.advance(minutes=10)
        running.needs.record_visit(need_id, "老人已送医", actor="leader3")
        referral = running.casework.refer(need_id, partner_id(app, "hospital"), "", actor="leader3")
        clock.advance(minutes=5)
        running.casework.act_on_referral(referral, "accept", "马上到", actor="hospital")
    return need_id, referral


def escalate(app: Flask, need_id: UUID) -> None:
    with app.app_context():
        running = services()
        need = running.needs.load(need_id)
        need.escalate("nobody left", running.needs.stamp("clock", None))
        running.needs.save(need)


def test_the_history_lists_every_event_with_actor_both_times_and_changes(
    app: Flask, auditor: Phone, clock: ManualClock
) -> None:
    need_id, _ = worked_case(app, clock)
    page = text(auditor.open(f"/needs/{need_id}/history"))
    events = page.split('<li id="event-')[1:]
    assert len(events) == 4
    assert "1. 登记" in events[0]
    assert "操作人：leader3" in events[0]
    assert "发生于" in events[0]
    assert "记录于" in events[0]
    assert "2026-11-30 09:10" in events[1]
    assert "<code>status</code>" in events[1]
    assert re.search(r"open</span> → <span class=\"after\">in_progress", events[1])
    assert "<code>visits[1].notes</code>" in events[1]
    assert "操作人：hospital" in events[3]
    assert re.search(r"referrals\[\w+\]\.status</code>", events[3])
    assert re.search(r"sent</span> → <span class=\"after\">accepted", events[3])


def test_the_case_as_it_stood_at_an_event(app: Flask, auditor: Phone, clock: ManualClock) -> None:
    need_id, _ = worked_case(app, clock)
    page = text(auditor.open(f"/needs/{need_id}/history?at=1"))
    then = page.split('id="then-title"')[1].split("</section>")[0]
    assert "第 1 条记录之后的个案" in page
    assert "待处理" in then
    assert "利群医院" not in then
    page = text(auditor.open(f"/needs/{need_id}/history?at=4"))
    then = page.split('id="then-title"')[1].split("</section>")[0]
    assert "利群医院" in then
    assert "已接单" in then
    assert '<option value="4" selected>' in page
    assert auditor.open(f"/needs/{need_id}/history?at=9").status_code == 404


def test_the_case_page_links_its_history_for_the_auditor(
    app: Flask, auditor: Phone, clock: ManualClock
) -> None:
    need_id, _ = worked_case(app, clock)
    page = text(auditor.open(f"/needs/{need_id}"))
    assert f'href="/needs/{need_id}/history"' in page
    assert "改派" not in page


def test_the_history_reads_in_english(app: Flask, auditor: Phone, clock: ManualClock) -> None:
    need_id, _ = worked_case(app, clock)
    auditor.client.set_cookie("lang", "en")
    page = text(auditor.open(f"/needs/{need_id}/history?at=2"))
    assert "History of the case" in page
    assert "The case after event 2" in page
    assert "By leader3" in page


def test_leaders_and_partners_do_not_open_the_history(
    app: Flask, phone: Phone, clock: ManualClock
) -> None:
    need_id, _ = worked_case(app, clock)
    assert phone.sign_in("leader3").status_code == 302
    assert phone.open(f"/needs/{need_id}/history").status_code == 403
    assert f"/needs/{need_id}/history" not in text(phone.open(f"/needs/{need_id}"))


def test_an_unknown_case_has_no_history(auditor: Phone) -> None:
    assert auditor.open(f"/needs/{uuid4()}/history").status_code == 404


def test_my_block_links_the_reminders_with_their_count(
    app: Flask, leader: Phone, clock: ManualClock
) -> None:
    log_need(app, description="没人去看过")
    log_need(app, block="B5", building="27")
    clock.advance(hours=3)
    page = text(leader.open("/needs"))
    assert 'href="/reminders"' in page
    assert "提醒：1 条" in page
    reminders = text(leader.open("/reminders"))
    assert reminders.count('<li class="card reminder') == 1
    assert "这件需求没有按时走访或转介" in reminders
    assert "15号楼" in reminders


def test_reminders_name_declines_expiries_escalations_and_failed_deliveries(
    app: Flask, leader: Phone
) -> None:
    declined = log_need(app, description="被拒的")
    failed = log_need(app, building="16", description="没通知到的")
    escalated = log_need(app, building="17", description="上报的")
    with app.app_context():
        running = services()
        referral = running.casework.refer(declined, partner_id(app, "police"), "", actor="leader3")
        running.casework.act_on_referral(referral, "decline", "no_capacity", "", actor="police")
        sent = running.casework.refer(failed, partner_id(app, "hospital"), "", actor="leader3")
        running.needs.record_delivery_failure(failed, sent, uuid4(), 9, "500", actor="outbox")
    escalate(app, escalated)
    page = text(leader.open("/reminders"))
    assert "长征派出所 已拒绝" in page
    assert "暂无能力承接" in page
    assert "未能通知利群医院这次转介" in page
    assert "已上报：没有其他联建单位可以承接" in page
    assert page.count('<li class="card reminder') == 3


def test_the_case_page_shows_a_failed_delivery_and_an_escalation(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    with app.app_context():
        running = services()
        sent = running.casework.refer(need_id, partner_id(app, "hospital"), "", actor="leader3")
        running.needs.record_delivery_failure(need_id, sent, uuid4(), 9, "500", actor="outbox")
    page = text(leader.open(f"/needs/{need_id}"))
    assert "未能通知这家单位。请打电话联系，或转介给其他单位。" in page
    assert "未能通知利群医院这次转介" in page  # in the timeline
    other = log_need(app, building="16")
    escalate(app, other)
    page = text(leader.open(f"/needs/{other}"))
    assert '<span class="chip escalated">已上报</span>' in page
    assert "已于 2026-11-30 09:00 上报书记：没有其他联建单位可以承接。" in page
    assert "已上报书记" in page.split('id="timeline-title"')[1]


def test_partners_do_not_open_reminders(phone: Phone) -> None:
    assert phone.sign_in("hospital").status_code == 302
    assert phone.open("/reminders").status_code == 403
