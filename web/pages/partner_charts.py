"""A partner's page in pictures, as plain SVG geometry the template draws (no script, no inline
style): the seven blocks as a simple drawn plan with the ones it covers filled, and how it
answered its referrals over 12 weeks."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median
from typing import Any

from kernel.clock import week_start

# The plan: blocks side by side in two rows, as the committee draws its area on the wall.
PLAN_COLUMNS = 4
CELL_WIDTH, CELL_HEIGHT, GAP = 76, 56, 4
WEEKS = 12
CHART_WIDTH, CHART_HEIGHT, TOP, BOTTOM, LEFT = 320, 160, 12, 24, 24
ANSWERS = ("accepted", "declined", "expired")


def block_plan(blocks: list[tuple[str, str]], covered: tuple[str, ...]) -> dict[str, Any]:
    """Cells for the community's blocks ([(code, name)]), each marked covered or not."""
    cells = []
    for i, (code, name) in enumerate(blocks):
        row, column = divmod(i, PLAN_COLUMNS)
        x, y = GAP + column * (CELL_WIDTH + GAP), GAP + row * (CELL_HEIGHT + GAP)
        cells.append(
            {
                "code": code,
                "name": name,
                "covered": "*" in covered or code in covered,
                "x": x,
                "y": y,
                "width": CELL_WIDTH,
                "height": CELL_HEIGHT,
                "label_x": x + CELL_WIDTH / 2,
                "label_y": y + CELL_HEIGHT / 2,
            }
        )
    rows = -(-len(blocks) // PLAN_COLUMNS)
    return {
        "width": GAP + PLAN_COLUMNS * (CELL_WIDTH + GAP),
        "height": GAP + rows * (CELL_HEIGHT + GAP),
        "cells": cells,
    }


def responsiveness(rows: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Per week (Monday first, the last 12): referrals accepted, declined, expired; over the
    whole span, declines by reason, outcomes and the median hours to answer — as bars."""
    first = week_start(now) - timedelta(weeks=WEEKS - 1)
    weeks: list[dict[str, Any]] = [
        {"start": first + timedelta(weeks=i), **dict.fromkeys(ANSWERS, 0)} for i in range(WEEKS)
    ]
    reasons: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    waits: list[float] = []
    for row in rows:
        sent = row["sent_at"]
        if sent < first:
            continue
        week = weeks[min(int((sent - first) / timedelta(weeks=1)), WEEKS - 1)]
        status = "accepted" if row["status"] == "completed" else row["status"]
        if status in ANSWERS:
            week[status] += 1
        if row.get("decline_reason"):
            reasons[row["decline_reason"]] = reasons.get(row["decline_reason"], 0) + 1
        if row.get("outcome"):
            outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + 1
        if row.get("responded_at"):
            waits.append((row["responded_at"] - sent) / timedelta(hours=1))
    return {
        **_bars(weeks),
        "reasons": reasons,
        "outcomes": outcomes,
        "median_hours": round(median(waits), 1) if waits else None,
        "totals": {key: sum(w[key] for w in weeks) for key in ANSWERS},
    }


def _bars(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars, one per week: accepted at the bottom, then declined, then expired."""
    highest = max([1, *(sum(w[k] for k in ANSWERS) for w in weeks)])
    plot = CHART_HEIGHT - TOP - BOTTOM
    slot = (CHART_WIDTH - LEFT) / WEEKS
    for i, week in enumerate(weeks):
        x, base, bars = LEFT + i * slot + 2, TOP + plot, []
        for kind in ANSWERS:
            height = plot * week[kind] / highest
            base -= height
            bars.append(
                {"kind": kind, "x": round(x, 1), "y": round(base, 1), "width": round(slot - 4, 1),
                 "height": round(height, 1), "value": week[kind]}
            )  # fmt: skip
        week.update(bars=bars, label_x=round(x + slot / 2 - 2, 1), labelled=i % 3 == 0)
    ticks = sorted({0, highest // 2, highest})
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": LEFT,
        "baseline": TOP + plot,
        "label_y": CHART_HEIGHT - 6,
        "weeks": weeks,
        "ticks": [{"value": t, "y": round(TOP + plot - plot * t / highest, 1)} for t in ticks],
    }
