"""The three fives' compliance board, composed from two contexts: the duties count, per block,
the visits and asks due and how they were done; the accounts say which of the people who did
them are volunteers (role `volunteer`), so the board counts their contacts beside the leader's."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from web.bootstrap import Services

COMPLIANCE_WEEKS = 4
EMPTY = {"due": 0, "on_time": 0, "late": 0, "overdue": 0, "by_volunteers": 0}


def compliance_board(
    services: Services, community: str, weeks: int = COMPLIANCE_WEEKS
) -> list[dict[str, Any]]:
    """Per block of the community over the last `weeks`: the duties due, done on time, done
    late, overdue, and of those done, how many the leader's side did (`by_leader`: the block's
    leader, or the secretary) and how many its volunteers did (`by_volunteers`)."""
    now = services.clock.now()
    volunteers = [
        user.username
        for user in services.accounts.list_users(community)
        if user.role == "volunteer"
    ]
    counted = {
        row["block"]: row
        for row in services.duties_view.compliance(
            community, now - timedelta(weeks=weeks), now, volunteers
        )
    }
    rows = []
    for block in services.needs.community(community).blocks:
        row = {"block": block.code, **EMPTY, **counted.get(block.code, {})}
        row["by_leader"] = row["on_time"] + row["late"] - row["by_volunteers"]
        rows.append(row)
    return rows
