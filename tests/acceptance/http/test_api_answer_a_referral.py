"""Steps of 'Answer a referral from the partner's inbox'
(features/partner/api_answer_a_referral.feature)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.conftest import clerk_answers, offered, referral_to
from tests.acceptance.http.support import (
    DESCRIPTIONS,
    PARTNER,
    PERSONAL_REFERRAL_FIELDS,
    PHONE,
    QUOTED,
    REFERRAL_FIELDS,
    RESIDENT,
    USER,
    Answer,
    Api,
    Partner,
    check_reads,
    names,
    only_item,
    succeeded,
)

scenarios("partner/api_answer_a_referral.feature")
ACCEPTANCE = {"note": "医生今天上门"}


@given(parsers.re(USER + r" has recorded that the resident withdrew consent to share"))
def consent_withdrawn(api: Api, need: dict[str, Any], username: str) -> None:
    body = {"consent_to_share": False}
    answer = api.post(username, f"/needs/{need['id']}/consent", body)
    assert succeeded(answer)["consent_to_share"] is False


@given(
    parsers.re(
        r"the partners " + USER + r" is offered for the need are, best first: (?P<expected>.+)"
    )
)
def offered_before(api: Api, need: dict[str, Any], username: str, expected: str) -> None:
    assert offered(api.get(username, f"/needs/{need['id']}/matches")) == names(expected)


@when(parsers.re(r"the clerk of " + PARTNER + r" opens the inbox"), target_fixture="answer")
def opens_inbox(api: Api, partners: dict[str, Partner], partner: str) -> Answer:
    clerk = partners[partner]
    return api.get(clerk.clerk, f"/partners/{clerk.partner_id}/referrals")


@when(parsers.re(r"the clerk of " + PARTNER + r" opens the referral"), target_fixture="answer")
def opens_referral(
    api: Api,
    partners: dict[str, Partner],
    read_versions: dict[str, int],
    need: dict[str, Any],
    partner: str,
) -> Answer:
    clerk = partners[partner].clerk
    answer = api.get(clerk, f"/referrals/{referral_to(api, need, partner)['id']}")
    if answer.status == 200:
        read_versions[clerk] = answer.body["version"]
    return answer


@when(
    parsers.re(
        r"the clerk of " + PARTNER + r" accepts the referral"
        r"(?P<pinned>, sending the version they read)?(?:, noting " + QUOTED.format("note") + ")?$"
    ),
    target_fixture="answer",
)
def accepts(
    api: Api,
    partners: dict[str, Partner],
    read_versions: dict[str, int],
    need: dict[str, Any],
    partner: str,
    pinned: str | None,
    note: str | None,
) -> Answer:
    version = read_versions[partners[partner].clerk] if pinned else None
    body = {"note": note or ""}
    return clerk_answers(api, partners, need, partner, "accept", body, if_match=version)


@given(
    parsers.re(
        r"the clerk of "
        + PARTNER
        + r" has accepted the referral with the Idempotency-Key "
        + QUOTED.format("key")
        + r", seeing (?P<resident>\S+)"
    )
)
def has_accepted_with_key(
    api: Api,
    partners: dict[str, Partner],
    need: dict[str, Any],
    partner: str,
    key: str,
    resident: str,
) -> None:
    referral = referral_to(api, need, partner)
    path = f"/referrals/{referral['id']}/accept"
    accepted = succeeded(api.post(partners[partner].clerk, path, ACCEPTANCE, key=key))
    assert (accepted["status"], accepted["resident_name"]) == ("accepted", resident)


@when(
    parsers.re(
        r"the clerk of "
        + PARTNER
        + r" sends the acceptance again with the Idempotency-Key "
        + QUOTED.format("key")
    ),
    target_fixture="answer",
)
def accepts_again(
    api: Api, partners: dict[str, Partner], need: dict[str, Any], partner: str, key: str
) -> Answer:
    referral = referral_to(api, need, partner)
    path = f"/referrals/{referral['id']}/accept"
    return api.post(partners[partner].clerk, path, ACCEPTANCE, key=key)


@when(
    parsers.re(
        r"the clerk of " + PARTNER + r" reports the outcome (?P<outcome>\w+)"
        r"(?:, noting " + QUOTED.format("note") + ")?$"
    ),
    target_fixture="answer",
)
def completes(
    api: Api,
    partners: dict[str, Partner],
    need: dict[str, Any],
    partner: str,
    outcome: str,
    note: str | None,
) -> Answer:
    body = {"outcome": outcome, "note": note or ""}
    return clerk_answers(api, partners, need, partner, "complete", body)


@when(
    parsers.re(r"the clerk of " + PARTNER + r" declines the referral because of (?P<reason>\w+)"),
    target_fixture="answer",
)
def declines(
    api: Api, partners: dict[str, Partner], need: dict[str, Any], partner: str, reason: str
) -> Answer:
    body = {"reason": reason, "note": "本周医生排班已满"}
    return clerk_answers(api, partners, need, partner, "decline", body)


@then(parsers.parse("the inbox holds {count:d} referral, and it reads:"))
def inbox_holds(answer: Answer, count: int, datatable: list[list[str]]) -> None:
    inbox = succeeded(answer)
    assert (inbox["total"], len(inbox["items"])) == (count, count), str(answer)
    check_reads(only_item(answer), datatable, REFERRAL_FIELDS)


@then("it shows nothing of the resident: no name, phone, household or description")
def nothing_of_the_resident(answer: Answer) -> None:
    referral = only_item(answer)
    assert not set(PERSONAL_REFERRAL_FIELDS) & set(referral), referral
    assert referral["consent_to_share"] is False
    for private in (RESIDENT, PHONE, DESCRIPTIONS["emergency"]):
        assert private not in str(answer), f"{private!r} is shown: {answer}"


@then(
    parsers.re(
        USER + r" sees the need's referral to " + PARTNER + r" (?P<status>\w+), "
        r"with the outcome (?P<outcome>\w+)"
    )
)
def leader_sees(
    api: Api, need: dict[str, Any], username: str, partner: str, status: str, outcome: str
) -> None:
    assert username == need["logged_by"]
    referral = referral_to(api, need, partner)
    assert (referral["status"], referral["outcome"]) == (status, outcome)


@then("the need's referrals are:")
def referrals_are(api: Api, need: dict[str, Any], datatable: list[list[str]]) -> None:
    found = succeeded(api.get(need["logged_by"], f"/needs/{need['id']}"))
    header, *rows = datatable
    assert [{"partner": r["partner_name"], "status": r["status"]} for r in found["referrals"]] == [
        dict(zip(header, row, strict=True)) for row in rows
    ]
