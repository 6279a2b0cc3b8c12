"""`flask --app web audit …`: verify the log's chains and seals, seal it, check a rebuild."""

from __future__ import annotations

import getpass
import json
import math
import re
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from needs.audit import case_ids, verify_case
from needs.views import NeedsView
from store.follower import Follower
from store.positions import check_position
from store.sqlstore import SQLiteStore
from store.tracking import TrackedSqlView
from web.bootstrap import Services, services
from web.partitions import partitions_to_work, working_in

audit = AppGroup("audit", help="Tamper evidence: verify, seal, and check rebuilds.")


@audit.command("verify")
def verify() -> None:
    """Recompute every case's chain and snapshots and every seal, and check every read model
    against the log; print every finding, then a one-line summary; exit 1 on any finding.
    With COMMUNITY_PARTITIONS, every partition in turn, each with its own summary."""
    findings = 0
    for partition in partitions_to_work(current_app.config["NEEDS_SETTINGS"]):
        with working_in(partition):
            if partition:
                click.echo(f"partition {partition}:")
            findings += _verify(services())
    if findings:
        raise click.exceptions.Exit(1)


def _verify(running: Services) -> int:
    """Verify one partition's log, seals and read models; how many findings."""
    started = time.perf_counter()
    cases = case_ids(running.needs, progress=lambda n: click.echo(f"  … {n} events", err=True))
    events, broken = 0, 0
    for number, need_id in enumerate(cases, start=1):
        check = verify_case(running.needs, need_id)
        events += check.versions
        broken += not check.intact
        for problem in check.problems:
            click.echo(f"BROKEN {problem}")
        if number % 500 == 0:
            click.echo(f"  … {number}/{len(cases)} cases", err=True)
    in_seals = running.seals.verify(running.needs)
    for problem in in_seals:
        click.echo(f"BROKEN {problem}")
    followers = running.followers()
    in_views = 0
    for name, follower in followers.items():
        click.echo(f"  … read model {name}", err=True)
        if not isinstance(follower.view, TrackedSqlView):
            raise click.ClickException(f"read model {name} keeps no position to check")
        for finding in check_position(follower.app, follower.view):
            click.echo(f"BROKEN read model {name}: {finding}")
            in_views += 1
    findings = broken + len(in_seals) + in_views
    counted = f"{len(cases)} cases, {events} events, {len(running.seals.all())} seals"
    took = f"in {time.perf_counter() - started:.1f} s"
    if not findings:
        in_step = f"{len(followers)} read models in step with the log"
        click.echo(f"intact: {counted} verified, {in_step}, {took}")
        return 0
    where = f"{broken} of {len(cases)} cases, {len(in_seals)} in the seals, {in_views} in the"
    click.echo(
        f"BROKEN: {findings} finding{'' if findings == 1 else 's'} ({where} read models); "
        f"{counted}, {len(followers)} read models checked {took}"
    )
    return findings


@audit.command("seal")
def seal() -> None:
    """Seal everything recorded since the last seal (beat does this daily), in every
    partition."""
    for partition in partitions_to_work(current_app.config["NEEDS_SETTINGS"]):
        with working_in(partition):
            running = services()
            row = running.seals.seal(running.needs, running.clock.now())
        named = f"partition {partition}: " if partition else ""
        if row is None:
            click.echo(f"{named}nothing new to seal")
            continue
        click.echo(
            f"{named}seal {row['seal_no']}: up to event {row['last_notification_id']}, "
            f"{len(json.loads(row['heads']))} cases, hash {row['seal_hash']}"
        )


@audit.command("rebuild-check")
def rebuild_check() -> None:
    """Replay the whole log into a scratch store and compare with the live read models."""
    running = services()
    running.follower.catch_up()
    with tempfile.TemporaryDirectory() as scratch:
        store = SQLiteStore(str(Path(scratch) / "rebuild.sqlite"))
        try:
            view = NeedsView(store)
            view.create_tables()
            replayed = Follower(running.needs, view).catch_up(
                progress=lambda n: click.echo(f"  … {n} events", err=True)
            )
            differences = _differences(running.view.dump(), view.dump())
        finally:
            store.close()
    for line in differences[:50]:
        click.echo(line)
    if differences:
        raise click.ClickException(
            f"{len(differences)} differences after replaying {replayed} events"
        )
    click.echo(f"rebuild matches the live read models ({replayed} events replayed)")


_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d(?::?\d\d)?)?")


def _comparable(value: Any) -> Any:
    """A value as both stores mean it: the rebuild is on SQLite, the live views may be on
    PostgreSQL, whose times come back as datetimes (and as other text in a row's key), and
    whose medians are taken from exact intervals where SQLite's julianday keeps milliseconds."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, str):
        return _TIME.sub(lambda m: _comparable(datetime.fromisoformat(m.group(0))), value)
    return value


def _same(ours: dict[str, Any] | None, theirs: dict[str, Any] | None) -> bool:
    """Whether two rows say the same (hours within 36 ms of each other)."""
    if ours is None or theirs is None or set(ours) != set(theirs):
        return ours is theirs
    for key, value in ours.items():
        a, b = _comparable(value), _comparable(theirs[key])
        if isinstance(a, float) and isinstance(b, float):
            if not math.isclose(a, b, rel_tol=0, abs_tol=1e-5):
                return False
        elif a != b:
            return False
    return True


def _differences(
    live: dict[str, list[dict[str, Any]]], rebuilt: dict[str, list[dict[str, Any]]]
) -> list[str]:
    found = []
    for table, rows in live.items():
        key = next(iter(rows[0])) if rows else None
        theirs = {_comparable(r[key]): r for r in rebuilt.get(table, [])} if key else {}
        ours = {_comparable(r[key]): r for r in rows} if key else {}
        for ident in sorted(set(ours) | set(theirs)):
            if not _same(ours.get(ident), theirs.get(ident)):
                found.append(f"{table} {ident}: live {ours.get(ident)} rebuilt {theirs.get(ident)}")
        if not rows and rebuilt.get(table):
            found.append(f"{table}: live is empty, the rebuild has {len(rebuilt[table])} rows")
    return found


@audit.command("statement")
@click.option("--seal", "seal_no", type=int, help="Which seal (default: the newest).")
def statement(seal_no: int | None) -> None:
    """Print a seal as a statement signed with SIGNING_KEY (Ed25519), for outside auditors."""
    from store.statements import SigningKeyMissingError, sign_seal, signing_key

    running = services()
    seals = running.seals.all()
    chosen = [s for s in seals if seal_no is None or int(s["seal_no"]) == seal_no]
    if not chosen:
        raise click.ClickException("no such seal; run `flask --app web audit seal` first")
    try:
        key = signing_key(running.settings.signing_key)
    except SigningKeyMissingError as error:
        raise click.ClickException(str(error)) from None
    community = running.settings.communities[0].id
    click.echo(json.dumps(sign_seal(chosen[-1], community, key), ensure_ascii=False, indent=2))


@audit.command("verify-statement")
@click.argument("statement_file", type=click.File(encoding="utf-8"))
@click.option(
    "--keys",
    "keys_file",
    type=click.File(encoding="utf-8"),
    help="A saved answer of GET /api/v1/audit/public-key (default: this service's keys).",
)
def verify_statement(statement_file: Any, keys_file: Any) -> None:
    """Check a signed statement against the served keys, current or retired; exit 1 if forged."""
    from store.statements import (
        SigningKeyMissingError,
        served_keys,
        signing_key,
        statement_problem,
    )

    statement = json.load(statement_file)
    if keys_file is not None:
        keys = json.load(keys_file)["keys"]
    else:
        settings = services().settings
        try:
            keys = served_keys(signing_key(settings.signing_key), settings.signing_keys_retired)
        except SigningKeyMissingError as error:
            raise click.ClickException(str(error)) from None
    problem = statement_problem(statement, keys)
    if problem is not None:
        raise click.ClickException(f"NOT GENUINE: {problem}")
    (key,) = [k for k in keys if k["public_key"] == statement["public_key"]]
    click.echo(
        f"genuine: seal {statement['seal_no']} of {statement['community']}, "
        f"signed with the {key['status']} key {key['key_id']}"
    )


@audit.command("export")
@click.argument("need_id", type=click.UUID)
def export(need_id: Any) -> None:
    """Print a case's history as JSON, with each event's hash and changes and the chain's
    verification, as GET /api/v1/needs/{id}/export gives it; the read is recorded."""
    from needs.exceptions import NeedNotFoundError
    from web.access import PERSONAL_FIELDS
    from web.api.audit import ExportSchema
    from web.api.needs import iso_times
    from web.operations.export import export_case

    running = services()
    exporter = f"cli:{getpass.getuser()}"
    try:
        document = export_case(running, running.needs.get_need(need_id), exporter)
    except NeedNotFoundError as error:
        raise click.ClickException(str(error)) from None
    for event in document["events"]:
        event["data"] = iso_times(event["data"])
        event["changes"] = iso_times(event["changes"])
    running.access_log.record(
        [
            {
                "username": exporter,
                "need_id": str(need_id),
                "fields": ",".join(PERSONAL_FIELDS),
                "via": "flask audit export",
                "read_at": document["exported_at"],
            }
        ]
    )
    click.echo(json.dumps(ExportSchema().dump(document), ensure_ascii=False, indent=2, default=str))
