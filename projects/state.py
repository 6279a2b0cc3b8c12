"""What a project holds as its events are applied (households, consents by round, team,
meetings, steps, ledger, phases, rota), and how each event is chained to the one before it
and salted when it carries personal data. The commands are projects.domain's Project."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Self
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from projects.values import (
    Consent,
    LedgerEntry,
    Meeting,
    Phase,
    ProjectHousehold,
    Step,
    StepSpec,
    TeamMember,
)
from store.chain import GENESIS, link


class ProjectState(Aggregate):
    """A project's state; its events are bound, with their stored topics, on Project."""

    chain_head = GENESIS

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
