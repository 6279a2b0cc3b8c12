"""The monthly report the sub-district asks for, composed from the casework, the duties and the
projects: one plain document (counts and medians, no personal data) that the API, the page and
the files (CSV, XLSX, PDF) all show. Days are Asia/Shanghai days; `to` is inclusive."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from duties.period import DutyPeriodCounts
from kernel.clock import SHANGHAI
from needs.period import VERDICTS, Period, PeriodCounts, empty_cell, empty_follow_ups, shares

if TYPE_CHECKING:
    from web.bootstrap import Services

# A year and a little: a report over more is refused (it would be no one's monthly report).
LONGEST = timedelta(days=370)
_SUMMED = ("logged", "resolved", "open_at_end", "overdue_at_end", "escalations")


def period_of(first: date, last: date, now: datetime) -> Period:
    """The Shanghai days first..last as [start, end), with now for what is open at the end."""
    start = datetime.combine(first, time(0), SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(0), SHANGHAI)
    return Period(start=start, end=end, now=now)


def monthly_report(
    running: Services, community_id: str, first: date, last: date, blocks: Iterable[str] | None
) -> dict[str, Any]:
    """The report of the days first..last for the blocks (None: every block)."""
    scope = None if blocks is None else sorted(blocks)
    now = running.clock.now()
    period = period_of(first, last, now)
    community = running.needs.community(community_id)
    hours = {c.code: c.first_contact_hours for c in community.categories}
    counts = PeriodCounts(running.view.store)
    cells = counts.needs_by_block_and_category(community_id, period, hours, scope)
    shown = [b.code for b in community.blocks if scope is None or b.code in scope]
    needs = [
        {"block": block, "category": c.code, **cells.get((block, c.code), empty_cell())}
        for block in shown
        for c in community.categories
    ]
    partners = [
        {"partner_id": pid, **row}
        for pid, row in sorted(counts.partners(community_id, period, scope).items(), key=_by_name)
    ]
    followed = counts.follow_ups(community_id, period, scope)
    follow_ups = [{"block": b, **followed.get(b, empty_follow_ups())} for b in shown]
    duty_counts = DutyPeriodCounts(running.duties_view.store)
    duties = duty_counts.duties(community_id, period.start, period.cut, scope)
    records = duty_counts.records(community_id, period.start, period.end, scope)
    return {
        "community": community_id,
        "from": first,
        "to": last,
        "generated_at": now,
        "blocks": shown,
        "needs": needs,
        "needs_totals": _totals(needs),
        "partners": partners,
        "follow_ups": follow_ups,
        "follow_ups_totals": _follow_up_totals(follow_ups),
        "duties": duties,
        "duties_totals": {
            k: sum(r[k] for r in duties) for k in ("due", "on_time", "late", "overdue")
        },
        "records": records,
        "projects": _projects(running, community_id, scope),
    }


def _by_name(item: tuple[str, dict[str, Any]]) -> tuple[str, str]:
    return (item[1]["name"], item[0])


def _totals(needs: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, Any] = {k: sum(row[k] for row in needs) for k in _SUMMED}
    outcomes: dict[str, int] = {}
    for row in needs:
        for outcome, n in row["outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + n
    totals["outcomes"] = outcomes
    return totals


def _follow_up_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    totals = empty_follow_ups()
    for row in rows:
        totals["resolved"] += row["resolved"]
        totals["followed_up"] += row["followed_up"]
        for verdict in VERDICTS:
            totals["verdicts"][verdict] += row["verdicts"][verdict]
    return shares(totals)


def _projects(
    running: Services, community_id: str, scope: list[str] | None
) -> list[dict[str, Any]]:
    """Each project's phase and progress: steps, stamps, meetings — no household, no name."""
    found = running.projects.list_projects(
        community=community_id, blocks=None if scope is None else set(scope)
    )
    return [
        {
            "project_id": p["id"],
            "block": p["block"],
            "building": p["building"],
            "kind": p["kind"],
            "phase": p["phase"],
            "steps_done": p["progress"]["steps_done"],
            "steps_total": p["progress"]["steps_total"],
            "stamps": p["progress"]["stamps"],
            "stamps_needed": p["progress"]["stamps_needed"],
            "meetings": p["meetings"]["count"],
        }
        for p in sorted(found, key=lambda p: (p["block"], p["building"], str(p["id"])))
    ]
