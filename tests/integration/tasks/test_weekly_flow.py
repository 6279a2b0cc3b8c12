"""Board.weekly_flow: needs logged and resolved in each of the last twelve weeks, on both stores."""

from __future__ import annotations

from datetime import timedelta

from kernel.community import DEMO_COMMUNITY


def test_needs_are_counted_in_the_week_they_were_logged_and_resolved(running, log_need, clock):
    start = clock.now()
    old = log_need(category="emergency")  # 13 weeks before "now": outside the chart
    clock.advance(days=7 * 12, hours=1)
    early = log_need(category="hardship")
    clock.advance(days=8)
    log_need(category="mediation")
    running.needs.resolve(early, "helped", "", actor="leader3")
    running.needs.resolve(old, "helped", "", actor="leader3")
    now = clock.now()
    flow = running.board.weekly_flow(DEMO_COMMUNITY.id, now)
    assert len(flow) == 12
    assert flow[-1]["end"] == now
    assert flow[0]["start"] == now - timedelta(days=84)
    assert flow[0]["start"] > start
    assert sum(w["logged"] for w in flow) == 2
    assert sum(w["resolved"] for w in flow) == 2
    assert flow[-1] == {**flow[-1], "logged": 1, "resolved": 2}
    assert flow[-2]["logged"] == 1


def test_an_empty_community_has_twelve_empty_weeks(running, clock):
    flow = running.board.weekly_flow("nobody", clock.now())
    assert [(w["logged"], w["resolved"]) for w in flow] == [(0, 0)] * 12
