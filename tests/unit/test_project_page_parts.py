"""What a project's pages compute: money typed in yuan kept in whole fen, and the flow chart's
geometry — a band per phase, a box per step coloured by its state."""

from __future__ import annotations

import pytest
from wtforms.validators import ValidationError

from web.pages.flow_chart import WIDTH, flow_chart
from web.pages.project_forms import yuan_to_fen


@pytest.mark.parametrize(
    ("typed", "fen"), [("1500", 150_000), ("1,500.50", 150_050), (" 0.01 ", 1), ("12.3", 1230)]
)
def test_yuan_as_typed_are_kept_in_whole_fen(typed: str, fen: int) -> None:
    assert yuan_to_fen(typed) == fen


@pytest.mark.parametrize("typed", ["", "0", "-5", "12.345", "1e3", "NaN", "十元", "12345678901"])
def test_an_amount_that_is_not_yuan_and_fen_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        yuan_to_fen(typed)


def test_the_flow_chart_draws_each_phase_with_its_steps_coloured_by_state() -> None:
    phases = [
        {"code": "a", "title": "房管"},
        {"code": "b", "title": "规土", "title_en": "Planning"},
    ]
    steps = [
        {"step_id": f"a-{n}", "phase": "a", "title": "申请", "department": "房管", "state": state}
        for n, state in enumerate(["completed", "started", "blocked", "pending", None])
    ] + [{"step_id": "b-1", "phase": "b", "title": "规划许可证的审批", "department": "规土"}]
    chart = flow_chart(phases, steps)
    assert [b["title_en"] for b in chart["bands"]] == ["房管", "Planning"]
    assert [(b["done"], b["total"]) for b in chart["bands"]] == [(1, 5), (0, 1)]
    assert [b["state"] for b in chart["boxes"]] == [
        "completed",
        "started",
        "blocked",
        "pending",
        "pending",
        "pending",
    ]
    assert chart["counts"] == {"completed": 1, "started": 1, "blocked": 1, "pending": 3}
    assert len(chart["arrows"]) == 1
    assert chart["boxes"][-1]["label"] == "规划许可证…"
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= WIDTH for b in chart["boxes"])
    second_row = chart["boxes"][4]
    assert second_row["y"] > chart["boxes"][0]["y"]
    assert chart["height"] > chart["bands"][1]["y"]
