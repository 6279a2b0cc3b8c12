"""Each delivery checks the webhook's address again, after resolving its name: every address
the name resolves to must be allowed, and the POST goes to an address that was checked — the
name is never resolved a second time — so a name that turns inward after the webhook was set
is refused too. A refused delivery is a failed attempt with a clear `last_error`, retried on
the usual schedule, and nothing reaches the address.

The partners' webhooks point at the test's receiver on 127.0.0.1, set while private addresses
were allowed (this folder's app runs with WEBHOOK_ALLOW_PRIVATE=1); the notifiers here are
those of deployments that refuse them."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from needs.outbox import delivery_id_for
from partners.webhooks import WebhookPolicy
from tests.integration.tasks.conftest import SQLITE_ONLY
from tests.integration.tasks.receivers import Receiver
from web.operations.webhook_post import WebhookClient
from web.tasks.delivery import Notifier


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


def certificate_for(name: str, folder) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for `name`: the receiver's TLS context, and a client context
    that trusts that certificate alone (and checks names, as the default context does)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


@SQLITE_ONLY
def test_over_https_the_checked_address_is_reached_and_the_certificate_checked_for_the_name(
    running, partners, log_need, clock, tmp_path
):
    server_tls, client_tls = certificate_for("partner.example", tmp_path)
    _, other_tls = certificate_for("other.example", tmp_path)
    with Receiver(tls=server_tls) as receiver:
        port = receiver.server.server_address[1]
        running.partners.set_webhook(
            partners["hospital"].partner_id,
            webhook_url=f"https://partner.example:{port}/hooks/needs",
            actor="secretary",
        )
        policy = WebhookPolicy(allow_private=True, require_https=True)
        wrong = WebhookClient(policy, 5, lambda host, port: ["127.0.0.1"], tls=other_tls)
        right = WebhookClient(policy, 5, lambda host, port: ["127.0.0.1"], tls=client_tls)
        delivery_id = refer_to_hospital(running, partners, log_need)
        status, delivery = deliver(
            running, Notifier(running, None, webhooks=wrong), delivery_id, clock
        )
        assert status == "pending"
        assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
        clock.advance(minutes=1)
        status, _ = deliver(running, Notifier(running, None, webhooks=right), delivery_id, clock)
        assert status == "delivered"
        (post,) = receiver.wait_for(1)
        assert post.headers["Host"] == f"partner.example:{port}"
