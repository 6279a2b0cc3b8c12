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

OPEN = ("open", "in_progress")
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


# Each block's volunteer group: its name, its leader, and a few volunteers (names invented).
GROUPS = {
    "B1": ("一块红马甲组团", "周美华", [("钱立军", "陪同就医"), ("孙巧云", "上门探望")]),
    "B2": ("二块银发互助组团", "吴建平", [("郑小燕", "代购"), ("冯国庆", "水电修理")]),
    "B3": ("三块邻里守望组团", "陈桂英", [("褚家明", "陪同就医"), ("卫红", "心理疏导")]),
    "B4": ("四块爱心组团", "蒋丽娟", [("沈伟", "法律咨询"), ("韩梅", "代购")]),
    "B5": ("五块夕阳红组团", "杨志刚", [("朱慧", "上门探望"), ("秦海", "水电修理")]),
    "B6": ("六块暖心组团", "许秀兰", [("何平", "助学辅导"), ("吕芳", "陪同就医")]),
    "B7": ("七块楼组长组团", "施建华", [("张雪", "代购"), ("孔德明", "调解")]),
}


# The volunteers who sign in (role volunteer, web/demo/accounts.py): block and member's name.
VOLUNTEER_ACCOUNTS = {"vol3": ("B3", "褚家明"), "vol5": ("B5", "朱慧")}


def seed_volunteer_groups(services: Services, community: Community) -> int:
    """The seven volunteer groups, one per block, kept by each block's leader; none twice. The
    volunteers with accounts are each asked to help with an open need and to do a duty."""
    if services.duties.list_volunteer_groups(community.id):
        return 0
    for number, (block, (name, leader, members)) in enumerate(sorted(GROUPS.items()), start=1):
        actor = f"leader{block[1:]}"
        group_id = services.duties.form_volunteer_group(
            community=community.id, block=block, name=name, leader=leader, actor=actor
        )
        for index, (member, skill) in enumerate(members):
            account = next((a for a, v in VOLUNTEER_ACCOUNTS.items() if v == (block, member)), "")
            member_id = services.duties.add_volunteer(
                group_id,
                name=member,
                contact_phone=f"139 {number:02d}{index:02d} {1000 + number * 10 + index}",
                skills=[skill],
                availability="工作日晚上、周末",
                account=account,
                actor=actor,
            )
            if account:
                _ask_of(services, community.id, block, group_id, member_id, actor)
    return len(GROUPS)


def _ask_of(
    services: Services, community: str, block: str, group_id: UUID, member_id: UUID, actor: str
) -> None:
    """Ask a volunteer to help with the block's first open need and do its first open duty."""
    services.follower.catch_up()
    rows, _ = services.view.list_needs(community, blocks=[block], statuses=OPEN, limit=1)
    for row in rows:
        need_id = UUID(str(row["need_id"]))
        services.needs.assign_volunteer(need_id, group_id, member_id, actor=actor)
    now = services.clock.now()
    duties, _ = services.duties_view.list_duties(community, [block], "all", now, now, limit=1)
    for duty in duties:
        duty_id = UUID(str(duty["duty_id"]))
        services.duties.assign_duty_volunteer(duty_id, group_id, member_id, actor=actor)
