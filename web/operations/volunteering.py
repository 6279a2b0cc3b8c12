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
