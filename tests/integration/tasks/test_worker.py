"""The background work as deployed: a real Redis broker and a real `celery worker` process
(started here as a subprocess on the test's own SQLite store), a partner's webhook receiver in
the test. The test sends the tasks beat would send, with an injected `now` where time must
pass, and watches the store and the receiver. Nothing runs eagerly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
import redis
from flask import Flask

from kernel.community import DEMO_COMMUNITY
from needs.outbox import delivery_id_for
from tests.integration.tasks.receivers import Receiver
from web import create_app, services
from web.bootstrap import Services
from web.tasks.delivery import LEASE

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHEAP_HASHING = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "8", "PASSWORD_PARALLELISM": "1"}


class Deployment:
    """The test's store, its queue on the real Redis, and a worker process that can be killed
    and started again."""

    def __init__(self, tmp_path: Path) -> None:
        try:
            with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as client:
                client.ping()
        except redis.exceptions.ConnectionError as error:
            pytest.fail(f"no Redis at {REDIS_URL} ({error}); scripts/test starts one")
        self.tmp_path = tmp_path
        self.config = {
            "DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite",
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_QUEUE": f"needs-test-{uuid4().hex[:12]}",
            "WEBHOOK_ALLOW_PRIVATE": "1",  # the partner's receiver is on 127.0.0.1
            **CHEAP_HASHING,
        }
        self.app: Flask = create_app(self.config)
        result = self.app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        self.worker: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def services(self) -> Services:
        return services(self.app)

    def start_worker(self) -> None:
        """Start `celery worker` and wait until it says it is ready."""
        self.starts += 1
        log_path = self.tmp_path / f"worker-{self.starts}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "web.worker:celery_app", "worker",
            "--pool", "solo", "--without-mingle", "--without-gossip", "--without-heartbeat",
            "--loglevel", "INFO", "--hostname", f"{self.config['CELERY_QUEUE']}-{self.starts}@%h",
        ]  # fmt: skip
        env = {**os.environ, **self.config, "PYTHONUNBUFFERED": "1", "NEEDS_ENV": "development"}
        with log_path.open("wb") as log:
            self.worker = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while b" ready." not in log_path.read_bytes():
            assert self.worker.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, "the worker was not ready within 30 s"
            time.sleep(0.05)

    def kill_worker(self) -> None:
        """SIGKILL: no warm shutdown, nothing acknowledged or cleaned up."""
        assert self.worker is not None
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait(10)
        self.worker = None

    def stop_worker(self) -> None:
        if self.worker is None:
            return
        self.worker.terminate()
        try:
            self.worker.wait(15)
        except subprocess.TimeoutExpired:
            self.worker.kill()
            self.worker.wait(5)
        self.worker = None

    def send(self, task: str, now: datetime | None = None) -> None:
        """Send a task through the broker, as beat does (with the moment it is to act at)."""
        kwargs = {"now": now.isoformat()} if now is not None else {}
        self.app.extensions["celery"].send_task(task, kwargs=kwargs)

    def register_partner(self, name: str, categories: list[str], webhook: str) -> tuple[UUID, str]:
        partner_id = self.services.partners.register_partner(
            community=DEMO_COMMUNITY.id,
            name=name,
            kind="other",
            categories=categories,
            blocks=["*"],
            weekly_capacity=10,
            actor="secretary",
        )
        secret = self.services.partners.set_webhook(
            partner_id, webhook_url=webhook, actor="secretary"
        )
        return partner_id, secret

    def referred_need(self, partner_id: UUID, category: str = "emergency") -> tuple[UUID, UUID]:
        """An emergency need in B3, referred to the partner by leader3."""
        need_id = self.services.casework.log_need(
            community=DEMO_COMMUNITY.id,
            category=category,
            block="B3",
            building=15,
            unit="2",
            room="502",
            resident_name="王秀英",
            description="独居老人摔倒，无法起身",
            urgency="critical",
            consent_to_share=True,
            actor="leader3",
        )
        return need_id, self.services.casework.refer(
            need_id, partner_id, "请医生上门", actor="leader3"
        )


def wait_until(predicate: Callable[[], Any], timeout: float = 20, what: str = "") -> Any:
    """Poll until the predicate holds (the worker is another process)."""
    deadline = time.monotonic() + timeout
    while not (found := predicate()):
        assert time.monotonic() < deadline, f"gave up waiting for {what or predicate}"
        time.sleep(0.05)
    return found


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    deployed = Deployment(tmp_path)
    yield deployed
    deployed.stop_worker()
    built = deployed.app.extensions.get("needs.services")
    if built is not None:
        built.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as started:
        yield started


def finished_attempts(deployment: Deployment, delivery_id: UUID) -> list[str]:
    attempts = deployment.services.outbox.list_attempts(delivery_id)
    return [a["outcome"] for a in attempts if a["finished_at"] is not None]


def test_a_referral_reaches_the_partners_webhook_through_the_worker_with_a_valid_signature(
    deployment, receiver
):
    partner_id, secret = deployment.register_partner("利群医院", ["emergency"], receiver.url)
    _, referral_id = deployment.referred_need(partner_id)
    deployment.start_worker()
    deployment.send("needs.dispatch_deliveries")
    (post,) = receiver.wait_for(1)
    assert post.signed_with(secret)
    delivery_id = delivery_id_for(referral_id, "referral.sent")
    assert post.headers["X-Needs-Delivery"] == str(delivery_id)
    assert post.payload["event"] == "referral.sent"
    assert post.payload["referral"]["id"] == str(referral_id)
    assert post.payload["delivery_id"] == str(delivery_id)
    outbox = deployment.services.outbox
    wait_until(lambda: outbox.get(delivery_id).status == "delivered", what="delivered")


def test_answers_500_500_200_give_one_delivered_record_and_three_recorded_attempts(
    deployment, receiver
):
    receiver.answer(500, 500, 200)
    partner_id, secret = deployment.register_partner("利群医院", ["emergency"], receiver.url)
    _, referral_id = deployment.referred_need(partner_id)
    delivery_id = delivery_id_for(referral_id, "referral.sent")
    deployment.start_worker()
    now = datetime.now(UTC)
    # Beat's ticks: now, then when each retry is due by the schedule in the store.
    for tick, attempts in (
        (None, 1),
        (now + timedelta(minutes=1), 2),
        (now + timedelta(minutes=5), 3),
    ):
        deployment.send("needs.dispatch_deliveries", now=tick)
        wait_until(
            lambda n=attempts: len(finished_attempts(deployment, delivery_id)) == n,
            what=f"attempt {attempts}",
        )
    assert finished_attempts(deployment, delivery_id) == ["failed", "failed", "delivered"]
    (delivery,) = deployment.services.outbox.list_deliveries(referral_id=referral_id)
    assert (delivery.delivery_id, delivery.status, delivery.attempts) == (
        delivery_id,
        "delivered",
        3,
    )
    posts = receiver.wait_for(3)
    assert len(posts) == 3
    assert {p.headers["X-Needs-Delivery"] for p in posts} == {str(delivery_id)}
    assert {p.payload["delivery_id"] for p in posts} == {str(delivery_id)}
    assert all(p.signed_with(secret) for p in posts)


def test_a_worker_killed_while_the_partner_holds_its_request_loses_nothing_and_sends_one_id(
    deployment, receiver
):
    partner_id, _ = deployment.register_partner("利群医院", ["emergency"], receiver.url)
    _, referral_id = deployment.referred_need(partner_id)
    delivery_id = delivery_id_for(referral_id, "referral.sent")
    held = receiver.hold_next()
    deployment.start_worker()
    deployment.send("needs.dispatch_deliveries")
    assert receiver.holding.wait(20), "the worker never POSTed"
    deployment.kill_worker()
    held.set()
    interrupted = deployment.services.outbox.get(delivery_id)
    assert (interrupted.status, interrupted.attempts) == ("pending", 1)

    deployment.start_worker()
    after_the_lease = datetime.now(UTC) + LEASE + timedelta(seconds=5)
    deployment.send("needs.dispatch_deliveries", now=after_the_lease)
    outbox = deployment.services.outbox
    wait_until(lambda: outbox.get(delivery_id).status == "delivered", what="delivered")
    (delivery,) = outbox.list_deliveries(referral_id=referral_id)
    assert delivery.status == "delivered"
    attempts = outbox.list_attempts(delivery_id)
    assert [(a["attempt"], a["outcome"]) for a in attempts] == [(1, "sending"), (2, "delivered")]
    posts = receiver.posts
    assert len(posts) == 2
    assert {p.headers["X-Needs-Delivery"] for p in posts} == {str(delivery_id)}
    assert {p.payload["delivery_id"] for p in posts} == {str(delivery_id)}


def test_an_unanswered_emergency_referral_moves_on_after_two_hours_then_is_escalated(
    deployment, receiver
):
    hospital, _ = deployment.register_partner("利群医院", ["emergency"], receiver.url)
    police, police_secret = deployment.register_partner("长征派出所", ["emergency"], receiver.url)
    need_id, _ = deployment.referred_need(hospital)
    sent_at = deployment.services.needs.get_need(need_id)["referrals"][0]["sent_at"]
    deployment.start_worker()
    needs = deployment.services.needs

    two_hours_on = sent_at + timedelta(hours=2, minutes=1)
    deployment.send("needs.check_referral_clocks", now=two_hours_on)
    referrals = wait_until(
        lambda: len(r := needs.get_need(need_id)["referrals"]) == 2 and r, what="a re-offer"
    )
    assert [(r["partner_id"], r["status"]) for r in referrals] == [
        (hospital, "expired"),
        (police, "sent"),
    ]
    assert referrals[1]["sent_at"] == two_hours_on
    assert referrals[1]["respond_by"] == two_hours_on + timedelta(hours=2)
    history = needs.get_history(need_id)
    assert [(e["type"], e["actor"]) for e in history[-2:]] == [
        ("ReferralExpired", "clock"),
        ("Referred", "clock"),
    ]

    # The police hear of it through the outbox, like any referral.
    deployment.send("needs.dispatch_deliveries", now=two_hours_on)
    told = wait_until(
        lambda: [p for p in receiver.posts if p.payload["referral"]["partner_id"] == str(police)],
        what="the police's notice",
    )
    assert told[0].payload["event"] == "referral.sent"
    assert told[0].signed_with(police_secret)

    # Running the clock again at the same moment changes nothing.
    deployment.send("needs.check_referral_clocks", now=two_hours_on)
    four_hours_on = two_hours_on + timedelta(hours=2, minutes=1)
    deployment.send("needs.check_referral_clocks", now=four_hours_on)
    need = wait_until(
        lambda: (n := needs.get_need(need_id))["escalated"] and n, what="the escalation"
    )
    assert [r["status"] for r in need["referrals"]] == ["expired", "expired"]
    assert need["escalated_at"] == four_hours_on
    assert [e["type"] for e in needs.get_history(need_id)].count("Referred") == 2
    board = deployment.services.board.list_escalated(DEMO_COMMUNITY.id)
    assert [row["need_id"] for row in board] == [str(need_id)]
