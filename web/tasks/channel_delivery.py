"""Telling group robots and SMS channels: each notice the outbox owes a partner becomes one message
per robot or SMS channel of the partner (fanned out when the notice is first dispatched), and so
does each notice owed to a block's or the secretary's channels (`team_delivery.py`, whose words
are kept with the notice). Each is delivered with the notice's guarantees — a fixed id, each
attempt recorded before it is made, the retry schedule kept in the store, never sent again once
recorded as delivered, and the case told (`ReferralDeliveryFailed`) after a referral's last
attempt fails. A message says what happened, the block and the category, and links to the page:
a group reads it, so it carries no personal data."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from kernel.errors import DomainError, NotFoundError
from needs.outbox import REFERRAL_SENT, Delivery
from partners.channel_book import partner_owner
from partners.channel_outbox import (
    CHANNEL_GONE,
    FAILED,
    FAILING,
    PENDING,
    ChannelMessage,
    ChannelOutbox,
)
from partners.channels import DINGTALK, SMS, WECOM
from partners.exceptions import ChannelNotFoundError
from partners.notice_texts import NoticeText
from web.operations.channel_senders import ChannelSender, Message

if TYPE_CHECKING:
    from web.bootstrap import Services

log = logging.getLogger(__name__)
GROUP_KINDS = (WECOM, DINGTALK, SMS)
TITLES = {
    "referral.sent": "新的转介 New referral",
    "referral.withdrawn": "转介已撤回 Referral withdrawn",
    "referral.expired": "转介已过期 Referral expired",
}


class ChannelNotices:
    """Fans notices out to robot and SMS channels, claims what is due, delivers one message."""

    def __init__(
        self,
        services: Services,
        sender: ChannelSender,
        *,
        max_attempts: int,
        retry_delay: Callable[[int, random.Random], timedelta],
        lease: timedelta,
        rng: random.Random,
        actor: str,
    ) -> None:
        self.services = services
        self.outbox: ChannelOutbox = services.channel_outbox
        self.sender = sender
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.lease = lease
        self.rng = rng
        self.actor = actor

    def fan_out(self, delivery: Delivery, now: datetime) -> int:
        """Owe each of the partner's robot and SMS channels the notice; how many it has."""
        partner = self.services.partners.get_partner(delivery.partner_id)
        channels = self.services.channels.list_channels(
            partner.community, partner_owner(delivery.partner_id)
        )
        owed = [channel for channel in channels if channel.kind in GROUP_KINDS]
        for channel in owed:
            self.outbox.add(
                delivery.delivery_id,
                channel.channel_id,
                channel.kind,
                event=delivery.event,
                referral_id=delivery.referral_id,
                need_id=delivery.need_id,
                now=now,
            )
        return len(self.outbox.list_messages(delivery.delivery_id))

    def owe(
        self,
        delivery_id: UUID,
        owners: list[str],
        text: NoticeText,
        *,
        event: str,
        subject_id: UUID,
        need_id: UUID,
        now: datetime,
    ) -> int:
        """Owe each robot and SMS channel of these owners a notice worded as `text` (kept
        first, so every attempt sends the same words); how many channels it goes to."""
        owed = [
            channel
            for owner in owners
            for channel in self.services.channels.list_channels(text.community, owner)
            if channel.kind in GROUP_KINDS
        ]
        if owed:
            self.services.notice_texts.keep(delivery_id, text)
        for channel in owed:
            self.outbox.add(
                delivery_id,
                channel.channel_id,
                channel.kind,
                event=event,
                referral_id=subject_id,
                need_id=need_id,
                now=now,
            )
        return len(owed)

    def claim_due(self, now: datetime) -> list[UUID]:
        """Messages due now, within each robot's rate limit."""
        return self.outbox.claim_due(now, self.lease)

    def deliver(self, message_id: UUID, now: datetime) -> str:
        """One attempt at one message (none once delivered or settled); returns its status."""
        message = self.outbox.get(message_id)
        if message is None:
            return "unknown"
        if message.status == FAILING or (
            message.status == PENDING and message.attempts >= self.max_attempts
        ):
            return self._give_up(message)
        if message.status != PENDING:
            return message.status
        text = self.services.notice_texts.get(message.delivery_id)
        community = text.community if text is not None else self._community_of(message)
        try:
            channel = self.services.channels.get(community, message.channel_id)
            sealed = self.services.channels.sealed(community, message.channel_id)
        except ChannelNotFoundError:
            self.outbox.settle(message_id, CHANNEL_GONE, "the channel was removed")
            return CHANNEL_GONE
        attempt = self.outbox.begin_attempt(message_id, now, self.lease)
        if attempt is None:
            found = self.outbox.get(message_id)
            return found.status if found is not None else "unknown"
        words = (
            self._message(message) if text is None else Message(text.title, text.lines, text.link)
        )
        outcome = self.sender.send(channel.kind, channel.shown, sealed, words)
        last = outcome.delivered or attempt >= self.max_attempts
        status = self.outbox.finish_attempt(
            message_id,
            attempt,
            self.services.clock.now(),
            delivered=outcome.delivered,
            status_code=outcome.status_code,
            error=outcome.error,
            retry_at=None if last else now + self.retry_delay(attempt, self.rng),
        )
        exhausted = self.outbox.get(message_id) if status == FAILING else None
        return self._give_up(exhausted) if exhausted is not None else status

    def _community_of(self, message: ChannelMessage) -> str:
        """The community of the partner a referral's notice is owed to."""
        delivery = self.services.outbox.get(message.delivery_id)
        if delivery is None:
            raise NotFoundError(f"no notice {message.delivery_id}")
        return self.services.partners.get_partner(delivery.partner_id).community

    def _message(self, message: ChannelMessage) -> Message:
        referral = self.services.casework.get_referral(message.referral_id)
        community = self.services.needs.community(referral["community"])
        category = community.category(referral["category"])
        base = self.services.settings.extra.get("PUBLIC_URL", "").rstrip("/")
        return Message(
            title=TITLES.get(message.event, message.event),
            lines=(
                f"块 Block: {referral['block']}",
                f"类别 Category: {category.name_zh} ({category.code})",
            ),
            link=f"{base}/inbox/{message.referral_id}",
        )

    def _give_up(self, message: ChannelMessage) -> str:
        """The last attempt failed: say so on the case (for a referral that was sent), once."""
        if message.event == REFERRAL_SENT:
            try:
                self.services.needs.record_delivery_failure(
                    message.need_id,
                    message.referral_id,
                    message.message_id,
                    message.attempts,
                    message.last_error or "",
                    actor=self.actor,
                )
            except NotFoundError:
                log.exception("the case of channel message %s is gone", message.message_id)
            except DomainError:
                log.exception("could not record the failed message %s", message.message_id)
                return FAILING
        self.outbox.settle(message.message_id, FAILED, message.last_error or "")
        return FAILED
