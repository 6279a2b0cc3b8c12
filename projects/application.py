"""The Projects application: templates and projects in one event store. Each command loads an
aggregate, calls it and saves it, retried on a clash where it commutes; a command sent again
with its Idempotency-Key finds its events in the stream and is not run twice. Queries return
plain data (projects.views)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from typing import Any, cast
from uuid import UUID, uuid4, uuid5

from eventsourcing.persistence import IntegrityError

from kernel.checks import Stamp
from projects import inputs
from projects.domain import Project
from projects.exceptions import InvalidProjectInputError, ProjectNotFinishedError
from projects.template_commands import TemplateCommands
from projects.values import Phase
from store.commands import CommandKey


class Projects(TemplateCommands):
    """Resident-led projects and the templates they start from: the commands (queries and
    the store they read are projects.project_store)."""

    # --- projects ----------------------------------------------------------------------

    def start_project(
        self,
        *,
        community: str,
        block: str,
        building: int | str,
        title: str,
        template_id: UUID,
        template_version: int | None = None,
        actor: str,
        households: list[dict[str, Any]] | None = None,
        occurred_at: datetime | None = None,
        key: CommandKey | None = None,
    ) -> UUID:
        """Start a project from a template version, with its households (each given by
        its id, or else by its floor and label: unit and room)."""
        project_id = key.makes("project") if key else uuid4()
        if self._exists(project_id):
            return project_id
        template = self._template(template_id)
        content = template.version_of(template_version)
        where = self.community(community)
        stamp = self.stamp(actor, occurred_at, key)
        project = Project.start(
            where,
            block=block,
            building=building,
            title=title,
            template={
                "template_id": template_id,
                "template_version": content["number"],
                "kind": template.kind,
                "threshold": str(self.threshold(community, content["threshold"])),
                "phases": content["phases"],
                "steps": content["steps"],
            },
            stamp=stamp,
            project_id=project_id,
        )
        for household in households or []:
            self._add(project, household, stamp)
        try:
            self.save(project)
        except IntegrityError:
            if key is None:
                raise
        return project_id

    def threshold(self, community: str, template_default: str | None) -> Fraction:
        return self.rules.threshold(community, template_default)

    @staticmethod
    def _add(project: Project, household: Mapping[str, Any], stamp: Stamp) -> UUID:
        given = household.get("household_id")
        label = str(household.get("label") or "")
        floor = household.get("floor")
        if given is None and not label:
            raise InvalidProjectInputError(
                "label", "a household is given by its id or its unit and room"
            )
        household_id = UUID(str(given)) if given else uuid5(project.id, f"{floor}:{label}")
        project.add_household(
            household_id,
            cast(int, floor),
            label,
            str(household.get("name") or ""),
            bool(household.get("initiator")),
            stamp,
        )
        return household_id

    def add_household(
        self, project_id: UUID, household: Mapping[str, Any], *, actor: str, **opts: Any
    ) -> UUID:
        return self._update(
            project_id,
            lambda p, s: self._add(p, household, s),
            actor,
            repeated=lambda p: self._add_id(p, household),
            **opts,
        )

    @staticmethod
    def _add_id(project: Project, household: Mapping[str, Any]) -> UUID:
        given = household.get("household_id")
        return (
            UUID(str(given))
            if given
            else uuid5(project.id, f"{household.get('floor')}:{household.get('label')}")
        )

    def record_consent(
        self,
        project_id: UUID,
        household_id: UUID,
        answer: str,
        *,
        actor: str,
        round: int | None = None,
        collected_by: str = "",
        on_paper: bool = False,
        signatory: str = "",
        **opts: Any,
    ) -> None:
        """Answers of different households commute."""
        self._update(
            project_id,
            lambda p, s: p.record_consent(
                household_id, round, answer, collected_by, on_paper, signatory, s
            ),
            actor,
            commutes=True,
            **opts,
        )

    def withdraw_consent(
        self, project_id: UUID, household_id: UUID, reason: str = "", *, actor: str, **opts: Any
    ) -> None:
        self._update(
            project_id, lambda p, s: p.withdraw_consent(household_id, reason, s), actor, **opts
        )

    def open_round(self, project_id: UUID, *, actor: str, **opts: Any) -> int:
        number: int = self._update(
            project_id, lambda p, s: p.open_round(s), actor, repeated=lambda p: p.round, **opts
        )
        return number

    def appoint(
        self,
        project_id: UUID,
        role: str,
        name: str,
        *,
        actor: str,
        household_id: UUID | None = None,
        account: str | None = None,
        key: CommandKey | None = None,
        **opts: Any,
    ) -> UUID:
        member_id = key.makes("member") if key else uuid4()
        self._update(
            project_id,
            lambda p, s: p.appoint(member_id, role, name, household_id, account, s),
            actor,
            key=key,
            **opts,
        )
        return member_id

    def stand_down(self, project_id: UUID, member_id: UUID, *, actor: str, **opts: Any) -> None:
        self._update(project_id, lambda p, s: p.stand_down(member_id, s), actor, **opts)

    def hold_meeting(
        self,
        project_id: UUID,
        *,
        kind: str,
        held_on: str,
        actor: str,
        households_present: list[UUID] | None = None,
        attendees: str = "",
        minutes: str = "",
        decisions: str = "",
        key: CommandKey | None = None,
        **opts: Any,
    ) -> UUID:
        meeting_id = key.makes("meeting") if key else uuid4()
        fields = {
            "kind": kind,
            "held_on": held_on,
            "attendees": attendees,
            "minutes": minutes,
            "decisions": decisions,
        }
        self._update(
            project_id,
            lambda p, s: p.hold_meeting(meeting_id, households_present or [], fields, s),
            actor,
            commutes=True,
            key=key,
            **opts,
        )
        return meeting_id

    def reach_phase(self, project_id: UUID, phase: str, *, actor: str, **opts: Any) -> None:
        self._update(project_id, lambda p, s: p.reach(phase, s), actor, **opts)

    def start_step(self, project_id: UUID, step_id: str, *, actor: str, **opts: Any) -> None:
        self._update(project_id, lambda p, s: p.start_step(step_id, s), actor, **opts)

    def obtain_stamp(
        self,
        project_id: UUID,
        step_id: str,
        *,
        on: str,
        actor: str,
        department: str | None = None,
        reference: str = "",
        key: CommandKey | None = None,
        **opts: Any,
    ) -> UUID:
        """Stamps commute with one another: each is its own."""
        stamp_id = key.makes("stamp") if key else uuid4()
        self._update(
            project_id,
            lambda p, s: p.obtain_stamp(step_id, stamp_id, department, on, reference, s),
            actor,
            commutes=True,
            key=key,
            **opts,
        )
        return stamp_id

    def complete_step(
        self, project_id: UUID, step_id: str, *, actor: str, on: str | None = None, **opts: Any
    ) -> None:
        self._update(project_id, lambda p, s: p.complete_step(step_id, on, s), actor, **opts)

    def block_step(
        self, project_id: UUID, step_id: str, reason: str, *, actor: str, **opts: Any
    ) -> None:
        self._update(project_id, lambda p, s: p.block_step(step_id, reason, s), actor, **opts)

    def set_share_rule(
        self,
        project_id: UUID,
        kind: str,
        total_fen: int,
        *,
        actor: str,
        weights: dict[str, Any] | None = None,
        **opts: Any,
    ) -> None:
        self._update(
            project_id,
            lambda p, s: p.set_share_rule(kind, weights or {}, total_fen, s),
            actor,
            **opts,
        )

    def enter(
        self,
        project_id: UUID,
        kind: str,
        amount_fen: int,
        *,
        on: str,
        actor: str,
        household_id: UUID | None = None,
        payee: str = "",
        receipt: str = "",
        key: CommandKey | None = None,
        **opts: Any,
    ) -> UUID:
        """A ledger entry; checked against the ledger as it is, so a clash is reported."""
        entry_id = key.makes("entry") if key else uuid4()
        self._update(
            project_id,
            lambda p, s: p.enter(
                inputs.entry(entry_id, kind, amount_fen, household_id, payee, receipt, on), s
            ),
            actor,
            key=key,
            **opts,
        )
        return entry_id

    def set_rota(
        self, project_id: UUID, rota: list[dict[str, Any]], *, actor: str, **opts: Any
    ) -> None:
        self._update(project_id, lambda p, s: p.set_rota(rota, s), actor, **opts)

    def make_template_from(
        self, project_id: UUID, *, actor: str, note: str = "", **opts: Any
    ) -> tuple[UUID, int]:
        """A new version of the project's template from its real steps."""
        project = self.load(project_id)
        if project.phase not in (Phase.IN_OPERATION, Phase.CLOSED):
            raise ProjectNotFinishedError("only a project in operation or closed makes a template")
        number = self.revise_template(
            project.template_id,
            actor=actor,
            steps=project.as_template_steps(),
            note=note or f"from {project.title}",
            made_from=str(project_id),
            **opts,
        )
        return project.template_id, number
