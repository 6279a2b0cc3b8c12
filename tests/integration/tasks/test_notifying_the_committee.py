"""The committee's own people are told where they already are: a need assigned, a referral
declined or a case escalated goes to the block's group robots (its leader's and volunteers'
groups), an escalation to the secretary's too, and each morning's digest to the secretary's
channels and to each block's with something to do — once each, with the webhooks' guarantees,
naming no resident. Delivered in the test's process to local receivers that speak each vendor's
formats."""

from __future__ import annotations

from uuid import UUID

from partners.channel_book import block_owner, secretary_owner
from partners.channels import checked_channel
from partners.webhooks import WebhookPolicy
from tests.integration.tasks.conftest import COMMUNITY
from tests.integration.vendor_receivers import DINGTALK_SECRET, VendorReceiver
from tests.privacy import named_in
from web.tasks.referral_clock import check_referral_clocks

LOCAL = WebhookPolicy(allow_private=True)
PERSONAL = ("王秀英", "139", "摔倒", "502")


def give(running, owner: str, kind: str, robot: VendorReceiver) -> UUID:
    """Give the owner (a block, the secretary) this robot as a channel."""
    given = {"url": robot.url, **({"secret": DINGTALK_SECRET} if kind == "dingtalk_robot" else {})}
    settings = checked_channel(kind, "", given, LOCAL)
    return running.channels.add(
        COMMUNITY, owner, settings, actor="secretary", now=running.clock.now()
    )


def contents(robot: VendorReceiver) -> list[str]:
    return [
        a.payload["markdown"].get("content") or a.payload["markdown"]["text"]
        for a in robot.arrivals
    ]


def test_a_need_assigned_to_leader3_reaches_the_dingtalk_group_of_leader3s_block_once(
    running, partners, log_need, deliver_due, clock, dingtalk, wecom
):
    give(running, block_owner("B3"), "dingtalk_robot", dingtalk)
    give(running, block_owner("B5"), "wecom_robot", wecom)
    need_id = log_need()
    running.needs.assign(need_id, "leader3", actor="secretary")
    assert deliver_due(clock.now()) == ["delivered"]
    (arrival,) = dingtalk.wait_for(1)
    assert arrival.refusal is None  # signed with the robot's secret, as DingTalk checks
    assert arrival.payload["markdown"]["title"] == "新的分派 Need assigned"
    text = arrival.payload["markdown"]["text"]
    assert "B3" in text
    assert "leader3" in text
    assert f"/needs/{need_id}" in text
    assert named_in(text, PERSONAL) == []  # a whole group reads it
    clock.advance(minutes=5)
    assert deliver_due(clock.now()) == []  # never twice
    assert len(dingtalk.arrivals) == 1
    assert wecom.arrivals == []  # another block's group is not told


def test_an_escalation_reaches_the_blocks_group_and_the_secretarys(
    running, partners, log_need, deliver_due, clock, dingtalk, wecom
):
    give(running, block_owner("B3"), "dingtalk_robot", dingtalk)
    give(running, secretary_owner(COMMUNITY), "wecom_robot", wecom)
    need_id = log_need()
    running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    for partner in partners.values():  # nobody is left to take the case when the referral expires
        running.partners.suspend_partner(partner.partner_id, reason="测试", actor="secretary")
    clock.advance(days=3)
    check_referral_clocks(running, clock.now())
    assert running.needs.get_need(need_id)["escalated"] is True
    deliver_due(clock.now())
    assert any("已上报 Need escalated" in c for c in contents(wecom))
    assert any("已上报 Need escalated" in c for c in contents(dingtalk))
    assert all(f"/needs/{need_id}" in c for c in contents(wecom))


def test_a_declined_referral_is_told_to_the_blocks_group(
    running, partners, log_need, deliver_due, clock, wecom
):
    give(running, block_owner("B3"), "wecom_robot", wecom)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["police"].partner_id, actor="leader3")
    running.casework.act_on_referral(referral_id, "decline", "out_of_scope", "", actor="police")
    deliver_due(clock.now())
    (content,) = contents(wecom)
    assert "转介被拒 Referral declined" in content
    assert "B3" in content


def test_the_daily_digest_reaches_the_secretarys_channel_once_a_day(
    running, partners, log_need, deliver_due, notifier, clock, wecom
):
    give(running, secretary_owner(COMMUNITY), "wecom_robot", wecom)
    log_need()
    clock.advance(days=2)  # the critical need is long overdue for first contact
    assert notifier.team.send_digests(clock.now()) == 1
    assert notifier.team.send_digests(clock.now()) == 0  # the same day: owed once
    deliver_due(clock.now())
    (content,) = contents(wecom)
    assert "今日摘要" in content
    assert "overdue for first contact: 1" in content
    assert content.rstrip().endswith("/board)")
    assert named_in(content, PERSONAL) == []
    clock.advance(days=1)
    notifier.team.send_digests(clock.now())
    deliver_due(clock.now())
    assert len(wecom.wait_for(2)) == 2  # the next day's


def test_events_first_seen_more_than_a_day_late_are_history_not_news(
    running, partners, log_need, deliver_due, clock, wecom
):
    need_id = log_need()
    running.needs.assign(need_id, "leader3", actor="secretary")
    clock.advance(days=2)
    give(running, block_owner("B3"), "wecom_robot", wecom)
    assert deliver_due(clock.now()) == []
    assert wecom.arrivals == []
    assert [n.need_id for n in running.team_notices.pending()] == []
