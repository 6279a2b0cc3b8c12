"""Resident-led projects in the access policy: who reads a project (and how much of it), who
works on it, and the treasurer's collections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from flask import abort, g, request

from partners.domain import ALL_BLOCKS
from projects.exceptions import ProjectNotFoundError
from web.access.looked import note_read
from web.access.scope import LEADERS, READERS, check_block_allowed, may_see_block
from web.bootstrap import services

PROJECT_FIELDS = ("households.label", "households.name", "team.name")
# Who reads projects: besides the readers above, the staff of the partners that serve a
# building (the property company, the owners' committee) and the residents on a project's team.
PROJECT_READERS = (*READERS, "partner", "project_member")
PROJECT_PARTNER_KINDS = ("property", "owners_committee")
# What a team member records on their own projects; the ledger only as the treasurer.
MEMBER_WORK = ("consent", "meeting", "stamp", "ledger")
WORKERS = (*LEADERS, "project_member")


def serves_on(project: Mapping[str, Any], username: str, role: str | None = None) -> bool:
    """Whether the user serves on the project's team (in `role`, when one is named)."""
    return any(
        member["active"] and member["account"] == username and role in (None, member["role"])
        for member in project["team"]
    )


def _partner_serves(block: str) -> bool:
    """Whether the caller's partner is one that serves buildings (property company, owners'
    committee) and covers this block."""
    partner = services().partners.get_partner(g.user.partner_id)
    return (
        partner.active
        and partner.kind in PROJECT_PARTNER_KINDS
        and (ALL_BLOCKS in partner.blocks or block in partner.blocks)
    )


def reads_projects() -> bool:
    """Whether the signed-in caller reads any projects (the pages' link to the list)."""
    user = g.get("user")
    if user is None or user.role not in PROJECT_READERS:
        return False
    if user.role == "partner":
        return services().partners.get_partner(user.partner_id).kind in PROJECT_PARTNER_KINDS
    return True


def _check_reads_projects() -> None:
    """403 for a partner's staff whose partner serves no buildings (a hospital, the police)."""
    if not reads_projects():
        abort(403, description="your partner does not work on buildings' projects")


def may_read_project(project: Mapping[str, Any]) -> bool:
    """The secretary and the auditor: every project of their community; a block leader: their
    blocks'; the property company's and the owners' committee's staff: the blocks their
    partner serves (read only); a team member: the projects they serve on."""
    user = g.user
    if project["community"] != user.community:
        return False
    if user.role == "partner":
        return _partner_serves(project["block"])
    if user.role == "project_member":
        return serves_on(project, user.username)
    return may_see_block(project["block"])


def _as_shown(project: dict[str, Any]) -> dict[str, Any]:
    """A partner's staff read the project without the residents' names and rooms."""
    if g.user.role != "partner":
        return project
    households = [{**h, "label": None, "name": None} for h in project["households"]]
    team = [{**m, "name": None} for m in project["team"]]
    return {**project, "households": households, "team": team}


def projects_in_scope(block: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """The projects the caller may read, in `block` (403 for a leader's other block)."""
    _check_reads_projects()
    user = g.user
    if block is not None and user.role in LEADERS:
        check_block_allowed(block)
    found = services().projects.list_projects(
        community=user.community, blocks=None if block is None else {block}, status=status
    )
    return [_as_shown(p) for p in found if may_read_project(p)]


def project_in_scope(project_id: UUID, *, note: bool = True) -> dict[str, Any]:
    """The project as plain data, or 404 when it is not the caller's to read (may_read_project).
    Its households' names are personal data: each household's read is noted."""
    _check_reads_projects()
    running = services()
    project = running.projects.get_project(project_id)
    if not may_read_project(project):
        raise ProjectNotFoundError(f"no project {project_id}")
    if note and g.user.role != "partner":
        now = running.clock.now()
        for household in project["households"]:
            note_read(household["household_id"], PROJECT_FIELDS, request.path, now)
    return _as_shown(project)


def check_project(project_id: UUID, work: str | None = None) -> dict[str, Any]:
    """The project, when the caller may do this `work` on it (one of MEMBER_WORK, or None for
    running it): its block's leader or the secretary may do anything; a team member the
    MEMBER_WORK on their own projects, the ledger only as its treasurer. 403 for an action
    outside the role or a leader's other block; 404 for a project the caller may not read."""
    project = project_in_scope(project_id, note=False)
    if g.user.role != "project_member":
        check_block_allowed(project["block"])
        return project
    if work not in MEMBER_WORK:
        abort(403, description="a team member records consents, meetings, stamps and payments")
    if work == "ledger" and not serves_on(project, g.user.username, "treasurer"):
        abort(403, description="only the project's treasurer records its ledger")
    return project


def may_do_project(project: Mapping[str, Any], work: str | None = None) -> bool:
    """Whether the caller may do this `work` on a project they read (what check_project checks,
    for the pages to offer only the forms the caller may send)."""
    user = g.user
    if user.role in LEADERS:
        return may_see_block(project["block"])
    if user.role != "project_member" or work not in MEMBER_WORK:
        return False
    return work != "ledger" or serves_on(project, user.username, "treasurer")


def check_collector(collected_by: str) -> str:
    """Who collected a consent: a team member records only those they collected themselves."""
    if g.user.role != "project_member":
        return collected_by
    if collected_by not in ("", g.user.username):
        abort(403, description="a team member records the consents they collected")
    return str(g.user.username)
