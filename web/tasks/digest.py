"""The daily digest: each block leader with an email address gets, once a day, the list of what
needs them — the same list as GET /api/v1/reminders."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kernel.clock import SHANGHAI
from web.operations.reminders import reminders_for
from web.tasks.mail import Mailer

if TYPE_CHECKING:
    from web.bootstrap import Services

log = logging.getLogger(__name__)

KINDS = {
    "overdue": "逾期未联系 overdue for first contact",
    "escalated": "已上报 escalated",
    "referral_expired": "转介超时 referral expired",
    "referral_declined": "转介被拒 referral declined",
    "delivery_failed": "通知未送达 partner not notified",
}


def send_digests(
    services: Services, mailer: Mailer, recipients: Mapping[str, str], now: datetime
) -> int:
    """Mail today's digest to each active block leader with an address and something to do,
    unless it went out already today; returns how many were sent."""
    day = now.astimezone(SHANGHAI).date().isoformat()
    sent = 0
    for community in services.settings.communities:
        for user in services.accounts.list_users(community.id):
            address = recipients.get(user.username)
            if not (user.active and user.role == "block_leader" and address):
                continue
            if services.outbox.digest_sent(user.username, day):
                continue
            items = reminders_for(services, community.id, list(user.blocks), now)
            if not items:
                continue
            try:
                mailer.send(address, f"[急难愁盼] {day}: {len(items)} 件待办 to do", render(items))
            except (OSError, smtplib.SMTPException):
                log.exception("the digest for %s did not go out", user.username)
                continue
            services.outbox.record_digest(user.username, day, now)
            sent += 1
    return sent


def render(items: list[dict[str, Any]]) -> str:
    """One line a reminder, in the order the leader should see them."""
    lines = []
    for item in items:
        since = item["since"].astimezone(SHANGHAI).strftime("%m-%d %H:%M")
        who = f" {item['partner_name']}" if item.get("partner_name") else ""
        lines.append(
            f"- {KINDS.get(item['kind'], item['kind'])}: {item['block']} {item['building']}号楼 "
            f"{item['category']} ({item['urgency']}){who}, {since} — need {item['need_id']}"
        )
    return "\n".join(lines) + "\n"
