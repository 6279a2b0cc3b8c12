"""Steps of 'Keep a partner's entry current' (features/secretary/api_edit_partners.feature) and
'A partner says it is full, or pauses for a while' (features/partner/api_pause_itself.feature)."""

from __future__ import annotations

from pytest_bdd import parsers, scenarios, then, when

from tests.acceptance.http.support import PARTNER, QUOTED, USER, Answer, Api, Partner, names

scenarios("secretary/api_edit_partners.feature", "partner/api_pause_itself.feature")
CLERK = r"the clerk of (?P<clerk_of>[^\s,']+)"


def version(api: Api, partner: Partner) -> int:
    return int(api.get("secretary", f"/partners/{partner.partner_id}").body["version"])


@when(
    parsers.re(
        USER
        + r" changes "
        + PARTNER
        + r"'s details to mode (?P<mode>\S+), saying "
        + QUOTED.format("reason")
    ),
    target_fixture="answer",
)
def changes_details(
    api: Api, partners: dict[str, Partner], username: str, partner: str, mode: str, reason: str
) -> Answer:
    found = partners[partner]
    body = {"name": partner, "kind": "hospital", "mode": mode, "reason": reason}
    path = f"/partners/{found.partner_id}/details"
    return api.post(username, path, body, if_match=version(api, found))


@when(
    parsers.re(
        r"(?:" + CLERK + r"|" + USER + r") changes what " + PARTNER + r" serves to "
        r"(?P<serves>[a-z_, ]+) in all blocks(?:, saying " + QUOTED.format("reason") + ")?"
    ),
    target_fixture="answer",
)
def changes_services(
    api: Api,
    partners: dict[str, Partner],
    clerk_of: str | None,
    username: str | None,
    partner: str,
    serves: str,
    reason: str | None,
) -> Answer:
    caller = partners[clerk_of].clerk if clerk_of else str(username)
    body = {"categories": names(serves), "blocks": ["*"], "reason": reason or ""}
    return api.post(caller, f"/partners/{partners[partner].partner_id}/services", body)


@when(
    parsers.re(
        USER + r" changes " + PARTNER + r"'s capacity to (?P<count>\d+) a week, "
        r"against version (?P<stale>\d+)"
    ),
    target_fixture="answer",
)
def changes_capacity(
    api: Api, partners: dict[str, Partner], username: str, partner: str, count: str, stale: str
) -> Answer:
    path = f"/partners/{partners[partner].partner_id}/capacity"
    return api.post(username, path, {"weekly_capacity": int(count)}, if_match=int(stale))


@when(
    parsers.re(
        CLERK
        + r" pauses new referrals from (?P<starts>[\d-]+) to (?P<ends>[\d-]+), saying "
        + QUOTED.format("reason")
    ),
    target_fixture="answer",
)
def pauses(
    api: Api, partners: dict[str, Partner], clerk_of: str, starts: str, ends: str, reason: str
) -> Answer:
    partner = partners[clerk_of]
    body = {"starts_on": starts, "ends_on": ends, "reason": reason}
    return api.post(partner.clerk, f"/partners/{partner.partner_id}/pause", body)


@when(
    parsers.re(
        CLERK + r" sets (?:this week's capacity|" + PARTNER + r"'s capacity this week) to "
        r"(?P<count>\d+)"
    ),
    target_fixture="answer",
)
def sets_this_week(
    api: Api, partners: dict[str, Partner], clerk_of: str, partner: str | None, count: str
) -> Answer:
    target = partners[partner or clerk_of]
    path = f"/partners/{target.partner_id}/capacity"
    return api.post(partners[clerk_of].clerk, path, {"this_week": int(count)})


@then(
    parsers.re(
        PARTNER
        + r"'s history ends with (?P<event>\w+) by "
        + USER
        + r", saying "
        + QUOTED.format("reason")
    )
)
def history_ends_with(
    api: Api, partners: dict[str, Partner], partner: str, event: str, username: str, reason: str
) -> None:
    events = api.get("secretary", f"/partners/{partners[partner].partner_id}/history").body
    last = events["events"][-1]
    assert (last["type"], last["actor"]) == (event, username), last
    assert last["data"].get("reason", "") == reason, last


@then(parsers.re(r"it is refused with 422 Unprocessable Entity, naming (?P<field>\w+)"))
def refused_naming(answer: Answer, field: str) -> None:
    answer.heard = True
    assert answer.status == 422, str(answer)
    assert field in answer.body["errors"]["json"], str(answer)


@then(parsers.re(PARTNER + r" is ranked out with " + QUOTED.format("reason")))
def ranked_out(answer: Answer, partner: str, reason: str) -> None:
    last = answer.body[-1]
    assert (last["name"], last["score"], last["reasons"]) == (partner, 0, [reason]), answer


@then(parsers.re(PARTNER + r" is not ranked out"))
def not_ranked_out(answer: Answer, partner: str) -> None:
    found = next(m for m in answer.body if m["name"] == partner)
    assert found["score"] > 0, str(answer)
    assert not any(r.startswith("paused") for r in found["reasons"]), str(answer)
