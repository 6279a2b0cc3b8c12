"""A partner's clerk: the inbox, and the closed loop's answers; personal data only with consent."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Flask

from tests.integration.pages.conftest import Phone, log_need, partner_id, text
from web import services


def referred(app: Flask, partner: str = "hospital", **need: Any) -> UUID:
    """A need of B3 referred by leader3 to the partner; the referral's id."""
    need_id = log_need(app, **need)
    with app.app_context():
        referral_id: UUID = services().casework.refer(
            need_id, partner_id(app, partner), "请医生上门", actor="leader3"
        )
    return referral_id


def referral(app: Flask, referral_id: UUID) -> dict[str, Any]:
    with app.app_context():
        found: dict[str, Any] = services().casework.get_referral(referral_id)
    return found


def clerk(phone: Phone, username: str = "hospital") -> Phone:
    phone.sign_in(username)
    phone.open("/inbox")
    return phone


def test_the_inbox_lists_the_partners_referrals(app: Flask, phone: Phone) -> None:
    referral_id = referred(app)
    referred(app, "police", category="mediation", description="邻里纠纷")
    page = text(clerk(phone).open("/inbox"))
    assert f"/inbox/{referral_id}" in page
    assert "救急" in page
    assert "15号楼" in page
    assert "等待答复" in page
    assert "调解" not in page


def test_with_consent_the_clerk_sees_who_and_what(app: Flask, phone: Phone) -> None:
    page = text(clerk(phone).open(f"/inbox/{referred(app)}"))
    assert "王秀英" in page
    assert "139 1234 5678" in page
    assert "独居老人摔倒，无法起身" in page
    assert "请医生上门" in page


def test_without_consent_the_clerk_sees_no_personal_data(app: Flask, phone: Phone) -> None:
    referral_id = referred(app, consent_to_share=False)
    for url in ("/inbox", f"/inbox/{referral_id}"):
        page = text(clerk(phone).open(url))
        for personal in ("王秀英", "139 1234 5678", "独居老人摔倒", "502室"):
            assert personal not in page, (url, personal)
    assert "居民没有同意共享个人信息" in page
    assert "请医生上门" in page  # the note the leader wrote for the partner


def test_accepting_a_referral(app: Flask, phone: Phone) -> None:
    referral_id = referred(app)
    clerk(phone).open(f"/inbox/{referral_id}")
    response = phone.send(f"/inbox/{referral_id}/accept", prefix="accept", note="下午上门")
    assert response.status_code == 302
    assert "已接单，块长可以看到。" in text(phone.open(f"/inbox/{referral_id}"))
    assert referral(app, referral_id)["status"] == "accepted"


def test_declining_needs_a_reason(app: Flask, phone: Phone) -> None:
    referral_id = referred(app)
    clerk(phone).open(f"/inbox/{referral_id}")
    refused = phone.send(f"/inbox/{referral_id}/decline", prefix="decline", note="忙")
    assert refused.status_code == 422
    assert "请选择一项。" in text(refused)
    assert "忙</textarea>" in text(refused)
    phone.send(f"/inbox/{referral_id}/decline", prefix="decline", reason="no_capacity")
    found = referral(app, referral_id)
    assert (found["status"], found["decline_reason"]) == ("declined", "no_capacity")


def test_completing_with_an_outcome(app: Flask, phone: Phone) -> None:
    referral_id = referred(app)
    clerk(phone).open(f"/inbox/{referral_id}")
    phone.send(f"/inbox/{referral_id}/accept", prefix="accept")
    phone.open(f"/inbox/{referral_id}")
    response = phone.send(f"/inbox/{referral_id}/complete", prefix="complete", outcome="helped")
    assert response.status_code == 302
    found = referral(app, referral_id)
    assert (found["status"], found["outcome"]) == ("completed", "helped")


def test_an_answer_that_comes_too_late_shows_where_the_referral_stands(
    app: Flask, phone: Phone
) -> None:
    referral_id = referred(app)
    clerk(phone).open(f"/inbox/{referral_id}")
    phone.send(f"/inbox/{referral_id}/accept", prefix="accept")
    again = phone.send(f"/inbox/{referral_id}/decline", prefix="decline", reason="other")
    assert again.status_code == 302
    assert "这次转介已有新进展" in text(phone.open(f"/inbox/{referral_id}"))
    assert referral(app, referral_id)["status"] == "accepted"


def test_another_partners_referral_is_not_found(app: Flask, phone: Phone) -> None:
    referral_id = referred(app)
    clerk(phone, "police")
    assert phone.open(f"/inbox/{referral_id}").status_code == 404
    response = phone.send(f"/inbox/{referral_id}/accept", prefix="accept")
    assert response.status_code == 404
    assert referral(app, referral_id)["status"] == "sent"


def test_a_block_leader_has_no_inbox(leader: Phone) -> None:
    assert leader.open("/inbox").status_code == 403
