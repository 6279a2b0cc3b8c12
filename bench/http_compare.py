"""The service's HTTP figures beside each form of the CRUD app (bench/crud_db.py) — every
pair reported — and the targets judged against the kept-connection form, as issue 21 sets
them: logging ≥ 1.0× at recurring addresses and ≥ 0.7× for new households, listing ≥ 1.0×,
p99 ≤ 1.5×; on PostgreSQL logging ≥ 0.8× the kept-connection app on PostgreSQL."""

from __future__ import annotations

from statistics import median
from typing import Any

from bench import wrk
from bench.report import Report, ms

# The CRUD app's forms, as the rounds name them: per store, (tutorial's, kept) names.
FORMS = {"sqlite": ("crud", "crud-kept"), "postgres": ("crud-pg", "crud-pg-kept")}
FORM_NAMES = {
    "crud": "CRUD (connection per request)",
    "crud-kept": "CRUD (kept connection, WAL)",
    "crud-pg": "CRUD on PostgreSQL (connection per request)",
    "crud-pg-kept": "CRUD on PostgreSQL (pool)",
}
SCENARIOS = {
    "recurring": "at recurring addresses",
    "new": "for new households",
}
# Logging floors against the kept-connection app: per store, per scenario.
LOGGING_FLOOR = {
    "sqlite": {"recurring": 1.0, "new": 0.7},
    "postgres": {"recurring": 0.8, "new": 0.7},
}


# What a new household costs that the CRUD app's insert does not (read beside its profile).
NEW_HOUSEHOLD = (
    "a new household's need waits for three durable commits where the CRUD app's waits for "
    "one: the household's key (before any event it seals), the household registered with the "
    "duties (the three fives' address book), then the case"
)


def summary(results: list[wrk.Result]) -> dict[str, float]:
    return {
        "rps": median(r.rps for r in results),
        "low": min(r.rps for r in results),
        "high": max(r.rps for r in results),
        "p50": median(r.p50 for r in results),
        "p99": median(r.p99 for r in results),
        "errors": sum(r.errors + r.non_2xx for r in results),
        "requests": sum(r.requests for r in results),
    }


def _spread(got: dict[str, float]) -> str:
    if got["low"] == got["high"]:
        return ""
    return f" (rounds {got['low']:.0f}–{got['high']:.0f})"


def _failed(got: dict[str, float]) -> str:
    return f" ({got['errors']:.0f} of {got['requests']:.0f} failed)" if got["errors"] else ""


def compare(
    report: Report,
    section: str,
    what: str,
    kind: str,
    results: dict[str, list[wrk.Result]],
) -> dict[str, Any]:
    """One figure per pair (the service beside each form of the CRUD app): throughput, then
    p50 / p99; the ratios against the kept-connection form for judging."""
    svc = summary(results["service"])
    bases = {name: summary(results[name]) for name in FORMS[kind] if results.get(name)}
    for name, got in (("service", svc), *bases.items()):
        if got["errors"] > 0.01 * got["requests"]:
            report.note(
                f"{section}, {what}: {got['errors']:.0f} of {got['requests']:.0f} requests to "
                f"{FORM_NAMES.get(name, name)} failed (see its access log): not comparable."
            )
    for name, base in bases.items():
        label = FORM_NAMES[name]
        report.add(
            section,
            f"{what}: throughput, beside {label}",
            f"{svc['rps']:.0f} req/s{_spread(svc)}{_failed(svc)}",
            f"{label} {base['rps']:.0f} req/s{_spread(base)}{_failed(base)}",
            f"{svc['rps'] / base['rps'] if base['rps'] else 0.0:.2f}×",
        )
        report.add(
            section,
            f"{what}: latency p50 / p99, beside {label}",
            f"{ms(svc['p50'])} / {ms(svc['p99'])}",
            f"{label} {ms(base['p50'])} / {ms(base['p99'])}",
            f"p99 {svc['p99'] / base['p99'] if base['p99'] else 0.0:.2f}×",
        )
    kept = bases.get(FORMS[kind][1], {"rps": 0.0, "p99": 0.0})
    return {
        "ratio": svc["rps"] / kept["rps"] if kept["rps"] else 0.0,
        "p99_ratio": svc["p99"] / kept["p99"] if kept["p99"] else 0.0,
        "svc": svc,
        "base": kept,
    }


def judge(
    report: Report,
    kind: str,
    store: str,
    listed: dict[int, dict[str, Any]],
    logged: dict[tuple[str, int], dict[str, Any]],
) -> None:
    """The throughput and p99 targets, at each number of connections, against the
    kept-connection CRUD app on the same store."""
    kept = FORM_NAMES[FORMS[kind][1]]
    for (scenario, connections), got in logged.items():
        floor = LOGGING_FLOOR[kind][scenario]
        r = round(got["ratio"], 2)  # judged as shown, so 1.00× never reads as not met
        where = f"{store}, {connections} connections"
        report.judge(
            f"logging {SCENARIOS[scenario]} ≥ {floor:.1f}× {kept} ({where})",
            f"{r:.2f}× ({got['svc']['rps']:.0f} vs {got['base']['rps']:.0f} req/s)",
            r >= floor,
            NEW_HOUSEHOLD if scenario == "new" and r < floor else "",
        )
        if scenario == "recurring":
            p99 = round(got["p99_ratio"], 2)
            report.judge(
                f"p99 latency of logging ≤ 1.5× {kept}'s ({where})",
                f"{p99:.2f}× ({ms(got['svc']['p99'])} vs {ms(got['base']['p99'])})",
                p99 <= 1.5,
            )
    for connections, got in listed.items():
        r = round(got["ratio"], 2)
        where = f"{store}, {connections} connections"
        report.judge(
            f"listing throughput ≥ 1.0× {kept} ({where})",
            f"{r:.2f}× ({got['svc']['rps']:.0f} vs {got['base']['rps']:.0f} req/s)",
            r >= 1.0,
        )
        p99 = round(got["p99_ratio"], 2)
        report.judge(
            f"p99 latency of listing ≤ 1.5× {kept}'s ({where})",
            f"{p99:.2f}× ({ms(got['svc']['p99'])} vs {ms(got['base']['p99'])})",
            p99 <= 1.5,
        )
