"""`python -m bench street [--scale FRACTION] [--stores sqlite,postgres]`: a whole street
(20 communities in one deployment, 1,400 households each, a year of cases at the demo's
rates scaled up) on a fresh store, then what a street asks of one service: list and board
p95, a case read, a ranking, a rebuild of every read model, a web worker's memory, bytes on
disk, the key store's backup and restore, and `audit verify` over the whole street. The
figures go to their own section of docs/performance.md (the rest of the file is make
bench's)."""

from __future__ import annotations

import argparse
import random
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench import servers
from bench.machine import VENV_BIN, describe, load_text
from bench.report import Report, ms, percentiles
from bench.stores import ROOT, build, fresh_database_url, process_env, production_env
from bench.street_corpus import StreetSizes, Written, communities, community_file, write_street

STORE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
# (figure's word, target, met when) — judged only for the whole street (scale 1).
TARGETS = {
    "list": ("list a block's open needs ≤ 50 ms at p95", 50.0),
    "board": ("the secretary's board ≤ 100 ms at p95", 100.0),
    "case": ("a case read ≤ 10 ms at p95", 10.0),
    "ranking": ("a ranking ≤ 20 ms at p95", 20.0),
}
PASSWORD = secrets.token_urlsafe(18)


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench street", description=__doc__)
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the street's size")
    p.add_argument("--stores", default="sqlite,postgres", help="sqlite,postgres")
    p.add_argument("--reads", type=int, default=200, help="timed calls of each read")
    p.add_argument("--output", default="", help="report file (default docs/performance.md)")
    p.add_argument("--folder", default="", help="work folder (default: a temporary one)")
    args = p.parse_args(argv)
    if not args.output:
        args.output = str(ROOT / "docs" / "performance.md")
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    sizes = StreetSizes().scaled(args.scale)
    command = shlex.join([".venv/bin/python", "-m", "bench", "street", *argv])
    described = (
        f"street at scale {args.scale:g}: {sizes.communities} communities × {sizes.households:,} "
        f"households, {sizes.needs:,} needs, {sizes.partners} partners a community"
    )
    report = Report(describe(), command, described)
    report.loads.append(f"Load at the start: {load_text()}")
    folder = Path(args.folder or tempfile.mkdtemp(prefix="needs-street-"))
    try:
        for kind in [s.strip() for s in args.stores.split(",") if s.strip()]:
            run(report, kind, folder / kind, sizes, args.scale, args.reads)
    finally:
        if not args.folder:
            shutil.rmtree(folder, ignore_errors=True)
    report.loads.append(f"Load at the end: {load_text()}")
    report.print()
    if args.output != "-":
        report.write_section(
            Path(args.output),
            "street",
            report.section_lines("A whole street (`python -m bench street`)"),
        )
    return 0


def run(
    report: Report, kind: str, folder: Path, sizes: StreetSizes, scale: float, reads: int
) -> None:
    store = STORE_NAMES[kind]
    section = f"Street · {store}"
    street = communities(sizes.communities)
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database_url(kind, folder / "store"))
        settings = {
            **production_env(url, folder / "store"),
            "COMMUNITY_FILE": str(community_file(folder, street)),
        }
        services = build(settings, create_tables=True)
        try:
            services.needs.after_save.clear()  # written first, the views rebuilt after
            started = time.perf_counter()
            written = write_street(
                services,
                street,
                sizes,
                random.Random(20261207),
                lambda t: report.progress(f"{section}: {t}"),
            )
            seconds = time.perf_counter() - started
            report.add(
                section,
                "the street written (cases through the applications, sealed and encrypted)",
                f"{written.events:,} events, {sum(map(len, written.needs.values())):,} needs, "
                f"{written.referrals:,} referrals, {written.households:,} households, "
                f"{written.partners:,} partners in {seconds:.0f} s",
            )
            _rebuild(report, section, services, scale)
            for username, role, blocks in (
                ("secretary", "secretary", []),
                ("leader3", "block_leader", ["B3"]),
            ):
                services.accounts.register_user(
                    community=street[0].id, username=username, password=PASSWORD,
                    role=role, blocks=blocks, actor="bench",
                )  # fmt: skip
            ranking = _ranking(services, street, reads)
        finally:
            services.close()
        _judge(report, section, "ranking", ranking, scale, "Casework.matches for a new need")
        _over_http(report, section, settings, folder, written, street[0].id, reads, scale)
        _disk(report, section, kind, url, folder / "store", written)
        _operations(report, section, settings, folder)


def _rebuild(report: Report, section: str, services: Any, scale: float) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    applied = services.follower.rebuild(None)
    seconds = time.perf_counter() - started
    own = time.process_time() - cpu  # the rest of the time it waited on the store
    rate = applied / seconds if seconds else 0.0
    waited = (
        f"the rebuild's own process was busy {own:.0f} s of the {seconds:.0f} s; the rest "
        f"({1 - own / seconds:.0%}) it waited on the store's statements"
        if seconds and rate < 30_000
        else ""
    )
    report.add(
        section,
        f"rebuild every read model from {applied:,} events",
        f"{rate:,.0f} events/s ({seconds:.1f} s)",
        "target ≥ 30,000 events/s",
    )
    report.judge(
        f"the street's rebuild ≥ 30,000 events/s ({section})",
        f"{rate:,.0f} events/s",
        rate >= 30_000 if scale >= 1 else None,
        "; ".join(filter(None, [_scaled(scale), waited])),
    )


def _ranking(services: Any, street: list[Any], reads: int) -> dict[str, float]:
    rng = random.Random(5)
    samples = []
    for i in range(reads):
        community = street[i % len(street)]
        need_id = services.casework.log_need(
            community=community.id, category=rng.choice(("hardship", "emergency")), block="B3",
            building=15, unit="2", room=f"{i % 18 + 1}01", description="需要帮忙",
            urgency="high", actor="bench",
        )  # fmt: skip
        started = time.perf_counter()
        services.casework.matches(need_id)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def _over_http(
    report: Report, section: str, settings: dict[str, str], folder: Path, written: Written,
    community: str, reads: int, scale: float,
) -> None:  # fmt: skip
    """The service under gunicorn on the street's store: one user at a time."""
    server = servers.service(process_env(settings), folder / "http")
    try:
        url = server.start()
        leader = {"Authorization": f"Bearer {servers.api_token(url, 'leader3', PASSWORD)}"}
        secretary = {"Authorization": f"Bearer {servers.api_token(url, 'secretary', PASSWORD)}"}
        board = {"Cookie": servers.page_session(url, "secretary", PASSWORD)}
        rng = random.Random(7)
        cases = written.needs[community]
        calls: dict[str, Callable[[], None]] = {
            "list": lambda: _get(url, "/api/v1/needs?block=B3&status=open", leader),
            "board": lambda: _get(url, "/board", board),
            "case": lambda: _get(url, f"/api/v1/needs/{rng.choice(cases)}", secretary),
        }
        what = {
            "list": "GET /api/v1/needs?block=B3&status=open (a leader, 50 a page)",
            "board": "GET /board (the secretary's page)",
            "case": "GET /api/v1/needs/<id> (the secretary, a random case)",
        }
        for name, call in calls.items():
            for _ in range(5):
                call()  # warm
            samples = []
            for _ in range(reads):
                started = time.perf_counter()
                call()
                samples.append((time.perf_counter() - started) * 1000)
            _judge(report, section, name, percentiles(samples), scale, what[name])
        rss = server.worker_rss()
        report.add(
            section,
            "web worker RSS after the reads (each of the workers)",
            f"{max(rss):.0f} MB ({', '.join(f'{r:.0f}' for r in rss)})",
            "target ≤ 200 MB",
        )
        report.judge(
            f"web worker RSS ≤ 200 MB on the street ({section})",
            f"{max(rss):.0f} MB",
            max(rss) <= 200 if scale >= 1 else None,
            _scaled(scale),
        )
    finally:
        server.stop()


def _get(url: str, path: str, headers: dict[str, str]) -> None:
    status, _, body = servers.request(url, "GET", path, headers=headers)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")


def _judge(
    report: Report, section: str, name: str, got: dict[str, float], scale: float, what: str
) -> None:
    target, limit = TARGETS[name]
    report.add(
        section,
        f"{what}: p50 / p95",
        f"{ms(got['p50'])} / {ms(got['p95'])}",
        f"target ≤ {limit:g} ms",
    )
    report.judge(
        f"{target} ({section})",
        ms(got["p95"]),
        got["p95"] <= limit if scale >= 1 else None,
        _scaled(scale),
    )


def _scaled(scale: float) -> str:
    return "" if scale >= 1 else f"a street at scale {scale:g}, not the whole street"


def _disk(
    report: Report, section: str, kind: str, url: str, folder: Path, written: Written
) -> None:
    if kind == "sqlite":
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        files = len(list(folder.rglob("*.sqlite*")))
        where = f"every file of the store's folder ({files} SQLite files)"
    else:
        import psycopg

        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        size, where = int(row[0]) if row else 0, "pg_database_size"
    events = max(written.events, 1)
    report.add(
        section,
        f"bytes on disk in total ({where})",
        f"{size / 2**20:,.1f} MiB",
        f"{size / events:,.0f} bytes an event over {written.events:,} events",
    )


def _operations(report: Report, section: str, settings: dict[str, str], folder: Path) -> None:
    """The operator's commands on the whole street, each a process of its own, timed."""
    backup = folder / "keys.backup"
    for what, args in (
        ("flask --app web keys backup", ["keys", "backup", str(backup)]),
        ("flask --app web keys restore", ["keys", "restore", str(backup)]),
        ("flask --app web audit verify", ["audit", "verify"]),
    ):
        started = time.perf_counter()
        done = subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "web", *args], cwd=ROOT, env=process_env(settings),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        last = (done.stdout.strip().splitlines() or [""])[-1][:160].replace(str(folder), "…")
        if done.returncode != 0:
            raise RuntimeError(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        size = f", {backup.stat().st_size / 2**20:,.1f} MiB" if "backup" in what else ""
        report.add(
            section,
            f"{what} (a process of its own, start included)",
            f"{seconds:.1f} s{size}",
            last,
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
