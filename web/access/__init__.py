"""The one access policy the API, the pages and the tasks share. Who may see what: a block
leader their blocks, a partner its own referrals (the resident's details only while the resident
consents), the secretary and the auditor their whole community; partners see no households,
duties or records; resident-led projects as may_read_project says. Outside the scope a record
does not exist (404). And who looked: every read of a resident's personal data is noted for the
request and written after it (or, for a list, beside its page query)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from flask import Flask, Response, abort, g, request

from duties.exceptions import (
    DutyNotFoundError,
    HouseholdNotFoundError,
    RecordNotFoundError,
    VolunteerGroupNotFoundError,
)
from needs.exceptions import NeedNotFoundError, ReferralNotFoundError
from partners.domain import ALL_BLOCKS
from projects.exceptions import ProjectNotFoundError
from web.access.volunteers import assigned_to_me, is_volunteer
from web.bootstrap import services

LEADERS = ("secretary", "block_leader")
READERS = ("secretary", "block_leader", "auditor")
CLERKS = ("partner",)
PERSONAL_FIELDS = (
    "resident_name",
    "contact_phone",
    "household.unit",
    "household.room",
    "description",
    "notes",
    "visits",
)
# What the household, its duties and its records show of its people.
HOUSEHOLD_FIELDS = ("unit", "room", "members", "life_events.note", "duties.notes")
DUTY_FIELDS = ("unit", "room", "member", "notes")
RECORD_FIELDS = ("text",)
# What a referral shows of the resident: a partner sees it only while the resident consents.
PERSONAL_REFERRAL_FIELDS = ("resident_name", "contact_phone", "household", "description")


def may_see_block(block: str) -> bool:
    """Whether the caller's role and blocks reach this block."""
    user = g.user
    if user.role in ("secretary", "auditor"):
        return True
    return user.role == "block_leader" and block in user.blocks


def needs_in_scope(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The needs of read-model rows as plain data, each as new as its row; 404 as above."""
    running = services()
    now = running.clock.now()
    overdue = overdue_rule(now)
    shown = []
    for need in running.casework.described.list_needs(rows):
        _check_scope(need)
        note_read(need["id"], PERSONAL_FIELDS, request.path, now)
        need["overdue"] = overdue(need)
        shown.append(need)
    return shown


def listed_needs(
    write: Callable[[Mapping[str, Any]], dict[str, Any]], **query: Any
) -> tuple[list[dict[str, Any]], int]:
    """A page of the needs in the caller's scope (`query` as `NeedsView.list_needs` takes it,
    less the community and blocks, which come from the scope): each need as `write` writes it
    with its `overdue`, and the total. Who looked is written by one insert on the page query's
    connection, right after it: committed before the answer is written, let alone sent."""
    running, user = services(), g.user
    now = running.clock.now()
    look = running.access_log.page_look(
        {
            "username": user.username,
            "fields": ",".join(PERSONAL_FIELDS),
            "via": request.path,
            "read_at": now,
        }
    )
    # The query keeps to the caller's community and blocks: no row needs checking again.
    rows, total = running.view.list_needs(
        user.community, blocks=scoped_blocks(query.pop("block", None)), look=look, **query
    )
    overdue = overdue_rule(now)
    listed = running.casework.described.list_written(rows, "api", write)
    return [{**written, "overdue": overdue(need)} for need, written in listed], total


def need_in_scope(
    need_id: UUID, *, version: int | None = None, as_saved: bool = False
) -> dict[str, Any]:
    """The need as plain data, or 404 when it is not the caller's to see; `as_saved` for the
    answer to a command this request has just saved."""
    running = services()
    need = running.casework.described.get_need(need_id, version=version, as_saved=as_saved)
    _check_scope(need)
    now = running.clock.now()
    note_read(need["id"], PERSONAL_FIELDS, request.path, now)
    need["overdue"] = overdue_rule(now)(need)
    return need


def _check_scope(need: Mapping[str, Any]) -> None:
    if is_volunteer():  # a volunteer: what is assigned to them (web/access/volunteers.py)
        visible = assigned_to_me(need)
    else:
        visible = need["community"] == g.user.community and may_see_block(need["block"])
    if not visible:
        raise NeedNotFoundError(f"no need {need['id']}")


def check_need(need_id: UUID) -> int:
    """404 unless the caller may act on the need; its version (what If-Match names)."""
    return int(need_in_scope(need_id)["version"])


def overdue_rule(now: datetime) -> Callable[[Mapping[str, Any]], bool]:
    """Whether a need is overdue at `now`: nobody has visited or referred it within its
    category's first-contact time."""
    needs = services().needs

    @functools.cache
    def first_contact(community: str, category: str) -> timedelta:
        return timedelta(hours=needs.community(community).category(category).first_contact_hours)

    def overdue(need: Mapping[str, Any]) -> bool:
        if need["status"] == "resolved" or need["visits"] or need["referrals"]:
            return False
        logged_at: datetime = need["logged_at"]
        return now > logged_at + first_contact(need["community"], need["category"])

    return overdue


def scoped_blocks(requested: str | None) -> list[str] | None:
    """The blocks a list covers: the one asked for (if the caller may), else all of theirs."""
    if requested is not None:
        check_block_allowed(requested)
        return [requested]
    return list(g.user.blocks) if g.user.role == "block_leader" else None


def referral_in_scope(referral_id: UUID) -> dict[str, Any]:
    """The referral as the caller may see it, or 404."""
    referral = services().casework.get_referral(referral_id)
    user = g.user
    visible = referral["community"] == user.community and (
        user.role in ("secretary", "auditor")
        or (user.role == "partner" and referral["partner_id"] == user.partner_id)
        or (user.role == "block_leader" and referral["block"] in user.blocks)
    )
    if not visible:
        raise ReferralNotFoundError(f"no referral {referral_id}")
    shown = shown_to_partner(referral) if user.role == "partner" else referral
    note_read(referral["need_id"], _personal_in(shown), request.path, services().clock.now())
    return shown


def _personal_in(referral: dict[str, Any]) -> tuple[str, ...]:
    """The personal fields a referral as shown carries (none without consent for a partner)."""
    return tuple(f for f in PERSONAL_REFERRAL_FIELDS if f in referral)


def shown_to_partner(referral: dict[str, Any]) -> dict[str, Any]:
    """A partner sees the resident's personal data only while the resident consents."""
    if not referral["consent_to_share"]:
        return {k: v for k, v in referral.items() if k not in PERSONAL_REFERRAL_FIELDS}
    return referral


def check_block_allowed(block: str) -> None:
    """403 when a leader acts in a block that is not theirs (an action outside the role)."""
    if not may_see_block(block):
        abort(403, description=f"block {block} is not one of your blocks")


# --- households, duties and records ---------------------------------------------------


def _visible(community: str, block: str) -> bool:
    return community == g.user.community and may_see_block(block)


def household_in_scope(household_id: UUID) -> dict[str, Any]:
    """The household as plain data, or 404 when it is not the caller's to see."""
    running = services()
    household = running.duties.get_household(household_id)
    if not _visible(household["community"], household["block"]):
        raise HouseholdNotFoundError(f"no household {household_id}")
    now = running.clock.now()
    note_read(household_id, HOUSEHOLD_FIELDS, request.path, now)
    for duty in household["duties"]:
        duty["overdue"] = duty["status"] == "open" and now > duty["due_at"]
    return household


def duty_in_scope(duty_id: UUID) -> dict[str, Any]:
    """The duty as plain data, or 404 when it is not the caller's to see."""
    running = services()
    duty = running.duties.get_duty(duty_id)
    visible = assigned_to_me(duty) if is_volunteer() else _visible(duty["community"], duty["block"])
    if not visible:
        raise DutyNotFoundError(f"no duty {duty_id}")
    note_read(duty["household_id"], DUTY_FIELDS, request.path, running.clock.now())
    return duty


def noted_duties(duties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A list of duties in scope, each read of its household's people noted (who looked)."""
    now = services().clock.now()
    for duty in duties:
        note_read(duty["household_id"], DUTY_FIELDS, request.path, now)
    return duties


def record_in_scope(record_id: UUID) -> dict[str, Any]:
    """The record as plain data, or 404 when it is not the caller's to see."""
    running = services()
    record = running.duties.get_record(record_id)
    if not _visible(record["community"], record["block"]):
        raise RecordNotFoundError(f"no record {record_id}")
    if record["household_id"] is not None:  # a block's record holds nobody's personal data
        note_read(record["household_id"], RECORD_FIELDS, request.path, running.clock.now())
    return record


# --- resident-led projects --------------------------------------------------------------

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


# --- volunteer groups ------------------------------------------------------------------

VOLUNTEER_FIELDS = ("leader", "members.name", "members.contact_phone")


def volunteer_group_in_scope(group_id: UUID) -> dict[str, Any]:
    """The volunteer group, or 404 when it is not the caller's to see; the read of its
    volunteers' names and phones noted (the group's id stands where a case's would)."""
    running = services()
    group = running.duties.get_volunteer_group(group_id)
    if not _visible(group["community"], group["block"]):
        raise VolunteerGroupNotFoundError(f"no volunteer group {group_id}")
    note_read(group_id, VOLUNTEER_FIELDS, request.path, running.clock.now())
    return group


# --- who looked -------------------------------------------------------------------------


def note_read(need_id: UUID, fields: tuple[str, ...], via: str, at: datetime) -> None:
    """Remember, for this request, that the caller was shown these personal fields (of a
    case, or of a household: its id stands where the case's would) — via the path the request
    came by (a replay reads the record through its GET: `g.shown_via` names the POST)."""
    if not fields:
        return
    read = {
        "username": g.user.username,
        "need_id": str(need_id),
        "fields": ",".join(fields),
        "via": g.get("shown_via", via),
        "read_at": at,
    }
    # Once: a command checks its household, then answers with it.
    g.setdefault("personal_reads", {}).setdefault(tuple(read.values()), read)


def flush(response: Response) -> Response:
    reads = g.pop("personal_reads", None)
    if reads:
        services().access_log.record(list(reads.values()))
    return response


def init_app(app: Flask) -> None:
    """Write each request's noted reads after it."""
    app.after_request(flush)
