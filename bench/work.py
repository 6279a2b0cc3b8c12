"""What one logged need asks of PostgreSQL: the SQL statements each app sends and the CPU its
worker spends, the service against the CRUD app on the same server, in this process through
Flask's test client with the production settings. Where logging on PostgreSQL falls short of
its target, this is the measurement that says why."""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.profiling import _post, _token
from bench.report import Report
from bench.scene import BLOCK, LEADER, seed_bodies, set_up_crud, set_up_service
from bench.stores import fresh_database_url, production_env

TARGET = "logging throughput ≥ 1.0× the CRUD app, never below 0.8× (PostgreSQL)"


@contextmanager
def counted() -> Iterator[list[int]]:
    """Count the statements psycopg sends (an executemany is one) while the block runs."""
    import psycopg

    sent = [0]
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def counted_execute(cursor: Any, *args: Any, **kwargs: Any) -> Any:
        sent[0] += 1
        return execute(cursor, *args, **kwargs)

    def counted_executemany(cursor: Any, *args: Any, **kwargs: Any) -> Any:
        sent[0] += 1
        return executemany(cursor, *args, **kwargs)

    # Counting wrappers in place of psycopg's (typed, overloaded) methods while the block runs.
    psycopg.Cursor.execute = counted_execute  # type: ignore[method-assign, assignment]
    psycopg.Cursor.executemany = counted_executemany  # type: ignore[method-assign, assignment]
    try:
        yield sent
    finally:  # psycopg's own methods back
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        psycopg.Cursor.executemany = executemany  # type: ignore[method-assign]


def _per_post(
    post: Callable[[dict[str, Any]], None], bodies: list[dict[str, Any]]
) -> dict[str, Any]:
    """Statements, CPU and wall time per POST, after a warm-up on the first tenth."""
    warm = max(len(bodies) // 10, 1)
    for body in bodies[:warm]:
        post(body)
    measured = bodies[warm:]
    cpu, wall = time.process_time(), time.perf_counter()
    with counted() as sent:
        for body in measured:
            post(body)
    n = len(measured)
    return {
        "statements": sent[0] / n,
        "cpu": (time.process_time() - cpu) / n * 1000,
        "wall": (time.perf_counter() - wall) / n * 1000,
    }


def run(report: Report, folder: Path, requests: int) -> None:
    """POST /api/v1/needs to the service and to the CRUD app, both on fresh PostgreSQL."""
    from bench.crud_app import create_app as create_crud
    from web import create_app

    password = secrets.token_urlsafe(18)
    # Addresses that come back, as the leaders' do: most needs are for a household known.
    bodies = [
        {**b, "block": BLOCK, "household": {**b["household"], "building": 15}}
        for b in seed_bodies(requests, random.Random(10))
    ]
    with (
        fresh_database_url("postgres", folder / "work-service") as service_url,
        fresh_database_url("postgres", folder / "work-crud") as crud_url,
    ):
        settings = production_env(service_url, folder / "work-service")
        set_up_service(settings, password)
        app = create_app(settings)
        try:
            client = app.test_client()
            token = _token(client, LEADER, password)
            service = _per_post(lambda body: _post(client, token, body), bodies)
        finally:
            built = app.extensions.get("needs.services")
            if built is not None:
                built.close()
        crud_tokens = set_up_crud(crud_url)
        crud_client = create_crud(
            {"DATABASE": crud_url, "DATABASE_CONNECTION": "kept"}
        ).test_client()
        crud = _per_post(lambda body: _post(crud_client, crud_tokens[LEADER], body), bodies)
    report.add(
        "Work · PostgreSQL",
        f"log a need in process (POST /api/v1/needs, {len(bodies)} needs, addresses that "
        "recur): SQL statements sent, the worker's CPU and wall time a need",
        f"{service['statements']:.1f} statements, CPU {service['cpu']:.2f} ms, "
        f"wall {service['wall']:.2f} ms",
        f"CRUD app on PostgreSQL {crud['statements']:.1f} statements, CPU {crud['cpu']:.2f} ms, "
        f"wall {crud['wall']:.2f} ms",
        f"CPU {service['cpu'] / crud['cpu']:.2f}×",
    )
    for target in report.targets:
        if target.target == TARGET and target.met is False:
            target.why = "; ".join(
                filter(
                    None,
                    [
                        target.why,
                        f"a logged need sends PostgreSQL {service['statements']:.0f} statements "
                        f"(the CRUD app {crud['statements']:.0f}) — the event under the log's "
                        "table lock, the read models with their position, the household's key "
                        "and tombstone, the duties' household, who looked — and costs its "
                        f"worker {service['cpu']:.1f} ms of CPU (the CRUD app "
                        f"{crud['cpu']:.1f} ms) on a machine whose 2 cores also run the server",
                    ],
                )
            )
    report.progress("measured the work of a logged need on PostgreSQL")
