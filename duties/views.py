"""Read models of the duties log: households by address digest, duties by block and due time,
records. No personal data: an address is kept as a keyed digest. Each batch of events and its
tracking position commit together, like the casework views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from duties.addresses import AddressIndex
from duties.domain import Household
from duties.record import Record
from duties.rules import DutyRules
from store.sqlstore import Sql, SqlStore
from store.tracking import Handler, RowPerAggregate, RowPerEvent, TrackedSqlView

_TABLES = """
CREATE TABLE IF NOT EXISTS duty_households (
    household_id TEXT PRIMARY KEY, community TEXT NOT NULL, block TEXT NOT NULL,
    building INTEGER NOT NULL, address_digest TEXT NOT NULL, watched INTEGER NOT NULL,
    registered_at {time} NOT NULL, version INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS duty_households_address ON duty_households (address_digest);
CREATE TABLE IF NOT EXISTS duties_view (
    duty_id TEXT PRIMARY KEY, household_id TEXT NOT NULL, community TEXT NOT NULL,
    block TEXT NOT NULL, building INTEGER NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,
    rank INTEGER NOT NULL, fell_due_at {time} NOT NULL, due_at {time} NOT NULL,
    discharged_at {time}, discharged_by TEXT);
CREATE INDEX IF NOT EXISTS duties_view_block ON duties_view (community, block, due_at);
CREATE TABLE IF NOT EXISTS records_view (
    record_id TEXT PRIMARY KEY, community TEXT NOT NULL, block TEXT NOT NULL,
    household_id TEXT, kind TEXT NOT NULL, made_by TEXT NOT NULL, made_at {time} NOT NULL,
    need_id TEXT);
CREATE TABLE IF NOT EXISTS view_tracking (
    application_name TEXT PRIMARY KEY, notification_id INTEGER NOT NULL)
"""
TABLES = ("duty_households", "duties_view", "records_view")


class DutiesView(AddressIndex, TrackedSqlView):
    """The duties read models, kept by following the Duties log exactly once."""

    tables = TABLES
    # What `audit verify` checks against the log: a household's row at its version (every
    # event moves it), a row for each duty fallen due, for each record and each made a need.
    kept = (
        RowPerAggregate("duty_households", "household_id", Household.Event),
        RowPerEvent("duties_view", (Household.DutyFellDue,)),
        RowPerAggregate("records_view", "record_id", Record.Event, version=None),
        RowPerEvent("records_view", (Record.RecordTurnedIntoNeed,), "need_id IS NOT NULL"),
    )

    def __init__(
        self,
        store: SqlStore,
        address_key: bytes,
        rules: DutyRules | None = None,
        previous_address_keys: Sequence[bytes] = (),
    ) -> None:
        self.store = store
        self.address_key = address_key
        # Digests made under a CIPHER_KEY being rotated away still find their household.
        self.previous_address_keys = tuple(previous_address_keys)
        self.rules = rules or DutyRules()

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLES)

    def _t(self, moment: datetime | None) -> Any:
        return self.store.to_db_time(moment)

    def _version(self, sql: Sql, e: Any) -> None:
        sql.execute(
            "UPDATE duty_households SET version=%(v)s WHERE household_id=%(h)s",
            {"v": e.originator_version, "h": str(e.originator_id)},
        )

    def _registered(self, sql: Sql, e: Any) -> None:
        sql.execute(
            "INSERT INTO duty_households (household_id, community, block, building, "
            "address_digest, watched, registered_at, version) VALUES (%(h)s, %(c)s, %(b)s, "
            "%(building)s, %(d)s, 0, %(at)s, 1)",
            {
                "h": str(e.originator_id),
                "c": e.community,
                "b": e.block,
                "building": e.building,
                "d": self._digest(e.community, e.block, e.building, e.unit, e.room),
                "at": self._t(e.timestamp),
            },
        )

    def _watched(self, sql: Sql, e: Any, change: int) -> None:
        sql.execute(
            "UPDATE duty_households SET watched=watched+%(n)s, version=%(v)s "
            "WHERE household_id=%(h)s",
            {"n": change, "v": e.originator_version, "h": str(e.originator_id)},
        )

    def _group_joined(self, sql: Sql, e: Any) -> None:
        self._watched(sql, e, 1)

    def _group_left(self, sql: Sql, e: Any) -> None:
        self._watched(sql, e, -1)

    def _life_event_recorded(self, sql: Sql, e: Any) -> None:
        self._version(sql, e)

    def _duty_fell_due(self, sql: Sql, e: Any) -> None:
        sql.execute(
            "INSERT INTO duties_view (duty_id, household_id, community, block, building, kind, "
            "reason, rank, fell_due_at, due_at) SELECT %(d)s, household_id, community, block, "
            "building, %(kind)s, %(reason)s, %(rank)s, %(at)s, %(due)s FROM duty_households "
            "WHERE household_id=%(h)s",
            {
                "d": str(e.duty_id),
                "h": str(e.originator_id),
                "kind": e.kind,
                "reason": e.reason,
                "rank": self.rules.rank(e.kind, e.reason),
                "at": self._t(e.timestamp),
                "due": self._t(e.due_at),
            },
        )
        self._version(sql, e)

    def _duty_discharged(self, sql: Sql, e: Any) -> None:
        sql.execute(
            "UPDATE duties_view SET discharged_at=%(at)s, discharged_by=%(by)s WHERE duty_id=%(d)s",
            {"at": self._t(e.occurred_at), "by": e.actor, "d": str(e.duty_id)},
        )
        self._version(sql, e)

    def _erased(self, sql: Sql, e: Any) -> None:
        # An erased household can no longer be found by its address.
        sql.execute(
            "UPDATE duty_households SET address_digest='' WHERE household_id=%(h)s",
            {"h": str(e.originator_id)},
        )
        self._version(sql, e)

    def _record_made(self, sql: Sql, e: Any) -> None:
        sql.execute(
            "INSERT INTO records_view (record_id, community, block, household_id, kind, "
            "made_by, made_at) VALUES (%(r)s, %(c)s, %(b)s, %(h)s, %(k)s, %(by)s, %(at)s)",
            {
                "r": str(e.originator_id),
                "c": e.community,
                "b": e.block,
                "h": str(e.household_id) if e.household_id else None,
                "k": e.kind,
                "by": e.actor,
                "at": self._t(e.occurred_at),
            },
        )

    def _turned_into_need(self, sql: Sql, e: Any) -> None:
        sql.execute(
            "UPDATE records_view SET need_id=%(n)s WHERE record_id=%(r)s",
            {"n": str(e.need_id), "r": str(e.originator_id)},
        )

    handlers: ClassVar[Mapping[type[Any], Handler]] = {
        Household.HouseholdRegistered: _registered,
        Household.GroupJoined: _group_joined,
        Household.GroupLeft: _group_left,
        Household.LifeEventRecorded: _life_event_recorded,
        Household.DetailsNoted: _life_event_recorded,  # only the version moves
        Household.PastContactRecorded: _life_event_recorded,
        Household.DutyFellDue: _duty_fell_due,
        Household.DutyDischarged: _duty_discharged,
        Household.PersonalDataErased: _erased,  # a record's erasure changes no row here
        Record.RecordMade: _record_made,
        Record.RecordTurnedIntoNeed: _turned_into_need,
    }

    # --- queries -----------------------------------------------------------------------

    def duty_household(self, duty_id: UUID) -> UUID | None:
        """The household whose stream holds the duty."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT household_id FROM duties_view WHERE duty_id=%(d)s", {"d": str(duty_id)}
            ).fetchone()
        return UUID(row["household_id"]) if row else None

    def list_households(
        self, community: str, blocks: Iterable[str] | None, limit: int, offset: int
    ) -> tuple[list[UUID], int]:
        """Households in scope, by block and building, with the total before paging."""
        where, params = _where(community, blocks)
        with self.store.read() as sql:
            total = sql.execute(
                f"SELECT COUNT(*) AS n FROM duty_households WHERE {where}",  # noqa: S608
                params,
            ).fetchone()
            rows = sql.execute(
                f"SELECT household_id FROM duty_households WHERE {where} "  # noqa: S608
                "ORDER BY block, building, registered_at, household_id "
                "LIMIT %(limit)s OFFSET %(offset)s",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        return [UUID(r["household_id"]) for r in rows], int(total["n"] if total else 0)

    def household_ids(self) -> set[UUID]:
        """Every registered household's id."""
        with self.store.read() as sql:
            rows = sql.execute("SELECT household_id FROM duty_households").fetchall()
        return {UUID(r["household_id"]) for r in rows}

    def household_records(self, household_id: UUID) -> list[UUID]:
        """The records made about a household, newest first."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT record_id FROM records_view WHERE household_id=%(h)s "
                "ORDER BY made_at DESC, record_id",
                {"h": str(household_id)},
            ).fetchall()
        return [UUID(r["record_id"]) for r in rows]

    def watched_households(self) -> list[UUID]:
        """Households with a member in a watched group: the ones asks may fall due for."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT household_id FROM duty_households WHERE watched > 0 ORDER BY household_id"
            ).fetchall()
        return [UUID(r["household_id"]) for r in rows]

    def list_duties(
        self,
        community: str,
        blocks: Iterable[str] | None,
        due: str,
        now: datetime,
        until: datetime,
        limit: int = 200,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """Open duties in scope — overdue, due by `until`, or all — most urgent first."""
        where, params = _where(community, blocks)
        where += " AND discharged_at IS NULL"
        params.update(now=self._t(now), until=self._t(until))
        if due == "overdue":
            where += " AND due_at < %(now)s"
        elif due == "today":
            where += " AND due_at <= %(until)s"
        with self.store.read() as sql:
            total = sql.execute(
                f"SELECT COUNT(*) AS n FROM duties_view WHERE {where}",  # noqa: S608
                params,
            ).fetchone()
            rows = sql.execute(
                f"SELECT * FROM duties_view WHERE {where} "  # noqa: S608
                "ORDER BY CASE WHEN due_at < %(now)s THEN 0 ELSE 1 END, rank DESC, due_at, "
                "duty_id LIMIT %(limit)s OFFSET %(offset)s",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        return [self._times(r) for r in rows], int(total["n"] if total else 0)

    def compliance(
        self, community: str, since: datetime, now: datetime, volunteers: Iterable[str] = ()
    ) -> list[dict[str, Any]]:
        """Per block, duties due since `since`: how many, done on time, done late, overdue, and
        how many of those done the `volunteers` (usernames) did."""
        names = {f"v{i}": name for i, name in enumerate(volunteers)}
        # Only placeholders go into the text; the names are parameters.
        among = ", ".join(f"%({n})s" for n in names) or "NULL"
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT block, COUNT(*) AS due, "  # noqa: S608
                f"SUM(CASE WHEN discharged_by IN ({among}) THEN 1 ELSE 0 END) AS by_volunteers, "
                "SUM(CASE WHEN discharged_at IS NOT NULL AND discharged_at <= due_at "
                "THEN 1 ELSE 0 END) AS on_time, "
                "SUM(CASE WHEN discharged_at > due_at THEN 1 ELSE 0 END) AS late, "
                "SUM(CASE WHEN discharged_at IS NULL AND due_at < %(now)s THEN 1 ELSE 0 END) "
                "AS overdue FROM duties_view WHERE community=%(c)s AND due_at >= %(since)s "
                "AND fell_due_at <= %(now)s GROUP BY block ORDER BY block",
                {"c": community, "since": self._t(since), "now": self._t(now), **names},
            ).fetchall()
        return [{k: (v if k == "block" else int(v or 0)) for k, v in r.items()} for r in rows]

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every view in a stable order, to compare a rebuild with the live views."""
        keys = {"duty_households": "household_id", "duties_view": "duty_id"}
        keys["records_view"] = "record_id"
        with self.store.read() as sql:
            return {
                t: sql.execute(f"SELECT * FROM {t} ORDER BY {k}").fetchall()  # noqa: S608
                for t, k in keys.items()
            }

    def _times(self, row: dict[str, Any]) -> dict[str, Any]:
        for key in ("fell_due_at", "due_at", "discharged_at"):
            row[key] = self.store.from_db_time(row[key])
        return row


def _where(community: str, blocks: Iterable[str] | None) -> tuple[str, dict[str, Any]]:
    where, params = "community=%(community)s", {"community": community}
    if blocks is not None:
        chosen = list(blocks)
        names = [f"block{i}" for i, _ in enumerate(chosen)]
        params.update(zip(names, chosen, strict=True))
        where += f" AND block IN ({', '.join(f'%({n})s' for n in names)})" if names else " AND 1=0"
    return where, params
