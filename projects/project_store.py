"""Where the projects and their templates are kept: the sealing mapper, loading and reading
them back, listing them from the log, the households they hold (for an erasure), their chains
verified, and the one way a command changes one of them, retried on a clash."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import Mapper

from kernel.checks import Stamp
from kernel.clock import Clock
from kernel.community import Community
from kernel.errors import ConcurrentUpdateError, VersionConflictError
from kernel.retrying import retry_on_clash
from projects import views
from projects.domain import Project
from projects.exceptions import ProjectNotFoundError, TemplateNotFoundError
from projects.rules import ProjectRules
from projects.sealing import ProjectSealingMapper, household_named
from projects.template import ProjectTemplate
from store.chain import GENESIS, link_of
from store.commands import CommandKey, CommandRan
from store.keystore import KeyStore
from store.sealed_application import SealedApplication

T = TypeVar("T")
_BATCH = 1000


def _topic(event_class: type) -> str:
    return f"{event_class.__module__}:{event_class.__qualname__}"


class ProjectStore(SealedApplication):
    """The projects' and templates' event store, for the Projects application."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        communities: Mapping[str, Community] | None = None,
        clock: Clock | None = None,
        keys: KeyStore | None = None,
        rules: ProjectRules | None = None,
    ) -> None:
        super().__init__(env, communities=communities, clock=clock, keys=keys)
        self.rules = rules or ProjectRules({})

    def construct_mapper(self) -> Mapper[UUID]:
        return ProjectSealingMapper(super().construct_mapper(), self.keys, household_named)

    def get_template(self, template_id: UUID, version: int | None = None) -> dict[str, Any]:
        return views.describe_template(self._template(template_id), version)

    def list_templates(self) -> list[dict[str, Any]]:
        ids = self._ids_of(ProjectTemplate.Created)
        return [views.describe_template(self._template(i)) for i in ids]

    # --- queries -----------------------------------------------------------------------

    def get_project(self, project_id: UUID, *, version: int | None = None) -> dict[str, Any]:
        return views.describe_project(self.load(project_id, version=version))

    def get_steps(self, project_id: UUID) -> list[dict[str, Any]]:
        return views.describe_steps(self.load(project_id))

    def get_history(self, project_id: UUID) -> list[dict[str, Any]]:
        events = [views.describe_event(e) for e in self.events.get(project_id)]
        if not events or events[0]["type"] != "Started":
            raise ProjectNotFoundError(f"no project {project_id}")
        return events

    def verify(self, project_id: UUID) -> dict[str, Any]:
        """Recompute the project's chain from its stored events."""
        head, versions = GENESIS, 0
        for stored in self.events.get(project_id):
            event = cast(Project.Event, stored)
            if event.originator_version != versions + 1 or link_of(event, head) != event.chain:
                return {"intact": False, "versions": versions, "problem_at": versions + 1}
            head, versions = event.chain, versions + 1
        return {"intact": versions > 0, "versions": versions, "head": head}

    def list_projects(
        self,
        *,
        community: str | None = None,
        blocks: set[str] | None = None,
        status: str | None = None,
    ) -> list[dict[str, Any]]:
        found = []
        for project_id in self._ids_of(Project.Started):
            project = self.load(project_id)
            if community and project.community != community:
                continue
            if blocks is not None and project.block not in blocks:
                continue
            if status and project.phase.value != status:
                continue
            found.append(views.describe_project(project))
        return found

    def projects_of_household(self, household_id: UUID) -> list[UUID]:
        """Every project the household belongs to, read from the log (its seal unopened)."""
        found, start = [], 0
        while True:
            batch = self.recorder.select_notifications(
                start=start,
                limit=_BATCH,
                topics=[_topic(Project.HouseholdAdded)],
                inclusive_of_start=False,
            )
            for notification in batch:
                event = Mapper.to_domain_event(self.mapper, notification)
                if household_named(event) == household_id:
                    found.append(UUID(str(notification.originator_id)))
            if batch:
                start = batch[-1].id
            if len(batch) < _BATCH:
                return found

    def holds_personal_data(self) -> bool:
        """Whether any project has a household (templates hold nobody's data)."""
        try:
            return bool(
                self.recorder.select_notifications(
                    start=0, limit=1, topics=[_topic(Project.HouseholdAdded)]
                )
            )
        except Exception:  # no table yet (before init-db): nothing to lose
            return False

    def forget_household(self, household_id: UUID) -> list[UUID]:
        """After the household's key is destroyed: this process's copies of its projects are
        dropped, so they are read again with its values erased; returns the projects."""
        project_ids = self.projects_of_household(household_id)
        if self.repository.cache is not None:
            for project_id in project_ids:
                with contextlib.suppress(KeyError):
                    self.repository.cache.get(project_id, evict=True)
        return project_ids

    def load(self, project_id: UUID, *, version: int | None = None) -> Project:
        aggregate = self._get(project_id, version)
        if not isinstance(aggregate, Project):
            raise ProjectNotFoundError(f"no project {project_id}")
        return aggregate

    def _template(self, template_id: UUID) -> ProjectTemplate:
        try:
            aggregate = self._get(template_id, None)
        except ProjectNotFoundError:
            raise TemplateNotFoundError(f"no template {template_id}") from None
        if not isinstance(aggregate, ProjectTemplate):
            raise TemplateNotFoundError(f"no template {template_id}")
        return aggregate

    def _get(self, aggregate_id: UUID, version: int | None) -> Any:
        try:
            return self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise ProjectNotFoundError(f"no project {aggregate_id}") from None

    def _exists(self, aggregate_id: UUID) -> bool:
        return any(True for _ in self.events.get(aggregate_id, lte=1))

    def _ids_of(self, event_class: type) -> list[UUID]:
        found, start = [], 0
        while True:
            batch = self.recorder.select_notifications(
                start=start, limit=_BATCH, topics=[_topic(event_class)], inclusive_of_start=False
            )
            found += [UUID(str(n.originator_id)) for n in batch]
            if batch:
                start = batch[-1].id
            if len(batch) < _BATCH:
                return found

    # --- changing one aggregate ------------------------------------------------------

    def _update(
        self,
        aggregate_id: UUID,
        command: Callable[[Any, Stamp], T],
        actor: str,
        *,
        kind: type = Project,
        commutes: bool = False,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
        key: CommandKey | None = None,
        repeated: Callable[[Any], T] | None = None,
    ) -> T:
        def load() -> Any:
            aggregate = self.load(aggregate_id) if kind is Project else self._template(aggregate_id)
            if key is not None:
                key.refuse_to_repeat(aggregate)
            if expected_version is not None and aggregate.version != expected_version:
                raise VersionConflictError(expected_version, aggregate.version)
            return aggregate

        def overtaken() -> VersionConflictError:
            return VersionConflictError(cast(int, expected_version), load().version)

        try:
            return retry_on_clash(
                load,
                lambda aggregate: command(aggregate, self.stamp(actor, occurred_at, key)),
                self.save,
                commutes=commutes,
                clash=lambda: ConcurrentUpdateError(
                    "someone else changed this project at the same moment; nothing was saved, "
                    "reload it and try again"
                ),
                overtaken=None if expected_version is None else overtaken,
            )
        except CommandRan as ran:
            return cast(T, None) if repeated is None else repeated(ran.aggregate)
