"""Telling the committee's own people where they already are: a need assigned, a referral
declined or a case escalated goes to its block's group robots and SMS channels (the block leader's
and the volunteers' groups), an escalation to the secretary's too; each morning the day's digest
goes to the secretary's channels and each block's. The words say what happened, the block, the
category and counts, and link to the page where the reader signs in: no resident is named."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from kernel.clock import SHANGHAI
from needs.team_notices import NEED_ASSIGNED, NEED_ESCALATED, REFERRAL_DECLINED, TeamNotice
from partners.channel_book import block_owner, secretary_owner
from partners.notice_texts import NoticeText
from web.operations.reminders import reminders_for
from web.tasks.channel_delivery import ChannelNotices

if TYPE_CHECKING:
    from web.bootstrap import Services

TITLES = {
    NEED_ASSIGNED: "新的分派 Need assigned",
    REFERRAL_DECLINED: "转介被拒 Referral declined",
    NEED_ESCALATED: "已上报 Need escalated",
}
DIGEST = "digest"
REMINDER_KINDS = {
    "overdue": "逾期未联系 overdue for first contact",
    "escalated": "已上报 escalated",
    "referral_expired": "转介超时 referral expired",
    "referral_declined": "转介被拒 referral declined",
    "delivery_failed": "通知未送达 partner not notified",
}


def digest_id(owner: str, day: str) -> UUID:
    """One digest a day for each owner of channels: the same id however often it is sent."""
    return uuid5(NAMESPACE_URL, f"needs-digest:{owner}:{day}")


class TeamDelivery:
    """Owes the block's and the secretary's channels their notices and digests."""

    def __init__(self, services: Services, channels: ChannelNotices) -> None:
        self.services = services
        self.channels = channels

    def fan_out(self, now: datetime) -> int:
        """Follow the log into the team notices and owe each pending one to its channels;
        how many notices were handed on."""
        self.services.team_notices_follower.catch_up()
        handed = 0
        for notice in self.services.team_notices.pending():
            owners = [block_owner(notice.block)]
            if notice.to_the_secretary:
                owners.append(secretary_owner(notice.community))
            self.channels.owe(
                notice.notice_id,
                owners,
                self._words(notice),
                event=notice.event,
                subject_id=notice.referral_id or notice.need_id,
                need_id=notice.need_id,
                now=now,
            )
            self.services.team_notices.mark_fanned(notice.notice_id)
            handed += 1
        return handed

    def _words(self, notice: TeamNotice) -> NoticeText:
        category = self.services.needs.community(notice.community).category(notice.category)
        lines = [
            f"块 Block: {notice.block}",
            f"类别 Category: {category.name_zh} ({category.code})",
        ]
        if notice.event == NEED_ASSIGNED and notice.assignee:
            lines.append(f"负责人 Assigned to: {notice.assignee}")
        return NoticeText(
            notice.community,
            TITLES[notice.event],
            tuple(lines),
            f"{self._base()}/needs/{notice.need_id}",
        )

    def send_digests(self, now: datetime) -> int:
        """Owe today's digest to the secretary's channels and to each block's that has
        something to do today; once a day each. How many digests were owed."""
        owed = 0
        for community in self.services.settings.communities:
            scopes: list[tuple[str, list[str] | None]] = [(secretary_owner(community.id), None)]
            scopes += [(block_owner(block.code), [block.code]) for block in community.blocks]
            for owner, blocks in scopes:
                if self.services.channels.list_channels(community.id, owner):
                    owed += self._digest(community.id, owner, blocks, now)
        return owed

    def _digest(self, community: str, owner: str, blocks: list[str] | None, now: datetime) -> int:
        """Owe one owner's channels the day's digest: what needs doing, in counts."""
        day = now.astimezone(SHANGHAI).date()
        delivery_id = digest_id(owner, day.isoformat())
        if self.services.channel_outbox.list_messages(delivery_id):
            return 0  # today's went out (or is on its way) already
        end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), SHANGHAI)
        counts = Counter(i["kind"] for i in reminders_for(self.services, community, blocks, now))
        _, due = self.services.duties_view.list_duties(
            community, blocks, "today", now, end_of_day, limit=1
        )
        if not counts and not due and blocks is not None:
            return 0  # a block with nothing to do today is not told so
        lines = [f"{REMINDER_KINDS.get(kind, kind)}: {n}" for kind, n in counts.items()]
        lines.append(f"今日到期走访 duties due today: {due}")
        where = "全部 all blocks" if blocks is None else blocks[0]
        text = NoticeText(
            community,
            f"今日摘要 {day.isoformat()} Daily digest — {where}",
            tuple(lines),
            f"{self._base()}/" + ("board" if blocks is None else "today"),
        )
        told = self.channels.owe(
            delivery_id,
            [owner],
            text,
            event=DIGEST,
            subject_id=delivery_id,
            need_id=delivery_id,
            now=now,
        )
        return 1 if told else 0

    def _base(self) -> str:
        return str(self.services.settings.extra.get("PUBLIC_URL", "")).rstrip("/")
