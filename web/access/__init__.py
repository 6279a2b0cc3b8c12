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

from flask import Flask, g, request

from duties.exceptions import (
    DutyNotFoundError,
    HouseholdNotFoundError,
    RecordNotFoundError,
    VolunteerGroupNotFoundError,
)
from needs.exceptions import NeedNotFoundError, ReferralNotFoundError
from web.access.looked import flush, note_read
from web.access.projects import (
    MEMBER_WORK,
    PROJECT_FIELDS,
    PROJECT_PARTNER_KINDS,
    PROJECT_READERS,
    WORKERS,
    check_collector,
    check_project,
    may_do_project,
    may_read_project,
    project_in_scope,
    projects_in_scope,
    reads_projects,
    serves_on,
)
from web.access.scope import CLERKS, LEADERS, READERS, check_block_allowed, may_see_block
from web.access.volunteers import assigned_to_me, is_volunteer
from web.bootstrap import services

# The policy is one package; callers import all of it from web.access.
__all__ = [
    "CLERKS",
    "DUTY_FIELDS",
    "HOUSEHOLD_FIELDS",
    "LEADERS",
    "MEMBER_WORK",
    "PERSONAL_FIELDS",
    "PERSONAL_REFERRAL_FIELDS",
    "PROJECT_FIELDS",
    "PROJECT_PARTNER_KINDS",
    "PROJECT_READERS",
    "READERS",
    "RECORD_FIELDS",
    "VOLUNTEER_FIELDS",
    "WORKERS",
    "assigned_to_me",
    "check_block_allowed",
    "check_collector",
    "check_need",
    "check_project",
    "duty_in_scope",
    "flush",
    "household_in_scope",
    "init_app",
    "is_volunteer",
    "listed_needs",
    "may_do_project",
    "may_read_project",
    "may_see_block",
    "need_in_scope",
    "needs_in_scope",
    "note_read",
    "noted_duties",
    "overdue_rule",
    "project_in_scope",
    "projects_in_scope",
    "reads_projects",
    "record_in_scope",
    "referral_in_scope",
    "scoped_blocks",
    "serves_on",
    "shown_to_partner",
    "volunteer_group_in_scope",
]

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


def init_app(app: Flask) -> None:
    """Write each request's noted reads after it."""
    app.after_request(flush)
