"""The demo seed against a real SQLite store: a believable twelve weeks of 怒江苑's casework."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from kernel.clock import week_start
from kernel.community import DEMO_COMMUNITY
from web.bootstrap import Services, build_services
from web.config import Settings, load_settings
from web.demo import seed


@dataclass
class Seeded:
    """A store the demo was seeded into, read back through fresh services."""

    settings: Settings
    services: Services
    now: datetime
    lines: list[str]
    summary: str
    needs: list[dict[str, Any]]

    def partners(self) -> list[Any]:
        return self.services.partners.list_partners(DEMO_COMMUNITY.id)

    def cases(self) -> list[dict[str, Any]]:
        return [self.services.needs.get_need(UUID(row["need_id"])) for row in self.needs]

    def referrals(self) -> list[dict[str, Any]]:
        return [r for p in self.partners() for r in self._inbox(p.partner_id)]

    def _inbox(self, partner_id: UUID) -> list[dict[str, Any]]:
        rows, _ = self.services.view.list_referrals(partner_id, limit=1000)
        return rows


def fresh_store(path: Path) -> Settings:
    settings = load_settings(
        str(path), {"DATABASE_URL": f"sqlite:///{path}/needs.sqlite"}, environ={}
    )
    build_services(settings, create_tables=True).close()
    return settings


def counts(settings: Settings) -> tuple[int, int, int, int]:
    """Partners, needs, referrals and recorded case events in the store."""
    services = build_services(settings)
    try:
        partners = services.partners.list_partners(DEMO_COMMUNITY.id)
        _, needs = services.view.list_needs(DEMO_COMMUNITY.id, limit=1)
        referrals = sum(services.view.list_referrals(p.partner_id)[1] for p in partners)
        events = services.needs.recorder.max_notification_id() or 0
        return len(partners), needs, referrals, events
    finally:
        services.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    settings = fresh_store(tmp_path_factory.mktemp("demo"))
    lines: list[str] = []
    now = datetime.now(UTC)
    summary = seed(settings, echo=lines.append, now=now)
    services = build_services(settings)
    needs, _ = services.view.list_needs(DEMO_COMMUNITY.id, limit=1000)
    yield Seeded(settings, services, now, lines, summary, needs)
    services.close()


def test_the_eight_partners_of_the_demo_are_registered(seeded: Seeded) -> None:
    names = {p.name for p in seeded.partners()}
    assert names == {
        "利群医院",
        "长征派出所",
        "市劳动局职业培训中心",
        "物业公司",
        "业委会",
        "区府办",
        "绿化市容",
        "新曹杨集团",
    }
    greening = next(p for p in seeded.partners() if p.name == "绿化市容")
    assert greening.blocks == ("B1", "B2", "B3", "B4")
    assert all(p.registered_at <= seeded.now - timedelta(weeks=11) for p in seeded.partners())


def test_about_sixty_needs_cover_every_block_and_category(seeded: Seeded) -> None:
    assert 50 <= len(seeded.needs) <= 70
    assert {row["block"] for row in seeded.needs} == {b.code for b in DEMO_COMMUNITY.blocks}
    assert {row["category"] for row in seeded.needs} == {c.code for c in DEMO_COMMUNITY.categories}


def test_needs_are_logged_by_their_block_leader_with_an_address_in_the_block(
    seeded: Seeded,
) -> None:
    for case in seeded.cases():
        assert case["logged_by"] == f"leader{case['block'][1:]}"
        assert case["household"]["building"] in DEMO_COMMUNITY.block(case["block"]).buildings
        assert case["resident_name"]
        assert case["contact_phone"]
        assert case["description"]


def test_a_few_households_have_come_back_with_a_second_need(seeded: Seeded) -> None:
    households = {row["household_id"] for row in seeded.needs}
    assert 1 <= len(seeded.needs) - len(households) <= 6


def test_needs_were_logged_over_more_than_ten_weeks_and_none_in_the_future(
    seeded: Seeded,
) -> None:
    logged = [row["logged_at"] for row in seeded.needs]
    assert max(logged) - min(logged) > timedelta(weeks=10)
    assert max(logged) <= seeded.now


def test_no_event_was_recorded_after_the_seed_was_run(seeded: Seeded) -> None:
    for row in seeded.needs:
        history = seeded.services.needs.get_history(UUID(row["need_id"]))
        assert all(event["recorded_at"] <= seeded.now for event in history)


def test_the_menu_holds_cases_at_every_stage(seeded: Seeded) -> None:
    cases = seeded.cases()
    statuses = {case["status"] for case in cases}
    assert {"open", "in_progress", "resolved"} <= statuses
    assert any(
        case["status"] == "in_progress"
        and any(r["status"] == "accepted" for r in case["referrals"])
        for case in cases
    )


def test_a_declined_referral_is_followed_by_a_referral_to_another_partner(
    seeded: Seeded,
) -> None:
    followed = [
        case
        for case in seeded.cases()
        for first, later in zip(case["referrals"], case["referrals"][1:], strict=False)
        if first["status"] == "declined" and later["partner_id"] != first["partner_id"]
    ]
    assert followed
    reasons = {r["decline_reason"] for r in seeded.referrals() if r["status"] == "declined"}
    assert reasons <= {"no_capacity", "out_of_scope", "not_eligible", "other"}


def test_no_referral_still_waiting_has_missed_its_deadline(seeded: Seeded) -> None:
    waiting = [r for r in seeded.referrals() if r["status"] == "sent"]
    assert all(r["respond_by"] > datetime.now(UTC) for r in waiting)


def test_every_partner_has_a_record_and_the_hospital_answers_faster_than_the_district_office(
    seeded: Seeded,
) -> None:
    history = seeded.services.view.partner_history(DEMO_COMMUNITY.id, week_start(seeded.now))
    by_name = {p.name: history.get(p.partner_id, {}) for p in seeded.partners()}
    assert all(record.get("accepted") for record in by_name.values())
    hospital = by_name["利群医院"]["median_hours_to_accept"]
    district = by_name["区府办"]["median_hours_to_accept"]
    assert hospital < 2 < 12 < district


def test_progress_is_reported_and_the_summary_is_one_line(seeded: Seeded) -> None:
    assert seeded.lines[0] == "partners: 8 registered, 0 already there"
    assert any(line.startswith("needs: 20/") for line in seeded.lines)
    assert seeded.summary.startswith("demo ready: 8 partners, ")
    assert "怒江苑 over 12 weeks" in seeded.summary
    assert "\n" not in seeded.summary


def test_seeding_again_adds_nothing(tmp_path: Path) -> None:
    settings = fresh_store(tmp_path)
    seed(settings, echo=lambda line: None)
    before = counts(settings)
    lines: list[str] = []
    summary = seed(settings, echo=lines.append)
    assert counts(settings) == before
    assert lines[0] == "partners: 0 registered, 8 already there"
    assert summary.startswith(f"demo ready: 8 partners, {before[1]} needs")


def test_most_follow_ups_that_fell_due_were_done_and_some_are_still_due(seeded: Seeded) -> None:
    cases = seeded.cases()
    done = [c["follow_up"]["verdict"] for c in cases if c["follow_up"] is not None]
    assert len(done) >= 5
    assert "satisfied" in done
    days = {c.code: c.follow_up_days for c in DEMO_COMMUNITY.categories}
    due = seeded.services.view.follow_ups_due(DEMO_COMMUNITY.id, days, seeded.now)
    assert due


def test_one_need_captured_offline_is_flagged_as_a_possible_duplicate(seeded: Seeded) -> None:
    flagged = [c for c in seeded.cases() if c["duplicate_flagged"]]
    assert len(flagged) == 1
    (twin,) = [c for c in seeded.cases() if c["id"] == flagged[0]["duplicate_of"]]
    assert (twin["household"]["id"], twin["category"]) == (
        flagged[0]["household"]["id"],
        flagged[0]["category"],
    )


def test_each_block_has_its_volunteer_group_with_a_few_volunteers(seeded: Seeded) -> None:
    groups = seeded.services.duties.list_volunteer_groups(DEMO_COMMUNITY.id)
    assert [g["block"] for g in groups] == [b.code for b in DEMO_COMMUNITY.blocks]
    assert all(len(g["members"]) >= 2 and g["members"][0]["contact_phone"] for g in groups)


def test_two_volunteers_sign_in_and_each_is_asked_to_help_with_a_need_and_a_duty(
    seeded: Seeded,
) -> None:
    groups = seeded.services.duties.list_volunteer_groups(DEMO_COMMUNITY.id)
    linked = {m["account"]: (g, m) for g in groups for m in g["members"] if m["account"]}
    assert sorted(linked) == ["vol3", "vol5"]
    for account, (group, member) in linked.items():
        entry = {"group_id": group["id"], "member_id": member["id"]}
        needs = [
            n
            for n in seeded.needs
            if seeded.services.needs.load(UUID(str(n["need_id"]))).volunteer == entry
        ]
        assert len(needs) == 1, account
        now = seeded.services.clock.now()
        duties, _ = seeded.services.duties_view.list_duties(
            DEMO_COMMUNITY.id, [group["block"]], "all", now, now
        )
        asked = [
            d
            for d in duties
            if seeded.services.duties.get_duty(UUID(str(d["duty_id"])))["volunteer"]
        ]
        assert len(asked) == 1, account
