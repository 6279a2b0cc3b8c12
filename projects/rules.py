"""The project's rules beside its aggregate: the consent tally against the community's
threshold, the order of phases and the steps each phase waits for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any
from uuid import UUID

from projects.exceptions import (
    ApprovalsIncompleteError,
    ConsentBelowThresholdError,
    PhaseOrderError,
)
from projects.values import PHASES, Answer, Consent, Phase, Step, StepState, parse_threshold


@dataclass(frozen=True)
class ProjectRules:
    """A community's rule for projects: the share of households whose consent lets a project
    apply (100 % unless the committee configured a lower one, such as 2/3)."""

    thresholds: Mapping[str, Fraction]
    default: Fraction = Fraction(1)

    @classmethod
    def from_text(cls, text: str | None) -> ProjectRules:
        """From a setting like "nujiang=2/3,other=1" or "2/3" (every community)."""
        thresholds, default = {}, Fraction(1)
        for part in (text or "").split(","):
            if not part.strip():
                continue
            community, _, share = part.rpartition("=")
            if community.strip():
                thresholds[community.strip()] = parse_threshold(share.strip())
            else:
                default = parse_threshold(share.strip())
        return cls(thresholds, default)

    def threshold(self, community: str, template_default: str | None = None) -> Fraction:
        """The community's rule, or else the template's default, or else 100 %."""
        if community in self.thresholds:
            return self.thresholds[community]
        return parse_threshold(template_default) if template_default else self.default


def tally(
    households: Mapping[UUID, Any], answers: Mapping[UUID, Consent], threshold: Fraction
) -> dict[str, Any]:
    """One round's count: yes, no, abstain, pending, the share that said yes, and whether it
    meets the threshold. Kept when a household's personal data is erased."""
    counts = {a.value: 0 for a in Answer}
    for household_id in households:
        consent = answers.get(household_id)
        if consent is not None:
            counts[consent.answer.value] += 1
    total = len(households)
    share = Fraction(counts["yes"], total) if total else Fraction(0)
    return {
        **counts,
        "pending": total - sum(counts.values()),
        "households": total,
        "share": round(float(share), 4),
        "threshold": str(threshold),
        "met": total > 0 and share >= threshold,
    }


def check_next_phase(current: Phase, target: Phase) -> None:
    """Phases are reached one at a time, in order."""
    if PHASES.index(target) != PHASES.index(current) + 1:
        raise PhaseOrderError(f"the project is {current.value}; it cannot become {target.value}")


def check_consent(count: Mapping[str, Any]) -> None:
    if not count["met"]:
        raise ConsentBelowThresholdError(
            f"{count['yes']} of {count['households']} households consent, below the "
            f"threshold {count['threshold']}: the project cannot apply yet"
        )


def check_gate(target: Phase, phases: list[dict[str, Any]], steps: Mapping[str, Step]) -> None:
    """Every step of the template's phases that come before `target` must be complete."""
    gated = {p["code"] for p in phases if p["before"] == target.value}
    open_steps = [
        s.spec.step_id
        for s in steps.values()
        if s.spec.phase in gated and s.state is not StepState.COMPLETED
    ]
    if open_steps:
        raise ApprovalsIncompleteError(
            f"{len(open_steps)} steps must be complete before {target.value}: "
            + ", ".join(open_steps[:10])
        )
