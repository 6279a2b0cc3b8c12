"""The three fives over a period, counted from the read models for the monthly report: duties
due (by block and kind) and what became of them by the end, and the records made, by kind.
Counts only. With the period ending now, the duties' counts are the compliance page's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from store.sqlstore import SqlStore

# A duty counts for the period when it is due from its start and fell due by its end (or now):
# the compliance page's rule, so that a report ending today shows the page's numbers.
_DUTIES = """
SELECT block, kind, COUNT(*) AS due,
  SUM(CASE WHEN discharged_at IS NOT NULL AND discharged_at <= due_at
      AND discharged_at <= %(cut)s THEN 1 ELSE 0 END) AS on_time,
  SUM(CASE WHEN discharged_at > due_at AND discharged_at <= %(cut)s THEN 1 ELSE 0 END) AS late,
  SUM(CASE WHEN (discharged_at IS NULL OR discharged_at > %(cut)s) AND due_at < %(cut)s
      THEN 1 ELSE 0 END) AS overdue
FROM duties_view WHERE {where} AND due_at >= %(start)s AND fell_due_at <= %(cut)s
GROUP BY block, kind ORDER BY block, kind
"""
_RECORDS = """
SELECT block, kind, COUNT(*) AS n FROM records_view
WHERE {where} AND made_at >= %(start)s AND made_at < %(end)s GROUP BY block, kind
ORDER BY block, kind
"""


class DutyPeriodCounts:
    """Queries on duties_view and records_view that sum a period."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def duties(
        self, community: str, start: datetime, cut: datetime, blocks: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """[{block, kind, due, on_time, late, overdue}] for duties due in [start, cut]."""
        where, params = _scope(community, blocks)
        params.update(start=self.store.to_db_time(start), cut=self.store.to_db_time(cut))
        with self.store.read() as sql:
            rows = sql.execute(_DUTIES.format(where=where), params).fetchall()
        return [_ints(r, ("block", "kind")) for r in rows]

    def records(
        self, community: str, start: datetime, end: datetime, blocks: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """[{block, kind, n}] for the five must-records made in [start, end)."""
        where, params = _scope(community, blocks)
        params.update(start=self.store.to_db_time(start), end=self.store.to_db_time(end))
        with self.store.read() as sql:
            rows = sql.execute(_RECORDS.format(where=where), params).fetchall()
        return [_ints(r, ("block", "kind")) for r in rows]


def _ints(row: dict[str, Any], keep: tuple[str, ...]) -> dict[str, Any]:
    return {k: (v if k in keep else int(v or 0)) for k, v in row.items()}


def _scope(community: str, blocks: Iterable[str] | None) -> tuple[str, dict[str, Any]]:
    where, params = "community=%(community)s", {"community": community}
    if blocks is not None:
        chosen = list(blocks)
        names = [f"block{i}" for i, _ in enumerate(chosen)]
        params.update(zip(names, chosen, strict=True))
        where += f" AND block IN ({', '.join(f'%({n})s' for n in names)})" if names else " AND 1=0"
    return where, params
