"""Verifying the log: each case's chain of hashes, its snapshots, and the seals over the
whole log that catch a case's newest events cut off."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application

from needs.reading import describe_need
from store.chain import GENESIS, link_of
from store.sqlstore import SqlStore

_SEALS = """
CREATE TABLE IF NOT EXISTS seals (
    seal_no INTEGER PRIMARY KEY, sealed_at {time} NOT NULL,
    last_notification_id INTEGER NOT NULL, log_hash TEXT NOT NULL,
    heads TEXT NOT NULL, previous TEXT NOT NULL, seal_hash TEXT NOT NULL)
"""
BATCH = 1000


@dataclass(frozen=True)
class Problem:
    """Where the record stops being trustworthy, and why."""

    need_id: UUID | None
    version: int | None
    what: str

    def __str__(self) -> str:
        where = f"need {self.need_id} version {self.version}: " if self.need_id else ""
        return where + self.what


@dataclass
class CaseCheck:
    """One case's verification: how far it checks out, and the first problem if any."""

    need_id: UUID
    versions: int = 0
    head: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_case(app: Application[UUID], need_id: UUID) -> CaseCheck:
    """Read the case's stored events one by one and recompute its chain."""
    check = CaseCheck(need_id)
    for stored in app.recorder.select_events(need_id):
        expected = check.versions + 1
        if stored.originator_version != expected:
            check.problems.append(Problem(need_id, expected, "event missing or out of order"))
            return check
        try:
            event: Any = app.mapper.to_domain_event(stored)
        except Exception as error:
            check.problems.append(Problem(need_id, expected, f"cannot be read ({error})"))
            return check
        if event.chain and link_of(event, check.head) != event.chain:
            check.problems.append(Problem(need_id, expected, "altered: its hash does not match"))
            return check
        check.versions, check.head = expected, event.chain or check.head
    _verify_snapshots(app, check)
    return check


def _verify_snapshots(app: Application[UUID], check: CaseCheck) -> None:
    """A snapshot must equal the case replayed from its events to the same version."""
    if app.snapshots is None:
        return
    for stored in app.snapshots.recorder.select_events(check.need_id):
        try:
            snapshot: Any = app.mapper.to_domain_event(stored)
            from_snapshot = snapshot.mutate(None)
        except Exception as error:
            check.problems.append(
                Problem(
                    check.need_id, stored.originator_version, f"snapshot cannot be read ({error})"
                )
            )
            return
        replayed: Any = None
        for event in app.events.get(check.need_id, lte=stored.originator_version):
            replayed = cast(Any, event).mutate(replayed)
        same = replayed is not None and describe_need(from_snapshot) == describe_need(replayed)
        if not same or from_snapshot.chain_head != replayed.chain_head:
            check.problems.append(
                Problem(
                    check.need_id,
                    stored.originator_version,
                    "snapshot altered: it differs from the events",
                )
            )
            return


class Seals:
    """Seals over the whole log: each covers every event up to a notification id, lists the
    head of each case it saw, and is chained to the seal before it."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def create_tables(self) -> None:
        self.store.run_ddl(_SEALS)

    def all(self) -> list[dict[str, Any]]:
        with self.store.read() as sql:
            return sql.execute("SELECT * FROM seals ORDER BY seal_no").fetchall()

    def covering(self, need_id: UUID) -> dict[str, Any] | None:
        """The newest seal that recorded this case's head, with the version it sealed."""
        for seal in reversed(self.all()):
            heads = json.loads(seal["heads"])
            if str(need_id) in heads:
                return {
                    "seal_no": seal["seal_no"],
                    "sealed_at": self.store.from_db_time(seal["sealed_at"]),
                    "version": heads[str(need_id)][0],
                    "seal_hash": seal["seal_hash"],
                }
        return None

    def seal(self, app: Application[UUID], now: datetime) -> dict[str, Any] | None:
        """Seal everything recorded since the last seal; None when nothing is new."""
        seals = self.all()
        last = seals[-1] if seals else None
        start = int(last["last_notification_id"]) if last else 0
        log_hash = last["log_hash"] if last else GENESIS
        heads: dict[str, list[Any]] = {}
        end = start
        for notification_id, event in _events_after(app, start):
            log_hash = _fold(log_hash, notification_id, event)
            heads[str(event.originator_id)] = [event.originator_version, event.chain]
            end = notification_id
        if end == start:
            return None
        row = {
            "seal_no": (int(last["seal_no"]) + 1) if last else 1,
            "sealed_at": self.store.to_db_time(now),
            "last_notification_id": end,
            "log_hash": log_hash,
            "heads": json.dumps(heads, sort_keys=True),
            "previous": last["seal_hash"] if last else GENESIS,
        }
        row["seal_hash"] = _seal_hash(row)
        with self.store.write() as sql:
            sql.execute(
                "INSERT INTO seals VALUES (%(seal_no)s, %(sealed_at)s, %(last_notification_id)s,"
                " %(log_hash)s, %(heads)s, %(previous)s, %(seal_hash)s)",
                row,
            )
        return row

    def verify(self, app: Application[UUID]) -> list[Problem]:
        """Recompute every seal from the log; the first mismatch is reported."""
        previous, log_hash = GENESIS, GENESIS
        events = _events_after(app, 0)
        pending = next(events, None)
        for seal in self.all():
            if seal["previous"] != previous or _seal_hash(seal) != seal["seal_hash"]:
                return [Problem(None, None, f"seal {seal['seal_no']} was altered")]
            while pending is not None and pending[0] <= int(seal["last_notification_id"]):
                log_hash = _fold(log_hash, *pending)
                pending = next(events, None)
            for case, (version, chain) in json.loads(seal["heads"]).items():
                problem = _check_head(app, UUID(case), int(version), chain, seal["seal_no"])
                if problem is not None:
                    return [problem]
            if log_hash != seal["log_hash"]:
                return [
                    Problem(
                        None,
                        None,
                        f"the log up to seal {seal['seal_no']} was altered, reordered or cut",
                    )
                ]
            previous = seal["seal_hash"]
        return []


def _check_head(
    app: Application[UUID], need_id: UUID, version: int, chain: str, seal_no: int
) -> Problem | None:
    stored = list(app.recorder.select_events(need_id, gt=version - 1, lte=version))
    if not stored:
        return Problem(need_id, version, f"sealed by seal {seal_no}, now missing (cut off)")
    try:
        event: Any = app.mapper.to_domain_event(stored[0])
    except Exception as error:
        return Problem(need_id, version, f"cannot be read ({error})")
    if event.chain != chain:
        return Problem(need_id, version, f"differs from what seal {seal_no} recorded")
    return None


def _events_after(app: Application[UUID], start: int) -> Iterator[tuple[int, Any]]:
    while True:
        notifications = app.recorder.select_notifications(
            start=start, limit=BATCH, inclusive_of_start=False
        )
        for n in notifications:
            yield n.id, app.mapper.to_domain_event(n)
            start = n.id
        if len(notifications) < BATCH:
            return


def _fold(log_hash: str, notification_id: int, event: Any) -> str:
    entry = f"{log_hash}|{notification_id}|{event.originator_id}|{event.originator_version}|"
    return hashlib.sha256((entry + getattr(event, "chain", "")).encode()).hexdigest()


def _seal_hash(row: dict[str, Any]) -> str:
    body = "|".join(
        str(row[k]) for k in ("seal_no", "last_notification_id", "log_hash", "heads", "previous")
    )
    return hashlib.sha256(body.encode()).hexdigest()


def case_ids(app: Application[UUID], progress: Callable[[int], None] | None = None) -> list[UUID]:
    """Every case in the log, in the order they were first recorded."""
    seen: dict[UUID, None] = {}
    for count, (_, event) in enumerate(_events_after(app, 0), start=1):
        seen.setdefault(event.originator_id, None)
        if progress is not None and count % BATCH == 0:
            progress(count)
    return list(seen)
