"""What the ledgers and the monthly report cost (issue 19), in process on a fresh store: importing
a household ledger and a members ledger of the sizes asked (10,000 households with 20,000
members by default; the target is under a minute), importing them again (nothing changes), and
the monthly report over a year of the seeded demo community (target: under 2 s)."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.report import Report
from bench.stores import ROOT, build, fresh_database_url, production_env
from duties.values import local_day
from kernel.community import DEMO_COMMUNITY
from web.config import load_settings
from web.demo import seed
from web.operations.ledger_import import import_ledger
from web.operations.report import monthly_report

STORE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
GROUPS = ("独居老人", "失业", "重病", "统战", "优抚")
SURNAMES = "王李张刘陈杨赵黄周吴"


@dataclass(frozen=True)
class LedgerSizes:
    ledger_households: int = 10_000
    ledger_members: int = 20_000
    report_rounds: int = 5


def write_ledgers(folder: Path, sizes: LedgerSizes) -> tuple[Path, Path]:
    """A household ledger and a members ledger of invented residents, write-only."""
    from openpyxl import Workbook

    rng = random.Random(20261207)
    addresses = []
    buildings = sorted(b for block in DEMO_COMMUNITY.blocks for b in block.buildings)
    for i in range(sizes.ledger_households):
        number = buildings[i % len(buildings)]
        addresses.append((f"{number}号楼", str(1 + i // len(buildings) % 3), str(101 + i)))
    households = Workbook(write_only=True)
    sheet = households.create_sheet("住户台账")
    sheet.append(["楼号", "单元", "室", "户主姓名", "联系电话", "人数"])
    for where in addresses:
        name = rng.choice(SURNAMES) + "某"
        sheet.append([*where, name, f"139{rng.randrange(10**8):08d}", 3])
    members = Workbook(write_only=True)
    sheet = members.create_sheet("重点对象台账")
    sheet.append(["楼号", "单元", "室", "姓名", "出生年份", "类别", "登记日期"])
    for i in range(sizes.ledger_members):
        member = f"{rng.choice(SURNAMES)}某{i}"
        born, group = 1940 + i % 40, GROUPS[i % 5]
        sheet.append([*addresses[i % len(addresses)], member, born, group, "2024.5.1"])
    paths = (folder / "households.xlsx", folder / "members.xlsx")
    households.save(paths[0])
    members.save(paths[1])
    return paths


def run(report: Report, kind: str, folder: Path, sizes: LedgerSizes) -> None:
    """Import the ledgers on a fresh store of `kind`, then report over a year of the demo."""
    store = STORE_NAMES[kind]
    section = f"Ledgers and the monthly report · {store}"
    here = folder / f"ledgers-{kind}"
    here.mkdir(parents=True, exist_ok=True)
    household_file, member_file = write_ledgers(here, sizes)
    with fresh_database_url(kind, here / "store") as url:
        services = build(production_env(url, here), create_tables=True)
        try:
            timings = []
            for path, what in ((household_file, "households"), (member_file, "members")):

                def progress(done: int, total: int, what: str = what) -> None:
                    if done % 5000 == 0:
                        report.progress(f"{section}: {what} {done:,}/{total:,} rows")

                started = time.perf_counter()
                summary = import_ledger(
                    services,
                    str(path),
                    what,
                    community_id=DEMO_COMMUNITY.id,
                    actor="secretary",
                    progress=progress,
                )
                timings.append(time.perf_counter() - started)
                report.progress(f"{section}: {summary.line()}")
            started = time.perf_counter()
            again = import_ledger(
                services,
                str(household_file),
                "households",
                community_id=DEMO_COMMUNITY.id,
                actor="secretary",
            )
            repeat = time.perf_counter() - started
        finally:
            services.close()
    total = sum(timings)
    report.add(
        section,
        f"import {sizes.ledger_households:,} households and {sizes.ledger_members:,} members "
        "(ledger import, in process)",
        f"{total:.1f} s",
        f"households {timings[0]:.1f} s, members {timings[1]:.1f} s; again (nothing to change) "
        f"{repeat:.1f} s, {again.count('unchanged'):,} unchanged",
    )
    report.judge(
        f"import 10,000 households with 20,000 members in under a minute ({store})",
        f"{total:.1f} s for {sizes.ledger_households:,} and {sizes.ledger_members:,}",
        total < 60 if sizes.ledger_households >= 10_000 else None,
    )
    _report_year(report, kind, here, sizes, section, store)


def _report_year(
    report: Report, kind: str, here: Path, sizes: LedgerSizes, section: str, store: str
) -> None:
    """The monthly report over a year of days, on the seeded demo community."""
    with fresh_database_url(kind, here / "demo") as url:
        env = production_env(url, here / "demo")
        build(env, create_tables=True).close()
        now = datetime.now(UTC)
        seed(load_settings(str(ROOT / "instance"), env, environ={}), echo=lambda _: None, now=now)
        services = build(env)
        try:
            today = local_day(now)
            first = today - timedelta(days=364)
            samples = []
            for _ in range(sizes.report_rounds):
                started = time.perf_counter()
                made = monthly_report(services, DEMO_COMMUNITY.id, first, today, None)
                samples.append(time.perf_counter() - started)
        finally:
            services.close()
    seconds = statistics.median(samples)
    report.add(
        section,
        "the monthly report over a year of the demo community (monthly_report, JSON)",
        f"{seconds * 1000:.0f} ms",
        f"{made['needs_totals']['logged']} needs, {len(made['partners'])} partners, "
        f"{made['duties_totals']['due']} duties; median of {len(samples)}",
    )
    report.judge(
        f"the monthly report for a year of the demo in under 2 s ({store})",
        f"{seconds:.2f} s",
        seconds < 2,
    )
