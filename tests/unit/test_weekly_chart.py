"""The board's weekly chart: bars scaled to the busiest week, inside the drawing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from web.pages.chart import HEIGHT, WIDTH, weekly_chart

START = datetime(2026, 9, 7, tzinfo=UTC)


def flow(counts: list[tuple[int, int]]) -> list[dict[str, object]]:
    return [
        {
            "start": START + timedelta(days=7 * i),
            "end": START + timedelta(days=7 * (i + 1)),
            "logged": logged,
            "resolved": resolved,
        }
        for i, (logged, resolved) in enumerate(counts)
    ]


def test_the_busiest_week_fills_the_plot_and_an_empty_one_draws_nothing() -> None:
    chart = weekly_chart(flow([(0, 0)] * 11 + [(8, 4)]))
    last = chart["weeks"][-1]["bars"]
    assert [bar["value"] for bar in last] == [8, 4]
    assert last[0]["height"] == 2 * last[1]["height"]
    assert last[0]["y"] + last[0]["height"] == chart["baseline"]
    assert all(bar["height"] == 0 for week in chart["weeks"][:-1] for bar in week["bars"])
    assert (chart["logged"], chart["resolved"]) == (8, 4)
    assert [t["value"] for t in chart["ticks"]] == [0, 4, 8]


def test_every_bar_lies_inside_the_drawing() -> None:
    chart = weekly_chart(flow([(i, 12 - i) for i in range(12)]))
    for week in chart["weeks"]:
        for bar in week["bars"]:
            assert bar["x"] >= 0
            assert bar["x"] + bar["width"] <= WIDTH
            assert 0 <= bar["y"] <= HEIGHT
    assert sum(week["labelled"] for week in chart["weeks"]) == 5


def test_no_needs_at_all_still_draws_an_axis() -> None:
    chart = weekly_chart(flow([(0, 0)] * 12))
    assert [t["value"] for t in chart["ticks"]] == [0, 1]
