"""The notices the committee's own people are owed: a need assigned, a referral declined, a case
escalated — each a row written while following the needs log (the rows and the position commit
together), for the block's channels and, for an escalation, the secretary's too. A notice names
the case, its block and its category, never the resident: a whole group reads it.

The notices are handed to the channels by the dispatch (`web/tasks/team_delivery.py`), which marks
each as fanned out; a notice first seen more than a day after its event (a rebuild, a first
deployment) is history, not news: it is kept as skipped, not sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid5

from kernel.clock import Clock
from needs.domain import Need
from needs.outbox import MAX_AGE
from store.sqlstore import Sql, SqlStore
from store.tracking import RowPerEvent, TrackedSqlView, handler_for

NEED_ASSIGNED = "need.assigned"
REFERRAL_DECLINED = "referral.declined"
NEED_ESCALATED = "need.escalated"
# The events a block's people are told of, each by its notice; who else is told.
NOTICES: dict[type[Any], str] = {
    Need.Assigned: NEED_ASSIGNED,
    Need.ReferralDeclined: REFERRAL_DECLINED,
    Need.Escalated: NEED_ESCALATED,
}
TO_THE_SECRETARY = frozenset({NEED_ESCALATED})
PENDING, FANNED, SKIPPED = "pending", "fanned", "skipped"

_TABLES = """
CREATE TABLE IF NOT EXISTS team_cases (
    need_id TEXT PRIMARY KEY, community TEXT NOT NULL, block TEXT NOT NULL,
    category TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS team_notices (
    notice_id TEXT PRIMARY KEY, event TEXT NOT NULL, need_id TEXT NOT NULL, referral_id TEXT,
    community TEXT NOT NULL, block TEXT NOT NULL, category TEXT NOT NULL, assignee TEXT,
    status TEXT NOT NULL, created_at {time} NOT NULL);
CREATE INDEX IF NOT EXISTS team_notices_pending ON team_notices (status, created_at);
CREATE TABLE IF NOT EXISTS team_notices_tracking (
    application_name TEXT PRIMARY KEY, notification_id INTEGER NOT NULL)
"""


def notice_id_for(need_id: UUID, version: int) -> UUID:
    """The notice of one event of a case: the same however often the log is followed."""
    return uuid5(need_id, f"team:{version}")


@dataclass(frozen=True)
class TeamNotice:
    """One notice owed to a block's (and perhaps the secretary's) channels."""

    notice_id: UUID
    event: str
    need_id: UUID
    referral_id: UUID | None
    community: str
    block: str
    category: str
    assignee: str | None
    status: str
    created_at: datetime

    @property
    def to_the_secretary(self) -> bool:
        return self.event in TO_THE_SECRETARY


class TeamNotices(TrackedSqlView):
    """The notices owed to the committee's people, kept by following the Needs log once."""

    tracking_table = "team_notices_tracking"
    tables = ("team_cases", "team_notices")
    kept: ClassVar[tuple[RowPerEvent, ...]] = tuple(
        RowPerEvent("team_notices", (e,), f"event='{n}'") for e, n in NOTICES.items()
    )
    # A notice may be on its way as soon as it is written: it waits for the disk.
    derived = False

    def __init__(self, store: SqlStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLES)

    def reset(self, application_name: str) -> None:
        """Follow the log again from its start, keeping the notices already owed as they are."""
        with self.store.write() as sql:
            sql.execute("DELETE FROM team_cases")
            sql.execute(
                "DELETE FROM team_notices_tracking WHERE application_name=%(app)s",
                {"app": application_name},
            )

    def _apply(self, sql: Sql, event: Any) -> None:
        if isinstance(event, Need.NeedLogged):
            sql.execute(
                "INSERT INTO team_cases (need_id, community, block, category) VALUES "
                "(%(id)s, %(community)s, %(block)s, %(category)s) ON CONFLICT (need_id) DO NOTHING",
                {
                    "id": str(event.originator_id),
                    "community": event.community,
                    "block": event.block,
                    "category": event.category,
                },
            )
            return
        notice = handler_for(NOTICES, type(event))
        if notice is not None:
            self._add(sql, notice, event)

    def _add(self, sql: Sql, notice: str, event: Any) -> None:
        case = sql.execute(
            "SELECT community, block, category FROM team_cases WHERE need_id=%(id)s",
            {"id": str(event.originator_id)},
        ).fetchone()
        if case is None:
            return  # a case the view never saw logged: nobody to tell
        stale = event.timestamp < self.clock.now() - MAX_AGE
        referral_id = getattr(event, "referral_id", None)
        sql.execute(
            "INSERT INTO team_notices (notice_id, event, need_id, referral_id, community, block, "
            "category, assignee, status, created_at) VALUES (%(id)s, %(event)s, %(need)s, "
            "%(referral)s, %(community)s, %(block)s, %(category)s, %(assignee)s, %(status)s, "
            "%(at)s) ON CONFLICT (notice_id) DO NOTHING",
            {
                "id": str(notice_id_for(event.originator_id, event.originator_version)),
                "event": notice,
                "need": str(event.originator_id),
                "referral": None if referral_id is None else str(referral_id),
                "assignee": getattr(event, "assignee", None),
                "status": SKIPPED if stale else PENDING,
                "at": self.store.to_db_time(event.timestamp),
                **case,
            },
        )

    def pending(self, limit: int = 100) -> list[TeamNotice]:
        """Notices not yet handed to channels, the oldest first."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT * FROM team_notices WHERE status='pending' "
                "ORDER BY created_at, notice_id LIMIT %(limit)s",
                {"limit": limit},
            ).fetchall()
        return [self._notice(row) for row in rows]

    def get(self, notice_id: UUID) -> TeamNotice | None:
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT * FROM team_notices WHERE notice_id=%(id)s", {"id": str(notice_id)}
            ).fetchone()
        return self._notice(row) if row else None

    def mark_fanned(self, notice_id: UUID) -> None:
        """The notice's messages are owed to every channel it goes to: it is done here."""
        with self.store.write() as sql:
            sql.execute(
                "UPDATE team_notices SET status='fanned' WHERE notice_id=%(id)s "
                "AND status='pending'",
                {"id": str(notice_id)},
            )

    def _notice(self, row: dict[str, Any]) -> TeamNotice:
        return TeamNotice(
            notice_id=UUID(row["notice_id"]),
            event=row["event"],
            need_id=UUID(row["need_id"]),
            referral_id=UUID(row["referral_id"]) if row["referral_id"] else None,
            community=row["community"],
            block=row["block"],
            category=row["category"],
            assignee=row["assignee"],
            status=row["status"],
            created_at=self.store.from_db_time(row["created_at"]) or datetime.min,
        )
