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
from eventsourcing.persistence import Mapper, Notification, StoredEvent

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
        chain = getattr(event, "chain", "")
        if not chain and not _predates_chain(app.mapper, stored, type(event)):
            check.problems.append(Problem(need_id, expected, "altered: its hash is missing"))
            return check
        if chain and link_of(event, check.head) != chain:
            check.problems.append(Problem(need_id, expected, "altered: its hash does not match"))
            return check
        # After an event from before the chain the case's next event was chained to GENESIS,
        # as the aggregate's head was then empty (Need.Event.mutate).
        check.versions, check.head = expected, chain
    _verify_snapshots(app, check)
    return check


def _predates_chain(mapper: Mapper[UUID], stored: StoredEvent, event_class: type[Any]) -> bool:
    """Whether an event without a hash was stored before the chain existed: only a class whose
    older versions were unchained (its `first_chained_version`), stored at such a version, as
    the service wrote it then (no `chain` at all). Any other event without a hash was forged."""
    first_chained = getattr(event_class, "first_chained_version", 1)
    if first_chained <= 1:
        return False
    state = stored.state
    if mapper.cipher is not None:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor is not None:
        state = mapper.compressor.decompress(state)
    decoded: dict[str, Any] = mapper.transcoder.decode(state)
    return "chain" not in decoded and int(decoded.get("class_version", 1)) < first_chained


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
        for notification in _notifications_after(app, start):
            event: Any = app.mapper.to_domain_event(notification)
            log_hash = _fold(log_hash, notification, event.chain)
            heads[str(event.originator_id)] = [event.originator_version, event.chain]
            end = notification.id
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
        """Recompute every seal from the log; every mismatch is reported, and each seal is
        checked from where the one before it says the log was, so one break hides no other."""
        problems: list[Problem] = []
        previous, log_hash = GENESIS, GENESIS
        notifications = _notifications_after(app, 0)
        pending = next(notifications, None)
        for seal in self.all():
            if seal["previous"] != previous or _seal_hash(seal) != seal["seal_hash"]:
                problems.append(Problem(None, None, f"seal {seal['seal_no']} was altered"))
            while pending is not None and pending.id <= int(seal["last_notification_id"]):
                log_hash = _fold(log_hash, pending, _chain_of(app, pending))
                pending = next(notifications, None)
            for case, (version, chain) in json.loads(seal["heads"]).items():
                problem = _check_head(app, UUID(case), int(version), chain, seal["seal_no"])
                if problem is not None:
                    problems.append(problem)
            if log_hash != seal["log_hash"]:
                what = f"the log up to seal {seal['seal_no']} was altered, reordered or cut"
                problems.append(Problem(None, None, what))
                log_hash = seal["log_hash"]
            previous = seal["seal_hash"]
        return problems


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
    if getattr(event, "chain", "") != chain:
        return Problem(need_id, version, f"differs from what seal {seal_no} recorded")
    return None


def _notifications_after(app: Application[UUID], start: int) -> Iterator[Notification]:
    while True:
        notifications = app.recorder.select_notifications(
            start=start, limit=BATCH, inclusive_of_start=False
        )
        yield from notifications
        if len(notifications) < BATCH:
            return
        start = notifications[-1].id


def _chain_of(app: Application[UUID], notification: Notification) -> str:
    """An event's hash as stored; an event that cannot be read folds in as unreadable."""
    try:
        return str(getattr(app.mapper.to_domain_event(notification), "chain", ""))
    except Exception:
        return "unreadable"


def _case_of(notification: Notification) -> UUID:
    return UUID(str(notification.originator_id))


def _fold(log_hash: str, notification: Notification, chain: str) -> str:
    n = notification
    entry = f"{log_hash}|{n.id}|{_case_of(n)}|{n.originator_version}|{chain}"
    return hashlib.sha256(entry.encode()).hexdigest()


def _seal_hash(row: dict[str, Any]) -> str:
    body = "|".join(
        str(row[k]) for k in ("seal_no", "last_notification_id", "log_hash", "heads", "previous")
    )
    return hashlib.sha256(body.encode()).hexdigest()


def case_ids(app: Application[UUID], progress: Callable[[int], None] | None = None) -> list[UUID]:
    """Every case in the log, in the order they were first recorded (read as stored)."""
    seen: dict[UUID, None] = {}
    for count, notification in enumerate(_notifications_after(app, 0), start=1):
        seen.setdefault(_case_of(notification), None)
        if progress is not None and count % BATCH == 0:
            progress(count)
    return list(seen)
