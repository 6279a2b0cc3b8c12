"""What the audit and erasure features cost a logged need (issue 6: no more than 10 %), in one
process and one run: `Casework.log_need` as the service runs it — every event hash-chained, the
personal fields sealed with the household's key (a key made for each new household), the read
models and the outbox kept — against the same service with the sealing switched off, in
alternating rounds; and the hash chain's own time beside a logged need."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from uuid import uuid4

from bench.report import Report
from bench.stores import build, fresh_database_url, production_env
from kernel.clock import SystemClock
from kernel.community import DEMO_COMMUNITY
from needs.domain import Need
from needs.values import Household
from store.chain import link
from store.sealing import SealingMapper
from web.bootstrap import Services

STORE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
BLOCK, BUILDINGS = "B3", range(13, 19)


@dataclass(frozen=True)
class AuditSizes:
    audit_needs: int = 300
    audit_rounds: int = 5


def run(report: Report, kind: str, folder: Path, sizes: AuditSizes) -> None:
    """Alternate rounds of logging with and without sealing on two fresh stores of `kind`."""
    needs_per_round, rounds = sizes.audit_needs, sizes.audit_rounds
    store = STORE_NAMES[kind]
    section = f"Audit cost · {store}"
    rng = random.Random(20261129)
    with (
        fresh_database_url(kind, folder / f"audit-on-{kind}") as on_url,
        fresh_database_url(kind, folder / f"audit-off-{kind}") as off_url,
    ):
        sealed = build(production_env(on_url, folder / f"audit-on-{kind}"), create_tables=True)
        plain = build(production_env(off_url, folder / f"audit-off-{kind}"), create_tables=True)
        cast(SealingMapper, plain.needs.mapper).keys = None  # personal fields left unsealed
        try:
            for services in (sealed, plain):  # warm both: imports, connections, caches
                _log(services, max(needs_per_round // 10, 2), rng)
            on, off = [], []
            for number in range(rounds):
                on.append(_log(sealed, needs_per_round, rng))
                off.append(_log(plain, needs_per_round, rng))
                report.progress(
                    f"{section}: round {number + 1}/{rounds}: {on[-1]:.0f} vs {off[-1]:.0f} needs/s"
                )
        finally:
            sealed.close()
            plain.close()
    with_audit, without = statistics.median(on), statistics.median(off)
    slower = 1 - with_audit / without
    change = f"{slower:.1%} slower" if slower >= 0 else f"{-slower:.1%} faster (within the noise)"
    report.add(
        section,
        f"log a need in process (Casework.log_need, a new household each, {needs_per_round} a "
        f"round, {rounds} rounds): throughput with sealing on",
        f"{with_audit:,.0f} needs/s (rounds {min(on):,.0f}–{max(on):,.0f})",
        f"sealing off {without:,.0f} needs/s (rounds {min(off):,.0f}–{max(off):,.0f})",
        f"{with_audit / without:.2f}×",
    )
    chain_us = _chain_microseconds()
    report.add(
        section,
        "the hash chain's link for one event (NeedLogged's content)",
        f"{chain_us:.1f} µs",
        f"{chain_us / (1e6 / with_audit):.1%} of a logged need",
    )
    report.judge(
        f"the audit and erasure features slow logging a need ≤ 10 % ({store})",
        f"{change} with personal data sealed per household "
        f"({with_audit:,.0f} vs {without:,.0f} needs/s); the chain {chain_us:.1f} µs an event",
        slower <= 0.10,
    )


def _log(services: Services, count: int, rng: random.Random) -> float:
    """Log `count` needs, each at a new address; needs per second."""
    started = time.perf_counter()
    for _ in range(count):
        services.casework.log_need(
            community=DEMO_COMMUNITY.id,
            category=rng.choice(("hardship", "emergency", "worry_relief")),
            block=BLOCK,
            building=rng.choice(BUILDINGS),
            unit=str(rng.randint(1, 3)),
            room=str(rng.randrange(10**9)),  # a new household nearly every time
            description="楼道灯坏了，老人夜里下楼不便",
            urgency="normal",
            resident_name="王秀英",
            contact_phone="13800138000",
            actor="leader3",
        )
    return count / (time.perf_counter() - started)


def _chain_microseconds(times: int = 2000) -> float:
    content: dict[str, Any] = {
        "community": DEMO_COMMUNITY.id,
        "category": "hardship",
        "block": BLOCK,
        "description": "c" * 64,
        "resident_name": "c" * 64,
        "contact_phone": "c" * 64,
        "urgency": "normal",
        "actor": "leader3",
        "occurred_at": SystemClock().now(),
        "household": Household(uuid4(), 15, "2", "502"),
        "salt": "s" * 32,
    }
    personal = Need.NeedLogged.personal
    case, now = uuid4(), SystemClock().now()
    started = time.perf_counter()
    for version in range(times):
        link("0" * 64, case, version, "NeedLogged", now, content, personal)
    return (time.perf_counter() - started) / times * 1e6
