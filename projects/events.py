"""What happens to a project: the Project aggregate's events, each with its fields and how it
applies. The aggregate (projects.domain) binds each of them as a nested class, so they are
stored under their topics there (`projects.domain:Project.Started`, …), as they always were."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from projects.values import (
    Answer,
    Consent,
    EntryKind,
    LedgerEntry,
    Meeting,
    Phase,
    ProjectHousehold,
    StampRecord,
    StepState,
    TeamMember,
    TeamRole,
)
from store.commands import CommandEvent

if TYPE_CHECKING:
    from projects.domain import Project


class ProjectEvent(CommandEvent, Aggregate.Event):
    """Who did it and when, and the link to the event before it in the project's chain."""

    personal: ClassVar[tuple[str, ...]] = ()
    actor: str
    occurred_at: datetime
    chain: str

    def mutate(self, aggregate: Any) -> Any:
        project: Any = super().mutate(aggregate)
        project.chain_head = self.chain
        return project


class Started(ProjectEvent, Aggregate.Created):
    community: str
    block: str
    building: int
    title: str
    template_id: UUID
    template_version: int
    kind: str
    threshold: str
    phases: list[dict[str, Any]]
    steps: list[dict[str, Any]]


class HouseholdAdded(ProjectEvent):
    personal = ("label", "name")
    salt: str
    household_id: UUID
    floor: int
    label: str
    name: str
    initiator: bool

    def apply(self, project: Project) -> None:
        project.households[self.household_id] = ProjectHousehold(
            self.household_id, self.floor, self.label, self.name
        )
        if self.initiator:
            project.initiators.append(self.household_id)


class RoundOpened(ProjectEvent):
    round: int

    def apply(self, project: Project) -> None:
        project.round = self.round
        project.consents[self.round] = {}


class ConsentRecorded(ProjectEvent):
    personal = ("signatory",)
    salt: str
    household_id: UUID
    round: int
    answer: str
    collected_by: str
    on_paper: bool
    signatory: str

    def apply(self, project: Project) -> None:
        project.consents.setdefault(self.round, {})[self.household_id] = Consent(
            self.round,
            Answer(self.answer),
            self.collected_by,
            self.on_paper,
            self.signatory,
            self.occurred_at,
        )


class ConsentWithdrawn(ProjectEvent):
    personal = ("reason",)
    salt: str
    household_id: UUID
    round: int
    reason: str

    def apply(self, project: Project) -> None:
        project.consents[self.round].pop(self.household_id, None)


class PhaseReturned(ProjectEvent):
    phase: str
    reason: str

    def apply(self, project: Project) -> None:
        project.phase = Phase(self.phase)
        project.phase_log.append(
            {"phase": self.phase, "at": self.occurred_at, "reason": self.reason}
        )


class PhaseReached(ProjectEvent):
    phase: str

    def apply(self, project: Project) -> None:
        project.phase = Phase(self.phase)
        project.phase_log.append({"phase": self.phase, "at": self.occurred_at, "reason": ""})


class MemberAppointed(ProjectEvent):
    personal = ("name",)
    salt: str
    member_id: UUID
    role: str
    name: str
    household_id: UUID | None
    account: str | None

    def apply(self, project: Project) -> None:
        project.team[self.member_id] = TeamMember(
            self.member_id, TeamRole(self.role), self.name, self.household_id, self.account
        )


class MemberStoodDown(ProjectEvent):
    member_id: UUID

    def apply(self, project: Project) -> None:
        project.team[self.member_id].active = False


class MeetingHeld(ProjectEvent):
    meeting_id: UUID
    kind: str
    held_on: str
    households_present: list[UUID]
    attendees: str
    minutes: str
    decisions: str

    def apply(self, project: Project) -> None:
        project.meetings.append(
            Meeting(
                self.meeting_id,
                self.kind,
                date.fromisoformat(self.held_on),
                list(self.households_present),
                self.attendees,
                self.minutes,
                self.decisions,
            )
        )


class RotaSet(ProjectEvent):
    rota: list[dict[str, Any]]

    def apply(self, project: Project) -> None:
        project.rota = list(self.rota)


class StepStarted(ProjectEvent):
    step_id: str

    def apply(self, project: Project) -> None:
        step = project.steps[self.step_id]
        step.state, step.blocked_reason = StepState.STARTED, ""
        step.started_on = step.started_on or self.occurred_at.date()


class StampObtained(ProjectEvent):
    step_id: str
    stamp_id: UUID
    department: str
    on: str
    reference: str

    def apply(self, project: Project) -> None:
        step = project.steps[self.step_id]
        on = date.fromisoformat(self.on)
        step.stamps.append(StampRecord(self.stamp_id, self.department, on, self.reference))
        if step.state is not StepState.STARTED:
            step.state, step.blocked_reason = StepState.STARTED, ""
        step.started_on = min(step.started_on or on, on)


class StepCompleted(ProjectEvent):
    step_id: str
    on: str

    def apply(self, project: Project) -> None:
        step = project.steps[self.step_id]
        step.state, step.completed_on = StepState.COMPLETED, date.fromisoformat(self.on)
        step.started_on = step.started_on or step.completed_on


class StepBlocked(ProjectEvent):
    step_id: str
    reason: str

    def apply(self, project: Project) -> None:
        step = project.steps[self.step_id]
        step.state, step.blocked_reason = StepState.BLOCKED, self.reason


class ShareRuleSet(ProjectEvent):
    kind: str
    weights: dict[str, int]
    total_fen: int

    def apply(self, project: Project) -> None:
        project.share_rule = {
            "kind": self.kind,
            "weights": dict(self.weights),
            "total_fen": self.total_fen,
        }


class LedgerEntered(ProjectEvent):
    entry_id: UUID
    kind: str
    amount_fen: int
    household_id: UUID | None
    payee: str
    receipt: str
    on: str

    def apply(self, project: Project) -> None:
        project.entries.append(
            LedgerEntry(
                self.entry_id,
                EntryKind(self.kind),
                self.amount_fen,
                self.household_id,
                self.payee,
                self.receipt,
                date.fromisoformat(self.on),
            )
        )
