"""A project's steps read together: its progress, and the real steps a template is made of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projects.values import Step, StepState


def progress(steps: Mapping[str, Step]) -> dict[str, Any]:
    """Steps done of all, stamps obtained of those needed, departments that stamped."""
    return {
        "steps_done": sum(1 for s in steps.values() if s.state is StepState.COMPLETED),
        "steps_total": len(steps),
        "stamps": sum(len(s.stamps) for s in steps.values()),
        "stamps_needed": sum(s.spec.stamps for s in steps.values()),
        "departments": len({s.department for st in steps.values() for s in st.stamps}),
    }


def as_template_steps(steps: Mapping[str, Step]) -> list[dict[str, Any]]:
    """The real steps: stamps each took, and days from start to completion."""
    made = []
    for step in steps.values():
        days = None
        if step.started_on and step.completed_on:
            days = (step.completed_on - step.started_on).days
        made.append(
            {
                "step_id": step.spec.step_id,
                "phase": step.spec.phase,
                "department": step.spec.department,
                "title": step.spec.title,
                "stamps": max(step.spec.stamps, len(step.stamps)),
                "evidence": step.spec.evidence,
                "days": days,
            }
        )
    return made
