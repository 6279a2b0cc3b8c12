"""Each partner's referral record, kept beside the referrals it sums: one row a partner (its
answers, open load and median time to accept) and one a partner and week (referrals sent), so a
ranking reads a row a partner however long the history. A batch of events updates the rows of
the partners it touched in the same transaction as the referrals, so they stay exactly once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from kernel.clock import week_start
from needs.domain import Need
from store.sqlstore import Sql, SqlStore

STATS_TABLES = ("partner_stats", "partner_weeks")
STATS_DDL = """
CREATE TABLE IF NOT EXISTS partner_stats (
    community TEXT NOT NULL, partner_id TEXT NOT NULL, accepted INTEGER NOT NULL,
    declined INTEGER NOT NULL, expired INTEGER NOT NULL, open_load INTEGER NOT NULL,
    median_hours DOUBLE PRECISION, PRIMARY KEY (community, partner_id));
CREATE TABLE IF NOT EXISTS partner_weeks (
    community TEXT NOT NULL, partner_id TEXT NOT NULL, week {time} NOT NULL,
    sent INTEGER NOT NULL, PRIMARY KEY (community, partner_id, week))
"""
# The keys a dump sorts and compares the rows by (the first column of each row).
STATS_KEYS = {
    "partner_stats": "community || ' ' || partner_id",
    "partner_weeks": "community || ' ' || partner_id || ' ' || CAST(week AS TEXT)",
}
# A partner's record counted again from its own referrals (an index on partner_id finds them).
# PostgreSQL takes the median in the same statement (percentile_cont(0.5) is the mean of the
# middle two, as statistics.median); SQLite numbers the waits in order and averages the middle.
_RECOUNT = """
INSERT INTO partner_stats
    (community, partner_id, accepted, declined, expired, open_load, median_hours)
SELECT c.community, c.partner_id, c.accepted, c.declined, c.expired, c.open_load, {median}
FROM (SELECT community, partner_id, COUNT(accepted_at) AS accepted,
        SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS declined,
        SUM(CASE WHEN status = 'expired' THEN 1 ELSE 0 END) AS expired,
        SUM(CASE WHEN status IN ('sent', 'accepted') THEN 1 ELSE 0 END) AS open_load
    FROM referrals_view WHERE partner_id IN ({ids}) GROUP BY community, partner_id) AS c
{waits} WHERE true
ON CONFLICT (community, partner_id) DO UPDATE SET accepted=excluded.accepted,
    declined=excluded.declined, expired=excluded.expired, open_load=excluded.open_load,
    median_hours=excluded.median_hours
"""
_MEDIAN = {
    "postgres": """(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY
        CAST(EXTRACT(EPOCH FROM r.accepted_at - r.sent_at) AS DOUBLE PRECISION) / 3600.0)
    FROM referrals_view r WHERE r.community = c.community AND r.partner_id = c.partner_id
        AND r.accepted_at IS NOT NULL)""",
    "sqlite": "m.median",
}
_WAITS = {
    "postgres": "",
    "sqlite": """LEFT JOIN (SELECT community, partner_id, AVG(hours) AS median
    FROM (SELECT community, partner_id, hours,
            COUNT(*) OVER (PARTITION BY community, partner_id) AS total,
            ROW_NUMBER() OVER (PARTITION BY community, partner_id ORDER BY hours) AS n
        FROM (SELECT community, partner_id,
                (julianday(accepted_at) - julianday(sent_at)) * 24.0 AS hours
            FROM referrals_view WHERE partner_id IN ({ids}) AND accepted_at IS NOT NULL))
    WHERE n IN ((total + 1) / 2, (total + 2) / 2) GROUP BY community, partner_id) AS m
ON m.community = c.community AND m.partner_id = c.partner_id""",
}
_SENT = (
    "INSERT INTO partner_weeks (community, partner_id, week, sent) "
    "SELECT community, partner_id, %(week)s, COUNT(*) FROM referrals_view "
    "WHERE referral_id IN ({ids}) GROUP BY community, partner_id "
    "ON CONFLICT (community, partner_id, week) DO UPDATE SET sent = partner_weeks.sent + "
    "excluded.sent"
)
_HISTORY = (
    "SELECT partner_id, accepted, declined, expired, open_load, median_hours, "
    "(SELECT COALESCE(SUM(w.sent), 0) FROM partner_weeks w WHERE w.community = s.community "
    "AND w.partner_id = s.partner_id AND w.week >= %(week)s) AS sent_this_week "
    "FROM partner_stats s WHERE s.community = %(c)s"
)
_PARTNERS_OF = "SELECT partner_id FROM referrals_view WHERE referral_id IN ({ids})"
_CHUNK = 500  # identifiers a statement, well inside either database's limit on parameters


def _chunks(values: Iterable[str]) -> Iterable[tuple[str, dict[str, str]]]:
    """`IN (…)` lists of at most _CHUNK values: the placeholders and their parameters."""
    ordered = sorted(values)
    for at in range(0, len(ordered), _CHUNK):
        params = {f"v{i}": value for i, value in enumerate(ordered[at : at + _CHUNK])}
        yield ", ".join(f"%({name})s" for name in params), params


class PartnerStatsKeeper:
    """Keeps partner_stats and partner_weeks in step with referrals_view, batch by batch."""

    store: SqlStore

    def _applied(self, sql: Sql, events: Sequence[Any]) -> None:
        """After a batch: the partner of each referral it touched counted again, and each
        referral sent added to its partner's week."""
        sent: dict[datetime, set[str]] = defaultdict(set)
        touched: set[str] = set()
        for event in events:
            referral_id = getattr(event, "referral_id", None)
            if referral_id is None:
                continue
            touched.add(str(referral_id))
            if isinstance(event, Need.Referred):
                sent[week_start(event.timestamp)].add(str(referral_id))
        # The partners are found in SQL, not read back: PostgreSQL's pipeline need not wait.
        for ids, params in _chunks(touched):
            self._recount(sql, _PARTNERS_OF.format(ids=ids), params)
        self._add_sent(sql, sent)

    def _recount(self, sql: Sql, partners: str, params: dict[str, str]) -> None:
        dialect = self.store.dialect
        waits = _WAITS[dialect].format(ids=partners)
        sql.execute(_RECOUNT.format(ids=partners, median=_MEDIAN[dialect], waits=waits), params)

    def _count_all_referrals(self, sql: Sql) -> None:
        """Fill the records from referrals kept before them (a store from an older release)."""
        if sql.execute("SELECT 1 AS x FROM partner_stats LIMIT 1").fetchone():
            return
        rows = sql.execute("SELECT referral_id, partner_id, sent_at FROM referrals_view").rows()
        if not rows:
            return
        sql.execute("DELETE FROM partner_weeks")
        for ids, params in _chunks({row["partner_id"] for row in rows}):
            self._recount(sql, ids, params)
        sent: dict[datetime, set[str]] = defaultdict(set)
        for row in rows:
            moment = self.store.from_db_time(row["sent_at"])
            if moment is not None:  # sent_at is NOT NULL; this tells the type checker so
                sent[week_start(moment)].add(row["referral_id"])
        self._add_sent(sql, sent)

    def _add_sent(self, sql: Sql, sent: dict[datetime, set[str]]) -> None:
        for week, referral_ids in sent.items():
            for ids, params in _chunks(referral_ids):
                sql.execute(_SENT.format(ids=ids), {**params, "week": self.store.to_db_time(week)})

    def _read_history(self, sql: Sql, community: str, week: datetime) -> dict[UUID, dict[str, Any]]:
        rows = sql.execute(
            _HISTORY, {"c": community, "week": self.store.to_db_time(week_start(week))}
        ).rows()
        return {
            UUID(row["partner_id"]): {
                "sent_this_week": int(row["sent_this_week"]),
                "accepted": row["accepted"],
                "declined": row["declined"],
                "expired": row["expired"],
                "open_load": row["open_load"],
                "median_hours_to_accept": row["median_hours"],
            }
            for row in rows
        }
