"""The monthly report of the demo community agrees with the board and the compliance page for
the same period: what is open and overdue now, every need logged, the duties due and done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from duties.values import local_day
from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from tests.integration.test_demo_seed import fresh_store
from web.bootstrap import Services, build_services
from web.demo import seed
from web.operations.report import monthly_report, period_of

COMMUNITY = DEMO_COMMUNITY.id


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    folder: Path = tmp_path_factory.mktemp("demo-report")
    settings = fresh_store(folder)
    now = datetime.now(UTC)
    seed(settings, echo=lambda _: None, now=now)
    services = build_services(settings, clock=ManualClock(now))
    yield services
    services.close()


def test_what_is_open_and_overdue_at_the_end_of_a_period_ending_today_is_the_boards(
    demo: Services,
) -> None:
    now = demo.clock.now()
    today = local_day(now)
    report = monthly_report(demo, COMMUNITY, today - timedelta(days=27), today, None)
    counts = demo.view.counts(COMMUNITY)
    open_now = sum(row["n"] for row in counts if row["status"] != "resolved")
    hours = {c.code: c.first_contact_hours for c in DEMO_COMMUNITY.categories}
    overdue = demo.board.list_overdue_needs(COMMUNITY, hours, now)
    assert report["needs_totals"]["open_at_end"] == open_now > 0
    assert report["needs_totals"]["overdue_at_end"] == len(overdue)
    for cell in report["needs"]:
        key = (cell["block"], cell["category"])
        assert cell["overdue_at_end"] == sum(
            1 for row in overdue if (row["block"], row["category"]) == key
        )


def test_a_period_holding_the_whole_history_counts_every_need_logged_and_resolved(
    demo: Services,
) -> None:
    today = local_day(demo.clock.now())
    report = monthly_report(demo, COMMUNITY, today - timedelta(days=365), today, None)
    counts = demo.view.counts(COMMUNITY)
    assert report["needs_totals"]["logged"] == sum(row["n"] for row in counts)
    resolved = sum(row["n"] for row in counts if row["status"] == "resolved")
    assert report["needs_totals"]["resolved"] == resolved > 0
    assert sum(report["needs_totals"]["outcomes"].values()) == resolved


def test_the_duties_of_a_period_ending_today_are_the_compliance_pages(demo: Services) -> None:
    now = demo.clock.now()
    today = local_day(now)
    first = today - timedelta(days=27)
    report = monthly_report(demo, COMMUNITY, first, today, None)
    compliance = demo.duties_view.compliance(COMMUNITY, period_of(first, today, now).start, now)
    for key in ("due", "on_time", "late", "overdue"):
        assert report["duties_totals"][key] == sum(row[key] for row in compliance), key
    assert report["duties_totals"]["due"] > 0
    by_block = {row["block"]: row["due"] for row in compliance}
    for block in by_block:
        assert sum(r["due"] for r in report["duties"] if r["block"] == block) == by_block[block]


def test_the_partners_referrals_sum_to_the_referrals_sent_in_the_period(demo: Services) -> None:
    today = local_day(demo.clock.now())
    report = monthly_report(demo, COMMUNITY, today - timedelta(days=365), today, None)
    partners = demo.partners.list_partners(COMMUNITY)
    sent = sum(demo.view.list_referrals(p.partner_id, limit=1)[1] for p in partners)
    assert sum(p["referrals"] for p in report["partners"]) == sent > 0
    assert any(p["median_hours_to_answer"] is not None for p in report["partners"])


def test_a_block_leaders_report_is_their_blocks_share_of_the_whole(demo: Services) -> None:
    today = local_day(demo.clock.now())
    first = today - timedelta(days=60)
    whole = monthly_report(demo, COMMUNITY, first, today, None)
    for block in ("B1", "B5"):
        own = monthly_report(demo, COMMUNITY, first, today, [block])
        assert own["blocks"] == [block]
        mine = [c for c in whole["needs"] if c["block"] == block]
        assert own["needs"] == mine
        assert all(p["block"] == block for p in own["projects"])


def test_the_report_names_nobody(demo: Services) -> None:
    today = local_day(demo.clock.now())
    report = monthly_report(demo, COMMUNITY, today - timedelta(days=365), today, None)
    text = repr(report)
    for field in ("resident_name", "contact_phone", "room", "description", "王", "李"):
        assert field not in text


def test_the_follow_ups_of_the_boards_twelve_weeks_are_the_follow_up_boards(
    demo: Services,
) -> None:
    from web.operations.follow_ups import follow_up_board

    now = demo.clock.now()
    board = follow_up_board(demo, COMMUNITY, None, now)
    first = local_day(board["since"])
    report = monthly_report(demo, COMMUNITY, first, local_day(now), None)
    assert [r["block"] for r in report["follow_ups"]] == [r["block"] for r in board["blocks"]]
    for mine, theirs in zip(report["follow_ups"], board["blocks"], strict=True):
        for key in ("resolved", "followed_up", "confirmed_helped", "helped_share"):
            assert mine[key] == theirs[key], (mine["block"], key)
    totals = report["follow_ups_totals"]
    assert totals["followed_up"] == sum(r["followed_up"] for r in board["blocks"]) > 0
    assert totals["followed_up"] == sum(totals["verdicts"].values())
