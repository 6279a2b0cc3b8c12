"""A volunteer asked to help with a case, composed from two contexts: the duties know the
block's volunteer group and its members, the case records which member helps (by id: the
volunteer's name and phone stay in the group, sealed with its key)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from kernel.errors import InvalidInputError

if TYPE_CHECKING:
    from web.bootstrap import Services


def assign_volunteer(
    services: Services, need_id: UUID, member_id: UUID, *, actor: str, **opts: Any
) -> None:
    """Ask a volunteer of the need's block's group to help; its owner stays (422 when the
    member is in no group of the block)."""
    need = services.needs.load(need_id)
    for group in services.duties.list_volunteer_groups(need.community):
        if group["block"] == need.block and any(m["id"] == member_id for m in group["members"]):
            services.needs.assign_volunteer(need_id, group["id"], member_id, actor=actor, **opts)
            return
    raise InvalidInputError(
        "member_id", f"no volunteer {member_id} in a volunteer group of block {need.block}"
    )


def assign_duty_volunteer(
    services: Services, duty_id: UUID, member_id: UUID, *, actor: str, **opts: Any
) -> None:
    """Ask a volunteer of the duty's block's group to do it; its leader still owns it (422 when
    the member is in no group of the block)."""
    duty = services.duties.get_duty(duty_id)
    group_id = _group_of(services, duty["community"], duty["block"], member_id)
    services.duties.assign_duty_volunteer(duty_id, group_id, member_id, actor=actor, **opts)


def _group_of(services: Services, community: str, block: str, member_id: UUID) -> UUID:
    for group in services.duties.list_volunteer_groups(community):
        if group["block"] == block and any(m["id"] == member_id for m in group["members"]):
            return UUID(str(group["id"]))
    raise InvalidInputError(
        "member_id", f"no volunteer {member_id} in a volunteer group of block {block}"
    )


def assigned_work(
    services: Services, community: str, block: str, entry: dict[str, UUID]
) -> tuple[list[UUID], list[UUID]]:
    """What is assigned to a volunteer (`entry`: their group and member ids) in their block:
    the ids of the needs still open or awaiting their follow-up, and of the open duties."""
    rows, _total = services.view.list_needs(community, blocks=[block], limit=1000)
    needs = []
    for row in rows:
        need = services.needs.load(UUID(str(row["need_id"])))
        if need.volunteer == entry and (need.resolution is None or need.follow_up is None):
            needs.append(need.id)
    now = services.clock.now()
    duty_rows, _ = services.duties_view.list_duties(community, [block], "all", now, now)
    duties = [services.duties.get_duty(UUID(str(r["duty_id"]))) for r in duty_rows]
    return needs, [d["id"] for d in duties if d["volunteer"] == entry]
