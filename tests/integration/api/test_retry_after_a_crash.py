"""A worker killed after its command's events were stored but before the answer to its
Idempotency-Key was remembered: once the claim on the key has gone stale, the same key and body
find the command done in the stream it changed and answer as a replay — the command ran once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Application
from flask import Flask

from duties.sealing import records_of
from kernel.clock import ManualClock
from store.idempotency import STALE_CLAIM
from store.sealed_application import SealedApplication
from web import services

from .conftest import API, COMMUNITY, NEED, Scene, on_need, on_referral

Arm = Callable[[Callable[[], Application[UUID]]], None]


@pytest.fixture
def killed_after_the_save(app: Flask) -> Iterator[Arm]:
    """Arms a fault: the next save of the application stores its events, then the process
    dies (SystemExit: no answer, no error handler, the key's claim left pending) — before
    the read models following a sealed application's saves have seen them."""
    disarm: list[Callable[[], None]] = []

    def arm(application: Callable[[], Application[UUID]]) -> None:
        with app.app_context():
            target = application()

        def die(recordings: object = None) -> None:
            disarm.pop()()
            raise SystemExit("the worker was killed after the save")

        if isinstance(target, SealedApplication):
            target.after_save.insert(0, die)
            disarm.append(lambda: target.after_save.remove(die))
        else:
            save = target.save

            def save_then_die(*objects: Any, **options: Any) -> Any:
                save(*objects, **options)
                die()

            target.save = save_then_die  # type: ignore[method-assign]
            disarm.append(lambda: delattr(target, "save"))

    yield arm
    for undo in disarm:
        undo()


def needs() -> Application[UUID]:
    return services().needs


def duties() -> Application[UUID]:
    return services().duties


def partners() -> Application[UUID]:
    return services().partners


@dataclass(frozen=True)
class Command:
    """A POST, the application whose save it makes, and what one run of it changes."""

    user: str
    path: Callable[[Scene], str]
    body: dict[str, Any] | Callable[[Scene], dict[str, Any]]
    saved_by: Callable[[], Application[UUID]]
    changes: Callable[[Scene, Flask], Any]
    setup: Callable[[Scene], Any] = lambda scene: None
    pinned: bool = False  # sent with If-Match: the version read before


def need_version(scene: Scene, app: Flask) -> int:
    answer = scene.client.get(f"{API}/needs/{scene.need['id']}", headers=scene.as_user("auditor"))
    return int(answer.json["version"])


def household_version(scene: Scene, app: Flask) -> int:
    path = f"{API}/households/{scene.household}"
    return int(scene.client.get(path, headers=scene.as_user("auditor")).json["version"])


def needs_logged(scene: Scene, app: Flask) -> int:
    with app.app_context():
        return len(services().needs.list_household_needs(UUID(scene.household)))


def records_made(scene: Scene, app: Flask) -> int:
    with app.app_context():
        return len(records_of(services().duties, UUID(scene.household)))


def partners_listed(scene: Scene, app: Flask) -> int:
    with app.app_context():
        return len(services().partners.list_partners(COMMUNITY))


def withdrawn(scene: Scene) -> None:
    scene.done("leader3", f"/referrals/{scene.referral['id']}/withdraw", {})


def resolved(scene: Scene) -> None:
    withdrawn(scene)
    scene.done("leader3", f"/needs/{scene.need['id']}/resolve", {"outcome": "helped"})


def accepted(scene: Scene) -> None:
    scene.done("hospital", f"/referrals/{scene.referral['id']}/accept", {})


NOTE = {"text": "已联系家属"}
COMMANDS = {
    "note": Command("leader3", on_need("notes"), NOTE, needs, need_version),
    "note pinned to the version read": Command(
        "leader3", on_need("notes"), NOTE, needs, need_version, pinned=True
    ),
    "visit": Command("leader3", on_need("visits"), {"notes": "上门看过"}, needs, need_version),
    "assign": Command("leader3", on_need("assign"), {"assignee": "leader3"}, needs, need_version),
    "urgency": Command(
        "leader3", on_need("urgency"), {"urgency": "critical"}, needs, need_version, pinned=True
    ),
    "consent": Command(
        "leader3", on_need("consent"), {"consent_to_share": False}, needs, need_version
    ),
    "resolve": Command(
        "leader3", on_need("resolve"), {"outcome": "helped"}, needs, need_version, withdrawn
    ),
    "reopen": Command(
        "leader3", on_need("reopen"), {"reason": "又摔了"}, needs, need_version, resolved
    ),
    "log a need": Command(
        "leader3", lambda scene: "/needs", {**NEED, "duplicate_ok": True}, needs, needs_logged
    ),
    "refer": Command(
        "leader3",
        on_need("referrals"),
        lambda scene: {"partner_id": scene.partner("police"), "note": "请民警上门"},
        needs,
        need_version,
        pinned=True,
    ),
    "accept": Command("hospital", on_referral("accept"), {}, needs, need_version),
    "decline": Command(
        "hospital", on_referral("decline"), {"reason": "no_capacity"}, needs, need_version
    ),
    "complete": Command(
        "hospital", on_referral("complete"), {"outcome": "helped"}, needs, need_version, accepted
    ),
    "withdraw": Command("leader3", on_referral("withdraw"), {}, needs, need_version),
    "life event": Command(
        "leader3",
        lambda scene: f"/households/{scene.household}/life-events",
        {"type": "hospitalised", "note": "脑梗住院"},
        duties,
        household_version,
    ),
    "group join": Command(
        "leader3",
        lambda scene: f"/households/{scene.household}/groups",
        {"member": "王秀英", "group": "elderly_alone"},
        duties,
        household_version,
    ),
    "discharge": Command(
        "leader3",
        lambda scene: f"/duties/{scene.a_duty()}/discharge",
        {"notes": "上门了"},
        duties,
        household_version,
    ),
    "make a record": Command(
        "leader3",
        lambda scene: "/records",
        lambda scene: {
            "kind": "concern",
            "block": "B3",
            "household_id": scene.household,
            "text": "噪音",
        },
        duties,
        records_made,
    ),
    "register a partner": Command(
        "secretary",
        lambda scene: "/partners",
        {"name": "街道医院", "kind": "hospital", "categories": ["emergency"], "blocks": ["*"]}
        | {"weekly_capacity": 5, "webhook_url": "https://hospital.example.cn/hooks"},
        partners,
        partners_listed,
    ),
}


def body_of(command: Command, scene: Scene) -> dict[str, Any]:
    return command.body(scene) if callable(command.body) else dict(command.body)


@pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
def test_a_command_resent_after_a_crash_between_saving_and_answering_runs_once(
    scene: Scene, app: Flask, clock: ManualClock, killed_after_the_save: Arm, command: Command
):
    command.setup(scene)
    path = command.path(scene)
    body = body_of(command, scene)
    headers = {**scene.as_user(command.user), "Idempotency-Key": str(uuid4())}
    if command.pinned:
        headers["If-Match"] = f'"{need_version(scene, app)}"'
    before = command.changes(scene, app)

    killed_after_the_save(command.saved_by)
    with pytest.raises(SystemExit):
        scene.client.post(f"{API}{path}", json=body, headers=headers)
    once = command.changes(scene, app)
    assert once != before  # the command's events were stored before the crash
    clock.advance(seconds=STALE_CLAIM.total_seconds() + 1)

    again = scene.client.post(f"{API}{path}", json=body, headers=headers)
    assert again.status_code in (200, 201), again.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert command.changes(scene, app) == once
    replayed = scene.client.post(f"{API}{path}", json=body, headers=headers)
    assert (replayed.status_code, replayed.json) == (again.status_code, again.json)


def test_a_note_resent_after_a_crash_is_on_the_case_once_and_the_answer_shows_it(
    scene: Scene, clock: ManualClock, killed_after_the_save: Arm
):
    path = f"{API}/needs/{scene.need['id']}/notes"
    headers = {**scene.as_user("leader3"), "Idempotency-Key": "phone-note-1"}
    killed_after_the_save(needs)
    with pytest.raises(SystemExit):
        scene.client.post(path, json=NOTE, headers=headers)
    clock.advance(seconds=61)

    again = scene.client.post(path, json=NOTE, headers=headers)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (200, "true")
    assert [note["text"] for note in again.json["notes"]] == [NOTE["text"]]
    assert again.headers["ETag"] == f'"{again.json["version"]}"'
