"""The demo's households at the centre: follow-up visits (回访) after resolved needs — most
done, with the residents' verdicts, some still due — and one need captured offline beside an
open need of the same kind, flagged for its leader as a possible duplicate."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from kernel.clock import ManualClock
from kernel.community import Community
from web.operations.casework import FLAG

if TYPE_CHECKING:
    from web.bootstrap import Services

VERDICTS = (("satisfied", 0.65), ("partly", 0.15), ("unreachable", 0.1), ("not_satisfied", 0.1))
NOTES = {
    "satisfied": "居民说问题已经解决，很感谢",
    "partly": "基本解决，还有些小问题，下周再看看",
    "unreachable": "上门两次家里没人，电话也没接",
    "not_satisfied": "居民说问题还在，不满意",
}
FOLLOWED_UP = 0.7  # of the follow-ups that fell due, the share done


def seed_follow_ups(
    services: Services,
    community: Community,
    clock: ManualClock,
    now: datetime,
    rng: random.Random,
    echo: Callable[[str], None],
) -> None:
    """Follow up most resolved needs whose follow-up fell due, a few days after it did."""
    services.follower.catch_up()
    days = {c.code: c.follow_up_days for c in community.categories}
    due = services.view.follow_ups_due(community.id, days, now)
    planned: list[tuple[datetime, UUID, str, str]] = []
    for row in due:
        moment = row["due_at"] + timedelta(hours=rng.randint(2, 72))
        if moment < now and rng.random() < FOLLOWED_UP:
            verdict = rng.choices([v for v, _ in VERDICTS], [w for _, w in VERDICTS])[0]
            leader = row["assignee"] or row["logged_by"]
            planned.append((moment, UUID(row["need_id"]), verdict, leader))
    for moment, need_id, verdict, leader in sorted(planned):
        clock.set(moment)
        services.needs.record_follow_up(need_id, verdict, NOTES[verdict], actor=leader)
    clock.set(now)
    echo(f"follow-ups: {len(planned)} done, {len(due) - len(planned)} due")


def seed_offline_duplicate(
    services: Services, community: Community, clock: ManualClock, now: datetime
) -> UUID | None:
    """One need captured offline for a household that already had an open need of the same
    kind: logged (never refused) and flagged for the leader."""
    services.follower.catch_up()
    rows, _ = services.view.list_needs(community.id, statuses=("open",), limit=1)
    if not rows:
        return None
    first = services.needs.get_need(UUID(rows[0]["need_id"]))
    clock.set(now - timedelta(minutes=30))
    return services.casework.log_need(
        community=community.id,
        block=first["block"],
        household_id=UUID(str(first["household"]["id"])),
        category=first["category"],
        urgency=first["urgency"],
        description="邻居反映这户老人又需要帮助（离线登记，信号不好时记下的）",
        resident_name=first["resident_name"],
        contact_phone=first["contact_phone"],
        actor=first["logged_by"],
        occurred_at=now - timedelta(hours=3),
        duplicates=FLAG,
    )
