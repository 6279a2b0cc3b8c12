"""The Procfile as the run command starts it: honcho brings up web, worker, beat and follower,
first on the embedded broker (no server at all), then with Redis. Nothing is sent by the test:
a referral made before the processes start reaches the partner through the follower and a
worker, and — with the answer time made short in the community's configuration and beat's
ticks made frequent — beat's clock expires it and offers the case onward by itself."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from uuid import uuid4

import pytest

from kernel.community import DEMO_COMMUNITY
from tests.integration.tasks.receivers import Receiver
from tests.integration.tasks.test_worker import REDIS_URL, wait_until
from web import create_app, services

ROOT = Path(__file__).resolve().parents[3]
VENV_BIN = Path(ROOT / ".venv" / "bin")
# 0.0025 h: an emergency referral must be answered within 9 s.
SHORT_SLA_HOURS = 0.0025

PROCESSES = ("web", "worker", "beat", "follower")
APP_CONFIG = ("DATABASE_URL", "COMMUNITY_FILE", "CELERY_DATA_FOLDER", "WEBHOOK_ALLOW_PRIVATE")

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def community_file(folder: Path) -> Path:
    """The demo community, its emergency answer time cut to seconds."""
    path = folder / "community.json"
    categories = [
        {**asdict(c), "sla_hours": SHORT_SLA_HOURS if c.code == "emergency" else c.sla_hours}
        for c in DEMO_COMMUNITY.categories
    ]
    blocks = [
        {"code": b.code, "name": b.name, "buildings": sorted(b.buildings)}
        for b in DEMO_COMMUNITY.blocks
    ]
    community = {"id": DEMO_COMMUNITY.id, "name": DEMO_COMMUNITY.name, "blocks": blocks}
    path.write_text(json.dumps({**community, "categories": categories}, ensure_ascii=False))
    return path


@pytest.fixture(params=["embedded broker", "redis"])
def environment(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite",
        "COMMUNITY_FILE": str(community_file(tmp_path)),
        "CELERY_DATA_FOLDER": str(tmp_path / "celery"),
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
        "DISPATCH_EVERY_SECONDS": "2",
        "CLOCK_EVERY_SECONDS": "2",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_KIB": "8",
        "PASSWORD_PARALLELISM": "1",
        "WEBHOOK_ALLOW_PRIVATE": "1",  # the partners' receiver is on 127.0.0.1
    }
    if request.param == "redis":
        env.update(REDIS_URL=REDIS_URL, CELERY_QUEUE=f"needs-test-{uuid4().hex[:12]}")
    return env


@contextmanager
def processes(environment: dict[str, str], tmp_path: Path) -> Iterator[dict[str, object]]:
    """`honcho start` on the Procfile's processes but release, as scripts/run does; yields the
    web process's health answer once it is up, and stops them all afterwards."""
    env = {**os.environ, **environment, "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "CELERY_QUEUE"):
        if name not in environment:
            env.pop(name, None)
    with (tmp_path / "honcho.log").open("wb") as log:
        honcho = subprocess.Popen(
            [str(VENV_BIN / "honcho"), "start", "-f", "Procfile", *PROCESSES],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        health = f"http://127.0.0.1:{environment['PORT']}/api/v1/health"
        yield wait_until(lambda: _get(health), timeout=30, what="the web process")
    finally:
        honcho.send_signal(signal.SIGTERM)
        try:
            honcho.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait(5)


def _get(url: str) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local http URL
            return dict(json.loads(response.read()))
    except OSError:
        return None


def test_the_run_commands_processes_tell_partners_and_move_an_unanswered_case_on(
    environment, tmp_path
):
    app = create_app({k: environment[k] for k in APP_CONFIG})
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    with Receiver() as receiver, app.app_context():
        running = services()
        hospital, police = (
            running.partners.register_partner(
                community=DEMO_COMMUNITY.id,
                name=name,
                kind="other",
                categories=["emergency"],
                blocks=["*"],
                weekly_capacity=10,
                actor="secretary",
            )
            for name in ("利群医院", "长征派出所")
        )
        for partner_id in (hospital, police):
            running.partners.set_webhook(partner_id, webhook_url=receiver.url, actor="secretary")
        need_id = running.casework.log_need(
            community=DEMO_COMMUNITY.id,
            category="emergency",
            block="B3",
            building=15,
            description="独居老人摔倒，无法起身",
            urgency="critical",
            actor="leader3",
        )
        running.casework.refer(need_id, hospital, actor="leader3")

        with processes(environment, tmp_path) as health:
            assert health["status"] == "ok"
            wait_until(
                lambda: len(receiver.posts) >= 3,
                timeout=60,
                what="the notices of the referral, of its expiry and of the re-offer",
            )
        told = sorted(
            (p.payload["event"], p.payload["referral"]["partner_id"]) for p in receiver.posts
        )
        assert told == sorted(
            [
                ("referral.expired", str(hospital)),
                ("referral.sent", str(hospital)),
                ("referral.sent", str(police)),
            ]
        )
        referrals = running.needs.get_need(need_id)["referrals"]
        assert [(r["partner_id"], r["status"], r["sent_by"]) for r in referrals] == [
            (hospital, "expired", "leader3"),
            (police, "sent", "clock"),
        ]
        expired = running.needs.get_history(need_id)[-2]
        assert expired["type"] == "ReferralExpired"
        late = expired["recorded_at"] - referrals[0]["respond_by"]
        assert late.total_seconds() < 10  # beat ticks every 2 s here, every minute in service
