"""A template's flow chart as plain SVG geometry: its phases from top to bottom, each a band
with its steps as boxes, an arrow from one phase to the next; each box coloured by its step's
state (done, in progress, blocked, not started). The template draws it (pages/flow_chart.html);
the colours are the stylesheet's, so the pages' CSP holds."""

from __future__ import annotations

from typing import Any

WIDTH = 344
COLUMNS = 4
GAP = 4
BAND = 26
BOX = 36
ARROW = 16
LABEL = 6  # characters of a step's title shown in its box (the whole title is its tooltip)
STATES = ("completed", "started", "blocked", "pending")


def flow_chart(phases: list[dict[str, Any]], steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Bands and boxes for `phases` (code, title) and `steps` (step_id, phase, title,
    department, and their `state` when a project's: a template's steps are not started)."""
    width = (WIDTH - GAP * (COLUMNS + 1)) / COLUMNS
    bands, boxes, arrows, y = [], [], [], 0.0
    for number, phase in enumerate(phases):
        if number:
            arrows.append({"x": WIDTH / 2, "y": y, "height": ARROW})
            y += ARROW
        mine = [s for s in steps if s["phase"] == phase["code"]]
        rows = max(1, -(-len(mine) // COLUMNS))
        height = BAND + rows * (BOX + GAP) + GAP
        done = sum(1 for s in mine if s.get("state") == "completed")
        bands.append(
            {
                "y": y,
                "height": height,
                "title": phase["title"],
                "title_en": phase.get("title_en") or phase["title"],
                "done": done,
                "total": len(mine),
            }
        )
        for i, step in enumerate(mine):
            row, column = divmod(i, COLUMNS)
            state = step.get("state") or "pending"
            title = str(step["title"])
            boxes.append(
                {
                    "x": GAP + column * (width + GAP),
                    "y": y + BAND + GAP + row * (BOX + GAP),
                    "width": width,
                    "height": BOX,
                    "step_id": step["step_id"],
                    "state": state if state in STATES else "pending",
                    "label": title if len(title) <= LABEL else title[: LABEL - 1] + "…",
                    "title": title,
                    "department": step["department"],
                }
            )
        y += height
    counts = {state: sum(1 for b in boxes if b["state"] == state) for state in STATES}
    return {
        "width": WIDTH,
        "height": y,
        "bands": bands,
        "boxes": boxes,
        "arrows": arrows,
        "counts": counts,
    }
