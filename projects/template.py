"""The ProjectTemplate aggregate: a kind of project (a lift retrofit, a roof, a bike shed), its
phases in order and its steps, each with the department that signs it, how many stamps it
needs and what evidence it wants. Each edit is a new version; a project keeps the version it
started from. The built-in lift template is the committee's flow chart (lift_template.json)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from kernel.checks import Stamp, text
from projects.exceptions import InvalidProjectInputError, TemplateNotFoundError
from projects.values import PHASES, PhaseSpec, StepSpec, parse_threshold
from store.commands import CommandEvent

BUILTIN = UUID("5d1f0b8e-7a43-4c2e-9f61-1a2b3c4d5e6f")
LIFT_TEMPLATE = Path(__file__).with_name("lift_template.json")
_GATES = {p.value for p in PHASES[1:]}


def builtin_lift() -> dict[str, Any]:
    """The committee's flow chart of a lift retrofit, as a template's content."""
    data: dict[str, Any] = json.loads(LIFT_TEMPLATE.read_text(encoding="utf-8"))
    return data


def builtin_id(kind: str) -> UUID:
    """The fixed id of a built-in template, so init-db and seed-demo make it once."""
    return uuid5(BUILTIN, kind)


def checked_content(
    phases: list[dict[str, Any]], steps: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The phases and steps as plain data, each field checked."""
    if not phases:
        raise InvalidProjectInputError("phases", "a template needs at least one phase")
    clean_phases, codes = [], set()
    for i, phase in enumerate(phases):
        code = text(
            phase.get("code"), f"phases[{i}].code", limit=40, error=InvalidProjectInputError
        )
        before = str(phase.get("before") or "building")
        if code in codes or before not in _GATES:
            raise InvalidProjectInputError(
                f"phases[{i}]", "phase codes are unique; before names a project phase"
            )
        codes.add(code)
        title = text(
            phase.get("title"), f"phases[{i}].title", limit=100, error=InvalidProjectInputError
        )
        clean_phases.append(
            {
                "code": code,
                "title": title,
                "title_en": str(phase.get("title_en") or title)[:100],
                "before": before,
            }
        )
    clean_steps, ids = [], set()
    for i, step in enumerate(steps):
        where = f"steps[{i}]"
        step_id = text(
            step.get("step_id"), f"{where}.step_id", limit=40, error=InvalidProjectInputError
        )
        stamps = step.get("stamps", 1)
        if step_id in ids or step.get("phase") not in codes:
            raise InvalidProjectInputError(where, "step ids are unique; a step names its phase")
        if not isinstance(stamps, int) or isinstance(stamps, bool) or not 0 <= stamps <= 50:
            raise InvalidProjectInputError(f"{where}.stamps", "stamps is a whole number 0–50")
        ids.add(step_id)
        days = step.get("days")
        clean_steps.append(
            {
                "step_id": step_id,
                "phase": step["phase"],
                "department": text(
                    step.get("department"),
                    f"{where}.department",
                    limit=100,
                    error=InvalidProjectInputError,
                ),
                "title": text(
                    step.get("title"), f"{where}.title", limit=200, error=InvalidProjectInputError
                ),
                "stamps": stamps,
                "evidence": text(
                    step.get("evidence"),
                    f"{where}.evidence",
                    required=False,
                    limit=200,
                    error=InvalidProjectInputError,
                ),
                "days": days if isinstance(days, int) and not isinstance(days, bool) else None,
            }
        )
    return clean_phases, clean_steps


class ProjectTemplate(Aggregate):
    """A reusable plan of a project, in versions."""

    class Event(CommandEvent, Aggregate.Event):
        actor: str
        occurred_at: datetime

    def __init__(
        self,
        kind: str,
        name: str,
        threshold: str,
        phases: list[dict[str, Any]],
        steps: list[dict[str, Any]],
        made_from: str | None,
        note: str,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.versions: list[dict[str, Any]] = []
        self._add_version(
            {
                "kind": kind,
                "name": name,
                "threshold": threshold,
                "phases": phases,
                "steps": steps,
                "made_from": made_from,
                "note": note,
                "actor": actor,
                "occurred_at": occurred_at,
            }
        )

    def _add_version(self, content: dict[str, Any]) -> None:
        self.kind = content["kind"]
        self.versions.append(
            {
                "number": len(self.versions) + 1,
                "name": content["name"],
                "threshold": content["threshold"],
                "phases": content["phases"],
                "steps": content["steps"],
                "made_from": content.get("made_from"),
                "note": content.get("note", ""),
                "at": content["occurred_at"],
                "by": content["actor"],
            }
        )

    @classmethod
    def make(
        cls,
        *,
        kind: str,
        name: str,
        threshold: str,
        phases: list[dict[str, Any]],
        steps: list[dict[str, Any]],
        stamp: Stamp,
        template_id: UUID | None = None,
        made_from: str | None = None,
    ) -> ProjectTemplate:
        """A new template, at version 1."""
        clean_phases, clean_steps = checked_content(phases, steps)
        return cls._create(
            cls.Created,
            id=template_id,
            kind=text(kind, "kind", limit=40, error=InvalidProjectInputError),
            name=text(name, "name", limit=200, error=InvalidProjectInputError),
            threshold=str(parse_threshold(threshold)),
            phases=clean_phases,
            steps=clean_steps,
            made_from=made_from,
            note="",
            **stamp.event_kwargs(),
        )

    class Created(Event, Aggregate.Created):
        kind: str
        name: str
        threshold: str
        phases: list[dict[str, Any]]
        steps: list[dict[str, Any]]
        made_from: str | None
        note: str

    def revise(
        self,
        *,
        name: str | None,
        threshold: str | None,
        phases: list[dict[str, Any]] | None,
        steps: list[dict[str, Any]] | None,
        note: str,
        stamp: Stamp,
        made_from: str | None = None,
    ) -> int:
        """A new version: what is not given stays as the newest version has it."""
        newest = self.versions[-1]
        clean_phases, clean_steps = checked_content(
            phases if phases is not None else newest["phases"],
            steps if steps is not None else newest["steps"],
        )
        self.trigger_event(
            self.Revised,
            kind=self.kind,
            name=text(name or newest["name"], "name", limit=200, error=InvalidProjectInputError),
            threshold=str(parse_threshold(threshold or newest["threshold"])),
            phases=clean_phases,
            steps=clean_steps,
            made_from=made_from,
            note=text(note, "note", required=False, error=InvalidProjectInputError),
            **stamp.event_kwargs(),
        )
        return len(self.versions)

    class Revised(Event):
        kind: str
        name: str
        threshold: str
        phases: list[dict[str, Any]]
        steps: list[dict[str, Any]]
        made_from: str | None
        note: str

        def apply(self, template: ProjectTemplate) -> None:
            template._add_version(dict(self.__dict__))

    def version_of(self, number: int | None) -> dict[str, Any]:
        """A version's content (the newest without a number)."""
        if number is None:
            return self.versions[-1]
        if not 1 <= number <= len(self.versions):
            raise TemplateNotFoundError(f"template {self.id} has no version {number}")
        return self.versions[number - 1]


def phase_specs(version: dict[str, Any]) -> list[PhaseSpec]:
    return [PhaseSpec(**p) for p in version["phases"]]


def step_specs(version: dict[str, Any]) -> list[StepSpec]:
    return [StepSpec(**s) for s in version["steps"]]
