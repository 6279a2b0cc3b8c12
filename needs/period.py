"""The casework over a period, counted from the read models for the monthly report: per block
and category, and per partner. Counts and medians only; no row names a resident. The state "at
the end" is the read models' state for moments inside the period: a need resolved after the end
counts as open at the end."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from needs.values import FollowUpVerdict, Resolution
from store.sqlstore import SqlStore

OUTCOMES = tuple(r.value for r in Resolution)
DECLINE_REASONS = ("no_capacity", "out_of_scope", "not_eligible", "other")
REFERRAL_OUTCOMES = ("helped", "not_helped", "unreachable")
VERDICTS = tuple(v.value for v in FollowUpVerdict)
HELPED = ("satisfied",)  # the verdicts that count as "the resident confirmed it helped"


@dataclass(frozen=True)
class Period:
    """[start, end) as aware moments; `now` caps the end for what is still open or overdue."""

    start: datetime
    end: datetime
    now: datetime

    @property
    def cut(self) -> datetime:
        """The moment the state "at the end" is read at: the end, or now if that is sooner."""
        return min(self.end, self.now)


def _hours(later: datetime | None, earlier: datetime) -> float | None:
    # A contact recorded on the server before a need captured offline was sent is at once.
    return None if later is None else max(0.0, (later - earlier) / timedelta(hours=1))


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


class PeriodCounts:
    """Queries on needs_view and referrals_view that sum a period."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def _rows(self, table: str, community: str, blocks: Iterable[str] | None) -> list[Any]:
        params: dict[str, Any] = {"c": community}
        where = "community=%(c)s"
        if blocks is not None:
            names = [f"b{i}" for i, _ in enumerate(blocks)]
            params.update(zip(names, blocks, strict=True))
            where += (
                f" AND block IN ({', '.join(f'%({n})s' for n in names)})" if names else " AND 1=0"
            )
        with self.store.read() as sql:
            rows = sql.execute(f"SELECT * FROM {table} WHERE {where}", params).fetchall()  # noqa: S608
        for row in rows:
            for key, value in row.items():
                if key.endswith("_at") and value is not None:
                    row[key] = self.store.from_db_time(value)
        return rows

    def needs_by_block_and_category(
        self,
        community: str,
        period: Period,
        first_contact_hours: Mapping[str, float],
        blocks: Iterable[str] | None = None,
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """{(block, category): logged, resolved (by outcome), open_at_end, overdue_at_end,
        median hours to first contact and to resolution, escalations} for needs of the period."""
        cells: dict[tuple[str, str], dict[str, Any]] = {}
        waits: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
        cut = period.cut
        chosen = None if blocks is None else list(blocks)
        for row in self._rows("needs_view", community, chosen):
            key = (row["block"], row["category"])
            cell = cells.setdefault(key, empty_cell())
            contact, solve = waits.setdefault(key, ([], []))
            logged, resolved = row["logged_at"], row["resolved_at"]
            if period.start <= logged < period.end:
                cell["logged"] += 1
                if (hours := _hours(row["first_contact_at"], logged)) is not None:
                    contact.append(hours)
            if resolved is not None and period.start <= resolved < period.end:
                cell["resolved"] += 1
                outcome = row.get("outcome") or "unknown"
                cell["outcomes"][outcome] = cell["outcomes"].get(outcome, 0) + 1
                solve.append(_hours(resolved, logged) or 0.0)
            open_at_cut = logged <= cut and (resolved is None or resolved > cut)
            if open_at_cut:
                cell["open_at_end"] += 1
                touched = row["first_contact_at"]
                due = logged + timedelta(hours=first_contact_hours.get(row["category"], 0))
                if (touched is None or touched > cut) and due < cut:
                    cell["overdue_at_end"] += 1
            escalated = row.get("last_escalated_at") or row["escalated_at"]
            if escalated is not None and period.start <= escalated < period.end:
                cell["escalations"] += 1
        for key, (contact, solve) in waits.items():
            cells[key]["median_hours_to_first_contact"] = _median(contact)
            cells[key]["median_hours_to_resolution"] = _median(solve)
        return {k: c for k, c in cells.items() if any(c[n] for n in _COUNTED)}

    def partners(
        self, community: str, period: Period, blocks: Iterable[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """{partner_id: name, referrals sent in the period, accepted, declined by reason,
        expired, withdrawn, median hours to answer, outcomes}."""
        found: dict[str, dict[str, Any]] = {}
        answers: dict[str, list[float]] = {}
        for row in self._rows(
            "referrals_view", community, None if blocks is None else list(blocks)
        ):
            if not period.start <= row["sent_at"] < period.end:
                continue
            partner = found.setdefault(row["partner_id"], empty_partner(row["partner_name"]))
            partner["referrals"] += 1
            if row["accepted_at"] is not None:
                partner["accepted"] += 1
            if row["status"] == "declined":
                reason = row["decline_reason"] or "other"
                partner["declined"][reason] = partner["declined"].get(reason, 0) + 1
            if row["status"] in ("expired", "withdrawn"):
                partner[row["status"]] += 1
            if row["outcome"]:
                partner["outcomes"][row["outcome"]] = partner["outcomes"].get(row["outcome"], 0) + 1
            if (hours := _hours(row["responded_at"], row["sent_at"])) is not None:
                answers.setdefault(row["partner_id"], []).append(hours)
        for partner_id, partner in found.items():
            partner["median_hours_to_answer"] = _median(answers.get(partner_id, []))
        return found

    def follow_ups(
        self, community: str, period: Period, blocks: Iterable[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """{block: resolved, followed_up, verdicts, shares} of the needs resolved in the period
        and still resolved (as the follow-up board counts them), with the follow-ups recorded
        by the end of the period."""
        found: dict[str, dict[str, Any]] = {}
        cut = period.cut
        for row in self._rows("needs_view", community, None if blocks is None else list(blocks)):
            resolved = row["resolved_at"]
            if row["status"] != "resolved" or resolved is None:
                continue
            if not period.start <= resolved < period.end:
                continue
            block = found.setdefault(row["block"], empty_follow_ups())
            block["resolved"] += 1
            followed = row.get("followed_up_at")
            verdict = row.get("follow_up_verdict")
            if followed is not None and followed <= cut and verdict in VERDICTS:
                block["followed_up"] += 1
                block["verdicts"][verdict] += 1
        for block in found.values():
            shares(block)
        return found


_COUNTED = ("logged", "resolved", "open_at_end", "escalations")


def empty_cell() -> dict[str, Any]:
    """A block and category with nothing to count."""
    return {
        "logged": 0,
        "resolved": 0,
        "outcomes": {},
        "open_at_end": 0,
        "overdue_at_end": 0,
        "median_hours_to_first_contact": None,
        "median_hours_to_resolution": None,
        "escalations": 0,
    }


def empty_partner(name: str) -> dict[str, Any]:
    """A partner with no referral in the period."""
    return {
        "name": name,
        "referrals": 0,
        "accepted": 0,
        "declined": {},
        "expired": 0,
        "withdrawn": 0,
        "median_hours_to_answer": None,
        "outcomes": {},
    }


def empty_follow_ups() -> dict[str, Any]:
    """A block with no need resolved in the period."""
    return {
        "resolved": 0,
        "followed_up": 0,
        "verdicts": dict.fromkeys(VERDICTS, 0),
        "confirmed_helped": 0,
        "followed_up_share": None,
        "helped_share": None,
    }


def shares(row: dict[str, Any]) -> dict[str, Any]:
    """Sets the share followed up (of those resolved) and the share confirmed helped (of those
    followed up), as the follow-up board rounds them; None where there is nothing to share."""
    helped = sum(row["verdicts"].get(v, 0) for v in HELPED)
    row["confirmed_helped"] = helped
    whole, followed = row["resolved"], row["followed_up"]
    row["followed_up_share"] = round(followed / whole, 3) if whole else None
    row["helped_share"] = round(helped / followed, 3) if followed else None
    return row
