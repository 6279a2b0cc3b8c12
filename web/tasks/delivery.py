"""Telling partners: each notice of the outbox goes to the partner's webhook (signed), or by
email to a partner without one, retried on a schedule kept in the store until it is delivered or
the last attempt fails — then the failure is recorded on the case."""

from __future__ import annotations

import http.client
import json
import logging
import random
import smtplib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from kernel.errors import DomainError, NotFoundError
from needs.outbox import FAILED, FAILING, NO_CHANNEL, PENDING, REFERRAL_SENT, Delivery
from web.access import shown_to_partner
from web.operations.channel_senders import ChannelSender, signature
from web.operations.representation import ReferralSchema
from web.operations.webhook_post import RefusedAddressError, WebhookClient
from web.tasks.channel_delivery import ChannelNotices
from web.tasks.mail import Mailer, email_in
from web.tasks.team_delivery import TeamDelivery

if TYPE_CHECKING:
    from web.bootstrap import Services

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 14
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=6)
# How long a claimed delivery is held before another dispatch may try it (longer than a POST).
LEASE = timedelta(minutes=2)
HTTP_TIMEOUT = 10.0
NOTIFIER_ACTOR = "notifier"
# A notice to a partner with no webhook or email, told through its robots and SMS instead.
CHANNELS = "channels"
USER_AGENT = "urgent-needs-menu webhook"


def retry_delay(failed_attempts: int, rng: random.Random) -> timedelta:
    """The wait after the n-th failed attempt: 30 s, doubling each time up to 6 h, less up to a
    quarter at random so that many failures do not retry in step. Fourteen attempts span
    about a day (14.5 h to 26.5 h)."""
    base: timedelta = min(FIRST_DELAY * 2 ** (failed_attempts - 1), LONGEST_DELAY)
    return base * rng.uniform(0.75, 1.0)


class Notifier:
    """Dispatches what is due and delivers one notice at a time."""

    def __init__(
        self,
        services: Services,
        mailer: Mailer | None = None,
        *,
        max_attempts: int = MAX_ATTEMPTS,
        timeout: float = HTTP_TIMEOUT,
        rng: random.Random | None = None,
        wall_clock: Callable[[], float] = time.time,
        webhooks: WebhookClient | None = None,
    ) -> None:
        self.services = services
        self.outbox = services.outbox
        self.mailer = mailer
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self.wall_clock = wall_clock
        # Checks each webhook's address again, resolved, against the deployment's policy.
        self.webhooks = webhooks or WebhookClient(services.settings.webhook_policy, timeout)
        self.channels = ChannelNotices(
            services,
            ChannelSender(self.webhooks, lambda: int(self.wall_clock() * 1000)),
            max_attempts=max_attempts,
            retry_delay=retry_delay,
            lease=LEASE,
            rng=self.rng,
            actor=NOTIFIER_ACTOR,
        )
        self.team = TeamDelivery(services, self.channels)

    def dispatch_due(self, now: datetime, send: Callable[[UUID], None]) -> list[UUID]:
        """Follow the log into the outbox, then claim what is due and hand each to `send`."""
        self.services.outbox_follower.catch_up()
        claimed = self.outbox.claim_due(now, LEASE)
        for delivery_id in claimed:  # a notice owes robots and SMS their messages at once
            delivery = self.outbox.get(delivery_id)
            if delivery is not None and delivery.status == PENDING:
                self.channels.fan_out(delivery, now)
        self.team.fan_out(now)  # and the block's and the secretary's notices
        claimed += self.channels.claim_due(now)
        for delivery_id in claimed:
            send(delivery_id)
        return claimed

    def deliver(self, delivery_id: UUID, now: datetime) -> str:
        """One attempt at a delivery (none if it is delivered or settled); returns its status.
        With no attempt left — the last failed, or its worker died — the failure is recorded."""
        delivery = self.outbox.get(delivery_id)
        if delivery is None:  # a message to a robot or SMS channel, if anything
            return self.channels.deliver(delivery_id, now)
        if delivery.status == FAILING or (
            delivery.status == PENDING and delivery.attempts >= self.max_attempts
        ):
            return self._give_up(delivery)
        if delivery.status != PENDING:
            return delivery.status
        route = self._route(delivery)
        if route is None:
            if self.channels.outbox.list_messages(delivery_id):
                self.outbox.settle(delivery_id, CHANNELS, "told through robot or SMS channels")
                return CHANNELS
            self.outbox.settle(delivery_id, NO_CHANNEL, "no webhook, and no email configured")
            return NO_CHANNEL
        attempt = self.outbox.begin_attempt(delivery_id, route[0], now, LEASE)
        if attempt is None:
            return self._status(delivery_id)
        ok, code, error = self._send(delivery, *route)
        last = ok or attempt >= self.max_attempts
        status = self.outbox.finish_attempt(
            delivery_id,
            attempt,
            self.services.clock.now(),
            delivered=ok,
            status_code=code,
            error=error,
            retry_at=None if last else now + retry_delay(attempt, self.rng),
        )
        exhausted = self.outbox.get(delivery_id) if status == FAILING else None
        return self._give_up(exhausted) if exhausted is not None else status

    def _route(self, delivery: Delivery) -> tuple[str, str] | None:
        """(channel, address): the partner's webhook, else its email when mail is configured."""
        partner = self.services.partners.get_partner(delivery.partner_id)
        if partner.webhook_url:
            return "webhook", partner.webhook_url
        address = email_in(partner.contact) if self.mailer else None
        return ("email", address) if address else None

    def _send(
        self, delivery: Delivery, channel: str, address: str
    ) -> tuple[bool, int | None, str | None]:
        try:
            payload = self._payload(delivery)
            if channel == "webhook":
                return self._post(delivery, address, payload)
            return self._mail(delivery, address, payload)
        except Exception as unexpected:  # recorded as the attempt's failure, then retried
            log.exception("delivery %s failed unexpectedly", delivery.delivery_id)
            return False, None, f"{type(unexpected).__name__}: {unexpected}"[:500]

    def _status(self, delivery_id: UUID) -> str:
        found = self.outbox.get(delivery_id)
        return found.status if found is not None else "unknown"

    def _payload(self, delivery: Delivery) -> dict[str, Any]:
        referral = self.services.casework.get_referral(delivery.referral_id)
        return {
            "event": delivery.event,
            "referral": ReferralSchema().dump(shown_to_partner(referral)),
            "delivery_id": str(delivery.delivery_id),
        }

    def _post(
        self, delivery: Delivery, url: str, payload: dict[str, Any]
    ) -> tuple[bool, int | None, str | None]:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        secret = self.services.partners.webhook_secret(delivery.partner_id)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Needs-Delivery": str(delivery.delivery_id),
            "X-Needs-Event": delivery.event,
            "X-Needs-Signature": signature(secret, body, int(self.wall_clock())),
        }
        try:
            code = self.webhooks.post(url, body, headers)
        except RefusedAddressError as refused:
            return False, None, f"refused: {refused}"[:500]
        except (OSError, ValueError, http.client.HTTPException) as error:
            return False, None, f"{type(error).__name__}: {error}"[:500]
        if 200 <= code < 300:
            return True, code, None
        return False, code, f"the webhook answered {code}"

    def _mail(
        self, delivery: Delivery, address: str, payload: dict[str, Any]
    ) -> tuple[bool, int | None, str | None]:
        referral = payload["referral"]
        subject = f"[急难愁盼] {delivery.event}: {referral['category']} · {referral['block']}"
        lines = [f"{key}: {value}" for key, value in referral.items() if value not in (None, "")]
        body = "\n".join(
            [f"event: {delivery.event}", *lines, f"delivery_id: {delivery.delivery_id}"]
        )
        if self.mailer is None:
            return False, None, "no SMTP server is configured"
        try:
            self.mailer.send(
                address, subject, body, {"X-Needs-Delivery": str(delivery.delivery_id)}
            )
        except (OSError, smtplib.SMTPException) as error:
            return False, None, f"{type(error).__name__}: {error}"[:500]
        return True, None, None

    def _give_up(self, delivery: Delivery) -> str:
        """The last attempt failed: say so on the case (for a referral that was sent), once."""
        if delivery.event == REFERRAL_SENT:
            try:
                self.services.needs.record_delivery_failure(
                    delivery.need_id,
                    delivery.referral_id,
                    delivery.delivery_id,
                    delivery.attempts,
                    delivery.last_error or "",
                    actor=NOTIFIER_ACTOR,
                )
            except NotFoundError:
                log.exception("the case of delivery %s is gone", delivery.delivery_id)
            except DomainError:
                # Left failing: the next dispatch records it.
                log.exception("could not record the failed delivery %s", delivery.delivery_id)
                return FAILING
        self.outbox.settle(delivery.delivery_id, FAILED, delivery.last_error or "")
        return FAILED
