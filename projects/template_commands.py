"""The commands on templates: the built-in lift template made once, a template made, and a
template revised into a new version (by the secretary, or from a finished project's steps)."""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from projects.project_store import ProjectStore
from projects.template import ProjectTemplate, builtin_id, builtin_lift
from store.commands import CommandKey


class TemplateCommands(ProjectStore):
    """The templates' commands of the Projects application (projects.application)."""

    def ensure_builtin_templates(self, actor: str = "system") -> UUID:
        """The committee's lift template, made once (init-db, seed-demo)."""
        template_id = builtin_id("lift_retrofit")
        if not self._exists(template_id):
            data = builtin_lift()
            with contextlib.suppress(IntegrityError):  # made by another process meanwhile
                self.save(
                    ProjectTemplate.make(
                        kind=data["kind"],
                        name=data["name"],
                        threshold=data["threshold"],
                        phases=data["phases"],
                        steps=data["steps"],
                        stamp=self.stamp(actor, None),
                        template_id=template_id,
                    )
                )
        return template_id

    def make_template(
        self,
        *,
        kind: str,
        name: str,
        phases: list[dict[str, Any]],
        steps: list[dict[str, Any]],
        threshold: str = "1",
        actor: str,
        key: CommandKey | None = None,
    ) -> UUID:
        template_id = key.makes("template") if key else uuid4()
        if self._exists(template_id):
            return template_id
        template = ProjectTemplate.make(
            kind=kind,
            name=name,
            threshold=threshold,
            phases=phases,
            steps=steps,
            stamp=self.stamp(actor, None, key),
            template_id=template_id,
        )
        with contextlib.suppress(IntegrityError):
            self.save(template)
        return template_id

    def revise_template(
        self,
        template_id: UUID,
        *,
        actor: str,
        name: str | None = None,
        threshold: str | None = None,
        phases: list[dict[str, Any]] | None = None,
        steps: list[dict[str, Any]] | None = None,
        note: str = "",
        made_from: str | None = None,
        **opts: Any,
    ) -> int:
        """A new version of the template; returns its number."""
        number: int = self._update(
            template_id,
            lambda t, s: t.revise(
                name=name,
                threshold=threshold,
                phases=phases,
                steps=steps,
                note=note,
                stamp=s,
                made_from=made_from,
            ),
            actor,
            kind=ProjectTemplate,
            repeated=lambda t: len(t.versions),
            **opts,
        )
        return number
