"""Logging needs and listing a block's open needs over HTTP: the service against the CRUD app
in both its forms (the tutorial's connection per request, and a connection kept per worker;
bench/crud_db.py), all under gunicorn with 2 workers, same machine, same run, in alternating
rounds, at a few connections and at many (a busy morning), logging at recurring addresses and
for new households; then the block leader's list page, and a web worker's memory after many
needs. With the service on PostgreSQL the CRUD app runs on PostgreSQL too (a new connection
per request, or a pool), and the targets are judged against the pooled form there."""

from __future__ import annotations

import json
import random
import secrets
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench import servers, wrk
from bench.http_compare import FORMS, SCENARIOS, compare, judge
from bench.report import Report, ms
from bench.scene import (
    BLOCK,
    LEADER,
    LIST_PATH,
    NEEDS_PATH,
    PAGE_PATH,
    SECRETARY,
    blocks,
    crud_needs,
    seed_bodies,
    set_up_crud,
    set_up_service,
)
from bench.stores import fresh_database_url, process_env, production_env

STORE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


@dataclass(frozen=True)
class HttpSizes:
    rounds: int = 3
    seconds: float = 10.0
    connections: int = 4
    busy_connections: int = 16
    threads: int = 1
    seed_needs: int = 1000
    rss_needs: int = 10_000
    page_seconds: float = 10.0


class Rounds:
    """wrk runs against both apps, A then B, round after round."""

    def __init__(self, report: Report, wrk_path: str, folder: Path, sizes: HttpSizes) -> None:
        self.report, self.wrk, self.folder, self.sizes = report, wrk_path, folder, sizes

    def run(
        self, url: str, script: str, seconds: float, connections: int | None = None
    ) -> wrk.Result:
        return wrk.run(
            self.wrk,
            url,
            script,
            self.folder,
            seconds=seconds,
            connections=connections or self.sizes.connections,
            threads=self.sizes.threads,
        )

    def alternate(
        self, label: str, apps: list[tuple[str, str, str]], connections: int
    ) -> dict[str, list[wrk.Result]]:
        results: dict[str, list[wrk.Result]] = {name: [] for name, _, _ in apps}
        label = f"{label}, {connections} connections"
        for name, url, script in apps:
            warm = self.run(url, script, min(2.0, self.sizes.seconds), connections)
            self.report.progress(f"{label}: warm-up {name}: {warm.rps:.0f} req/s")
        for r in range(self.sizes.rounds):
            for name, url, script in apps:
                res = self.run(url, script, self.sizes.seconds, connections)
                results[name].append(res)
                self.report.progress(
                    f"{label}: round {r + 1}/{self.sizes.rounds} {name}: {res.rps:.0f} req/s, "
                    f"p50 {ms(res.p50)}, p99 {ms(res.p99)}, errors {res.errors + res.non_2xx}"
                )
        return results


@dataclass
class Apps:
    """The service and the CRUD app's two forms running for one store, with what each needs
    to be called."""

    service: servers.Server
    tokens: dict[str, str]
    password: str
    bases: dict[str, tuple[servers.Server, dict[str, str], Path | str]] = field(
        default_factory=dict
    )

    def stop(self) -> None:
        self.service.stop()
        for server, _, _ in self.bases.values():
            server.stop()


def run(report: Report, kind: str, wrk_path: str, folder: Path, sizes: HttpSizes) -> None:
    """The HTTP benchmarks with the service on `kind`, and the CRUD app on the same store in
    both its forms."""
    store = STORE_NAMES[kind]
    section = f"HTTP · {store}"
    password = secrets.token_urlsafe(18)
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database_url(kind, folder / f"service-{kind}"))
        settings = production_env(url, folder / f"service-{kind}")
        report.progress(f"{section}: init-db and users on a fresh {store} store")
        set_up_service(settings, password)
        apps = Apps(
            servers.service(process_env(settings), folder / f"service-{kind}"), {}, password
        )
        for name, form in zip(FORMS[kind], ("per-request", "kept"), strict=True):
            database: Path | str = folder / name / "crud.sqlite"
            if kind == "postgres":
                database = stack.enter_context(fresh_database_url(kind, folder / name))
            tokens = set_up_crud(database)
            env = {"CRUD_DATABASE": str(database), "CRUD_CONNECTION": form}
            server = servers.crud(process_env(env), folder / name, name=name)
            apps.bases[name] = (server, tokens, database)
        try:
            _measure(report, section, kind, Rounds(report, wrk_path, folder, sizes), apps)
        finally:
            apps.stop()


def _measure(report: Report, section: str, kind: str, rounds: Rounds, apps: Apps) -> None:
    svc_url = apps.service.start()
    base_urls = {name: server.start() for name, (server, _, _) in apps.bases.items()}
    report.progress(f"{section}: service at {svc_url} (+ follower), CRUD at {base_urls}")
    apps.tokens.update(
        {u: servers.api_token(svc_url, u, apps.password) for u in (LEADER, SECRETARY)}
    )
    bodies = seed_bodies(rounds.sizes.seed_needs, random.Random(8))
    seeded = [servers.post_many(svc_url, apps.tokens[SECRETARY], bodies)]
    for name, (_, tokens, _) in apps.bases.items():
        seeded.append(servers.post_many(base_urls[name], tokens[SECRETARY], bodies))
    report.progress(f"{section}: seeded {seeded} needs across every block")
    in_block = _total(svc_url, apps.tokens[LEADER], LIST_PATH)
    every = (rounds.sizes.connections, rounds.sizes.busy_connections)
    counts = sorted(set(every))
    listed = {}
    for connections in counts:
        listing = rounds.alternate(
            f"{section} list",
            [
                ("service", svc_url, wrk.get_script(LIST_PATH, _bearer(apps.tokens[LEADER]))),
                *(
                    (name, base_urls[name], wrk.get_script(LIST_PATH, _bearer(tokens[LEADER])))
                    for name, (_, tokens, _) in apps.bases.items()
                ),
            ],
            connections,
        )
        what = (
            f"list a block's open needs (GET {LIST_PATH}, {in_block} open, 50 a page), "
            f"{connections} connections"
        )
        listed[connections] = compare(report, section, what, kind, listing)
    page = _page(report, section, rounds, apps, in_block)
    in_block_only = {BLOCK: blocks()[BLOCK]}
    logged = {}
    for connections in counts:
        for scenario, words in SCENARIOS.items():
            new = scenario == "new"
            logging_ = rounds.alternate(
                f"{section} log {scenario}",
                [
                    (
                        "service",
                        svc_url,
                        wrk.post_script(
                            NEEDS_PATH, apps.tokens[LEADER], in_block_only, new_households=new
                        ),
                    ),
                    *(
                        (
                            name,
                            base_urls[name],
                            wrk.post_script(
                                NEEDS_PATH, tokens[LEADER], in_block_only, new_households=new
                            ),
                        )
                        for name, (_, tokens, _) in apps.bases.items()
                    ),
                ],
                connections,
            )
            what = f"log a need (POST {NEEDS_PATH}) {words}, {connections} connections"
            logged[(scenario, connections)] = compare(report, section, what, kind, logging_)
    rate = float(logged[("recurring", counts[0])]["svc"]["rps"])
    rss, counted = _memory(report, section, rounds, apps, rate)
    store = STORE_NAMES[kind]
    judge(report, kind, store, listed, logged)
    _judge_page_and_memory(report, store, page, rss, counted)


def _page(report: Report, section: str, rounds: Rounds, apps: Apps, in_block: int) -> wrk.Result:
    """The block leader's list page, one user at a time, signed in with the pages' form."""
    cookie = servers.page_session(apps.service.url, LEADER, apps.password)
    script = wrk.get_script(PAGE_PATH, {"Cookie": cookie})
    page = rounds.run(apps.service.url, script, rounds.sizes.page_seconds, connections=1)
    failed = page.non_2xx + page.errors
    report.add(
        section,
        f"block leader's list page (GET {PAGE_PATH}, {in_block} open needs, one user): "
        "p50 / p95 / p99",
        f"{ms(page.p50)} / {ms(page.p95)} / {ms(page.p99)}"
        + (f", {failed} failed" if failed else ""),
        "target p95 ≤ 50 ms",
    )
    return page


def _memory(
    report: Report, section: str, rounds: Rounds, apps: Apps, rate: float
) -> tuple[float, int]:
    """Log needs until the service holds `rss_needs`, then read its workers' VmRSS."""
    url, secretary = apps.service.url, apps.tokens[SECRETARY]
    script = wrk.post_script(NEEDS_PATH, apps.tokens[LEADER], {BLOCK: blocks()[BLOCK]})
    wanted = rounds.sizes.rss_needs
    held = _total(url, secretary, f"{NEEDS_PATH}?per_page=1")
    while held < wanted:
        rounds.run(url, script, min(max((wanted - held) / max(rate, 1.0), 1.0), 60.0))
        held = _total(url, secretary, f"{NEEDS_PATH}?per_page=1")
        report.progress(f"{section}: memory: the service holds {held} needs")
    kept, _, database = apps.bases[list(apps.bases)[-1]]
    rss, crud_rss = apps.service.worker_rss(), kept.worker_rss()
    report.add(
        section,
        f"web worker RSS after {held} needs (each of {len(rss)} workers)",
        f"{max(rss):.0f} MB ({', '.join(f'{r:.0f}' for r in rss)})",
        f"target ≤ 150 MB; CRUD worker {max(crud_rss):.0f} MB after {crud_needs(database)} needs",
    )
    return max(rss), held


def _judge_page_and_memory(
    report: Report, store: str, page: wrk.Result, rss: float, counted: int
) -> None:
    report.judge(
        f"block leader's list page ≤ 50 ms at p95 ({store})",
        f"{ms(page.p95)}",
        page.p95 <= 50,
    )
    report.judge(
        f"web worker RSS ≤ 150 MB after 10,000 needs ({store})",
        f"{rss:.0f} MB after {counted} needs",
        rss <= 150 if counted >= 10_000 else None,
        "" if counted >= 10_000 else "fewer than 10,000 needs in this run",
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _total(url: str, token: str, path: str) -> int:
    status, _, body = servers.request(url, "GET", path, headers=_bearer(token))
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    return int(json.loads(body)["total"])
