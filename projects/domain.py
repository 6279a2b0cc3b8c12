"""The Project aggregate: one building's project in one stream — its households and their
consents by round, its team and meetings, the template's steps with their stamps, its money and
its phases. Every event is chained to the one before it; the households' answers, names and
signatures are sealed with each household's key (projects.sealing) and erased with it."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from fractions import Fraction
from typing import Any, ClassVar, Self
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from kernel.checks import Stamp, text
from kernel.community import Community
from projects import ledger, rules
from projects.exceptions import (
    HouseholdsClosedError,
    InvalidProjectInputError,
    ProjectConflictError,
    ProjectNotFoundError,
    StepStateError,
    WrongRoundError,
)
from projects.values import (
    Answer,
    Consent,
    EntryKind,
    LedgerEntry,
    Meeting,
    Phase,
    ProjectHousehold,
    ShareKind,
    StampRecord,
    Step,
    StepSpec,
    StepState,
    TeamMember,
    TeamRole,
    parse,
)
from store.chain import GENESIS, link
from store.commands import CommandEvent


def _text(value: str | None, name: str, *, required: bool = True, limit: int = 4000) -> str:
    return text(value, name, required=required, limit=limit, error=InvalidProjectInputError)


def _day(value: str | date, name: str) -> str:
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    except ValueError:
        raise InvalidProjectInputError(name, f"{name} is a date like 2015-06-01") from None


class Project(Aggregate):
    """A building's resident-led project, from the first consent to its aftercare."""

    chain_head = GENESIS

    class Event(CommandEvent, Aggregate.Event):
        personal: ClassVar[tuple[str, ...]] = ()
        actor: str
        occurred_at: datetime
        chain: str

        def mutate(self, aggregate: Any) -> Any:
            project: Any = super().mutate(aggregate)
            project.chain_head = self.chain
            return project

    def __init__(
        self,
        community: str,
        block: str,
        building: int,
        title: str,
        template_id: UUID,
        template_version: int,
        kind: str,
        threshold: str,
        phases: list[dict[str, Any]],
        steps: list[dict[str, Any]],
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.community, self.block, self.building, self.title = community, block, building, title
        self.template_id, self.template_version, self.kind = template_id, template_version, kind
        self.threshold, self.phases = threshold, phases
        self.steps = {s["step_id"]: Step(StepSpec(**s)) for s in steps}
        self.started_by, self.started_at = actor, occurred_at
        self.households: dict[UUID, ProjectHousehold] = {}
        self.initiators: list[UUID] = []
        self.round = 1
        self.consents: dict[int, dict[UUID, Consent]] = {1: {}}
        self.phase = Phase.CONSENTING
        self.phase_log: list[dict[str, Any]] = [
            {"phase": Phase.CONSENTING.value, "at": occurred_at, "reason": ""}
        ]
        self.team: dict[UUID, TeamMember] = {}
        self.meetings: list[Meeting] = []
        self.entries: list[LedgerEntry] = []
        self.share_rule: dict[str, Any] = {"kind": "equal", "weights": {}, "total_fen": 0}
        self.rota: list[dict[str, Any]] = []

    # --- chained, salted events ---------------------------------------------------------

    @classmethod
    def _create(cls, event_class: Any, *, id: UUID | None = None, **kwargs: Any) -> Self:
        id = id or uuid4()
        kwargs["chain"] = link(
            GENESIS, id, cls.INITIAL_VERSION, event_class.__name__, kwargs["timestamp"], kwargs
        )
        return super()._create(event_class, id=id, **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        if event_class.personal:
            kwargs["salt"] = secrets.token_hex(16)
        kwargs["chain"] = link(
            self.chain_head,
            self.id,
            self.version + 1,
            event_class.__name__,
            kwargs["timestamp"],
            kwargs,
            event_class.personal,
        )
        super().trigger_event(event_class, **kwargs)

    # --- starting ----------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        community: Community,
        *,
        block: str,
        building: int | str,
        title: str,
        template_id: UUID,
        template_version: int,
        kind: str,
        threshold: Fraction,
        phases: list[dict[str, Any]],
        steps: list[dict[str, Any]],
        stamp: Stamp,
        project_id: UUID | None = None,
    ) -> Project:
        return cls._create(
            cls.Started,
            id=project_id,
            community=community.id,
            block=block,
            building=community.building_in_block(block, building),
            title=_text(title, "title", limit=200),
            template_id=template_id,
            template_version=template_version,
            kind=kind,
            threshold=str(threshold),
            phases=phases,
            steps=steps,
            **stamp.event_kwargs(),
        )

    class Started(Event, Aggregate.Created):
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

    # --- households and consents -----------------------------------------------------------

    def add_household(
        self,
        household_id: UUID,
        floor: int,
        label: str,
        name: str,
        initiator: bool,
        stamp: Stamp,
    ) -> None:
        if self.phase is not Phase.CONSENTING:
            raise HouseholdsClosedError("households are added only while the project is consenting")
        if household_id in self.households:
            return
        if not isinstance(floor, int) or isinstance(floor, bool) or not -5 <= floor <= 100:
            raise InvalidProjectInputError("floor", "floor is a whole number")
        self.trigger_event(
            self.HouseholdAdded,
            household_id=household_id,
            floor=floor,
            label=_text(label, "label", required=False, limit=100),
            name=_text(name, "name", required=False, limit=100),
            initiator=bool(initiator),
            **stamp.event_kwargs(),
        )

    class HouseholdAdded(Event):
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

    def household(self, household_id: UUID) -> ProjectHousehold:
        try:
            return self.households[household_id]
        except KeyError:
            raise ProjectNotFoundError(
                f"project {self.id} has no household {household_id}"
            ) from None

    def open_round(self, stamp: Stamp) -> int:
        """Ask every household again, in a new round."""
        if self.phase is not Phase.CONSENTING:
            raise HouseholdsClosedError("a new round of consents opens only while consenting")
        self.trigger_event(self.RoundOpened, round=self.round + 1, **stamp.event_kwargs())
        return self.round

    class RoundOpened(Event):
        round: int

        def apply(self, project: Project) -> None:
            project.round = self.round
            project.consents[self.round] = {}

    def record_consent(
        self,
        household_id: UUID,
        round: int | None,
        answer: str,
        collected_by: str,
        on_paper: bool,
        signatory: str,
        stamp: Stamp,
    ) -> None:
        self.household(household_id)
        if round is not None and round != self.round:
            raise WrongRoundError(f"the project is in round {self.round}, not {round}")
        self.trigger_event(
            self.ConsentRecorded,
            household_id=household_id,
            round=self.round,
            answer=parse(Answer, answer, "answer").value,
            collected_by=_text(collected_by or stamp.actor, "collected_by", limit=150),
            on_paper=bool(on_paper),
            signatory=_text(signatory, "signatory", required=False, limit=100),
            **stamp.event_kwargs(),
        )

    class ConsentRecorded(Event):
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

    def withdraw_consent(self, household_id: UUID, reason: str, stamp: Stamp) -> None:
        """A household takes back its answer; below the threshold before approval, the
        project goes back to consenting — recorded, not silent."""
        self.household(household_id)
        if household_id not in self.consents[self.round]:
            raise ProjectConflictError(f"household {household_id} has no answer in this round")
        self.trigger_event(
            self.ConsentWithdrawn,
            household_id=household_id,
            round=self.round,
            reason=_text(reason, "reason", required=False, limit=500),
            **stamp.event_kwargs(),
        )
        # Before approval (applying), a share below the threshold sends it back, recorded.
        if self.phase is Phase.APPLYING and not self.tally()["met"]:
            self.trigger_event(
                self.PhaseReturned,
                phase=Phase.CONSENTING.value,
                reason=f"a consent was withdrawn: {self.tally()['share']:.0%} "
                f"below the threshold {self.threshold}",
                **stamp.event_kwargs(),
            )

    class ConsentWithdrawn(Event):
        personal = ("reason",)
        salt: str
        household_id: UUID
        round: int
        reason: str

        def apply(self, project: Project) -> None:
            project.consents[self.round].pop(self.household_id, None)

    class PhaseReturned(Event):
        phase: str
        reason: str

        def apply(self, project: Project) -> None:
            project.phase = Phase(self.phase)
            project.phase_log.append(
                {"phase": self.phase, "at": self.occurred_at, "reason": self.reason}
            )

    def tally(self, round: int | None = None) -> dict[str, Any]:
        number = self.round if round is None else round
        return {
            "round": number,
            **rules.tally(self.households, self.consents.get(number, {}), Fraction(self.threshold)),
        }

    # --- phases ------------------------------------------------------------------------

    def reach(self, phase: str, stamp: Stamp) -> None:
        target = parse(Phase, phase, "phase")
        rules.check_next_phase(self.phase, target)
        if target is Phase.APPLYING:
            rules.check_consent(self.tally())
        rules.check_gate(target, self.phases, self.steps)
        self.trigger_event(self.PhaseReached, phase=target.value, **stamp.event_kwargs())

    class PhaseReached(Event):
        phase: str

        def apply(self, project: Project) -> None:
            project.phase = Phase(self.phase)
            project.phase_log.append({"phase": self.phase, "at": self.occurred_at, "reason": ""})

    def _refuse_if_closed(self) -> None:
        if self.phase is Phase.CLOSED:
            raise ProjectConflictError("the project is closed")

    # --- the team, meetings, the rota ------------------------------------------------

    def appoint(
        self,
        member_id: UUID,
        role: str,
        name: str,
        household_id: UUID | None,
        account: str | None,
        stamp: Stamp,
    ) -> None:
        self._refuse_if_closed()
        if household_id is not None:
            self.household(household_id)
        self.trigger_event(
            self.MemberAppointed,
            member_id=member_id,
            role=parse(TeamRole, role, "role").value,
            name=_text(name, "name", limit=100),
            household_id=household_id,
            account=_text(account, "account", required=False, limit=150) or None,
            **stamp.event_kwargs(),
        )

    class MemberAppointed(Event):
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

    def stand_down(self, member_id: UUID, stamp: Stamp) -> None:
        if member_id not in self.team or not self.team[member_id].active:
            raise ProjectNotFoundError(f"no serving team member {member_id}")
        self.trigger_event(self.MemberStoodDown, member_id=member_id, **stamp.event_kwargs())

    class MemberStoodDown(Event):
        member_id: UUID

        def apply(self, project: Project) -> None:
            project.team[self.member_id].active = False

    def hold_meeting(
        self,
        meeting_id: UUID,
        kind: str,
        held_on: str,
        households_present: list[UUID],
        attendees: str,
        minutes: str,
        decisions: str,
        stamp: Stamp,
    ) -> None:
        self._refuse_if_closed()
        for household_id in households_present:
            self.household(household_id)
        self.trigger_event(
            self.MeetingHeld,
            meeting_id=meeting_id,
            kind=_text(kind, "kind", limit=60),
            held_on=_day(held_on, "held_on"),
            households_present=list(dict.fromkeys(households_present)),
            attendees=_text(attendees, "attendees", required=False, limit=1000),
            minutes=_text(minutes, "minutes", required=False),
            decisions=_text(decisions, "decisions", required=False),
            **stamp.event_kwargs(),
        )

    class MeetingHeld(Event):
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

    def set_rota(self, rota: list[dict[str, Any]], stamp: Stamp) -> None:
        clean = []
        for i, duty in enumerate(rota):
            households = [UUID(str(h)) for h in duty.get("households", [])]
            for household_id in households:
                self.household(household_id)
            clean.append(
                {
                    "task": _text(duty.get("task"), f"rota[{i}].task", limit=100),
                    "every": _text(duty.get("every"), f"rota[{i}].every", limit=60),
                    "households": [str(h) for h in households],
                }
            )
        self.trigger_event(self.RotaSet, rota=clean, **stamp.event_kwargs())

    class RotaSet(Event):
        rota: list[dict[str, Any]]

        def apply(self, project: Project) -> None:
            project.rota = list(self.rota)

    # --- steps and their stamps ------------------------------------------------------

    def step(self, step_id: str) -> Step:
        try:
            return self.steps[step_id]
        except KeyError:
            raise ProjectNotFoundError(f"project {self.id} has no step {step_id}") from None

    def start_step(self, step_id: str, stamp: Stamp) -> None:
        self._refuse_if_closed()
        if self.step(step_id).state in (StepState.STARTED, StepState.COMPLETED):
            raise StepStateError(f"step {step_id} is {self.steps[step_id].state.value} already")
        self.trigger_event(self.StepStarted, step_id=step_id, **stamp.event_kwargs())

    class StepStarted(Event):
        step_id: str

        def apply(self, project: Project) -> None:
            step = project.steps[self.step_id]
            step.state, step.blocked_reason = StepState.STARTED, ""
            step.started_on = step.started_on or self.occurred_at.date()

    def obtain_stamp(
        self,
        step_id: str,
        stamp_id: UUID,
        department: str | None,
        on: str,
        reference: str,
        stamp: Stamp,
    ) -> None:
        self._refuse_if_closed()
        step = self.step(step_id)
        if step.state is StepState.COMPLETED:
            raise StepStateError(f"step {step_id} is completed; it takes no more stamps")
        if any(s.stamp_id == stamp_id for s in step.stamps):
            return
        self.trigger_event(
            self.StampObtained,
            step_id=step_id,
            stamp_id=stamp_id,
            department=_text(department or step.spec.department, "department", limit=100),
            on=_day(on, "on"),
            reference=_text(reference, "reference", required=False, limit=200),
            **stamp.event_kwargs(),
        )

    class StampObtained(Event):
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

    def complete_step(self, step_id: str, on: str | None, stamp: Stamp) -> None:
        self._refuse_if_closed()
        step = self.step(step_id)
        if step.state is StepState.COMPLETED:
            raise StepStateError(f"step {step_id} is completed already")
        if len(step.stamps) < step.spec.stamps:
            raise StepStateError(
                f"step {step_id} needs {step.spec.stamps} stamps and has {len(step.stamps)}"
            )
        day = _day(on or stamp.occurred_at.date(), "on")
        self.trigger_event(self.StepCompleted, step_id=step_id, on=day, **stamp.event_kwargs())

    class StepCompleted(Event):
        step_id: str
        on: str

        def apply(self, project: Project) -> None:
            step = project.steps[self.step_id]
            step.state, step.completed_on = StepState.COMPLETED, date.fromisoformat(self.on)
            step.started_on = step.started_on or step.completed_on

    def block_step(self, step_id: str, reason: str, stamp: Stamp) -> None:
        self._refuse_if_closed()
        if self.step(step_id).state is StepState.COMPLETED:
            raise StepStateError(f"step {step_id} is completed; it cannot be blocked")
        self.trigger_event(
            self.StepBlocked,
            step_id=step_id,
            reason=_text(reason, "reason", limit=500),
            **stamp.event_kwargs(),
        )

    class StepBlocked(Event):
        step_id: str
        reason: str

        def apply(self, project: Project) -> None:
            step = project.steps[self.step_id]
            step.state, step.blocked_reason = StepState.BLOCKED, self.reason

    def progress(self) -> dict[str, Any]:
        done = sum(1 for s in self.steps.values() if s.state is StepState.COMPLETED)
        return {
            "steps_done": done,
            "steps_total": len(self.steps),
            "stamps": sum(len(s.stamps) for s in self.steps.values()),
            "stamps_needed": sum(s.spec.stamps for s in self.steps.values()),
            "departments": len({s.department for st in self.steps.values() for s in st.stamps}),
        }

    # --- money -------------------------------------------------------------------------

    def set_share_rule(
        self, kind: str, weights: dict[str, Any], total_fen: int, stamp: Stamp
    ) -> None:
        share = parse(ShareKind, kind, "kind")
        clean = ledger.check_weights(share, weights)
        total = ledger.fen(total_fen, "total_fen")
        ledger.shares(self.households, share, clean, total)  # refuses weights of no household
        self.trigger_event(
            self.ShareRuleSet,
            kind=share.value,
            weights=clean,
            total_fen=total,
            **stamp.event_kwargs(),
        )

    class ShareRuleSet(Event):
        kind: str
        weights: dict[str, int]
        total_fen: int

        def apply(self, project: Project) -> None:
            project.share_rule = {
                "kind": self.kind,
                "weights": dict(self.weights),
                "total_fen": self.total_fen,
            }

    def enter(
        self,
        entry_id: UUID,
        kind: str,
        amount_fen: int,
        household_id: UUID | None,
        payee: str,
        receipt: str,
        on: str,
        stamp: Stamp,
    ) -> None:
        self._refuse_if_closed()
        if any(e.entry_id == entry_id for e in self.entries):
            return
        if household_id is not None:
            self.household(household_id)
        entry = LedgerEntry(
            entry_id,
            parse(EntryKind, kind, "kind"),
            ledger.fen(amount_fen),
            household_id,
            _text(payee, "payee", required=False, limit=200),
            _text(receipt, "receipt", required=False, limit=200),
            date.fromisoformat(_day(on, "on")),
        )
        ledger.check_entry(self.entries, entry)
        self.trigger_event(
            self.LedgerEntered,
            entry_id=entry_id,
            kind=entry.kind.value,
            amount_fen=entry.amount_fen,
            household_id=household_id,
            payee=entry.payee,
            receipt=entry.receipt,
            on=entry.on.isoformat(),
            **stamp.event_kwargs(),
        )

    class LedgerEntered(Event):
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

    def shares(self) -> dict[UUID, int]:
        rule = self.share_rule
        return ledger.shares(
            self.households, ShareKind(rule["kind"]), rule["weights"], rule["total_fen"]
        )

    def ledger_totals(self) -> dict[str, Any]:
        return ledger.totals(self.entries, self.shares())

    # --- the template it makes ---------------------------------------------------------

    def as_template_steps(self) -> list[dict[str, Any]]:
        """The real steps: stamps it took, and days from start to completion."""
        made = []
        for step in self.steps.values():
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
