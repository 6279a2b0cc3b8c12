"""How a project and a template read: plain data for the web layer — the project with its
consent tally per round, its progress, its ledger and its team; its history, event by event;
the stamp table a committee hands on."""

from __future__ import annotations

from enum import Enum
from typing import Any
from uuid import UUID

from projects.domain import Project
from projects.template import ProjectTemplate
from store.chain import Erased


def plain(value: Any) -> Any:
    """A value as plain data: erased text as None, codes and ids as text (times stay times)."""
    if isinstance(value, Erased):
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def describe_project(project: Project) -> dict[str, Any]:
    rounds = sorted(project.consents)
    households = [
        {
            "household_id": h.household_id,
            "floor": h.floor,
            "label": h.label,
            "name": h.name,
            "initiator": h.household_id in project.initiators,
            "answer": _answer(project, h.household_id),
        }
        for h in sorted(project.households.values(), key=lambda h: (-h.floor, str(h.label)))
    ]
    return plain(  # type: ignore[no-any-return]
        {
            "id": project.id,
            "version": project.version,
            "community": project.community,
            "block": project.block,
            "building": project.building,
            "title": project.title,
            "kind": project.kind,
            "template": {"id": project.template_id, "version": project.template_version},
            "phase": project.phase,
            "phases": project.phase_log,
            "threshold": project.threshold,
            "round": project.round,
            "consents": [project.tally(r) for r in rounds],
            "households": households,
            "team": [
                {
                    "member_id": m.member_id,
                    "role": m.role,
                    "name": m.name,
                    "household_id": m.household_id,
                    "account": m.account,
                    "active": m.active,
                }
                for m in project.team.values()
            ],
            "meetings": {
                "count": len(project.meetings),
                "last": project.meetings[-1].held_on if project.meetings else None,
            },
            "progress": project.progress(),
            "share_rule": project.share_rule,
            "ledger": project.ledger_totals(),
            "rota": project.rota,
            "started_at": project.started_at,
            "started_by": project.started_by,
        }
    )


def _answer(project: Project, household_id: UUID) -> str | None:
    consent = project.consents.get(project.round, {}).get(household_id)
    return consent.answer.value if consent else None


def describe_steps(project: Project) -> list[dict[str, Any]]:
    """The stamp table: every step by phase, its department, stamps and dates."""
    return plain(  # type: ignore[no-any-return]
        [
            {
                "step_id": s.spec.step_id,
                "phase": s.spec.phase,
                "department": s.spec.department,
                "title": s.spec.title,
                "stamps_needed": s.spec.stamps,
                "evidence": s.spec.evidence,
                "state": s.state,
                "started_on": s.started_on,
                "completed_on": s.completed_on,
                "blocked_reason": s.blocked_reason,
                "stamps": [
                    {
                        "stamp_id": r.stamp_id,
                        "department": r.department,
                        "on": r.on,
                        "reference": r.reference,
                    }
                    for r in s.stamps
                ],
            }
            for s in project.steps.values()
        ]
    )


def describe_meetings(project: Project) -> list[dict[str, Any]]:
    return plain(  # type: ignore[no-any-return]
        [
            {
                "meeting_id": m.meeting_id,
                "kind": m.kind,
                "held_on": m.held_on,
                "households_present": len(m.households_present),
                "attendees": m.attendees,
                "minutes": m.minutes,
                "decisions": m.decisions,
            }
            for m in project.meetings
        ]
    )


def describe_entries(project: Project) -> list[dict[str, Any]]:
    return plain(  # type: ignore[no-any-return]
        [
            {
                "entry_id": e.entry_id,
                "kind": e.kind,
                "amount_fen": e.amount_fen,
                "household_id": e.household_id,
                "payee": e.payee,
                "receipt": e.receipt,
                "on": e.on,
            }
            for e in project.entries
        ]
    )


_NOT_SHOWN = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "salt",
    "occurred_at",
    "actor",
    "chain",
    "command_id",
    "steps",
    "phases",
}


def describe_event(event: Any) -> dict[str, Any]:
    """One event of a project's history: its kind, who, the two clocks, what it said."""
    return plain(  # type: ignore[no-any-return]
        {
            "version": event.originator_version,
            "type": type(event).__name__,
            "actor": event.actor,
            "occurred_at": event.occurred_at,
            "recorded_at": event.timestamp,
            "chain": event.chain,
            "data": {k: v for k, v in event.__dict__.items() if k not in _NOT_SHOWN},
        }
    )


def describe_template(template: ProjectTemplate, number: int | None = None) -> dict[str, Any]:
    content = template.version_of(number)
    return plain(  # type: ignore[no-any-return]
        {
            "id": template.id,
            "kind": template.kind,
            "version": content["number"],
            "versions": len(template.versions),
            "name": content["name"],
            "threshold": content["threshold"],
            "made_from": content["made_from"],
            "note": content["note"],
            "phases": content["phases"],
            "steps": content["steps"],
            "steps_total": len(content["steps"]),
            "stamps_total": sum(s["stamps"] for s in content["steps"]),
            "updated_at": content["at"],
        }
    )
