"""The board's weekly chart as plain SVG geometry: bars of needs logged and resolved per week.
The template draws it; no script and no inline style, so the pages' CSP holds."""

from __future__ import annotations

from typing import Any

WIDTH = 320
HEIGHT = 160
TOP = 12
BOTTOM = 24
LEFT = 24
BAR_GAP = 1


def weekly_chart(flow: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars, axis ticks and the numbers behind them for `flow` (Board.weekly_flow)."""
    highest = max([1, *(max(w["logged"], w["resolved"]) for w in flow)])
    plot = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / max(len(flow), 1)
    bar = (slot - 4) / 2 - BAR_GAP
    weeks = []
    for i, week in enumerate(flow):
        x = LEFT + i * slot + 2
        bars = []
        for j, key in enumerate(("logged", "resolved")):
            height = plot * week[key] / highest
            bars.append(
                {
                    "kind": key,
                    "x": round(x + j * (bar + BAR_GAP), 1),
                    "y": round(TOP + plot - height, 1),
                    "width": round(bar, 1),
                    "height": round(height, 1),
                    "value": week[key],
                }
            )
        weeks.append(
            {
                **week,
                "bars": bars,
                "label_x": round(x + slot / 2 - 2, 1),
                "labelled": i % 3 == 0 or i == len(flow) - 1,
            }
        )
    ticks = sorted({0, highest // 2, highest})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "baseline": TOP + plot,
        "label_y": HEIGHT - 6,
        "weeks": weeks,
        "ticks": [{"value": t, "y": round(TOP + plot - plot * t / highest, 1)} for t in ticks],
        "logged": sum(w["logged"] for w in flow),
        "resolved": sum(w["resolved"] for w in flow),
    }
