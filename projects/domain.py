"""The Project aggregate: one building's project in one stream — its households and their
consents by round, its team and meetings, the template's steps with their stamps, its money and
its phases. Every event is chained to the one before it; the households' answers, names and
signatures are sealed with each household's key (projects.sealing) and erased with it. The
events and how they apply are in projects.events; the checks of what commands are given in
projects.inputs."""

from __future__ import annotations

from fractions import Fraction
from typing import Any
from uuid import UUID

from kernel.checks import Stamp
from kernel.community import Community
from projects import events, inputs, ledger, rules, steps
from projects.exceptions import (
    HouseholdsClosedError,
    ProjectConflictError,
    ProjectNotFoundError,
    WrongRoundError,
)
from projects.state import ProjectState
from projects.values import (
    LedgerEntry,
    Phase,
    ProjectHousehold,
    ShareKind,
    Step,
    TeamRole,
    parse,
)


class Project(ProjectState):
    """A building's resident-led project, from the first consent to its aftercare."""

    class Event(events.ProjectEvent):
        """An event of a project: actor, the two clocks and its link in the chain."""

    # Bound here, each is redefined as Project.<Name> and keeps its stored topic.
    Started = events.Started
    HouseholdAdded = events.HouseholdAdded
    RoundOpened = events.RoundOpened
    ConsentRecorded = events.ConsentRecorded
    ConsentWithdrawn = events.ConsentWithdrawn
    PhaseReturned = events.PhaseReturned
    PhaseReached = events.PhaseReached
    MemberAppointed = events.MemberAppointed
    MemberStoodDown = events.MemberStoodDown
    MeetingHeld = events.MeetingHeld
    RotaSet = events.RotaSet
    StepStarted = events.StepStarted
    StampObtained = events.StampObtained
    StepCompleted = events.StepCompleted
    StepBlocked = events.StepBlocked
    ShareRuleSet = events.ShareRuleSet
    LedgerEntered = events.LedgerEntered

    # --- starting, households and consents ----------------------------------------------

    @classmethod
    def start(
        cls,
        community: Community,
        *,
        block: str,
        building: int | str,
        title: str,
        template: dict[str, Any],
        stamp: Stamp,
        project_id: UUID | None = None,
    ) -> Project:
        """A project in a building, from a template version: `template` holds its
        template_id, template_version, kind, threshold, phases and steps."""
        return cls._create(
            cls.Started,
            id=project_id,
            community=community.id,
            block=block,
            building=community.building_in_block(block, building),
            title=inputs.field(title, "title", limit=200),
            **template,
            **stamp.event_kwargs(),
        )

    def add_household(
        self, household_id: UUID, floor: int, label: str, name: str, initiator: bool, stamp: Stamp
    ) -> None:
        if self.phase is not Phase.CONSENTING:
            raise HouseholdsClosedError("households are added only while the project is consenting")
        if household_id in self.households:
            return
        self.trigger_event(
            self.HouseholdAdded,
            household_id=household_id,
            floor=inputs.floor(floor),
            label=inputs.field(label, "label", required=False, limit=100),
            name=inputs.field(name, "name", required=False, limit=100),
            initiator=bool(initiator),
            **stamp.event_kwargs(),
        )

    def household(self, household_id: UUID) -> ProjectHousehold:
        return inputs.found(self.households, household_id, f"project {self.id} has no household")

    def open_round(self, stamp: Stamp) -> int:
        """Ask every household again, in a new round."""
        if self.phase is not Phase.CONSENTING:
            raise HouseholdsClosedError("a new round of consents opens only while consenting")
        self.trigger_event(self.RoundOpened, round=self.round + 1, **stamp.event_kwargs())
        return self.round

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
            **inputs.consent(answer, collected_by or stamp.actor, on_paper, signatory),
            **stamp.event_kwargs(),
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
            reason=inputs.field(reason, "reason", required=False, limit=500),
            **stamp.event_kwargs(),
        )
        if self.phase is Phase.APPLYING and not self.tally()["met"]:
            self.trigger_event(
                self.PhaseReturned,
                phase=Phase.CONSENTING.value,
                reason=f"a consent was withdrawn: {self.tally()['share']:.0%} "
                f"below the threshold {self.threshold}",
                **stamp.event_kwargs(),
            )

    def tally(self, round: int | None = None) -> dict[str, Any]:
        number = self.round if round is None else round
        return {
            "round": number,
            **rules.tally(self.households, self.consents.get(number, {}), Fraction(self.threshold)),
        }

    # --- phases, the team, meetings, the rota -------------------------------------------

    def reach(self, phase: str, stamp: Stamp) -> None:
        target = parse(Phase, phase, "phase")
        rules.check_next_phase(self.phase, target)
        if target is Phase.APPLYING:
            rules.check_consent(self.tally())
        rules.check_gate(target, self.phases, self.steps)
        self.trigger_event(self.PhaseReached, phase=target.value, **stamp.event_kwargs())

    def _refuse_if_closed(self) -> None:
        if self.phase is Phase.CLOSED:
            raise ProjectConflictError("the project is closed")

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
            name=inputs.field(name, "name", limit=100),
            household_id=household_id,
            account=inputs.field(account, "account", required=False, limit=150) or None,
            **stamp.event_kwargs(),
        )

    def stand_down(self, member_id: UUID, stamp: Stamp) -> None:
        if member_id not in self.team or not self.team[member_id].active:
            raise ProjectNotFoundError(f"no serving team member {member_id}")
        self.trigger_event(self.MemberStoodDown, member_id=member_id, **stamp.event_kwargs())

    def hold_meeting(
        self, meeting_id: UUID, present: list[UUID], fields: dict[str, str], stamp: Stamp
    ) -> None:
        """A meeting held; `fields` are kind, held_on, attendees, minutes and decisions."""
        self._refuse_if_closed()
        for household_id in present:
            self.household(household_id)
        self.trigger_event(
            self.MeetingHeld,
            meeting_id=meeting_id,
            households_present=list(dict.fromkeys(present)),
            **inputs.meeting(**fields),
            **stamp.event_kwargs(),
        )

    def set_rota(self, rota: list[dict[str, Any]], stamp: Stamp) -> None:
        clean = inputs.rota(rota, self.household)
        self.trigger_event(self.RotaSet, rota=clean, **stamp.event_kwargs())

    # --- steps and their stamps ------------------------------------------------------

    def step(self, step_id: str) -> Step:
        return inputs.found(self.steps, step_id, f"project {self.id} has no step")

    def start_step(self, step_id: str, stamp: Stamp) -> None:
        self._refuse_if_closed()
        self.step(step_id).check_can_start()
        self.trigger_event(self.StepStarted, step_id=step_id, **stamp.event_kwargs())

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
        if step.check_can_stamp(stamp_id):
            return
        self.trigger_event(
            self.StampObtained,
            step_id=step_id,
            stamp_id=stamp_id,
            **inputs.stamp(department or step.spec.department, on, reference),
            **stamp.event_kwargs(),
        )

    def complete_step(self, step_id: str, on: str | None, stamp: Stamp) -> None:
        self._refuse_if_closed()
        self.step(step_id).check_can_complete()
        day = inputs.day(on or stamp.occurred_at.date(), "on")
        self.trigger_event(self.StepCompleted, step_id=step_id, on=day, **stamp.event_kwargs())

    def block_step(self, step_id: str, reason: str, stamp: Stamp) -> None:
        self._refuse_if_closed()
        self.step(step_id).check_can_block()
        reason = inputs.field(reason, "reason", limit=500)
        self.trigger_event(self.StepBlocked, step_id=step_id, reason=reason, **stamp.event_kwargs())

    def progress(self) -> dict[str, Any]:
        return steps.progress(self.steps)

    def as_template_steps(self) -> list[dict[str, Any]]:
        """The real steps: stamps it took, and days from start to completion."""
        return steps.as_template_steps(self.steps)

    # --- money -------------------------------------------------------------------------

    def set_share_rule(
        self, kind: str, weights: dict[str, Any], total_fen: int, stamp: Stamp
    ) -> None:
        share = parse(ShareKind, kind, "kind")
        rule = ledger.rule(self.households, share, weights, total_fen)
        self.trigger_event(self.ShareRuleSet, **rule, **stamp.event_kwargs())

    def enter(self, entry: LedgerEntry, stamp: Stamp) -> None:
        """A ledger entry (its fields checked by projects.inputs.entry), once."""
        self._refuse_if_closed()
        if any(e.entry_id == entry.entry_id for e in self.entries):
            return
        if entry.household_id is not None:
            self.household(entry.household_id)
        ledger.check_entry(self.entries, entry)
        fields = inputs.entry_fields(entry)
        self.trigger_event(self.LedgerEntered, **fields, **stamp.event_kwargs())

    def shares(self) -> dict[UUID, int]:
        rule = self.share_rule
        return ledger.shares(
            self.households, ShareKind(rule["kind"]), rule["weights"], rule["total_fen"]
        )

    def ledger_totals(self) -> dict[str, Any]:
        return ledger.totals(self.entries, self.shares())
