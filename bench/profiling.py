"""Where the time goes: the service's two calls and the list page, run in this process through
Flask's test client with the production settings, under pyinstrument (self time, flattened)."""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from bench.report import Report
from bench.scene import (
    BLOCK,
    LEADER,
    LIST_PATH,
    PAGE_PATH,
    SECRETARY,
    seed_bodies,
    set_up_crud,
    set_up_service,
)
from bench.stores import fresh_database_url, production_env

TREE_LINES = 45  # lines of the call tree kept in the report
HOTTEST = 8  # functions named by their own time
OWN_TIME = "own time: "


def _text(profiler: Any) -> str:
    """Wall and CPU time; the functions with the most time of their own; the call tree
    (shares of all samples)."""
    flat = profiler.output_text(flat=True, flat_time="self", time="percent_of_total")
    hottest = []
    for line in flat.splitlines():
        found = re.match(r"^\s*([\d.]+)%\s+(\S+)", line)
        if found and found.group(2) != "[self]":
            hottest.append(f"{found.group(2)} {round(float(found.group(1)))}%")
    tree = profiler.output_text(time="percent_of_total")
    took = re.search(r"Duration: ([\d.]+)\s+CPU time: ([\d.]+)", tree)
    calls = tree.split("Profile at", 1)[-1].splitlines()[1:]
    calls = [line for line in calls if line.strip()]
    header = f"{took.group(1)} s wall, {took.group(2)} s CPU" if took else ""
    return "\n".join([header, OWN_TIME + ", ".join(hottest[:HOTTEST]), "", *calls[:TREE_LINES]])


# The who-looked record's share of a list request (issue 21: ≤ 10 %): the same list timed with
# its look written and, for comparison only, with the look switched off in this process.
WHO_LOOKED_ROUNDS = 7


def judge_who_looked(report: Report, store: str, call: Callable[[], object], times: int) -> None:
    """Time `times` lists with the look and as many without, alternating round by round; the
    share is the median round's difference over the list with the look."""
    import statistics
    import time
    from unittest import mock

    from store.access_log import PageLook

    def timed() -> float:
        started = time.perf_counter()
        for _ in range(times):
            call()
        return (time.perf_counter() - started) / times

    with_look, without = [], []
    for _ in range(WHO_LOOKED_ROUNDS):
        with_look.append(timed())
        with (
            mock.patch.object(PageLook, "within", return_value=None),
            mock.patch.object(PageLook, "after", return_value=None),
        ):
            without.append(timed())
    on, off = statistics.median(with_look), statistics.median(without)
    share = (on - off) / on
    report.judge(
        f"the who-looked record ≤ 10 % of a list request ({store})",
        f"{max(share, 0.0):.1%} ({on * 1000:.2f} ms a list with its look, {off * 1000:.2f} ms "
        f"with the look switched off for comparison; medians of {WHO_LOOKED_ROUNDS} "
        f"alternating rounds of {times} lists in process)",
        share <= 0.10,
    )


def profile(report: Report, title: str, call: Callable[[], object], times: int) -> Any:
    """Run `call` `times` times under pyinstrument; its profile goes in the report."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(times):
        call()
    profiler.stop()
    per_call = profiler.last_session.duration / times * 1000 if profiler.last_session else 0.0
    report.profiles.append(
        (f"{title}, {times} calls in process, {per_call:.1f} ms a call", _text(profiler))
    )
    report.progress(f"profiled {title}")
    return profiler


def run(report: Report, kind: str, folder: Path, requests: int) -> None:
    """Profile POST /api/v1/needs, the list and the page on a fresh store of `kind`."""
    from web import create_app
    from web.bootstrap import close_services

    store = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[kind]
    password = secrets.token_urlsafe(18)
    with fresh_database_url(kind, folder / f"profile-{kind}") as url:
        settings = production_env(url, folder / f"profile-{kind}")
        set_up_service(settings, password)
        app = create_app(settings)
        try:
            client = app.test_client()
            tokens = {u: _token(client, u, password) for u in (LEADER, SECRETARY)}
            for body in seed_bodies(max(requests, 50), random.Random(8)):
                _post(client, tokens[SECRETARY], body)
            recurring, new = _leader_bodies(requests)
            for body in recurring[:RECURRING]:  # each address known before the profile
                _post(client, tokens[LEADER], body)
            calls: dict[str, list[Callable[[], object]]] = {
                f"POST /api/v1/needs at recurring addresses ({store})": [
                    partial(_post, client, tokens[LEADER], b) for b in recurring
                ],
                f"POST /api/v1/needs for new households ({store})": [
                    partial(_post, client, tokens[LEADER], b) for b in new
                ],
                f"GET {LIST_PATH} ({store})": [lambda: _get(client, LIST_PATH, tokens[LEADER])]
                * requests,
            }
            page = _page_client(app, password)
            calls[f"GET {PAGE_PATH}, the list page ({store})"] = [
                lambda: page.get(PAGE_PATH, base_url="https://localhost")
            ] * requests
            if kind == "sqlite":
                calls.update(_crud_calls(folder / "profile-crud" / "crud.sqlite", requests))
            for title, steps in calls.items():
                for step in steps[:5]:
                    step()  # warm
                queue = iter(steps)
                profile(report, title, partial(_call_next, queue), len(steps))
                if title == f"GET {LIST_PATH} ({store})":  # the service's, not the CRUD app's
                    judge_who_looked(report, store, steps[0], max(requests // 3, 5))
        finally:
            close_services(app)


RECURRING = 20  # addresses the recurring calls cycle through


def _leader_bodies(requests: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The leader's needs in building 15: at RECURRING addresses over and over, and each at an
    address no need was logged for before (a new household each)."""
    bodies = seed_bodies(2 * requests, random.Random(9))
    for i, body in enumerate(bodies):
        room = 1000 + (i % RECURRING if i < requests else i)
        body.update(block=BLOCK, household={"building": 15, "unit": "1", "room": str(room)})
    return bodies[:requests], bodies[requests:]


def _call_next(queue: Iterator[Callable[[], object]]) -> object:
    """Make the next of the queued calls."""
    return next(queue)()


def _crud_calls(database: Path, requests: int) -> dict[str, list[Callable[[], object]]]:
    """The CRUD app's two calls on the same seed, to read beside the service's."""
    from bench.crud_app import create_app

    tokens = set_up_crud(database)
    client = create_app({"DATABASE": str(database)}).test_client()
    for body in seed_bodies(max(requests, 50), random.Random(8)):
        _post(client, tokens[SECRETARY], body)
    bodies = [
        {**b, "block": BLOCK, "household": {**b["household"], "building": 15}}
        for b in seed_bodies(requests, random.Random(9))
    ]
    return {
        "POST /api/v1/needs (the CRUD app)": [
            partial(_post, client, tokens[LEADER], b) for b in bodies
        ],
        f"GET {LIST_PATH} (the CRUD app)": [lambda: _get(client, LIST_PATH, tokens[LEADER])]
        * requests,
    }


def _token(client: Any, username: str, password: str) -> str:
    answer = client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return str(answer.get_json()["token"])


def _post(client: Any, token: str, body: dict[str, Any]) -> None:
    answer = client.post("/api/v1/needs", json=body, headers={"Authorization": f"Bearer {token}"})
    if answer.status_code != 201:
        raise RuntimeError(f"POST /api/v1/needs: {answer.status_code} {answer.get_data()[:300]!r}")


def _get(client: Any, path: str, token: str) -> None:
    answer = client.get(path, headers={"Authorization": f"Bearer {token}"})
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path}: {answer.status_code}")


def _page_client(app: Any, password: str) -> Any:
    """A test client signed in to the pages as the block leader (over https: Secure cookies)."""
    client = app.test_client()
    form = client.get("/sign-in", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', form
    )
    assert token is not None, "no CSRF token on the sign-in page"
    answer = client.post(
        "/sign-in",
        data={"username": LEADER, "password": password, "csrf_token": token.group(1)},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/sign-in"},
    )
    assert answer.status_code in (302, 303), answer.status_code
    return client
