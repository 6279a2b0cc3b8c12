"""The read models follow the log exactly once, and a rebuild from the log equals them."""

from __future__ import annotations

import contextlib
import random
from statistics import median
from uuid import UUID

import pytest

from kernel.clock import week_start
from kernel.community import DEMO_COMMUNITY
from kernel.errors import DomainError
from web.operations.erasure import erase_household

COMMUNITY = DEMO_COMMUNITY.id
CATEGORIES = [c.code for c in DEMO_COMMUNITY.categories]
BLOCKS = {b.code: sorted(b.buildings) for b in DEMO_COMMUNITY.blocks}


def register_partners(services) -> list[UUID]:
    specs = [
        ("利群医院", "hospital", ["emergency", "hardship", "worry_relief"], ["*"]),
        ("长征派出所", "police", ["emergency", "mediation"], ["*"]),
        ("区府办", "government", ["poverty_relief", "study_aid", "hardship"], ["*"]),
        ("绿化市容", "government", ["hardship"], ["B1", "B2", "B3", "B4"]),
    ]
    return [
        services.partners.register_partner(
            community=COMMUNITY,
            name=n,
            kind=k,
            categories=c,
            blocks=b,
            weekly_capacity=5,
            actor="secretary",
        )
        for n, k, c, b in specs
    ]


def random_command(rng: random.Random, services, need_ids: list[UUID], partner_ids: list[UUID]):
    """One command a committee might give, valid or not; refusals are part of the sequence."""
    needs, casework = services.needs, services.casework
    if not need_ids or rng.random() < 0.15:
        block = rng.choice(list(BLOCKS))
        need_ids.append(
            casework.log_need(
                community=COMMUNITY,
                category=rng.choice(CATEGORIES),
                block=block,
                building=rng.choice(BLOCKS[block]),
                unit=str(rng.randint(1, 3)),
                room=f"{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                description="情况说明",
                urgency=rng.choice(["low", "normal", "high", "critical"]),
                actor="leader",
            )
        )
        return
    need_id = rng.choice(need_ids)
    need = needs.get_need(need_id)
    open_referrals = [r["id"] for r in need["referrals"] if r["status"] in ("sent", "accepted")]
    choice = rng.randrange(10)
    if choice == 0:
        needs.assign(need_id, rng.choice(["leader1", "leader3"]), actor="secretary")
    elif choice == 1:
        needs.record_visit(need_id, "上门", actor="leader")
    elif choice == 2:
        needs.change_urgency(need_id, rng.choice(["low", "critical"]), actor="leader")
    elif choice in (3, 4):
        casework.refer(
            need_id,
            rng.choice(partner_ids),
            actor="secretary",
            may_override=True,
            override_reason=rng.choice(["", "特殊情况"]),
        )
    elif choice == 5 and open_referrals:
        action = rng.choice(["accept", "decline", "expire", "withdraw", "complete"])
        args = {"decline": ("no_capacity",), "complete": ("helped",)}.get(action, ())
        casework.act_on_referral(rng.choice(open_referrals), action, *args, actor="partner")
    elif choice == 6:
        needs.resolve(need_id, "helped", actor="leader")
    elif choice == 7:
        needs.reopen(need_id, "反复", actor="leader")
    elif choice == 8:
        needs.add_note(need_id, "记录", actor="leader")
    else:
        needs.record_consent(need_id, rng.random() < 0.5, actor="leader")


@pytest.mark.parametrize("seed", [7, 2026])
def test_a_rebuild_from_the_log_equals_the_views_kept_live(services, clock, seed):
    rng = random.Random(seed)
    partner_ids = register_partners(services)
    need_ids: list[UUID] = []
    for _ in range(400):
        clock.advance(minutes=rng.randint(1, 90))
        # A refused command changes nothing; the views must agree.
        with contextlib.suppress(DomainError):
            random_command(rng, services, need_ids, partner_ids)
    live = services.view.dump()
    assert len(live["needs_view"]) == len(need_ids)
    for row in live["needs_view"]:  # read your writes: kept live after every save
        assert row["version"] == services.needs.get_need(UUID(row["need_id"]))["version"]
    assert services.follower.rebuild() == services.needs.recorder.max_notification_id()
    assert services.view.dump() == live


def test_a_rebuild_in_batches_that_end_exactly_with_the_log_misses_nothing(services, clock):
    rng = random.Random(3)
    partner_ids = register_partners(services)
    need_ids: list[UUID] = []
    for _ in range(60):
        clock.advance(minutes=rng.randint(1, 90))
        with contextlib.suppress(DomainError):
            random_command(rng, services, need_ids, partner_ids)
    live = services.view.dump()
    events = services.needs.recorder.max_notification_id()
    services.follower.batch_size = next(n for n in range(7, 0, -1) if events % n == 0)
    assert services.follower.rebuild() == events
    assert services.view.dump() == live


def test_each_partners_record_agrees_with_its_referrals_counted_one_by_one(services, clock):
    rng = random.Random(11)
    partner_ids = register_partners(services)
    need_ids: list[UUID] = []
    for _ in range(300):
        clock.advance(minutes=rng.randint(1, 300))
        with contextlib.suppress(DomainError):
            random_command(rng, services, need_ids, partner_ids)
    since = week_start(clock.now())
    history = services.view.partner_history(COMMUNITY, since)
    for partner_id in partner_ids:
        referrals, _ = services.view.list_referrals(partner_id, limit=10_000)
        waits = [
            (r["accepted_at"] - r["sent_at"]).total_seconds() / 3600
            for r in referrals
            if r["accepted_at"] is not None
        ]
        expected = {
            "sent_this_week": sum(r["sent_at"] >= since for r in referrals),
            "accepted": len(waits),
            "declined": sum(r["status"] == "declined" for r in referrals),
            "expired": sum(r["status"] == "expired" for r in referrals),
            "open_load": sum(r["status"] in ("sent", "accepted") for r in referrals),
        }
        record = history.get(partner_id, {})
        assert {k: record.get(k, 0) for k in expected} == expected
        assert record.get("median_hours_to_accept") == (
            pytest.approx(median(waits), abs=1e-6) if waits else None
        )
    assert any(record["median_hours_to_accept"] for record in history.values())
    open_need = next(n for n in need_ids if services.needs.get_need(n)["status"] != "resolved")
    services.casework.refer(open_need, partner_ids[0], actor="secretary", may_override=True)
    again = services.view.partner_history(COMMUNITY, since)[partner_ids[0]]
    assert again["sent_this_week"] == history[partner_ids[0]]["sent_this_week"] + 1


# What each referral event leaves the referral in.
_STATUS = {
    "ReferralAccepted": "accepted",
    "ReferralDeclined": "declined",
    "ReferralExpired": "expired",
    "ReferralWithdrawn": "withdrawn",
    "ReferralCompleted": "completed",
}


def recount_from_the_log(services, week) -> dict[UUID, dict]:
    """Each partner's record counted from the casework log itself, event by event."""
    referrals: dict[UUID, dict] = {}
    app = services.needs
    for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
        event = app.mapper.to_domain_event(notification)
        name = type(event).__name__
        if name == "Referred":
            referrals[event.referral_id] = {
                "partner_id": event.partner_id,
                "sent_at": event.timestamp,
                "status": "sent",
                "accepted_at": None,
            }
        elif name in _STATUS:
            referral = referrals[event.referral_id]
            referral["status"] = _STATUS[name]
            if name == "ReferralAccepted":
                referral["accepted_at"] = event.timestamp
    records: dict[UUID, dict] = {}
    for partner_id in {r["partner_id"] for r in referrals.values()}:
        theirs = [r for r in referrals.values() if r["partner_id"] == partner_id]
        waits = [
            (r["accepted_at"] - r["sent_at"]).total_seconds() / 3600
            for r in theirs
            if r["accepted_at"] is not None
        ]
        records[partner_id] = {
            "sent_this_week": sum(r["sent_at"] >= week for r in theirs),
            "accepted": len(waits),
            "declined": sum(r["status"] == "declined" for r in theirs),
            "expired": sum(r["status"] == "expired" for r in theirs),
            "open_load": sum(r["status"] in ("sent", "accepted") for r in theirs),
            "median_hours_to_accept": pytest.approx(median(waits), abs=1e-6) if waits else None,
        }
    return records


def test_the_kept_partner_records_equal_a_recount_of_the_log_through_every_referral_state(
    services, clock
):
    rng = random.Random(29)
    partner_ids = register_partners(services)
    need_ids: list[UUID] = []
    weeks_seen, statuses = set(), set()
    for step in range(500):
        clock.advance(minutes=rng.randint(1, 240))
        weeks_seen.add(week_start(clock.now()))
        with contextlib.suppress(DomainError):
            random_command(rng, services, need_ids, partner_ids)
        referrals = services.view.dump()["referrals_view"]
        statuses.update(r["status"] for r in referrals)
        accepted = [r for r in referrals if r["status"] == "accepted"]
        if accepted and step % 20 == 0:  # the random commands seldom reach a completion
            referral_id = UUID(rng.choice(accepted)["referral_id"])
            services.casework.act_on_referral(referral_id, "complete", "helped", actor="partner")
        if step % 150 == 149:  # an erased household's referrals still count, as its events do
            household = services.needs.get_need(rng.choice(need_ids))["household"]["id"]
            erase_household(services, UUID(str(household)), "secretary")
        if step % 100 == 99:
            week = week_start(clock.now())
            assert services.view.partner_history(COMMUNITY, week) == recount_from_the_log(
                services, week
            )
    assert len(weeks_seen) > 2
    assert statuses == {"sent", "accepted", "declined", "expired", "withdrawn", "completed"}
    for week in sorted(weeks_seen):  # an earlier week counts the referrals sent since then
        assert services.view.partner_history(COMMUNITY, week) == recount_from_the_log(
            services, week
        )


def test_records_lost_from_an_older_store_are_counted_again_when_the_tables_are_made(
    services, clock
):
    rng = random.Random(5)
    partner_ids = register_partners(services)
    need_ids: list[UUID] = []
    for _ in range(120):
        clock.advance(minutes=rng.randint(1, 600))
        with contextlib.suppress(DomainError):
            random_command(rng, services, need_ids, partner_ids)
    kept = services.view.dump()
    assert kept["partner_stats"]
    with services.view.store.write() as sql:
        sql.execute("DELETE FROM partner_stats")
        sql.execute("DELETE FROM partner_weeks")
    services.view.create_tables()
    assert services.view.dump() == kept
