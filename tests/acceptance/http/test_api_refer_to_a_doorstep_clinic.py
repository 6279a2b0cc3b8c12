"""Steps of 'Refer a need straight to a partner's doorstep clinic'
(features/block_leader/api_refer_to_a_doorstep_clinic.feature)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.support import PARTNER, QUOTED, USER, Answer, Api, Partner, names

scenarios("block_leader/api_refer_to_a_doorstep_clinic.feature")
NTH = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": -1}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@given(
    parsers.re(
        r"the clerk of "
        + PARTNER
        + r" has listed "
        + QUOTED.format("title")
        + r" for (?P<category>[a-z_]+), monthly on the (?P<nth>1st|2nd|3rd|4th|last) "
        r"(?P<weekday>\w+day) at " + QUOTED.format("where")
    ),
    target_fixture="offerings",
)
def has_listed(
    api: Api,
    partners: dict[str, Partner],
    partner: str,
    title: str,
    category: str,
    nth: str,
    weekday: str,
    where: str,
) -> dict[str, str]:
    schedule = {"kind": "monthly", "weekday": WEEKDAYS.index(weekday) + 1, "nth": NTH[nth]}
    body = {
        "partner_id": partners[partner].partner_id,
        "title": title,
        "category": category,
        "where": where,
        "schedule": schedule,
        "capacity": 40,
    }
    listed = api.post(partners[partner].clerk, "/offerings", body)
    assert listed.status == 201, str(listed)
    return {title: listed.body["id"]}


@when(
    parsers.re(USER + r" looks for (?P<category>[a-z_]+) offerings on (?P<day>[\d-]+)"),
    target_fixture="answer",
)
def looks_for(api: Api, username: str, category: str, day: str) -> Answer:
    return api.get(username, "/offerings", category=category, on=day)


@then(parsers.re(r"the offerings listed are: (?P<titles>.+)"))
def listed_are(answer: Answer, titles: str) -> None:
    assert [item["title"] for item in answer.body["items"]] == names(titles), str(answer)


@then("no offering is listed")
def none_listed(answer: Answer) -> None:
    assert answer.body["items"] == [], str(answer)


@when(
    parsers.re(
        USER
        + r" refers the need to "
        + QUOTED.format("title")
        + r", noting "
        + QUOTED.format("note")
    ),
    target_fixture="answer",
)
def refers_to_offering(
    api: Api,
    offerings: dict[str, str],
    need: dict[str, Any],
    username: str,
    title: str,
    note: str,
) -> Answer:
    body = {"need_id": need["id"], "note": note}
    return api.post(username, f"/offerings/{offerings[title]}/referrals", body)


@then(
    parsers.re(
        r"the clerk of "
        + PARTNER
        + r" reads the referral's note as "
        + QUOTED.format("head")
        + r" then "
        + QUOTED.format("note")
    )
)
def reads_note(
    api: Api, partners: dict[str, Partner], answer: Answer, partner: str, head: str, note: str
) -> None:
    seen = api.get(partners[partner].clerk, f"/referrals/{answer.body['id']}")
    assert seen.status == 200, str(seen)
    assert seen.body["note"] == f"{head}\n{note}", str(seen)
