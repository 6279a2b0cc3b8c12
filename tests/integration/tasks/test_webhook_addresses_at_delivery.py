"""Each delivery checks the webhook's address again, after resolving its name: every address
the name resolves to must be allowed, and the POST goes to an address that was checked — the
name is never resolved a second time — so a name that turns inward after the webhook was set
is refused too. A refused delivery is a failed attempt with a clear `last_error`, retried on
the usual schedule, and nothing reaches the address.

The partners' webhooks point at the test's receiver on 127.0.0.1, set while private addresses
were allowed (this folder's app runs with WEBHOOK_ALLOW_PRIVATE=1); the notifiers here are
those of deployments that refuse them."""

from __future__ import annotations

from needs.outbox import delivery_id_for
from partners.webhooks import WebhookPolicy
from tests.integration.tasks.conftest import SQLITE_ONLY
from web.tasks.delivery import Notifier
from web.tasks.webhook_post import WebhookClient


def refer_to_hospital(running, partners, log_need):
    referral_id = running.casework.refer(
        log_need(), partners["hospital"].partner_id, "请医生上门", actor="leader3"
    )
    return delivery_id_for(referral_id, "referral.sent")


def deliver(running, notifier, delivery_id, clock):
    notifier.dispatch_due(clock.now(), send=lambda d: None)
    return notifier.deliver(delivery_id, clock.now()), running.outbox.get(delivery_id)


@SQLITE_ONLY
def test_a_webhook_on_loopback_is_refused_at_delivery_as_a_failed_attempt(
    running, partners, receiver, log_need, clock
):
    delivery_id = refer_to_hospital(running, partners, log_need)
    strict = Notifier(running, None, webhooks=WebhookClient(WebhookPolicy(), timeout=5))
    status, delivery = deliver(running, strict, delivery_id, clock)
    assert status == "pending"  # a failed attempt: tried again on the schedule
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is not None
    assert "refused" in delivery.last_error
    assert "127.0.0.1" in delivery.last_error
    assert "loopback" in delivery.last_error
    (attempt,) = running.outbox.list_attempts(delivery_id)
    assert (attempt["outcome"], attempt["status_code"]) == ("failed", None)
    assert receiver.posts == []


@SQLITE_ONLY
def test_a_name_that_resolves_inward_is_refused_after_resolution(
    running, partners, receiver, log_need, clock
):
    port = receiver.server.server_address[1]
    hospital = partners["hospital"].partner_id
    # "localhost" is resolved for real (by /etc/hosts); the webhook was set while allowed.
    running.partners.set_webhook(
        hospital, webhook_url=f"http://localhost:{port}/hooks/needs", actor="secretary"
    )
    delivery_id = refer_to_hospital(running, partners, log_need)
    strict = Notifier(running, None, webhooks=WebhookClient(WebhookPolicy(), timeout=5))
    status, delivery = deliver(running, strict, delivery_id, clock)
    assert status == "pending"
    assert "localhost" in delivery.last_error
    assert "refused" in delivery.last_error
    assert receiver.posts == []


@SQLITE_ONLY
def test_every_address_of_a_name_is_checked_before_any_is_connected_to(
    running, partners, receiver, log_need, clock
):
    asked = []

    def resolver(host, port):
        asked.append((host, port))
        return ["93.184.215.14", "10.0.0.7"]  # one public address, one private one

    running.partners.set_webhook(
        partners["hospital"].partner_id,
        webhook_url="https://partner.example/hooks/needs",
        actor="secretary",
    )
    delivery_id = refer_to_hospital(running, partners, log_need)
    notifier = Notifier(running, None, webhooks=WebhookClient(WebhookPolicy(), 5, resolver))
    status, delivery = deliver(running, notifier, delivery_id, clock)
    assert status == "pending"
    assert asked == [("partner.example", 443)]
    assert "10.0.0.7" in delivery.last_error
    assert "private" in delivery.last_error


@SQLITE_ONLY
def test_the_post_goes_to_the_address_that_was_checked_never_resolved_again(
    running, partners, receiver, log_need, clock
):
    port = receiver.server.server_address[1]
    asked = []

    def resolver(host, port):
        asked.append(host)
        return ["127.0.0.1"]  # partner.example is known to no DNS: only this answer reaches it

    running.partners.set_webhook(
        partners["hospital"].partner_id,
        webhook_url=f"http://partner.example:{port}/hooks/needs?via=test",
        actor="secretary",
    )
    delivery_id = refer_to_hospital(running, partners, log_need)
    client = WebhookClient(WebhookPolicy(allow_private=True), timeout=5, resolve=resolver)
    status, _ = deliver(running, Notifier(running, None, webhooks=client), delivery_id, clock)
    assert status == "delivered"
    assert asked == ["partner.example"]
    (post,) = receiver.wait_for(1)
    assert post.headers["Host"] == f"partner.example:{port}"
    assert post.signed_with(running.partners.webhook_secret(partners["hospital"].partner_id))


@SQLITE_ONLY
def test_in_production_a_plain_http_webhook_is_refused_at_delivery(
    running, partners, receiver, log_need, clock
):
    asked = []
    running.partners.set_webhook(
        partners["hospital"].partner_id,
        webhook_url="http://partner.example/hooks/needs",
        actor="secretary",
    )
    delivery_id = refer_to_hospital(running, partners, log_need)
    https_only = WebhookClient(
        WebhookPolicy(require_https=True), 5, lambda host, port: asked.append(host) or []
    )
    status, delivery = deliver(
        running, Notifier(running, None, webhooks=https_only), delivery_id, clock
    )
    assert status == "pending"
    assert "https" in delivery.last_error
    assert asked == []  # refused before the name was even looked up
