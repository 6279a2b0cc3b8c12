"""Where a need is logged: the blocks a user may log in, and the households of their
blocks used most recently, so a leader taps one instead of typing the address again."""

from __future__ import annotations

from typing import Any, cast

from flask_babel import gettext as _

from kernel.community import Community
from web.bootstrap import services
from web.presentation.words import address

RECENT = 6
# How many of the block's needs to look through for recently used households.
LOOKBACK = 200


def block_choices(user: Any, community: Community) -> list[tuple[str, str]]:
    """(code, name) of the blocks the user may log a need in."""
    blocks = [b for b in community.blocks if user.role == "secretary" or b.code in user.blocks]
    return [(b.code, f"{b.name} {b.code}") for b in blocks]


def buildings_in(community: Community, block: str) -> str:
    """Which buildings the block holds, as a leader would say it: 13–18, or 1–3, 7."""
    numbers = sorted(community.block(block).buildings)
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    spans = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return cast(
        str, _("Block %(block)s holds buildings %(buildings)s.", block=block, buildings=spans)
    )


def recent_households(user: Any) -> list[dict[str, Any]]:
    """Up to six households of the user's blocks, the most recently logged first."""
    running = services()
    blocks = list(user.blocks) if user.role == "block_leader" else None
    rows, _total = running.view.list_needs(user.community, blocks=blocks, limit=LOOKBACK)
    rows.sort(key=lambda row: row["recorded_at"], reverse=True)
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["household_id"] in found:
            continue
        [need] = running.casework.described.list_needs([row])
        household = need["household"]
        found[row["household_id"]] = {
            "id": row["household_id"],
            "label": address(household),
            "block": need["block"],
        }
        if len(found) == RECENT:
            break
    return list(found.values())
