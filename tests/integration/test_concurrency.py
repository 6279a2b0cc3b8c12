"""Many hands on one case: every accepted command lands exactly once, and nothing else."""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable
from uuid import UUID

import pytest

from kernel.community import DEMO_COMMUNITY
from kernel.errors import ConcurrentUpdateError
from web.bootstrap import build_services
from web.config import Settings, load_settings

COMMUNITY = DEMO_COMMUNITY.id
THREADS = 6


@pytest.fixture
def settings(tmp_path: object, database_url: str) -> Settings:
    """A pool with a connection for each hammering thread, so none waits out the pool's timeout."""
    env = {"DATABASE_URL": database_url, "POSTGRES_POOL_SIZE": str(THREADS)}
    return load_settings(str(tmp_path), env, environ={})


def log_need(services) -> UUID:
    return services.casework.log_need(
        community=COMMUNITY,
        category="hardship",
        block="B3",
        building=15,
        description="楼道堆物",
        urgency="normal",
        actor="leader3",
    )


def hammer(
    services, need_id: UUID, who: str, count: int, together: Callable[[], object] = lambda: None
) -> list[str]:
    """Notes (which commute) and urgency changes (which do not); returns what was accepted.
    `together` is called before each command: where the hammers wait for one another."""
    accepted = []
    for i in range(count):
        text = f"{who}-{i}"
        together()
        if i % 5 == 4:
            try:
                services.needs.change_urgency(need_id, "high", text, actor=who)
            except ConcurrentUpdateError:
                continue
        else:
            services.needs.add_note(need_id, text, actor=who)
        accepted.append(text)
    return accepted


def recorded(services, need_id: UUID) -> list[str]:
    history = services.needs.get_history(need_id)[1:]
    return [e["data"].get("text") or e["data"]["reason"] for e in history]


def test_threads_hammering_one_case_land_every_accepted_command_once(services):
    need_id = log_need(services)
    results: dict[str, list[str]] = {}
    failures: dict[str, BaseException] = {}

    def worker(name: str) -> None:
        # A thread's exception would otherwise vanish and show only as a missing count.
        try:
            results[name] = hammer(services, need_id, name, 25)
        except BaseException as error:
            failures[name] = error

    threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    accepted = [text for texts in results.values() for text in texts]
    landed = recorded(services, need_id)
    assert Counter(landed) == Counter(accepted)
    notes = [t for t in accepted if not t.endswith(("4", "9"))]
    assert len(notes) == THREADS * 20  # no note was lost
    assert services.view.list_needs(COMMUNITY)[0][0]["version"] == len(landed) + 1


class RetriedClashes(logging.Handler):
    """Counts the clashes this process retried, as `kernel.retrying` logs each one."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _child(settings, need_id: UUID, name: str, count: int, together, queue) -> None:
    retries = logging.getLogger("kernel.retrying")
    retries.setLevel(logging.DEBUG)
    retries.addHandler(counter := RetriedClashes())
    services = build_services(settings)
    try:
        services.needs.get_need(need_id)  # connected and warm before the first command
        # Both start each command at the same moment, so that their commands overlap.
        accepted = hammer(services, need_id, name, count, lambda: together.wait(timeout=120))
        queue.put({"name": name, "accepted": accepted, "retried": counter.count})
    except BaseException as error:
        together.abort()  # the other process stops waiting for this one
        queue.put({"name": name, "error": repr(error)})
        raise
    finally:
        services.close()


def test_two_processes_hammering_one_case_clash_and_land_every_accepted_command_once(
    services, settings
):
    need_id = log_need(services)
    context = multiprocessing.get_context("spawn")
    queue, together = context.Queue(), context.Barrier(2)
    children = [
        context.Process(target=_child, args=(settings, need_id, f"p{i}", 40, together, queue))
        for i in range(2)
    ]
    for child in children:
        child.start()
    reports = [queue.get(timeout=180) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [r.get("error") for r in reports] == [None, None]
    assert [child.exitcode for child in children] == [0, 0]
    accepted = [text for report in reports for text in report["accepted"]]
    retried = sum(report["retried"] for report in reports)
    refused = 2 * 40 - len(accepted)  # urgency changes that clashed: they do not commute
    # They did clash: notes were run again on a fresh copy, urgency changes were refused.
    assert (retried > 0, refused > 0) == (True, True), (retried, refused)
    assert Counter(recorded(services, need_id)) == Counter(accepted)
    assert len([t for t in accepted if not t.endswith(("4", "9"))]) == 2 * 32  # no note lost
    services.follower.catch_up()
    assert services.view.list_needs(COMMUNITY)[0][0]["version"] == len(accepted) + 1
