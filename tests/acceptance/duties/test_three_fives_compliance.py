"""Steps of features/secretary/three_fives_compliance.feature; the shared ones are in this
folder's conftest.py."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from pytest_bdd import given, parsers, scenarios, then

from kernel.clock import ManualClock
from kernel.community import Community
from tests.acceptance.support import USER
from web.bootstrap import Services

scenarios("secretary/three_fives_compliance.feature")


@given(parsers.re(USER + r" has visited within (?P<days>\d+) days?"))
def visited_within(
    services: Services, clock: ManualClock, duty: UUID, username: str, days: str
) -> None:
    clock.advance(days=int(days))
    services.duties.discharge_duty(duty, "已探望", actor=username)


def board(services: Services, community: Community) -> dict[str, dict[str, int]]:
    now = services.clock.now()
    rows = services.duties_view.compliance(community.id, now - timedelta(weeks=4), now)
    return {row["block"]: row for row in rows}


@then(
    parsers.re(
        r"the compliance board shows for (?P<block>B\d+): (?P<due>\d+) due, (?P<on_time>\d+) "
        r"on time, (?P<late>\d+) late, (?P<overdue>\d+) overdue"
    )
)
def board_shows(
    services: Services,
    community: Community,
    block: str,
    due: str,
    on_time: str,
    late: str,
    overdue: str,
) -> None:
    row = board(services, community)[block]
    counts = (row["due"], row["on_time"], row["late"], row["overdue"])
    assert counts == (int(due), int(on_time), int(late), int(overdue))


@then(parsers.re(r"the compliance board shows nothing for (?P<block>B\d+)"))
def board_empty(services: Services, community: Community, block: str) -> None:
    assert block not in board(services, community)
