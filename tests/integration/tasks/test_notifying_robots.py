"""Partners are told of their referrals in their work chat: each notice the outbox owes becomes
one message per WeCom or DingTalk robot (or SMS gateway), under a fixed id, delivered with the
webhooks' guarantees — attempts recorded first, an errcode answer retried on the stored schedule,
never sent again once delivered, the case told after the last attempt — and no more messages a
minute than a robot takes, the rest waiting in the store. Delivered here, in the test's process,
to local receivers that speak each vendor's formats."""

from __future__ import annotations

import random
from datetime import timedelta
from uuid import UUID

from needs.outbox import delivery_id_for
from partners.channel_book import partner_owner
from partners.channel_outbox import message_id_for
from partners.channels import checked_channel
from partners.webhooks import WebhookPolicy
from tests.integration.tasks.conftest import COMMUNITY, SQLITE_ONLY
from tests.integration.vendor_receivers import DINGTALK_SECRET, VendorReceiver
from tests.privacy import named_in
from web.tasks.delivery import LEASE, Notifier

LOCAL = WebhookPolicy(allow_private=True)


def only_a_robot(running, partner, kind: str, robot: VendorReceiver) -> UUID:
    """Take the partner's webhook away and give it this robot instead."""
    running.partners.set_webhook(partner.partner_id, webhook_url="", actor="secretary")
    given = {"url": robot.url, **({"secret": DINGTALK_SECRET} if kind == "dingtalk_robot" else {})}
    settings = checked_channel(kind, "", given, LOCAL)
    owner = partner_owner(partner.partner_id)
    return running.channels.add(
        COMMUNITY, owner, settings, actor="secretary", now=running.clock.now()
    )


def test_a_referral_to_a_partner_with_only_a_wecom_robot_arrives_there_once_in_one_dispatch(
    running, partners, log_need, deliver_due, clock, wecom
):
    channel_id = only_a_robot(running, partners["hospital"], "wecom_robot", wecom)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    assert sorted(deliver_due(clock.now())) == ["channels", "delivered"]
    (arrival,) = wecom.wait_for(1)
    assert arrival.refusal is None
    content = arrival.payload["markdown"]["content"]
    assert "B3" in content
    assert "救急" in content
    assert f"/inbox/{referral_id}" in content
    assert named_in(content, ("王秀英", "139", "摔倒", "502")) == []  # a group reads it
    clock.advance(hours=1)
    assert deliver_due(clock.now()) == []
    assert len(wecom.arrivals) == 1
    delivery_id = delivery_id_for(referral_id, "referral.sent")
    message = running.channel_outbox.get(message_id_for(delivery_id, channel_id))
    assert (message.status, message.attempts) == ("delivered", 1)
    assert running.outbox.get(delivery_id).status == "channels"


def test_a_dingtalk_robot_is_sent_a_signed_message_of_a_withdrawn_referral_too(
    running, partners, log_need, deliver_due, clock, dingtalk
):
    only_a_robot(running, partners["police"], "dingtalk_robot", dingtalk)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["police"].partner_id, actor="leader3")
    deliver_due(clock.now())
    running.casework.act_on_referral(referral_id, "withdraw", "家属已送医", actor="leader3")
    deliver_due(clock.now())
    arrivals = dingtalk.wait_for(2)
    assert [a.refusal for a in arrivals] == [None, None]
    titles = [a.payload["markdown"]["title"] for a in arrivals]
    assert titles == ["新的转介 New referral", "转介已撤回 Referral withdrawn"]


def test_an_errcode_answer_is_a_failed_attempt_retried_on_the_stored_schedule(
    running, partners, log_need, deliver_due, clock, wecom
):
    channel_id = only_a_robot(running, partners["hospital"], "wecom_robot", wecom)
    wecom.fail_next(45009)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    message_id = message_id_for(delivery_id_for(referral_id, "referral.sent"), channel_id)
    assert "pending" in deliver_due(clock.now())
    retry = running.channel_outbox.get(message_id).next_attempt_at
    assert timedelta(seconds=22) <= retry - clock.now() <= timedelta(seconds=30)
    assert deliver_due(clock.now()) == []  # not due yet: nothing is sent
    clock.advance(seconds=30)
    assert deliver_due(clock.now()) == ["delivered"]
    attempts = running.channel_outbox.list_attempts(message_id)
    assert [(a["attempt"], a["outcome"]) for a in attempts] == [(1, "failed"), (2, "delivered")]
    assert "errcode 45009" in attempts[0]["error"]
    assert len(wecom.arrivals) == 2


def test_no_more_than_twenty_messages_a_minute_go_to_one_wecom_robot_and_none_is_dropped(
    running, partners, log_need, deliver_due, clock, wecom
):
    only_a_robot(running, partners["hospital"], "wecom_robot", wecom)
    for building in range(25):
        need_id = log_need(building=13 + building % 6, room=f"{101 + building}")
        running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    deliver_due(clock.now())
    assert len(wecom.wait_for(20)) == 20
    clock.advance(seconds=30)
    assert deliver_due(clock.now()) == []  # the robot's minute is full: the rest wait
    assert len(wecom.arrivals) == 20
    clock.advance(seconds=31)
    assert deliver_due(clock.now()) == ["delivered"] * 5
    assert len(wecom.wait_for(25)) == 25
    assert all(arrival.refusal is None for arrival in wecom.arrivals)


@SQLITE_ONLY
def test_after_the_last_failed_attempt_the_case_records_that_the_partner_was_not_told(
    running, partners, log_need, clock, wecom
):
    only_a_robot(running, partners["hospital"], "wecom_robot", wecom)
    notifier = Notifier(running, None, max_attempts=2, rng=random.Random(1))
    wecom.fail_next(93000, 93000)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    statuses: list[str] = []
    for _ in range(2):
        notifier.dispatch_due(
            clock.now(), send=lambda d: statuses.append(notifier.deliver(d, clock.now()))
        )
        clock.advance(minutes=1)
    assert "failed" in statuses
    (referral,) = running.needs.get_need(need_id)["referrals"]
    assert referral["delivery_failed"] is True
    assert len(wecom.arrivals) == 2
    assert referral["id"] == referral_id


def test_a_message_whose_sender_died_mid_attempt_is_sent_once_after_its_lease(
    running, partners, log_need, notifier, deliver_due, clock, wecom
):
    channel_id = only_a_robot(running, partners["hospital"], "wecom_robot", wecom)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    message_id = message_id_for(delivery_id_for(referral_id, "referral.sent"), channel_id)
    claimed = notifier.dispatch_due(clock.now(), send=lambda d: None)  # the worker never ran
    assert message_id in claimed
    assert running.channel_outbox.begin_attempt(message_id, clock.now(), LEASE) == 1  # then died
    assert deliver_due(clock.now()) == []  # still held
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert sorted(deliver_due(clock.now())) == ["channels", "delivered"]
    clock.advance(hours=2)
    assert deliver_due(clock.now()) == []
    assert len(wecom.arrivals) == 1
    attempts = running.channel_outbox.list_attempts(message_id)
    assert [(a["attempt"], a["outcome"]) for a in attempts] == [(1, "sending"), (2, "delivered")]


@SQLITE_ONLY
def test_a_removed_channel_is_told_nothing_more(
    running, partners, log_need, deliver_due, clock, wecom, notifier
):
    channel_id = only_a_robot(running, partners["hospital"], "wecom_robot", wecom)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    notifier.dispatch_due(clock.now(), send=lambda d: None)
    owner = partner_owner(partners["hospital"].partner_id)
    running.channels.remove(COMMUNITY, owner, channel_id)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert "channel_removed" in deliver_due(clock.now())
    assert wecom.arrivals == []
    message_id = message_id_for(delivery_id_for(referral_id, "referral.sent"), channel_id)
    assert running.channel_outbox.get(message_id).status == "channel_removed"


def test_a_robot_whose_last_five_attempts_failed_is_named_by_worker_status(
    app, running, partners, log_need, notifier, deliver_due, clock, wecom
):
    channel_id = only_a_robot(running, partners["hospital"], "wecom_robot", wecom)
    wecom.fail_next(*[93000] * 5)
    need_id = log_need()
    running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    for _ in range(5):
        deliver_due(clock.now())
        clock.advance(hours=7)  # past the longest wait between attempts
    result = app.test_cli_runner().invoke(args=["worker-status"])
    assert result.exit_code == 0, result.output
    assert "messages to robots and SMS: pending 1" in result.output
    assert (
        f"channel {channel_id} (wecom_robot): its last 5 attempts failed: "
        "the wecom_robot answered errcode 93000: scripted failure"
    ) in result.output
    deliver_due(clock.now())
    healthy = app.test_cli_runner().invoke(args=["worker-status"]).output
    assert "messages to robots and SMS: delivered 1" in healthy
    assert "its last 5 attempts failed" not in healthy
