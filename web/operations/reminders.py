"""The reminders of a block leader: what the API lists and the daily digest mails."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from web.bootstrap import Services


def reminders_for(
    services: Services, community: str, blocks: list[str] | None, now: datetime
) -> list[dict[str, Any]]:
    """What needs the leader of these blocks (None: every block) in the community."""
    menu = services.needs.community(community)
    hours = {c.code: c.first_contact_hours for c in menu.categories}
    return services.board.list_reminders(community, hours, now, blocks=blocks)
