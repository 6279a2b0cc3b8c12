"""The demo's three fives on a real SQLite store: every demo leader's "today" shows something,
the compliance board has four weeks of history, and seeding again adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from duties.values import day_end, local_day
from kernel.community import DEMO_COMMUNITY
from tests.integration.test_demo_seed import fresh_store
from web.bootstrap import Services, build_services
from web.demo import seed


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, datetime, Path]]:
    folder = tmp_path_factory.mktemp("demo-duties")
    settings = fresh_store(folder)
    now = datetime.now(UTC)
    seed(settings, echo=lambda _: None, now=now)
    services = build_services(settings)
    yield services, now, folder
    services.close()


def test_every_demo_leader_has_a_duty_due_or_overdue_today(seeded) -> None:
    services, now, _ = seeded
    for block in DEMO_COMMUNITY.blocks:
        rows, total = services.duties_view.list_duties(
            DEMO_COMMUNITY.id, [block.code], "today", now, day_end(local_day(now))
        )
        assert total >= 1, block.code
        assert all(row["due_at"] <= day_end(local_day(now)) for row in rows)


def test_the_compliance_board_has_duties_done_on_time_done_late_and_overdue(seeded) -> None:
    services, now, _ = seeded
    rows = services.duties_view.compliance(DEMO_COMMUNITY.id, now - timedelta(weeks=4), now)
    assert [row["block"] for row in rows] == [b.code for b in DEMO_COMMUNITY.blocks]
    for key in ("on_time", "late", "overdue"):
        assert sum(row[key] for row in rows) > 0, key


def test_no_duty_was_recorded_after_the_seed_was_run(seeded) -> None:
    services, now, _ = seeded
    rows, _ = services.duties_view.list_duties(DEMO_COMMUNITY.id, None, "all", now, now)
    assert all(row["fell_due_at"] <= now for row in rows)


def test_seeding_again_adds_no_household(seeded) -> None:
    services, now, _ = seeded
    before = services.duties_view.list_households(DEMO_COMMUNITY.id, None, 1, 0)[1]
    lines: list[str] = []
    seed(services.settings, echo=lines.append, now=now + timedelta(minutes=1))
    assert services.duties_view.list_households(DEMO_COMMUNITY.id, None, 1, 0)[1] == before
    assert "households: already there, none added" in lines
