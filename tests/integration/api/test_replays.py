"""A replay — the same Idempotency-Key and body sent again — shows what a fresh read would show
now: the record as it is, within the caller's scope, with the resident's consent and any
erasure applied, and noted in who looked; with the first answer's status and Location and the
current version's ETag. A key used before an erasure still refuses another body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from .conftest import API, NEED, PASSWORD, Scene, on_need, on_referral

PERSONAL_REFERRAL_FIELDS = {"resident_name", "contact_phone", "household", "description"}


def a_note(scene: Scene, need_id: str | None = None) -> None:
    scene.done("secretary", f"/needs/{need_id or scene.need['id']}/notes", {"text": "又打了电话"})


def consent_withdrawn(scene: Scene) -> None:
    scene.done("leader3", f"/needs/{scene.need['id']}/consent", {"consent_to_share": False})


def resolved(scene: Scene) -> None:
    scene.done("leader3", f"/referrals/{scene.referral['id']}/withdraw", {"reason": "不需要了"})
    scene.done("leader3", f"/needs/{scene.need['id']}/resolve", {"outcome": "helped"})


@dataclass(frozen=True)
class Case:
    """One POST of a family: who sends what where (`setup` may make what it needs first), and
    what changes meanwhile (given the first answer), before the same request comes again."""

    user: str
    path: Callable[[Scene], str]
    body: Callable[[Scene], dict[str, Any]]
    meanwhile: Callable[[Scene, Any], None]
    setup: Callable[[Scene], Any] = lambda scene: None


def noted(scene: Scene, first: Any) -> None:
    a_note(scene)


CASES = {
    "log a need": Case(
        "leader3",
        lambda scene: "/needs",
        lambda scene: {**NEED, "description": "又一件事", "duplicate_ok": True},
        lambda scene, first: a_note(scene, first.json["id"]),
    ),
    "assign": Case("leader3", on_need("assign"), lambda s: {"assignee": "leader3"}, noted),
    "visit": Case("leader3", on_need("visits"), lambda s: {"notes": "上门看过"}, noted),
    "note": Case("leader3", on_need("notes"), lambda s: {"text": "已联系家属"}, noted),
    "urgency": Case("leader3", on_need("urgency"), lambda s: {"urgency": "critical"}, noted),
    "consent": Case("leader3", on_need("consent"), lambda s: {"consent_to_share": False}, noted),
    "resolve": Case(
        "leader3",
        on_need("resolve"),
        lambda s: {"outcome": "helped"},
        noted,
        setup=lambda scene: scene.done(
            "leader3", f"/referrals/{scene.referral['id']}/withdraw", {}
        ),
    ),
    "reopen": Case("leader3", on_need("reopen"), lambda s: {"reason": "又摔了"}, noted, resolved),
    "refer": Case(
        "leader3",
        on_need("referrals"),
        lambda scene: {"partner_id": scene.partner("police"), "note": "请民警上门"},
        lambda scene, first: scene.done("police", f"/referrals/{first.json['id']}/accept", {}),
    ),
    "accept": Case(
        "hospital",
        on_referral("accept"),
        lambda s: {"note": "十点上门"},
        lambda scene, first: consent_withdrawn(scene),
    ),
    "decline": Case(
        "hospital",
        on_referral("decline"),
        lambda s: {"reason": "no_capacity"},
        lambda scene, first: consent_withdrawn(scene),
    ),
    "complete": Case(
        "hospital",
        on_referral("complete"),
        lambda s: {"outcome": "helped"},
        lambda scene, first: consent_withdrawn(scene),
        setup=lambda scene: scene.done("hospital", f"/referrals/{scene.referral['id']}/accept", {}),
    ),
    "withdraw": Case(
        "leader3",
        on_referral("withdraw"),
        lambda s: {"reason": "家属已送医"},
        lambda scene, first: scene.done(
            "leader3", f"/needs/{scene.need['id']}/urgency", {"urgency": "low"}
        ),
    ),
    "register a partner": Case(
        "secretary",
        lambda scene: "/partners",
        lambda s: {
            "name": "街道医院",
            "kind": "hospital",
            "categories": ["emergency"],
            "blocks": ["*"],
            "weekly_capacity": 5,
        },
        lambda scene, first: scene.done("secretary", f"/partners/{first.json['id']}/suspend", {}),
    ),
    "suspend": Case(
        "secretary",
        lambda scene: f"/partners/{scene.partner('police')}/suspend",
        lambda s: {"reason": "整顿"},
        lambda scene, first: scene.done(
            "secretary", f"/partners/{scene.partner('police')}/reactivate", {}
        ),
    ),
    "register a household": Case(
        "leader3",
        lambda scene: "/households",
        lambda s: {"block": "B3", "building": 16, "unit": "1", "room": "101"},
        lambda scene, first: scene.done(
            "leader3", f"/households/{first.json['id']}/life-events", {"type": "moved_in"}
        ),
    ),
    "life event": Case(
        "leader3",
        lambda scene: f"/households/{scene.household}/life-events",
        lambda s: {"type": "hospitalised", "note": "脑梗住院"},
        lambda scene, first: scene.done(
            "leader3", f"/households/{scene.household}/life-events", {"type": "new_tenant"}
        ),
    ),
    "group": Case(
        "leader3",
        lambda scene: f"/households/{scene.household}/groups",
        lambda s: {"member": "王秀英", "group": "elderly_alone"},
        lambda scene, first: scene.done(
            "leader3", f"/households/{scene.household}/life-events", {"type": "new_tenant"}
        ),
    ),
    "discharge": Case(
        "leader3",
        lambda scene: f"/duties/{scene.a_duty()}/discharge",
        lambda s: {"notes": "上门了"},
        lambda scene, first: scene.done("secretary", f"/households/{scene.household}/erasure", {}),
    ),
    "make a record": Case(
        "leader3",
        lambda scene: "/records",
        lambda scene: {
            "kind": "concern",
            "block": "B3",
            "household_id": scene.household,
            "text": "噪音",
        },
        lambda scene, first: scene.done(
            "leader3",
            f"/records/{first.json['id']}/to-need",
            {"category": "hardship", "urgency": "low"},
        ),
    ),
    "turn a record into a need": Case(
        "leader3",
        lambda scene: f"/records/{scene.a_record()}/to-need",
        lambda s: {"category": "hardship", "urgency": "low"},
        lambda scene, first: scene.done("secretary", f"/households/{scene.household}/erasure", {}),
    ),
}


def resource_of(path: str, first: Any) -> str:
    """Where a fresh read of what the first answer showed is: its Location, or the record the
    command was sent to."""
    return first.headers.get("Location") or f"{API}{path.rsplit('/', 1)[0]}"


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_a_replay_shows_what_a_fresh_read_shows_now_with_the_first_status(scene, case: Case):
    case.setup(scene)
    path, body, key = case.path(scene), case.body(scene), str(uuid4())
    first = scene.post(case.user, path, body, key)
    assert first.status_code in (200, 201), first.json
    case.meanwhile(scene, first)

    again = scene.post(case.user, path, body, key)
    fresh = scene.client.get(resource_of(path, first), headers=scene.as_user(case.user))
    assert fresh.status_code == 200, fresh.json
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (
        first.status_code,
        "true",
    )
    assert again.json == fresh.json != first.json
    assert again.headers["ETag"] == fresh.headers["ETag"]
    assert again.headers.get("Location") == first.headers.get("Location")


def test_a_replayed_accept_shows_the_resident_only_while_the_resident_still_consents(scene):
    path, key = f"/referrals/{scene.referral['id']}/accept", str(uuid4())
    first = scene.post("hospital", path, {"note": "医生十点上门"}, key)
    assert first.status_code == 200, first.json
    assert first.json["resident_name"] == "王秀英"
    consent_withdrawn(scene)

    again = scene.post("hospital", path, {"note": "医生十点上门"}, key)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (200, "true")
    assert (again.json["id"], again.json["status"]) == (scene.referral["id"], "accepted")
    assert not PERSONAL_REFERRAL_FIELDS & set(again.json), again.json
    for private in (NEED["resident_name"], NEED["contact_phone"], NEED["description"]):
        assert private not in again.get_data(as_text=True)


def reads_of(scene: Scene, record: str) -> list[dict[str, Any]]:
    answer = scene.client.get(f"{API}/{record}/reads", headers=scene.as_user("auditor"))
    assert answer.status_code == 200, answer.json
    return list(answer.json["reads"])


def test_a_replay_that_shows_personal_data_is_recorded_in_who_looked(scene):
    path, key = f"/needs/{scene.need['id']}/notes", str(uuid4())
    first = scene.post("leader3", path, {"text": "已联系家属"}, key)
    assert first.status_code == 200, first.json
    before = reads_of(scene, f"needs/{scene.need['id']}")

    again = scene.post("leader3", path, {"text": "已联系家属"}, key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    after = reads_of(scene, f"needs/{scene.need['id']}")
    (replayed,) = [read for read in after[len(before) :] if read["username"] == "leader3"]
    assert replayed["via"] == f"{API}{path}"
    assert {"resident_name", "contact_phone", "description"} <= set(replayed["fields"])


def test_a_replay_outside_the_caller_s_scope_now_is_not_found(scene, running):
    path, key = f"/needs/{scene.need['id']}/notes", str(uuid4())
    assert scene.post("leader3", path, {"text": "已联系家属"}, key).status_code == 200
    running.accounts.change_role("leader3", role="block_leader", blocks=["B5"], actor="secretary")
    signed_in = scene.client.post(
        f"{API}/auth/tokens", json={"username": "leader3", "password": PASSWORD}
    )
    assert signed_in.status_code == 201, signed_in.json
    headers = {"Authorization": f"Bearer {signed_in.json['token']}", "Idempotency-Key": key}

    again = scene.client.post(f"{API}{path}", json={"text": "已联系家属"}, headers=headers)
    assert again.status_code == 404, again.json


def test_after_an_erasure_a_replay_reads_erased_and_another_body_is_still_a_422(scene):
    key = str(uuid4())
    body = {**NEED, "duplicate_ok": True}  # beside the scene's own need at the address
    first = scene.post("leader3", "/needs", body, key)
    assert first.status_code == 201, first.json
    scene.done("secretary", f"/households/{scene.household}/erasure", {})

    again = scene.post("leader3", "/needs", body, key)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert again.json["id"] == first.json["id"]
    assert again.json["resident_name"] == again.json["contact_phone"] == "[erased]"
    other = scene.post("leader3", "/needs", {**NEED, "description": "另一件事"}, key)
    assert other.status_code == 422, other.json


def test_an_answer_that_carried_a_webhook_secret_replays_it_as_first_sent(scene):
    path, key = f"/partners/{scene.partner('police')}/webhook", str(uuid4())
    body = {"webhook_url": "https://police.example.cn/hooks"}
    first = scene.post("secretary", path, body, key)
    assert first.status_code == 200, first.json
    again = scene.post("secretary", path, body, key)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (200, "true")
    assert again.json["webhook_secret"] == first.json["webhook_secret"]


def test_an_erasure_replays_what_it_answered(scene):
    path, key = f"/households/{scene.household}/erasure", str(uuid4())
    first = scene.post("secretary", path, {}, key)
    assert first.status_code == 200, first.json
    again = scene.post("secretary", path, {}, key)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (200, "true")
    assert again.json == first.json


def test_an_answer_remembered_with_its_body_before_replays_read_afresh_shows_the_record_now(
    scene, running
):
    path, key = f"/referrals/{scene.referral['id']}/accept", str(uuid4())
    first = scene.post("hospital", path, {"note": "医生十点上门"}, key)
    assert first.status_code == 200, first.json
    with running.idempotency.store.write() as sql:  # as the answers were remembered before
        sql.execute(
            "UPDATE idempotency_keys SET shows=NULL, body=%(b)s WHERE key=%(k)s",
            {"b": first.get_data(), "k": key},
        )
    consent_withdrawn(scene)

    again = scene.post("hospital", path, {"note": "医生十点上门"}, key)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (200, "true")
    assert again.json["status"] == "accepted"
    assert not PERSONAL_REFERRAL_FIELDS & set(again.json), again.json
