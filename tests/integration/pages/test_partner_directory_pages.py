"""The partner directory on the pages: the secretary edits a partner on its page; a partner's
clerk pauses new referrals and sets this week's capacity from the inbox; a leader browses the
resource list by category and refers a need to the doorstep clinic, which the inbox then names."""

from __future__ import annotations

from flask import Flask

from tests.integration.pages.conftest import Phone, log_need, partner_id, text
from web import services

CLINIC = {
    "title": "家门口的医疗服务",
    "category": "hardship",
    "where": "怒江苑居委会活动室",
    "schedule": {"kind": "monthly", "weekday": 2, "nth": 2},
    "capacity": 40,
}


def test_the_secretary_sees_a_partners_page_and_gives_it_its_mode(app: Flask, phone: Phone) -> None:
    hospital = partner_id(app, "hospital")
    phone.sign_in("secretary")
    page = text(phone.open(f"/partners/{hospital}"))
    assert "利群医院" in page
    assert "<svg" in page
    assert "B1" in page
    sent = phone.send(
        f"/partners/{hospital}/edit/details", "details",
        name="利群医院", kind="hospital", mode="共建", reason="签订共建协议",
    )  # fmt: skip
    assert sent.status_code == 302
    page = text(phone.open(f"/partners/{hospital}"))
    assert "共建" in page
    assert "签订共建协议" in page
    refused = phone.send(
        f"/partners/{hospital}/edit/capacity", "capacity", weekly_capacity="-1", reason=""
    )
    assert refused.status_code == 422


def test_a_clerk_pauses_new_referrals_from_the_inbox_and_cannot_open_another_partner(
    app: Flask, phone: Phone
) -> None:
    hospital, police = partner_id(app, "hospital"), partner_id(app, "police")
    phone.sign_in("hospital")
    assert "暂停" in text(phone.open("/inbox")) or "Pause" in text(phone.open("/inbox"))
    sent = phone.send(
        f"/partners/{hospital}/edit/pause?back=inbox", "pause",
        starts_on="2026-11-30", ends_on="2026-12-06", reason="设备检修",
    )  # fmt: skip
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith("/inbox")
    assert "2026-12-06" in text(phone.open("/inbox"))
    backwards = phone.send(
        f"/partners/{hospital}/edit/this_week?back=inbox", "this_week", this_week="2", reason=""
    )
    assert backwards.status_code == 302
    with app.app_context():
        assert services().partners.get_partner(hospital).week_capacity == 2
    assert phone.open(f"/partners/{police}").status_code == 404
    refused = phone.send(
        f"/partners/{hospital}/edit/services", "services", categories="emergency", blocks="*"
    )
    assert refused.status_code == 403


def test_a_leader_refers_a_need_to_the_doorstep_clinic_and_the_inbox_names_it(
    app: Flask, phone: Phone
) -> None:
    hospital = partner_id(app, "hospital")
    need_id = log_need(app, category="hardship", description="老人血压高")
    with app.app_context():
        offering_id = services().partners.offerings.offer(
            community=services().partners.get_partner(hospital).community,
            partner_id=hospital, actor="secretary", **CLINIC,
        )  # fmt: skip
    phone.sign_in("leader3")
    page = text(phone.open("/offerings?category=hardship"))
    assert "家门口的医疗服务" in page
    assert "2026-12-08" in page
    sent = phone.send(f"/offerings/{offering_id}/refer", "refer", need=str(need_id), note="")
    assert sent.status_code == 302, text(sent)
    phone.sign_in("hospital")
    assert "家门口的医疗服务" in text(phone.open("/inbox"))
