"""A project across contexts: the households the duties have registered at a building, as a
project takes them (their ids, so erasing one erases its answers too; the floor read from the
room number: 502 is on floor 5, 1201 on floor 12)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from web.bootstrap import Services

_ROOM = re.compile(r"^\s*(\d{3,4})")
_MOST = 10_000


def floor_of(room: str) -> int:
    """The floor a room number names (its digits but the last two), or 1 if it names none."""
    found = _ROOM.match(room or "")
    return max(1, int(found.group(1)[:-2])) if found else 1


def registered_households(
    services: Services, community: str, block: str, building: int
) -> list[dict[str, Any]]:
    """The building's households the duties know, not erased, as a project's households."""
    ids, _ = services.duties_view.list_households(community, [block], limit=_MOST, offset=0)
    found = []
    for household_id in ids:
        home = services.duties.get_household(household_id)
        if home["building"] != building or home.get("erased_at") is not None:
            continue
        unit = f"{home['unit']}单元" if home["unit"] else ""
        found.append(
            {
                "household_id": household_id,
                "floor": floor_of(home["room"]),
                "label": f"{unit}{home['room']}",
                "name": "",
                "initiator": False,
            }
        )
    return found
