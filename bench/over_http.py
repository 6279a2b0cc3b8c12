"""Logging needs and listing a block's open needs over HTTP: the service against the CRUD app,
both under gunicorn with 2 workers, same machine, same run, in alternating rounds; then the
block leader's list page, and a web worker's memory after many needs. With the service on
PostgreSQL, the CRUD app runs on PostgreSQL as well, as a third app in the rounds: what the
store itself costs, beside the SQLite baseline the targets are judged against."""

from __future__ import annotations

import json
import random
import secrets
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from bench import servers, wrk
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
        self, label: str, apps: list[tuple[str, str, str]]
    ) -> dict[str, list[wrk.Result]]:
        results: dict[str, list[wrk.Result]] = {name: [] for name, _, _ in apps}
        for name, url, script in apps:
            warm = self.run(url, script, min(2.0, self.sizes.seconds))
            self.report.progress(f"{label}: warm-up {name}: {warm.rps:.0f} req/s")
        for r in range(self.sizes.rounds):
            for name, url, script in apps:
                res = self.run(url, script, self.sizes.seconds)
                results[name].append(res)
                self.report.progress(
                    f"{label}: round {r + 1}/{self.sizes.rounds} {name}: {res.rps:.0f} req/s, "
                    f"p50 {ms(res.p50)}, p99 {ms(res.p99)}, errors {res.errors + res.non_2xx}"
                )
        return results


def _summary(results: list[wrk.Result]) -> dict[str, float]:
    return {
        "rps": median(r.rps for r in results),
        "low": min(r.rps for r in results),
        "high": max(r.rps for r in results),
        "p50": median(r.p50 for r in results),
        "p99": median(r.p99 for r in results),
        "errors": sum(r.errors + r.non_2xx for r in results),
        "requests": sum(r.requests for r in results),
    }


def _spread(summary: dict[str, float]) -> str:
    if summary["low"] == summary["high"]:
        return ""
    return f" (rounds {summary['low']:.0f}–{summary['high']:.0f})"


def _compare(
    report: Report, section: str, what: str, results: dict[str, list[wrk.Result]]
) -> dict[str, Any]:
    svc, base = _summary(results["service"]), _summary(results["crud"])
    on_pg = _summary(results["crud-pg"]) if results.get("crud-pg") else None
    errors = f" ({svc['errors']:.0f} of {svc['requests']:.0f} failed)" if svc["errors"] else ""
    base_errors = f" ({base['errors']:.0f} failed)" if base["errors"] else ""
    ratio = svc["rps"] / base["rps"] if base["rps"] else 0.0
    for name, got in (("service", svc), ("CRUD app", base)):
        if got["errors"] > 0.01 * got["requests"]:
            report.note(
                f"{section}, {what}: {got['errors']:.0f} of the {name}'s {got['requests']:.0f} "
                "requests failed (see its access log): its figures are not comparable."
            )
    report.add(
        section,
        f"{what}: throughput",
        f"{svc['rps']:.0f} req/s{_spread(svc)}{errors}",
        f"CRUD {base['rps']:.0f} req/s{_spread(base)}{base_errors}",
        f"{ratio:.2f}×",
    )
    p99_ratio = svc["p99"] / base["p99"] if base["p99"] else 0.0
    report.add(
        section,
        f"{what}: latency p50 / p99",
        f"{ms(svc['p50'])} / {ms(svc['p99'])}",
        f"CRUD {ms(base['p50'])} / {ms(base['p99'])}",
        f"p99 {p99_ratio:.2f}×",
    )
    if on_pg is not None:
        report.add(
            section,
            f"{what}: the same CRUD app on PostgreSQL (reference): throughput, p50 / p99",
            f"{on_pg['rps']:.0f} req/s{_spread(on_pg)}, {ms(on_pg['p50'])} / {ms(on_pg['p99'])}",
            f"the service {svc['rps']:.0f} req/s",
            f"{svc['rps'] / on_pg['rps'] if on_pg['rps'] else 0.0:.2f}×",
        )
    return {"ratio": ratio, "p99_ratio": p99_ratio, "svc": svc, "base": base, "on_pg": on_pg}


@dataclass
class Apps:
    """The two apps running for one store, with what each needs to be called."""

    service: servers.Server
    crud: servers.Server
    tokens: dict[str, str]
    crud_tokens: dict[str, str]
    password: str
    crud_database: Path
    crud_pg: servers.Server | None = None
    crud_pg_tokens: dict[str, str] | None = None

    def bases(self) -> list[tuple[str, servers.Server, dict[str, str]]]:
        """The CRUD app on SQLite, and on PostgreSQL when the service runs there."""
        found = [("crud", self.crud, self.crud_tokens)]
        if self.crud_pg is not None and self.crud_pg_tokens is not None:
            found.append(("crud-pg", self.crud_pg, self.crud_pg_tokens))
        return found


def run(report: Report, kind: str, wrk_path: str, folder: Path, sizes: HttpSizes) -> None:
    """The HTTP benchmarks with the service on `kind` (the CRUD app on SQLite, and on
    PostgreSQL too when `kind` is postgres)."""
    store = STORE_NAMES[kind]
    section = f"HTTP · {store}"
    password = secrets.token_urlsafe(18)
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database_url(kind, folder / f"service-{kind}"))
        settings = production_env(url, folder / f"service-{kind}")
        report.progress(f"{section}: init-db and users on a fresh {store} store")
        set_up_service(settings, password)
        database = folder / f"crud-{kind}" / "crud.sqlite"
        crud_tokens = set_up_crud(database)
        apps = Apps(
            servers.service(process_env(settings), folder / f"service-{kind}"),
            servers.crud(process_env({"CRUD_DATABASE": str(database)}), folder / f"crud-{kind}"),
            {},
            crud_tokens,
            password,
            database,
        )
        if kind == "postgres":
            crud_url = stack.enter_context(fresh_database_url(kind, folder / "crud-pg"))
            apps.crud_pg_tokens = set_up_crud(crud_url)
            apps.crud_pg = servers.crud(
                process_env({"CRUD_DATABASE": crud_url}), folder / "crud-pg", name="crud-pg"
            )
        try:
            _measure(report, section, store, Rounds(report, wrk_path, folder, sizes), apps)
        finally:
            apps.service.stop()
            for _, server, _ in apps.bases():
                server.stop()


def _measure(report: Report, section: str, store: str, rounds: Rounds, apps: Apps) -> None:
    svc_url = apps.service.start()
    base_urls = {name: server.start() for name, server, _ in apps.bases()}
    report.progress(f"{section}: service at {svc_url} (+ follower), CRUD at {base_urls}")
    apps.tokens.update(
        {u: servers.api_token(svc_url, u, apps.password) for u in (LEADER, SECRETARY)}
    )
    bodies = seed_bodies(rounds.sizes.seed_needs, random.Random(8))
    seeded = [servers.post_many(svc_url, apps.tokens[SECRETARY], bodies)]
    for name, _, tokens in apps.bases():
        seeded.append(servers.post_many(base_urls[name], tokens[SECRETARY], bodies))
    report.progress(f"{section}: seeded {seeded} needs across every block")
    in_block = _total(svc_url, apps.tokens[LEADER], LIST_PATH)
    listing = rounds.alternate(
        f"{section} list",
        [
            ("service", svc_url, wrk.get_script(LIST_PATH, _bearer(apps.tokens[LEADER]))),
            *(
                (name, base_urls[name], wrk.get_script(LIST_PATH, _bearer(tokens[LEADER])))
                for name, _, tokens in apps.bases()
            ),
        ],
    )
    what = f"list a block's open needs (GET {LIST_PATH}, {in_block} open, 50 a page)"
    listed = _compare(report, section, what, listing)
    page = _page(report, section, rounds, apps, in_block)
    in_block_only = {BLOCK: blocks()[BLOCK]}
    logging_ = rounds.alternate(
        f"{section} log",
        [
            ("service", svc_url, wrk.post_script(NEEDS_PATH, apps.tokens[LEADER], in_block_only)),
            *(
                (name, base_urls[name], wrk.post_script(NEEDS_PATH, tokens[LEADER], in_block_only))
                for name, _, tokens in apps.bases()
            ),
        ],
    )
    logged = _compare(report, section, f"log a need (POST {NEEDS_PATH})", logging_)
    rss, counted = _memory(report, section, rounds, apps, float(logged["svc"]["rps"]))
    _judge(report, store, listed, logged, page, rss, counted)


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
    rss, crud_rss = apps.service.worker_rss(), apps.crud.worker_rss()
    report.add(
        section,
        f"web worker RSS after {held} needs (each of {len(rss)} workers)",
        f"{max(rss):.0f} MB ({', '.join(f'{r:.0f}' for r in rss)})",
        f"target ≤ 150 MB; CRUD worker {max(crud_rss):.0f} MB after "
        f"{crud_needs(apps.crud_database)} needs",
    )
    return max(rss), held


def _judge(
    report: Report,
    store: str,
    listed: dict[str, Any],
    logged: dict[str, Any],
    page: wrk.Result,
    rss: float,
    counted: int,
) -> None:
    # Judged as shown (two decimals), so a 1.00× never reads as not met.
    r, p99 = round(logged["ratio"], 2), round(logged["p99_ratio"], 2)
    why = "" if r >= 1.0 else ("above the 0.8× floor" if r >= 0.8 else "below the 0.8× floor")
    svc, base = logged["svc"], logged["base"]
    report.judge(
        f"logging throughput ≥ 1.0× the CRUD app, never below 0.8× ({store})",
        f"{r:.2f}× ({svc['rps']:.0f} vs {base['rps']:.0f} req/s)",
        r >= 1.0,
        "; ".join(filter(None, [why, _on_postgres(logged)])) if r < 1.0 else "",
    )
    listing_met = round(listed["ratio"], 2) >= 1.0
    report.judge(
        f"listing throughput ≥ 1.0× the CRUD app ({store})",
        f"{listed['ratio']:.2f}× ({listed['svc']['rps']:.0f} vs {listed['base']['rps']:.0f} req/s)",
        listing_met,
        "" if listing_met else _on_postgres(listed),
    )
    report.judge(
        f"p99 latency of logging ≤ 1.5× the CRUD app's ({store})",
        f"{p99:.2f}× ({ms(svc['p99'])} vs {ms(base['p99'])})",
        p99 <= 1.5,
    )
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


def _on_postgres(compared: dict[str, Any]) -> str:
    """What the same CRUD app does on PostgreSQL in the same rounds, when it ran."""
    on_pg = compared.get("on_pg")
    if not on_pg or not on_pg["rps"]:
        return ""
    ratio = compared["svc"]["rps"] / on_pg["rps"]
    return (
        f"the same CRUD app on PostgreSQL does {on_pg['rps']:.0f} req/s in the same rounds "
        f"(the service {ratio:.2f}× of it)"
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _total(url: str, token: str, path: str) -> int:
    status, _, body = servers.request(url, "GET", path, headers=_bearer(token))
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    return int(json.loads(body)["total"])
