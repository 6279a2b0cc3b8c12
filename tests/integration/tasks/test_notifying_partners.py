"""Partners are told of their referrals: the outbox follows the log, each notice is POSTed signed
under one delivery id until it is delivered, retried on a schedule kept in the store, and a
notice that never gets through is recorded on the case. Delivered here, in the test's process;
test_worker.py does the same through a real broker and worker."""

from __future__ import annotations

from datetime import timedelta

from needs.outbox import delivery_id_for
from tests.integration.tasks.conftest import SQLITE_ONLY
from tests.integration.tasks.receivers import MailServer
from web.tasks.delivery import LEASE, Notifier
from web.tasks.mail import Mailer, SmtpSettings


def test_a_referral_reaches_the_partners_webhook_signed_with_its_secret(
    running, partners, receiver, log_need, deliver_due, clock
):
    need_id = log_need()
    referral_id = running.casework.refer(
        need_id, partners["hospital"].partner_id, "请医生上门", actor="leader3"
    )
    assert deliver_due(clock.now()) == ["delivered"]
    (post,) = receiver.wait_for(1)
    delivery_id = str(delivery_id_for(referral_id, "referral.sent"))
    assert post.headers["X-Needs-Delivery"] == delivery_id
    assert post.headers["Content-Type"] == "application/json; charset=utf-8"
    assert post.signed_with(partners["hospital"].secret)
    assert not post.signed_with(partners["police"].secret)
    payload = post.payload
    assert payload["event"] == "referral.sent"
    assert payload["delivery_id"] == delivery_id
    referral = payload["referral"]
    assert referral["id"] == str(referral_id)
    assert referral["partner_id"] == str(partners["hospital"].partner_id)
    assert referral["status"] == "sent"
    assert referral["note"] == "请医生上门"
    assert referral["resident_name"] == "王秀英"  # the resident consented
    assert referral["respond_by"] == "2026-11-30T11:00:00+08:00"
    delivery = running.outbox.get(delivery_id_for(referral_id, "referral.sent"))
    assert (delivery.status, delivery.attempts, delivery.channel) == ("delivered", 1, "webhook")


@SQLITE_ONLY
def test_without_consent_the_payload_holds_no_personal_data(
    running, partners, receiver, log_need, deliver_due, clock
):
    need_id = log_need(consent_to_share=False)
    running.casework.refer(need_id, partners["hospital"].partner_id, "请医生上门", actor="leader3")
    deliver_due(clock.now())
    referral = receiver.wait_for(1)[0].payload["referral"]
    for personal in ("resident_name", "contact_phone", "household", "description"):
        assert personal not in referral
    assert "王秀英" not in receiver.posts[0].body.decode()
    assert (referral["category"], referral["block"], referral["building"]) == (
        "emergency",
        "B3",
        15,
    )


def test_failures_are_retried_when_due_by_the_store_and_every_post_carries_one_delivery_id(
    running, partners, receiver, log_need, deliver_due, clock
):
    receiver.answer(500, 500, 200)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["police"].partner_id, actor="leader3")
    delivery_id = delivery_id_for(referral_id, "referral.sent")
    assert deliver_due(clock.now()) == ["pending"]
    first_retry = running.outbox.get(delivery_id).next_attempt_at
    assert timedelta(seconds=22) <= first_retry - clock.now() <= timedelta(seconds=30)
    assert deliver_due(clock.now()) == []  # not due yet: nothing is sent
    clock.advance(seconds=30)
    assert deliver_due(clock.now()) == ["pending"]
    clock.advance(minutes=1)
    assert deliver_due(clock.now()) == ["delivered"]
    clock.advance(hours=30)
    assert deliver_due(clock.now()) == []
    posts = receiver.wait_for(3)
    assert len(posts) == 3
    assert {p.headers["X-Needs-Delivery"] for p in posts} == {str(delivery_id)}
    assert {p.payload["delivery_id"] for p in posts} == {str(delivery_id)}
    attempts = running.outbox.list_attempts(delivery_id)
    assert [(a["attempt"], a["outcome"], a["status_code"]) for a in attempts] == [
        (1, "failed", 500),
        (2, "failed", 500),
        (3, "delivered", 200),
    ]
    assert running.outbox.counts() == {"delivered": 1}


@SQLITE_ONLY
def test_a_delivery_recorded_as_delivered_is_never_sent_again(
    running, partners, receiver, log_need, notifier, deliver_due, clock
):
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    deliver_due(clock.now())
    delivery_id = delivery_id_for(referral_id, "referral.sent")
    assert notifier.deliver(delivery_id, clock.now()) == "delivered"
    running.outbox_follower.rebuild()
    clock.advance(days=3)
    assert deliver_due(clock.now()) == []
    assert len(receiver.posts) == 1


def test_an_attempt_cut_short_by_a_crash_is_tried_again_once_its_lease_runs_out(
    running, partners, receiver, log_need, notifier, deliver_due, clock
):
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    delivery_id = delivery_id_for(referral_id, "referral.sent")
    claimed = notifier.dispatch_due(clock.now(), send=lambda d: None)
    assert claimed == [delivery_id]
    # A worker began the attempt and died before it knew how it went.
    assert running.outbox.begin_attempt(delivery_id, "webhook", clock.now(), LEASE) == 1
    clock.advance(minutes=1)
    assert deliver_due(clock.now()) == []
    clock.advance(seconds=LEASE.total_seconds())
    assert deliver_due(clock.now()) == ["delivered"]
    attempts = running.outbox.list_attempts(delivery_id)
    assert [(a["attempt"], a["outcome"]) for a in attempts] == [(1, "sending"), (2, "delivered")]


@SQLITE_ONLY
def test_a_last_attempt_cut_short_by_a_crash_ends_the_delivery_as_failed(
    running, partners, receiver, log_need, clock
):
    notifier = Notifier(running, None, max_attempts=1)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    delivery_id = delivery_id_for(referral_id, "referral.sent")
    notifier.dispatch_due(clock.now(), send=lambda d: None)
    running.outbox.begin_attempt(delivery_id, "webhook", clock.now(), LEASE)
    clock.advance(minutes=5)
    statuses = []
    notifier.dispatch_due(
        clock.now(), send=lambda d: statuses.append(notifier.deliver(d, clock.now()))
    )
    assert statuses == ["failed"]
    assert receiver.posts == []
    assert running.needs.get_need(need_id)["referrals"][0]["delivery_failed"] is True


def test_after_the_last_attempt_fails_the_case_records_it_and_shows_it(
    running, partners, receiver, log_need, client, as_user, clock
):
    receiver.answer(503, 503, 503)
    notifier = Notifier(running, None, max_attempts=3)
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    statuses = []
    for _ in range(3):
        notifier.dispatch_due(
            clock.now(), send=lambda d: statuses.append(notifier.deliver(d, clock.now()))
        )
        clock.advance(hours=1)
    assert statuses == ["pending", "pending", "failed"]
    delivery = running.outbox.get(delivery_id_for(referral_id, "referral.sent"))
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    history = running.needs.get_history(need_id)
    assert history[-1]["type"] == "ReferralDeliveryFailed"
    assert history[-1]["actor"] == "notifier"
    assert history[-1]["data"]["attempts"] == 3
    assert history[-1]["data"]["last_error"] == "the webhook answered 503"
    need = client.get(f"/api/v1/needs/{need_id}", headers=as_user("leader3")).json
    assert need["referrals"][0]["delivery_failed"] is True
    reminders = client.get("/api/v1/reminders", headers=as_user("leader3")).json["items"]
    assert [(r["kind"], r["referral_id"]) for r in reminders] == [
        ("delivery_failed", str(referral_id))
    ]


def test_following_the_log_again_owes_each_notice_once(running, partners, log_need):
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    running.needs.withdraw_referral(need_id, referral_id, "家属已送医", actor="leader3")
    running.outbox_follower.catch_up()
    running.outbox_follower.rebuild()
    running.outbox_follower.catch_up()
    owed = running.outbox.list_deliveries(referral_id=referral_id)
    assert sorted(d.event for d in owed) == ["referral.sent", "referral.withdrawn"]
    assert {d.partner_id for d in owed} == {partners["hospital"].partner_id}
    assert running.outbox_follower.lag() == 0


@SQLITE_ONLY
def test_notices_first_seen_more_than_a_day_late_are_kept_but_not_sent(
    running, partners, receiver, log_need, deliver_due, clock
):
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    clock.advance(days=2)
    assert deliver_due(clock.now()) == []
    delivery = running.outbox.get(delivery_id_for(referral_id, "referral.sent"))
    assert delivery.status == "skipped"
    assert receiver.posts == []


@SQLITE_ONLY
def test_a_partner_without_a_webhook_is_emailed_when_smtp_is_configured(
    running, partners, log_need, clock
):
    running.partners.set_webhook(partners["police"].partner_id, webhook_url="", actor="secretary")
    running.partners.change_contact(
        partners["police"].partner_id,
        contact="值班室 021-5555 0110 duty@police.example.cn",
        actor="secretary",
    )
    need_id = log_need(consent_to_share=False)
    referral_id = running.casework.refer(need_id, partners["police"].partner_id, actor="leader3")
    with MailServer() as mail:
        notifier = Notifier(running, Mailer(SmtpSettings(host="127.0.0.1", port=mail.port)))
        notifier.dispatch_due(clock.now(), send=lambda d: notifier.deliver(d, clock.now()))
    (message,) = mail.messages
    delivery_id = str(delivery_id_for(referral_id, "referral.sent"))
    assert message["To"] == "duty@police.example.cn"
    assert message["X-Needs-Delivery"] == delivery_id
    body = message.get_content()
    assert "referral.sent" in body
    assert "王秀英" not in body
    assert running.outbox.get(delivery_id_for(referral_id, "referral.sent")).channel == "email"


@SQLITE_ONLY
def test_with_neither_a_webhook_nor_mail_it_is_recorded_that_there_was_no_channel(
    running, partners, receiver, log_need, deliver_due, clock
):
    running.partners.set_webhook(partners["police"].partner_id, webhook_url="", actor="secretary")
    need_id = log_need()
    referral_id = running.casework.refer(need_id, partners["police"].partner_id, actor="leader3")
    assert deliver_due(clock.now()) == ["no_channel"]
    delivery = running.outbox.get(delivery_id_for(referral_id, "referral.sent"))
    assert (delivery.status, delivery.attempts) == ("no_channel", 0)
    assert receiver.posts == []
