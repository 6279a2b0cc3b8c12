"""The follow-up visits (回访) as the API and the pages both show them: the resolved needs due a
follow-up in a leader's blocks, and the secretary's board of the last twelve weeks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kernel.clock import week_start

if TYPE_CHECKING:
    from web.bootstrap import Services

BOARD_WEEKS = 12


def follow_ups_due(
    services: Services, community: str, blocks: list[str] | None, now: datetime
) -> list[dict[str, Any]]:
    """The resolved needs whose follow-up has fallen due by now (each category's days after
    its resolution) and that nobody has followed up yet, the longest due first."""
    menu = services.needs.community(community)
    days = {c.code: c.follow_up_days for c in menu.categories}
    return services.view.follow_ups_due(community, days, now, blocks=blocks)


def follow_up_board(
    services: Services, community: str, blocks: list[str] | None, now: datetime
) -> dict[str, Any]:
    """Per block, over the last twelve weeks (Mondays in Shanghai): the needs resolved, the
    share followed up and the share the residents confirmed helped."""
    since = week_start(now) - timedelta(weeks=BOARD_WEEKS - 1)
    rows = services.view.follow_up_summary(community, since, blocks=blocks)
    found = {r["block"]: r for r in rows}
    shown = (
        blocks
        if blocks is not None
        else [b.code for b in services.needs.community(community).blocks]
    )
    empty = {"resolved": 0, "followed_up": 0, "confirmed_helped": 0}
    return {
        "since": since,
        "weeks": BOARD_WEEKS,
        "blocks": [
            found.get(b, {"block": b, **empty, "followed_up_share": None, "helped_share": None})
            for b in shown
        ],
    }
