"""`python -m bench [--quick] [--stores sqlite,postgres] [--only http,data,audit] [sizes…]`:
run the benchmarks, print every figure beside its baseline or target, and (re)write
docs/performance.md. Sizes come from flags, else BENCH_<FLAG> environment variables."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from bench import audit_cost, in_process, ledgers, over_http, work
from bench.machine import BUSY, describe, ensure_wrk, load, load_text
from bench.report import Report
from bench.stores import NOT_PRODUCTION, ROOT

QUICK = {
    "rounds": 1,
    "seconds": 1.0,
    "connections": 2,
    "busy_connections": 3,
    "seed_needs": 10,
    "rss_needs": 40,
    "page_seconds": 1.0,
    "events": 400,
    "partners": 20,
    "referrals": 40,
    "case_events": 60,
    "reads": 5,
    "audit_needs": 10,
    "audit_rounds": 2,
    "ledger_households": 30,
    "ledger_members": 60,
    "report_rounds": 1,
}


def _env(name: str, default: str | int | float) -> str | int | float:
    value = os.environ.get(f"BENCH_{name.upper()}")
    return default if value is None or value == "" else type(default)(value)


def parse(argv: list[str]) -> argparse.Namespace:
    http, data, audit = over_http.HttpSizes(), in_process.DataSizes(), audit_cost.AuditSizes()
    ledger = ledgers.LedgerSizes()
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="tiny sizes: checks the harness only")
    p.add_argument("--stores", default=_env("stores", "sqlite,postgres"), help="sqlite,postgres")
    p.add_argument(
        "--only",
        default=_env("only", "http,data,audit"),
        help="http (over HTTP), data (in process), audit (what sealing costs a logged need); "
        "ledgers (issue 19: the ledger import and the monthly report) only when named",
    )
    p.add_argument("--output", default=_env("output", ""), help="report file; '-' for none")
    p.add_argument(
        "--folder", default=_env("folder", ""), help="work folder (default: a temporary one)"
    )
    p.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="profile the hot paths with pyinstrument (default: on, off with --quick)",
    )
    p.add_argument(
        "--profile-requests",
        type=int,
        default=_env("profile_requests", 20 if "--quick" in argv else 300),
        help="calls per profiled path",
    )
    sizes = p.add_argument_group("sizes")
    every = (*vars(http).items(), *vars(data).items(), *vars(audit).items())
    for name, default in (*every, *vars(ledger).items()):
        flag = "--" + name.replace("_", "-")
        sizes.add_argument(flag, type=type(default), default=None, help=f"default {default}")
    args = p.parse_args(argv)
    for name, default in (*every, *vars(ledger).items()):
        if getattr(args, name) is None:
            chosen = QUICK.get(name, default) if args.quick else default
            setattr(args, name, _env(name, chosen))
    if args.profile is None:
        args.profile = not args.quick
    if not args.output:
        args.output = "-" if args.quick else str(ROOT / "docs" / "performance.md")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["street"]:  # a whole street: its own command and section of the report
        from bench import street

        return street.main(argv[1:])
    args = parse(argv)
    for name in NOT_PRODUCTION:  # the service in this process runs as in production too
        os.environ.pop(name, None)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    parts = {s.strip() for s in args.only.split(",") if s.strip()}
    http = over_http.HttpSizes(**{k: getattr(args, k) for k in vars(over_http.HttpSizes())})
    data = in_process.DataSizes(**{k: getattr(args, k) for k in vars(in_process.DataSizes())})
    audit = audit_cost.AuditSizes(**{k: getattr(args, k) for k in vars(audit_cost.AuditSizes())})
    ledger = ledgers.LedgerSizes(**{k: getattr(args, k) for k in vars(ledgers.LedgerSizes())})
    wrk = ensure_wrk() if "http" in parts else ""
    command = shlex.join([".venv/bin/python", "-m", "bench", *argv])
    if os.environ.get("BENCH_LAUNCHER"):
        command = f"{shlex.join([os.environ['BENCH_LAUNCHER'], *argv])} (runs {command})"
    sizes = (
        f"sizes: HTTP {http.rounds} rounds × {http.seconds:g} s per app, {http.connections} "
        f"connections, {http.threads} wrk thread(s), {http.seed_needs} needs seeded, memory after "
        f"{http.rss_needs} needs; data {data.events:,} events, {data.partners} partners, "
        f"{data.referrals:,} referrals, a {data.case_events}-event case, {data.reads} reads; "
        f"audit cost {audit.audit_rounds} rounds × {audit.audit_needs} needs"
    )
    report = Report(describe(), command, sizes)
    report.loads.append(f"Load at the start: {load_text()}")
    if load()[0] > BUSY:
        report.busy = True
        report.progress(f"the machine is busy ({load_text()}): these figures are no record")
    report.progress(sizes)
    _notes(report, http)
    folder = Path(args.folder or tempfile.mkdtemp(prefix="needs-bench-"))
    try:
        for kind in stores:
            if "data" in parts:
                in_process.run(report, kind, folder, data, profile=args.profile)
            if "audit" in parts:
                audit_cost.run(report, kind, folder, audit)
            if "ledgers" in parts:
                ledgers.run(report, kind, folder, ledger)
            if "http" in parts:
                over_http.run(report, kind, wrk, folder, http)
                if kind == "postgres":
                    work.run(report, folder, 40 if args.quick else 600)
            if args.profile:
                from bench import profiling

                profiling.run(report, kind, folder, args.profile_requests)
    finally:
        if not args.folder:
            shutil.rmtree(folder, ignore_errors=True)
    report.loads.append(f"Load at the end: {load_text()}")
    report.explain()
    report.print()
    if args.output != "-":
        report.write(Path(args.output))
    return 0


def _notes(report: Report, http: over_http.HttpSizes) -> None:
    for text in (
        "The service runs as in production: NEEDS_ENV=production, a SECRET_KEY and a CIPHER_KEY "
        "(events, snapshots and idempotency records encrypted with "
        "eventsourcing.cryptography:AESCipher), read models kept in the request (after_save), "
        "gunicorn 2 sync workers with an access log, `flask --app web follow` beside it; "
        "Celery's worker and beat are not started (neither call reaches them).",
        "The CRUD app (bench/crud_app.py) is Flask + SQLite as the Flask tutorial writes it, "
        "with the service's marshmallow schemas, a bearer-token table, an index for the list "
        "and WAL; it runs in two forms side by side (bench/crud_db.py): the tutorial's "
        "connection per request, and one connection kept by each worker. With the service on "
        "PostgreSQL both run on PostgreSQL (a new psycopg connection per request; a pool). "
        "Every pair is reported; the targets are judged against the kept-connection form.",
        "With the service on PostgreSQL, bench/work.py logs the same needs in process through "
        "each app's test client and counts the SQL statements psycopg sends and the worker's "
        "CPU a need: where logging there misses its target, the reason measured.",
        f"Load from wrk ({http.threads} thread, {http.connections} and "
        f"{http.busy_connections} connections): a Lua script POSTs a need as JSON with a bearer "
        "token (random category and urgency in the leader's block, no Idempotency-Key) at a "
        "random address of the block's few thousand, which soon recur, or at an address no "
        "request used before (a new household each time); or it GETs one path; "
        "apps alternate A, B, A, B round by round after a warm-up; "
        "throughput (answered requests only) and latencies are the median over the rounds, "
        "with the slowest and fastest round beside it.",
        "The list page is measured with one connection (one user), after the same seed.",
        "Latency targets are judged at p95 of in-process timings (p99 over HTTP for logging).",
    ):
        report.note(text)


if __name__ == "__main__":
    sys.exit(main())
