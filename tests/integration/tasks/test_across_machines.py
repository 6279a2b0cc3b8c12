"""The deployment as it spans machines: two web servers, two Celery workers, one beat and one
follower, each its own process, against one PostgreSQL and one Redis. Block leaders log and
refer needs through either server, partners answer through either, leaders withdraw some
referrals, the list is read meanwhile — a bounded load of a few hundred requests. Afterwards
every notice reached the partner's receiver exactly once (by delivery id), every case holds
exactly the events its requests made, and `audit verify` and `audit rebuild-check` pass."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
import redis

from kernel.community import DEMO_COMMUNITY
from needs.outbox import delivery_id_for
from tests.integration.conftest import CHEAP_HASHING, PASSWORD
from tests.integration.tasks.receivers import Receiver
from tests.integration.tasks.test_worker import REDIS_URL, wait_until
from tests.servers import Caller, gunicorn
from web.bootstrap import Services

ROOT = Path(__file__).resolve().parents[3]
NEEDS = 60  # each logged, referred, then answered or withdrawn: about 250 requests in all
PARTNERS = {"hospital": "利群医院", "police": "长征派出所"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {**CHEAP_HASHING, "WEBHOOK_ALLOW_PRIVATE": "1"}  # the receiver is on 127.0.0.1


@pytest.fixture
def environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    """What every process of the deployment is started with: one store, one broker."""
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as client:
            client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"no Redis at {REDIS_URL} ({error}); scripts/test starts one")
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": f"needs-test-{uuid4().hex[:12]}",
        "CELERY_DATA_FOLDER": str(tmp_path / "celery"),
        "DISPATCH_EVERY_SECONDS": "1",  # beat dispatches too, racing the follower
        "POSTGRES_POOL_SIZE": "2",
        "WEBHOOK_ALLOW_PRIVATE": "1",
        "NEEDS_ENV": "development",
        "PYTHONUNBUFFERED": "1",
        **CHEAP_HASHING,
    }


@contextmanager
def process(name: str, argv: list[str], env: dict[str, str], folder: Path) -> Iterator[Path]:
    """A process of the deployment, its output in `<name>.log`, stopped (SIGTERM, a warm
    shutdown) when the block ends."""
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        started = subprocess.Popen(
            argv, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield log
    finally:
        started.terminate()
        try:
            started.wait(30)
        except subprocess.TimeoutExpired:
            started.kill()
            started.wait(5)


def ready(log: Path) -> bool:
    return b" ready." in log.read_bytes()


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "web.worker:celery_app", *args]


@contextmanager
def deployment(env: dict[str, str], folder: Path) -> Iterator[tuple[str, str]]:
    """Two web servers (the URLs), two workers, beat and the follower."""
    Path(env["CELERY_DATA_FOLDER"]).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        for n in (1, 2):
            argv = celery("worker", "--pool", "solo", "--without-mingle", "--without-gossip")
            argv += ["--loglevel", "INFO", "--hostname", f"{env['CELERY_QUEUE']}-{n}@%h"]
            log = stack.enter_context(process(f"worker{n}", argv, env, folder))
            wait_until(partial(ready, log), 60, f"worker {n}")
        stack.enter_context(process("beat", celery("beat", "--loglevel", "INFO"), env, folder))
        follow = [str(Path(sys.executable).with_name("flask")), "--app", "web", "follow"]
        stack.enter_context(process("follower", [*follow, "--every", "0.2"], env, folder))
        first = stack.enter_context(gunicorn(env, folder / "web1.log", workers=1))
        second = stack.enter_context(gunicorn(env, folder / "web2.log", workers=1))
        yield first, second


def flask_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.run(
        [flask, "--app", "web", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_two_servers_two_workers_beat_and_a_follower_deliver_every_notice_once(
    running: Services, environment: dict[str, str], tmp_path: Path
) -> None:
    with Receiver() as receiver:
        partners = {}
        for username, name in PARTNERS.items():
            partner_id = running.partners.register_partner(
                community=DEMO_COMMUNITY.id,
                name=name,
                kind="other",
                categories=["emergency", "hardship"],
                blocks=["*"],
                weekly_capacity=NEEDS,
                actor="secretary",
            )
            running.partners.set_webhook(partner_id, webhook_url=receiver.url, actor="secretary")
            partners[username] = partner_id
        people: list[dict[str, Any]] = [
            {"username": "leader3", "role": "block_leader", "blocks": ["B3"]},
            *({"username": u, "role": "partner", "partner_id": p} for u, p in partners.items()),
        ]
        for person in people:
            running.accounts.register_user(
                community=DEMO_COMMUNITY.id, password=PASSWORD, actor="setup", **person
            )

        with deployment(environment, tmp_path) as urls:
            # Each user signed in on each server; the i-th request goes to server i % 2.
            callers = {
                (person["username"], n): Caller(url, person["username"], PASSWORD)
                for person in people
                for n, url in enumerate(urls)
            }
            made = run_load(lambda username, i: callers[(username, i % 2)], partners)
            expected = {
                str(delivery_id_for(referral_id, notice)) for referral_id, notice in made["notices"]
            }
            wait_until(
                lambda: expected <= {p.headers["X-Needs-Delivery"] for p in receiver.posts},
                timeout=120,
                what="every notice at the receiver",
            )
            wait_until(
                lambda: running.outbox.counts().get("delivered") == len(expected),
                timeout=60,
                what="every delivery marked delivered",
            )
        # Every process has stopped: whatever was sent twice has arrived by now.
        seen = Counter(p.headers["X-Needs-Delivery"] for p in receiver.posts)
        assert set(seen) == expected
        assert [d for d, times in seen.items() if times != 1] == []
        assert all(
            p.payload["delivery_id"] == p.headers["X-Needs-Delivery"] for p in receiver.posts
        )

    for need_id, answer in made["answers"].items():
        history = [e["type"] for e in running.needs.get_history(need_id)]
        assert history == ["NeedLogged", "Referred", answer], need_id
    _, total = running.view.list_needs(DEMO_COMMUNITY.id, blocks=["B3"], limit=1)
    assert total == NEEDS

    verified = flask_cli(environment, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("intact: ")
    rebuilt = flask_cli(environment, "audit", "rebuild-check")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "rebuild matches the live read models" in rebuilt.stdout


def run_load(caller: Callable[[str, int], Caller], partners: dict[str, UUID]) -> dict[str, Any]:
    """Log NEEDS needs, refer each, then answer each (accept, decline, or withdrawn by the
    leader), the list read beside; four requests at a time, across both servers."""
    names = list(partners)

    def log(i: int) -> UUID:
        body = {
            "category": ("emergency", "hardship")[i % 2],
            "block": "B3",
            # a household of its own each (a second open need of one household and category
            # would be refused as a possible duplicate)
            "household": {"building": 15, "unit": str(1 + i % 4), "room": f"{1 + i // 4}0{i % 4}"},
            "resident_name": "王秀英",
            "contact_phone": "139 1234 5678",
            "description": "独居老人，需要有人上门",
            "urgency": "high",
            "consent_to_share": True,
        }
        return UUID(caller("leader3", i).ok("POST", "/needs", body)["id"])

    with ThreadPoolExecutor(4) as pool:
        need_ids = list(pool.map(log, range(NEEDS)))

        def refer(i: int) -> UUID:
            body = {"partner_id": str(partners[names[i % 2]]), "note": "请上门"}
            path = f"/needs/{need_ids[i]}/referrals"
            return UUID(caller("leader3", i + 1).ok("POST", path, body)["id"])

        referral_ids = list(pool.map(refer, range(NEEDS)))

        def answer(i: int) -> str:
            path = f"/referrals/{referral_ids[i]}"
            partner = names[i % 2]
            if i % 3 == 0:
                caller(partner, i).ok("POST", f"{path}/accept", {"note": "明天上门"})
                return "ReferralAccepted"
            if i % 3 == 1:
                caller(partner, i + 1).ok("POST", f"{path}/decline", {"reason": "no_capacity"})
                return "ReferralDeclined"
            caller("leader3", i).ok("POST", f"{path}/withdraw", {"reason": "家属已处理"})
            return "ReferralWithdrawn"

        def listing(i: int) -> None:
            caller("leader3", i).ok("GET", "/needs?block=B3&status=open&per_page=50")

        lists = [pool.submit(listing, i) for i in range(NEEDS // 2)]  # beside the answers
        answers = list(pool.map(answer, range(NEEDS)))
        for done in lists:
            done.result()
    notices = [(r, "referral.sent") for r in referral_ids] + [
        (referral_ids[i], "referral.withdrawn") for i in range(NEEDS) if i % 3 == 2
    ]
    return {"answers": dict(zip(need_ids, answers, strict=True)), "notices": notices}
