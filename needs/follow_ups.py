"""The follow-up visits (回访) as the read models know them: which resolved needs are due a
follow-up, and, per block, how many resolved needs were followed up and confirmed helped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from store.sqlstore import SqlStore

# The verdicts that count as "the resident confirmed it helped".
HELPED = ("satisfied",)


class FollowUpQueries:
    """Queries over needs_view's follow-up columns (kept by NeedsProjection)."""

    store: SqlStore

    def follow_ups_due(
        self,
        community: str,
        days: Mapping[str, float],
        now: datetime,
        *,
        blocks: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Resolved needs not yet followed up whose follow-up has fallen due by `now` (each
        category's `days` after its resolution), the longest due first, each with `due_at`."""
        where, params = self._scope(community, blocks)
        with self.store.read() as sql:
            columns = "need_id, block, building, household_id, category, assignee, logged_by"
            pending = "status='resolved' AND followed_up_at IS NULL AND resolved_at IS NOT NULL"
            query = f"SELECT {columns}, resolved_at FROM needs_view WHERE {where} AND {pending}"  # noqa: S608
            rows = sql.execute(query, params).fetchall()
        due = []
        for row in rows:
            row["resolved_at"] = self.store.from_db_time(row["resolved_at"])
            row["due_at"] = row["resolved_at"] + timedelta(days=days.get(row["category"], 7))
            if row["due_at"] <= now:
                due.append(row)
        return sorted(due, key=lambda r: (r["due_at"], r["need_id"]))

    def follow_up_summary(
        self, community: str, since: datetime, *, blocks: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Per block, of the needs resolved since `since` (and still resolved): how many, how
        many were followed up, how many the residents confirmed helped; with both shares."""
        where, params = self._scope(community, blocks)
        params["since"] = self.store.to_db_time(since)
        helped = ", ".join(f"'{v}'" for v in HELPED)
        with self.store.read() as sql:
            counts = (
                "COUNT(*) AS resolved, COUNT(followed_up_at) AS followed_up, "
                f"SUM(CASE WHEN follow_up_verdict IN ({helped}) THEN 1 ELSE 0 END) AS helped"
            )
            kept = f"{where} AND status='resolved' AND resolved_at >= %(since)s"
            query = f"SELECT block, {counts} FROM needs_view WHERE {kept} GROUP BY block"  # noqa: S608
            rows = sql.execute(query + " ORDER BY block", params).fetchall()
        return [
            {
                "block": r["block"],
                "resolved": int(r["resolved"]),
                "followed_up": int(r["followed_up"]),
                "confirmed_helped": int(r["helped"] or 0),
                "followed_up_share": _share(r["followed_up"], r["resolved"]),
                "helped_share": _share(r["helped"] or 0, r["followed_up"]),
            }
            for r in rows
        ]

    def _scope(self, community: str, blocks: Iterable[str] | None) -> tuple[str, dict[str, Any]]:
        where, params = ["community=%(community)s"], {"community": community}
        if blocks is not None:
            names = {f"block{i}": b for i, b in enumerate(blocks)}
            params.update(names)
            where.append(f"block IN ({', '.join(f'%({n})s' for n in names) or 'NULL'})")
        return " AND ".join(where), params


def _share(part: int, whole: int) -> float | None:
    return round(int(part) / int(whole), 3) if whole else None
