"""If-Match as RFC 9110 (13.1.1) reads it, on a need's, a referral's and a partner's commands:
a weak tag never matches, a list matches when any of its tags does, `*` matches any record
that exists, and what is no list of entity tags is refused — each refusal a 412 that changes
nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

API = "/api/v1"


@dataclass(frozen=True)
class Commands:
    """Two commands in a row on one record, by who may give them, and where it is read."""

    user: str
    record: str
    first: tuple[str, dict[str, Any]]
    then: tuple[str, dict[str, Any]]


@pytest.fixture(params=["need", "referral", "partner"])
def commands(request, world) -> Commands:
    if request.param == "need":
        need = f"{API}/needs/{request.getfixturevalue('need')['id']}"
        note = {"text": "又去看了一次"}
        return Commands("leader3", need, (f"{need}/notes", note), (f"{need}/notes", note))
    if request.param == "referral":
        referral = f"{API}/referrals/{request.getfixturevalue('referral')['id']}"
        accept = (f"{referral}/accept", {"note": "收到"})
        complete = (f"{referral}/complete", {"outcome": "helped", "note": "已上门"})
        return Commands("hospital", referral, accept, complete)
    partner = f"{API}/partners/{world.partner_ids['police']}"
    suspend = (f"{partner}/suspend", {"reason": "暂停合作"})
    return Commands("secretary", partner, suspend, (f"{partner}/reactivate", {}))


def etag(client, as_user, commands: Commands) -> str:
    response = client.get(commands.record, headers=as_user(commands.user))
    assert response.status_code == 200
    return str(response.headers["ETag"])


def send(client, as_user, commands: Commands, if_match: str, *, then: bool = False) -> Any:
    path, body = commands.then if then else commands.first
    return client.post(path, json=body, headers={**as_user(commands.user), "If-Match": if_match})


def assert_refused(response: Any, client, as_user, commands: Commands, before: str) -> None:
    assert response.status_code == 412, response.get_data(as_text=True)
    assert response.json["message"]
    assert etag(client, as_user, commands) == before


def test_a_weak_tag_never_matches_nor_a_list_that_names_no_current_version(
    client, as_user, commands
):
    current = etag(client, as_user, commands)
    for if_match in (f"W/{current}", f'"998", W/{current}, "999"', '"998", "999"'):
        response = send(client, as_user, commands, if_match)
        assert_refused(response, client, as_user, commands, current)


def test_a_list_matches_when_any_of_its_tags_does_and_a_star_when_the_record_exists(
    client, as_user, commands
):
    current = etag(client, as_user, commands)
    listed = send(client, as_user, commands, f'"998", W/"1", {current} , "999"')
    assert listed.status_code == 200, listed.get_data(as_text=True)
    assert listed.headers["ETag"] != current
    starred = send(client, as_user, commands, "*", then=True)
    assert starred.status_code == 200, starred.get_data(as_text=True)
    path, body = commands.then
    nowhere = path.replace(commands.record.rsplit("/", 1)[-1], str(uuid4()))
    missing = client.post(nowhere, json=body, headers={**as_user(commands.user), "If-Match": "*"})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "malformed",
    ["{version}", '"{version}', "W/{version}"],
)
def test_an_if_match_that_is_no_list_of_entity_tags_is_a_412_that_says_so(
    client, as_user, commands, malformed
):
    current = etag(client, as_user, commands)
    response = send(client, as_user, commands, malformed.format(version=current.strip('"')))
    assert_refused(response, client, as_user, commands, current)
    assert "If-Match" in response.json["message"]
