from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from partners.matching import Match, NeedFacts, PartnerStats, Reason, rank_partners
from partners.views import PartnerRecord

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)


def partner(name: str, **overrides: Any) -> PartnerRecord:
    fields: dict[str, Any] = {
        "partner_id": uuid4(),
        "version": 1,
        "community": "怒江苑",
        "name": name,
        "kind": "hospital",
        "categories": ("emergency", "hardship"),
        "blocks": ("*",),
        "weekly_capacity": 10,
        "contact": "",
        "active": True,
        "registered_at": NOW,
        "updated_at": NOW,
    }
    fields.update(overrides)
    return PartnerRecord(**fields)


def need(**overrides: Any) -> NeedFacts:
    fields: dict[str, Any] = {
        "category": "emergency",
        "block": "B3",
        "excluded_partner_ids": frozenset(),
        "engaged_partner_ids": frozenset(),
        "sla_hours": 24.0,
    }
    fields.update(overrides)
    return NeedFacts(**fields)


def names(matches: list[Match]) -> list[str]:
    return [match.name for match in matches]


def reason_codes(match: Match) -> list[str]:
    return [reason.code for reason in match.reasons]


def test_an_eligible_partner_with_no_history_is_matched_with_a_reason_per_factor() -> None:
    [match] = rank_partners(need(), [partner("利群医院")], {})

    assert match.name == "利群医院"
    assert reason_codes(match) == [
        "capacity_left",
        "no_history",
        "no_acceptance_time",
        "no_open_referrals",
    ]
    assert all(reason.text for reason in match.reasons)


def test_a_suspended_partner_is_not_matched() -> None:
    assert rank_partners(need(), [partner("物业公司", active=False)], {}) == []


def test_a_partner_that_does_not_serve_the_category_is_not_matched() -> None:
    training = partner("培训中心", categories=("poverty_relief", "study_aid"))

    assert rank_partners(need(category="emergency"), [training], {}) == []


def test_a_partner_that_does_not_cover_the_block_is_not_matched() -> None:
    greening = partner("绿化市容", blocks=("B1", "B2", "B3", "B4"))

    assert names(rank_partners(need(block="B3"), [greening], {})) == ["绿化市容"]
    assert rank_partners(need(block="B5"), [greening], {}) == []


def test_a_partner_for_all_blocks_is_matched_in_any_block() -> None:
    police = partner("长征派出所", blocks=("*",))

    assert names(rank_partners(need(block="B7"), [police], {})) == ["长征派出所"]


def test_a_partner_that_declined_or_let_the_referral_expire_is_not_matched() -> None:
    declined, kept = partner("利群医院"), partner("物业公司")

    matches = rank_partners(
        need(excluded_partner_ids=frozenset({declined.partner_id})), [declined, kept], {}
    )

    assert names(matches) == ["物业公司"]


def test_a_partner_already_engaged_on_the_case_is_not_matched() -> None:
    engaged, free = partner("利群医院"), partner("物业公司")

    matches = rank_partners(
        need(engaged_partner_ids=frozenset({engaged.partner_id})), [engaged, free], {}
    )

    assert names(matches) == ["物业公司"]


def test_more_capacity_left_this_week_ranks_higher() -> None:
    roomy, stretched = partner("B roomy"), partner("A stretched")
    stats = {stretched.partner_id: PartnerStats(sent_this_week=8)}

    matches = rank_partners(need(), [stretched, roomy], stats)

    assert names(matches) == ["B roomy", "A stretched"]
    assert matches[1].reasons[0].text == "2 of 10 weekly referrals left this week"


def test_a_partner_with_no_capacity_left_is_still_offered_but_below_a_poor_one() -> None:
    full, poor = partner("A full"), partner("B poor")
    stats = {
        full.partner_id: PartnerStats(sent_this_week=10, accepted=10, median_hours_to_accept=0.5),
        poor.partner_id: PartnerStats(
            sent_this_week=7, accepted=1, declined=6, median_hours_to_accept=30, open_load=6
        ),
    }

    matches = rank_partners(need(), [full, poor], stats)

    assert names(matches) == ["B poor", "A full"]
    assert matches[1].reasons[0].code == "no_capacity_left"
    assert matches[1].reasons[0].text == (
        "no capacity left this week: 10 referrals sent, weekly capacity 10"
    )


def test_a_partner_with_zero_weekly_capacity_scores_as_full() -> None:
    [match] = rank_partners(need(), [partner("业委会", weekly_capacity=0)], {})

    assert match.reasons[0].code == "no_capacity_left"
    assert match.score < 20


def test_a_higher_acceptance_rate_ranks_higher() -> None:
    reliable, reluctant = partner("B reliable"), partner("A reluctant")
    stats = {
        reliable.partner_id: PartnerStats(accepted=8, declined=1, expired=1),
        reluctant.partner_id: PartnerStats(accepted=2, declined=6, expired=2),
    }

    matches = rank_partners(need(), [reluctant, reliable], stats)

    assert names(matches) == ["B reliable", "A reluctant"]
    assert matches[0].reasons[1] == Reason(
        "acceptance_rate", "accepted 8 of 10 past referrals (80%)"
    )


def test_a_single_accepted_referral_does_not_outrank_a_long_good_record() -> None:
    lucky, steady = partner("A lucky"), partner("B steady")
    stats = {
        lucky.partner_id: PartnerStats(accepted=1),
        steady.partner_id: PartnerStats(accepted=9, declined=1),
    }

    assert names(rank_partners(need(), [lucky, steady], stats)) == ["B steady", "A lucky"]


def test_no_history_ranks_between_a_good_and_a_bad_record() -> None:
    good, new, bad = partner("C good"), partner("B new"), partner("A bad")
    stats = {
        good.partner_id: PartnerStats(accepted=5),
        bad.partner_id: PartnerStats(declined=3, expired=2),
    }

    assert names(rank_partners(need(), [bad, new, good], stats)) == ["C good", "B new", "A bad"]


def test_a_partner_that_accepts_faster_ranks_higher() -> None:
    quick, slow = partner("B quick"), partner("A slow")
    stats = {
        quick.partner_id: PartnerStats(accepted=4, median_hours_to_accept=2.0),
        slow.partner_id: PartnerStats(accepted=4, median_hours_to_accept=30.0),
    }

    matches = rank_partners(need(sla_hours=24), [slow, quick], stats)

    assert names(matches) == ["B quick", "A slow"]
    assert matches[0].reasons[2].code == "fast_to_accept"
    assert matches[0].reasons[2].text == "usually accepts in 2 h (answer deadline 24 h)"
    assert matches[1].reasons[2].code == "slow_to_accept"


def test_speed_is_judged_against_the_categorys_deadline() -> None:
    partner_record = partner("利群医院")
    stats = {partner_record.partner_id: PartnerStats(accepted=3, median_hours_to_accept=6.0)}

    [urgent] = rank_partners(need(sla_hours=4), [partner_record], stats)
    [relaxed] = rank_partners(need(sla_hours=72), [partner_record], stats)

    assert urgent.reasons[2].code == "slow_to_accept"
    assert relaxed.reasons[2].code == "fast_to_accept"
    assert relaxed.score > urgent.score


def test_fewer_open_referrals_ranks_higher() -> None:
    light, loaded = partner("B light"), partner("A loaded")
    stats = {
        light.partner_id: PartnerStats(open_load=1),
        loaded.partner_id: PartnerStats(open_load=12),
    }

    matches = rank_partners(need(), [loaded, light], stats)

    assert names(matches) == ["B light", "A loaded"]
    assert matches[0].reasons[3].code == "open_load"
    assert matches[1].reasons[3].code == "busy"
    assert "12 open referrals" in matches[1].reasons[3].text


def test_scores_lie_between_0_and_100_with_one_decimal() -> None:
    best, worst = partner("best"), partner("worst", weekly_capacity=1)
    stats = {
        best.partner_id: PartnerStats(accepted=1000, median_hours_to_accept=0),
        worst.partner_id: PartnerStats(
            sent_this_week=5, declined=1000, median_hours_to_accept=1e6, open_load=1000
        ),
    }

    matches = rank_partners(need(), [worst, best], stats)

    assert [m.name for m in matches] == ["best", "worst"]
    assert 99 < matches[0].score <= 100
    assert 0 <= matches[1].score < 1
    assert all(round(m.score, 1) == m.score for m in matches)


def test_equal_partners_are_ranked_by_name_then_id() -> None:
    same_name = [partner("物业公司") for _ in range(3)]
    others = [partner("业委会"), partner("利群医院")]

    matches = rank_partners(need(), [*same_name, *others], {})

    assert names(matches) == sorted(names(matches))
    tied = [m.partner_id for m in matches if m.name == "物业公司"]
    assert tied == sorted(p.partner_id for p in same_name)


def random_directory(
    rng: random.Random, count: int
) -> tuple[list[PartnerRecord], dict[UUID, PartnerStats]]:
    records = [
        partner(
            f"partner {rng.randrange(count // 3)}",
            partner_id=UUID(int=rng.getrandbits(128)),
            weekly_capacity=rng.randrange(0, 12),
            active=rng.random() > 0.1,
            categories=tuple(rng.sample(["emergency", "hardship", "mediation"], 2)),
            blocks=("*",) if rng.random() > 0.3 else (f"B{rng.randrange(1, 8)}",),
        )
        for _ in range(count)
    ]
    stats = {
        record.partner_id: PartnerStats(
            sent_this_week=rng.randrange(0, 10),
            accepted=rng.randrange(0, 4),
            declined=rng.randrange(0, 4),
            expired=rng.randrange(0, 2),
            median_hours_to_accept=rng.choice([None, 1.0, 6.0, 30.0]),
            open_load=rng.randrange(0, 6),
        )
        for record in records
        if rng.random() > 0.2
    }
    return records, stats


def test_the_ranking_does_not_depend_on_the_order_partners_arrive_in() -> None:
    rng = random.Random(20261102)
    records, stats = random_directory(rng, 120)
    expected = rank_partners(need(), records, stats)

    for _ in range(20):
        rng.shuffle(records)
        assert rank_partners(need(), records, stats) == expected
    assert len(expected) > 20


def test_ranking_500_partners_is_fast() -> None:
    count = 500
    records, stats = random_directory(random.Random(7), count)
    records = [
        partner(r.name, partner_id=r.partner_id, weekly_capacity=r.weekly_capacity) for r in records
    ]

    fastest = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        matches = rank_partners(need(), records, stats)
        fastest = min(fastest, time.perf_counter() - started)

    assert len(matches) == count
    assert fastest < 0.020


def test_need_facts_refuse_a_deadline_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="sla_hours"):
        need(sla_hours=0)


def test_reasons_read_as_sentences_in_the_singular_too() -> None:
    single = partner("利群医院", weekly_capacity=1)
    stats = {single.partner_id: PartnerStats(accepted=1, median_hours_to_accept=18, open_load=1)}

    [match] = rank_partners(need(), [single], stats)

    assert [reason.text for reason in match.reasons] == [
        "1 of 1 weekly referral left this week",
        "accepted 1 of 1 past referral (100%)",
        "usually accepts in 18 h (answer deadline 24 h)",
        "busy: 1 open referral against a weekly capacity of 1",
    ]
    assert reason_codes(match) == ["capacity_left", "acceptance_rate", "accepts_in_time", "busy"]
