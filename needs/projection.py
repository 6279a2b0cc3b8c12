"""How each event of the casework log changes the read models' rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from needs.domain import Need
from store.sqlstore import Sql, SqlStore
from store.tracking import handler_for

_RANK = {"low": 0, "normal": 1, "high": 2, "critical": 3}
# What events change in a need's row: work starts when someone first acts on an open need.
_START_WORK = "status=CASE WHEN status='open' THEN 'in_progress' ELSE status END"
_FIRST_CONTACT = "first_contact_at=COALESCE(first_contact_at, %(contact)s)"
_NOT_ESCALATED = ("escalated_at=NULL", "escalation_reason=NULL")
_NOT_FOLLOWED_UP = ("followed_up_at=NULL", "follow_up_verdict=NULL")
Changes = tuple[str, ...]
# What an event changes in its need's row (None when the handler wrote the whole row), given the
# view, the transaction, the event and the row's keys.
RowHandler = Callable[[Any, Sql, Any, dict[str, Any]], Changes | None]


class NeedsProjection:
    """The read models' rows, written from the casework log one event at a time."""

    store: SqlStore

    def _apply(self, sql: Sql, event: Any) -> None:
        handler = handler_for(self.row_handlers, type(event))
        need = {
            "need_id": str(event.originator_id),
            "version": event.originator_version,
            "at": self.store.to_db_time(event.timestamp),
        }
        # A handler returns what it changes in the need's row, so the row takes one UPDATE
        # with its new version; None when it wrote the whole row.
        changes = handler(self, sql, event, need) if handler is not None else ()
        if changes is not None:
            sets = ", ".join((*changes, "version=%(version)s", "updated_at=%(at)s"))
            sql.execute(f"UPDATE needs_view SET {sets} WHERE need_id=%(need_id)s", need)  # noqa: S608

    def _t(self, moment: datetime | None) -> Any:
        return self.store.to_db_time(moment)

    def _logged(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:
        household = e.household
        sql.execute(
            "INSERT INTO needs_view (need_id, community, block, building, household_id, "
            "category, urgency, urgency_rank, status, logged_by, logged_at, recorded_at, "
            "updated_at, version) VALUES (%(need_id)s, %(community)s, %(block)s, %(building)s, "
            "%(household_id)s, %(category)s, %(urgency)s, %(rank)s, 'open', %(actor)s, "
            "%(logged_at)s, %(at)s, %(at)s, %(version)s)",
            {
                **need,
                "community": e.community,
                "block": e.block,
                "building": household.building,
                "household_id": str(household.id),
                "category": e.category,
                "urgency": e.urgency.value,
                "rank": _RANK[e.urgency.value],
                "actor": e.actor,
                "logged_at": self._t(e.occurred_at),
            },
        )
        return None

    def _assigned(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        need["assignee"] = e.assignee
        return ("assignee=%(assignee)s", _START_WORK)

    def _visit_recorded(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        need["contact"] = self._t(e.occurred_at)
        return (_FIRST_CONTACT, _START_WORK)

    def _urgency_changed(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        need.update(urgency=e.urgency.value, rank=_RANK[e.urgency.value])
        sql.execute(
            "UPDATE referrals_view SET urgency=%(urgency)s, urgency_rank=%(rank)s "
            "WHERE need_id=%(need_id)s",
            need,
        )
        return ("urgency=%(urgency)s", "urgency_rank=%(rank)s")

    def _resolved(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        need["outcome"] = e.outcome.value
        return (
            "status='resolved'",
            "resolved_at=%(at)s",
            "outcome=%(outcome)s",
            *_NOT_ESCALATED,
            *_NOT_FOLLOWED_UP,
        )

    def _followed_up(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        need["verdict"] = e.verdict.value
        return ("followed_up_at=%(at)s", "follow_up_verdict=%(verdict)s")

    def _escalated(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        need["reason"] = e.reason
        # last_escalated_at outlives the case's resolution, so a report counts the escalation.
        return ("escalated_at=%(at)s", "escalation_reason=%(reason)s", "last_escalated_at=%(at)s")

    def _delivery_failed(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        sql.execute(
            "UPDATE referrals_view SET delivery_failed_at=%(at)s WHERE referral_id=%(r)s",
            {"at": self._t(e.timestamp), "r": str(e.referral_id)},
        )
        return ()

    def _reopened(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        return ("status='open'", "resolved_at=NULL", "outcome=NULL")

    def _referred(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        sql.execute(
            "INSERT INTO referrals_view (referral_id, need_id, community, partner_id, "
            "partner_name, status, category, urgency, urgency_rank, block, building, sent_at, "
            "respond_by, version) SELECT %(referral_id)s, need_id, community, %(partner_id)s, "
            "%(partner_name)s, 'sent', category, urgency, urgency_rank, block, building, "
            "%(at)s, %(respond_by)s, 1 FROM needs_view WHERE need_id=%(need_id)s",
            {
                **need,
                "referral_id": str(e.referral_id),
                "partner_id": str(e.partner_id),
                "partner_name": e.partner_name,
                "respond_by": self._t(e.respond_by),
            },
        )
        need["contact"] = self._t(e.timestamp)
        return (_FIRST_CONTACT, _START_WORK, *_NOT_ESCALATED)

    def _referral(self, sql: Sql, e: Any, status: str, extra: str = "", **params: Any) -> Changes:
        sql.execute(
            f"UPDATE referrals_view SET status=%(status)s, version=version+1{extra} "  # noqa: S608
            "WHERE referral_id=%(referral_id)s",
            {
                "status": status,
                "referral_id": str(e.referral_id),
                "at": self._t(e.timestamp),
                **params,
            },
        )
        return ()

    def _accepted(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        return self._referral(sql, e, "accepted", ", responded_at=%(at)s, accepted_at=%(at)s")

    def _declined(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        return self._referral(
            sql,
            e,
            "declined",
            ", responded_at=%(at)s, closed_at=%(at)s, decline_reason=%(reason)s",
            reason=e.reason.value,
        )

    def _expired(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        return self._referral(sql, e, "expired", ", closed_at=%(at)s")

    def _withdrawn(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        return self._referral(sql, e, "withdrawn", ", closed_at=%(at)s")

    def _completed(self, sql: Sql, e: Any, need: dict[str, Any]) -> Changes:
        return self._referral(
            sql, e, "completed", ", closed_at=%(at)s, outcome=%(outcome)s", outcome=e.outcome.value
        )

    # Each event's handler, by the event's class; an event without one only moves the version.
    row_handlers: ClassVar[Mapping[type[Any], RowHandler]] = {
        Need.NeedLogged: _logged,
        Need.Assigned: _assigned,
        Need.VisitRecorded: _visit_recorded,
        Need.UrgencyChanged: _urgency_changed,
        Need.Resolved: _resolved,
        Need.Escalated: _escalated,
        Need.ReferralDeliveryFailed: _delivery_failed,
        Need.Reopened: _reopened,
        Need.FollowedUp: _followed_up,
        Need.Referred: _referred,
        Need.ReferralAccepted: _accepted,
        Need.ReferralDeclined: _declined,
        Need.ReferralExpired: _expired,
        Need.ReferralWithdrawn: _withdrawn,
        Need.ReferralCompleted: _completed,
    }
