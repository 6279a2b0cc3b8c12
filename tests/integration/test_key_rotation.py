"""Rotating CIPHER_KEY: every row is re-encrypted under the new key, nothing is lost, the
chains and seals still verify, and a rotation cut short finishes when run again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.cryptography import AESCipher
from flask import Flask

from kernel.community import DEMO_COMMUNITY
from needs.audit import verify_case
from partners.channel_book import block_owner
from partners.channels import checked_channel
from partners.webhooks import WebhookPolicy
from store.idempotency import Answer
from web import create_app
from web.operations.rotation import REKEYERS, Rotation, rotate_cipher

OLD, NEW = AESCipher.create_key(32), AESCipher.create_key(32)
SECRET = "SEC0123456789abcdef0123456789abcdef"
ADDRESS = {"block": "B3", "building": 15, "unit": "2", "room": "502"}
CHEAP_PASSWORDS = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "1024"}


@pytest.fixture
def open_app(database_url, clock) -> Iterator[Callable[..., Flask]]:
    """The service configured with some keys; each one is closed at the end."""
    opened: list[Flask] = []

    def open_with(**keys: str) -> Flask:
        overrides = {"DATABASE_URL": database_url, "CLOCK": clock, **CHEAP_PASSWORDS, **keys}
        flask_app = create_app(overrides)
        opened.append(flask_app)
        return flask_app

    yield open_with
    for flask_app in opened:
        built = flask_app.extensions.get("needs.services")
        if built is not None:
            built.close()


def running(flask_app: Flask) -> Any:
    with flask_app.app_context():
        from web import services

        return services()


@pytest.fixture
def written(open_app) -> dict[str, Any]:
    """Under the old key: a case long enough to be snapshotted, a partner, a user, a sealed
    log and a remembered answer."""
    flask_app = open_app(CIPHER_KEY=OLD)
    assert flask_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    old = running(flask_app)
    need_id = old.casework.log_need(
        community=DEMO_COMMUNITY.id,
        category="hardship",
        description="水管爆裂，楼下漏水",
        urgency="high",
        resident_name="李建国",
        contact_phone="13800138000",
        actor="leader3",
        **ADDRESS,
    )
    for number in range(55):
        old.needs.add_note(need_id, f"第{number}次回访", actor="leader3")
    assert list(old.needs.snapshots.get(need_id))
    partner_id = old.partners.register_partner(
        community=DEMO_COMMUNITY.id,
        name="利群医院",
        kind="hospital",
        categories=["hardship"],
        blocks=["*"],
        weekly_capacity=5,
        actor="secretary",
    )
    old.accounts.register_user(
        community=DEMO_COMMUNITY.id,
        username="leader3",
        password="a long enough password",
        role="block_leader",
        blocks=["B3"],
        actor="secretary",
    )
    old.idempotency.claim("leader3", "phone-key-1", "hash", old.clock.now())
    old.idempotency.remember(
        "leader3", "phone-key-1", Answer(201, '{"resident_name": "李建国"}'.encode())
    )
    old.seals.seal(old.needs, old.clock.now())
    household = old.duties.find_household(DEMO_COMMUNITY.id, **ADDRESS)
    assert household == old.needs.load(need_id).household.id
    watched = old.duties.register_household(
        community=DEMO_COMMUNITY.id, actor="leader3", **{**ADDRESS, "room": "503"}
    )
    robot = {"url": "https://oapi.dingtalk.com/robot/send?access_token=t0k3n", "secret": SECRET}
    channel_id = old.channels.add(
        DEMO_COMMUNITY.id,
        block_owner("B3"),
        checked_channel("dingtalk_robot", "", robot, WebhookPolicy()),
        actor="leader3",
        now=old.clock.now(),
    )
    project_id = old.projects.start_project(
        community=DEMO_COMMUNITY.id,
        block="B2",
        building=7,
        title="7号楼加装电梯",
        template_id=old.projects.ensure_builtin_templates(),
        actor="secretary",
        households=[{"floor": 5, "label": "1单元501", "name": "张阿姨"}],
    )
    return {
        "need_id": need_id,
        "partner_id": partner_id,
        "household": household,
        "watched": watched,
        "channel_id": channel_id,
        "project_id": project_id,
    }


def assert_all_readable_with_the_new_key_alone(open_app, written) -> None:
    new = running(open_app(CIPHER_KEY=NEW))
    need_id: UUID = written["need_id"]
    need = new.needs.get_need(need_id)
    assert (need["resident_name"], need["version"]) == ("李建国", 56)
    assert len(new.needs.get_history(need_id)) == 56
    assert verify_case(new.needs, need_id).intact
    assert new.seals.verify(new.needs) == []
    assert new.partners.get_partner(written["partner_id"]).name == "利群医院"
    assert new.accounts.get_user("leader3").role == "block_leader"
    row = new.idempotency.claim("leader3", "phone-key-1", "hash", new.clock.now())
    assert "李建国" in new.idempotency.replay(row).body.decode()
    assert new.duties.find_household(DEMO_COMMUNITY.id, **ADDRESS) == written["household"]
    next_door = {**ADDRESS, "room": "503"}
    assert new.duties.find_household(DEMO_COMMUNITY.id, **next_door) == written["watched"]
    assert new.channels.sealed(DEMO_COMMUNITY.id, written["channel_id"])["secret"] == SECRET
    project = new.projects.get_project(written["project_id"])
    assert [h["name"] for h in project["households"]] == ["张阿姨"]


def test_rotating_re_encrypts_everything_and_the_log_still_verifies(open_app, written):
    rotating = open_app(CIPHER_KEY=NEW, CIPHER_KEYS_PREVIOUS=OLD)
    result = rotating.test_cli_runner().invoke(args=["keys", "rotate-cipher", "--batch", "20"])
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("rotated: ")
    assert "2 household digests moved" in summary  # the need's household and the one next door
    verified = rotating.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert_all_readable_with_the_new_key_alone(open_app, written)


def test_before_the_rotation_runs_the_service_reads_old_rows_and_finds_old_households(
    open_app, written
):
    rotating = running(open_app(CIPHER_KEY=NEW, CIPHER_KEYS_PREVIOUS=OLD))
    assert rotating.needs.get_need(written["need_id"])["resident_name"] == "李建国"
    assert rotating.duties.find_household(DEMO_COMMUNITY.id, **ADDRESS) == written["household"]
    next_door = {**ADDRESS, "room": "503"}
    assert rotating.duties.find_household(DEMO_COMMUNITY.id, **next_door) == written["watched"]


def test_a_rotation_cut_short_finishes_when_run_again(open_app, written):
    rotating = running(open_app(CIPHER_KEY=NEW, CIPHER_KEYS_PREVIOUS=OLD))

    def crash(line: str) -> None:
        raise KeyboardInterrupt(line)

    with pytest.raises(KeyboardInterrupt):
        rotate_cipher(rotating, crash, batch=10)
    rotating.needs.repository.cache.clear()
    assert rotating.needs.get_need(written["need_id"])["resident_name"] == "李建国"
    counts = rotate_cipher(rotating, lambda line: None, batch=10)
    assert counts["needs events"] == 56 - 10
    again = rotate_cipher(rotating, lambda line: None, batch=10)
    assert set(again.values()) == {0}
    assert_all_readable_with_the_new_key_alone(open_app, written)


def test_registered_rekeyers_run_with_the_old_and_new_keys(open_app, written):
    seen: list[tuple[str, tuple[str, ...]]] = []

    def rekeyer(rotation: Rotation) -> None:
        seen.append((rotation.current_key, rotation.previous_keys))

    REKEYERS.append(rekeyer)
    try:
        rotate_cipher(running(open_app(CIPHER_KEY=NEW, CIPHER_KEYS_PREVIOUS=OLD)), print)
    finally:
        REKEYERS.remove(rekeyer)
    assert seen == [(NEW, (OLD,))]


def test_rotating_without_a_cipher_key_is_refused(open_app):
    flask_app = open_app()
    assert flask_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    result = flask_app.test_cli_runner().invoke(args=["keys", "rotate-cipher"])
    assert result.exit_code == 1
    assert "CIPHER_KEY is not set" in result.output
