"""What needs someone's attention, read from the casework read models: referrals past their
deadline, needs nobody has contacted in time, escalations, and each block leader's reminders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from store.sqlstore import SqlStore

# An expired or declined referral stays on a leader's list this long, unless the case moved on.
REMINDER_WINDOW = timedelta(days=7)
_COLUMNS = (
    "n.need_id, n.block, n.building, n.category, n.urgency, n.urgency_rank, n.status, "
    "n.assignee, n.logged_at"
)


class Board:
    """Queries on the read models for the clock, the secretary's board and the reminders."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def list_due_referrals(self, now: datetime, limit: int = 500) -> list[dict[str, Any]]:
        """Sent referrals whose answer deadline has passed, the longest overdue first."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT referral_id, need_id, partner_id, partner_name, respond_by "
                "FROM referrals_view WHERE status='sent' AND respond_by <= %(now)s "
                "ORDER BY respond_by, referral_id LIMIT %(limit)s",
                {"now": self.store.to_db_time(now), "limit": limit},
            ).fetchall()
        return [self._times(r) for r in rows]

    def list_overdue_needs(
        self,
        community: str,
        first_contact_hours: Mapping[str, float],
        now: datetime,
        *,
        blocks: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Unresolved needs with no visit and no referral within their category's first-contact
        time, the most urgent and oldest first; `due_at` says when contact was due."""
        params: dict[str, Any] = {"community": community}
        late = []
        for i, (category, hours) in enumerate(sorted(first_contact_hours.items())):
            params[f"c{i}"] = category
            params[f"t{i}"] = self.store.to_db_time(now - timedelta(hours=hours))
            late.append(f"(n.category=%(c{i})s AND n.logged_at < %(t{i})s)")
        if not late:
            return []
        where = [
            "n.community=%(community)s",
            "n.status <> 'resolved'",
            "n.first_contact_at IS NULL",
            f"({' OR '.join(late)})",
            self._in("n.block", blocks, params),
        ]
        with self.store.read() as sql:
            rows = sql.execute(
                f"SELECT {_COLUMNS} FROM needs_view n WHERE {' AND '.join(where)} "  # noqa: S608
                "ORDER BY n.urgency_rank DESC, n.logged_at, n.need_id",
                params,
            ).fetchall()
        overdue = [self._times(r) for r in rows]
        for row in overdue:
            row["due_at"] = row["logged_at"] + timedelta(hours=first_contact_hours[row["category"]])
        return overdue

    def list_escalated(
        self, community: str, *, blocks: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Escalated needs awaiting the secretary, the oldest escalation first."""
        params: dict[str, Any] = {"community": community}
        where = [
            "n.community=%(community)s",
            "n.escalated_at IS NOT NULL",
            self._in("n.block", blocks, params),
        ]
        with self.store.read() as sql:
            rows = sql.execute(
                f"SELECT {_COLUMNS}, n.escalated_at, n.escalation_reason "  # noqa: S608
                f"FROM needs_view n WHERE {' AND '.join(where)} "
                "ORDER BY n.escalated_at, n.need_id",
                params,
            ).fetchall()
        return [self._times(r) for r in rows]

    def list_referral_reminders(
        self, community: str, now: datetime, *, blocks: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Referrals that need the block leader: expired or declined lately on a case that no
        partner holds now and nobody escalated, and open referrals the partner was never told of."""
        params: dict[str, Any] = {
            "community": community,
            "since": self.store.to_db_time(now - REMINDER_WINDOW),
        }
        scope = self._in("r.block", blocks, params)
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT r.referral_id, r.need_id, r.partner_id, r.partner_name, r.status, "  # noqa: S608
                "r.block, r.building, r.category, r.urgency, r.urgency_rank, r.closed_at, "
                "r.decline_reason, r.delivery_failed_at FROM referrals_view r "
                "JOIN needs_view n ON n.need_id = r.need_id "
                f"WHERE r.community=%(community)s AND {scope} AND n.status <> 'resolved' AND ("
                "  (r.status IN ('expired', 'declined') AND r.closed_at >= %(since)s"
                "   AND n.escalated_at IS NULL AND NOT EXISTS (SELECT 1 FROM referrals_view o"
                "     WHERE o.need_id = r.need_id AND o.status IN ('sent', 'accepted')))"
                "  OR (r.delivery_failed_at IS NOT NULL AND r.status = 'sent'))"
                " ORDER BY r.urgency_rank DESC, r.referral_id",
                params,
            ).fetchall()
        return [self._times(r) for r in rows]

    def list_reminders(
        self,
        community: str,
        first_contact_hours: Mapping[str, float],
        now: datetime,
        *,
        blocks: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Everything that needs a block leader, most urgent then oldest first: needs overdue
        for first contact, escalations, lapsed or declined referrals, undelivered notices."""
        scope = None if blocks is None else list(blocks)
        items = [
            _reminder("overdue", row, row["due_at"])
            for row in self.list_overdue_needs(community, first_contact_hours, now, blocks=scope)
        ]
        items += [
            _reminder("escalated", row, row["escalated_at"], detail=row["escalation_reason"])
            for row in self.list_escalated(community, blocks=scope)
        ]
        for row in self.list_referral_reminders(community, now, blocks=scope):
            failed = row["delivery_failed_at"] is not None and row["status"] == "sent"
            items.append(
                _reminder(
                    "delivery_failed" if failed else f"referral_{row['status']}",
                    row,
                    row["delivery_failed_at"] if failed else row["closed_at"],
                    detail=row["decline_reason"] or "",
                )
            )
        return sorted(items, key=lambda i: (-i["urgency_rank"], i["since"], i["need_id"]))

    def weekly_flow(self, community: str, now: datetime, weeks: int = 12) -> list[dict[str, Any]]:
        """Needs logged and resolved in each of the last `weeks` seven-day weeks, oldest first:
        [{start, end, logged, resolved}], the last week ending now."""
        start = now - timedelta(days=7 * weeks)
        flow: list[dict[str, Any]] = [
            {
                "start": start + timedelta(days=7 * i),
                "end": start + timedelta(days=7 * (i + 1)),
                "logged": 0,
                "resolved": 0,
            }
            for i in range(weeks)
        ]
        params = {"community": community, "since": self.store.to_db_time(start)}
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT logged_at, resolved_at FROM needs_view WHERE community=%(community)s "
                "AND (logged_at >= %(since)s OR resolved_at >= %(since)s)",
                params,
            ).fetchall()
        for row in rows:
            for key, column in (("logged", "logged_at"), ("resolved", "resolved_at")):
                moment = self.store.from_db_time(row[column]) if row[column] else None
                if moment is not None and start <= moment <= now:
                    week = min(int((moment - start) / timedelta(days=7)), weeks - 1)
                    flow[week][key] += 1
        return flow

    def _in(self, column: str, values: Iterable[str] | None, params: dict[str, Any]) -> str:
        if values is None:
            return "1=1"
        names = []
        for i, value in enumerate(values):
            name = f"in_{column.replace('.', '_')}_{i}"
            params[name] = value
            names.append(f"%({name})s")
        return f"{column} IN ({', '.join(names)})" if names else "1=0"

    def _times(self, row: dict[str, Any]) -> dict[str, Any]:
        for key in ("logged_at", "respond_by", "closed_at", "escalated_at", "delivery_failed_at"):
            if row.get(key) is not None:
                row[key] = self.store.from_db_time(row[key])
        return row


def _reminder(kind: str, row: dict[str, Any], since: datetime, detail: str = "") -> dict[str, Any]:
    return {
        "kind": kind,
        "need_id": row["need_id"],
        "referral_id": row.get("referral_id"),
        "partner_id": row.get("partner_id"),
        "partner_name": row.get("partner_name"),
        "block": row["block"],
        "building": row["building"],
        "category": row["category"],
        "urgency": row["urgency"],
        "urgency_rank": row["urgency_rank"],
        "since": since,
        "detail": detail or "",
    }
