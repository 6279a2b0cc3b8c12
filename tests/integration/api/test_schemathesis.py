"""Schemathesis against GET /api/v1/openapi.json, in-process, with all its default checks.

The app runs on a freshly seeded SQLite store (`init-db`, then `seed-demo`), so the fuzzing meets
real needs, referrals and partners. What each operation may rightly answer, what is left out and
why, and which values feed the parameters are declared in the committed configuration,
schemathesis.toml at the project root. This module supplies only what exists once the store does
(the seeded ids and the bearer tokens) and the order of the run, one test per step, run in the
order written here:

0. every operation the document serves has its entry in schemathesis.toml;
1. examples, coverage and fuzzing of every operation that is not destructive (reads, logging needs,
   notes, visits, assigning, referring, registering partners, webhooks, ...);
2. the same for the hospital's answers to its referrals (accept, complete, decline);
3. then withdrawing referrals, resolving and reopening needs;
4. then suspending and reactivating partners;
5. last, schemathesis' stateful phase over all of them (sequences chained through the links it
   infers from the responses, e.g. POST /needs -> its Location -> commands on that need).

Each step is a whole schemathesis run (its engine, as `st run` drives it: the pytest plugin's
`from_fixture` cannot run under pytest 9.2, whose items have no `_nodeid` any more) over its
operations. A step fails with one entry per distinct finding: the operation, the status, the check,
the phase, what the check saw, the request as a curl command and the response. Exceptions the app
raised are reported too, with their traceback, whichever phase met them (the stateful phase does
not always report them itself). The seed is in the message; rerun with SCHEMATHESIS_SEED=<seed> to
draw the same requests (the seeded ids differ from run to run).
"""

from __future__ import annotations

import os
import threading
import tomllib
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import schemathesis
from flask import Flask, got_request_exception, request
from schemathesis.core.result import Ok
from schemathesis.engine import Status, StopReason, events
from schemathesis.engine import from_schema as engine_for
from werkzeug.serving import make_server

from kernel.community import DEMO_COMMUNITY
from web import create_app, services

ROOT = Path(__file__).resolve().parents[3]
CONFIG_FILE = ROOT / "schemathesis.toml"
OPENAPI = "/api/v1/openapi.json"
DEMO_PASSWORD = "demo-password"  # what `seed-demo` gives every demo user
CHEAP_HASHING = {
    "PASSWORD_TIME_COST": "1",
    "PASSWORD_MEMORY_KIB": "8",
    "PASSWORD_PARALLELISM": "1",
}
HOSPITAL = "利群医院"  # the partner whose clerk, `hospital`, answers referrals in this run

# Operations the hospital's clerk calls; the secretary calls every other one (the auditor, for whom
# every command is 403, calls none).
PARTNER_OPERATIONS = frozenset(
    {
        "POST /api/v1/referrals/{referral_id}/accept",
        "POST /api/v1/referrals/{referral_id}/decline",
        "POST /api/v1/referrals/{referral_id}/complete",
        "GET /api/v1/partners/{partner_id}/referrals",
    }
)
REFERRAL_ANSWERS = (
    "POST /api/v1/referrals/{referral_id}/accept",
    "POST /api/v1/referrals/{referral_id}/complete",
    "POST /api/v1/referrals/{referral_id}/decline",
)
CLOSING = (
    "POST /api/v1/referrals/{referral_id}/withdraw",
    "POST /api/v1/needs/{need_id}/resolve",
    "POST /api/v1/needs/{need_id}/reopen",
)
PARTNER_STATE = (
    "POST /api/v1/partners/{partner_id}/suspend",
    "POST /api/v1/partners/{partner_id}/reactivate",
)
ERASURE = ("POST /api/v1/households/{household_id}/erasure",)
DESTRUCTIVE = (*REFERRAL_ANSWERS, *CLOSING, *PARTNER_STATE, *ERASURE)
UNIT_PHASES = ("examples", "coverage", "fuzzing")
STATEFUL_PHASE = ("stateful",)
BODY_EXCERPT = 600
TRACEBACK_LINES = 12


@dataclass(frozen=True)
class Seeded:
    """The ids the seeded store holds, and a token for each user the run acts as."""

    needs: list[str]
    referrals: list[str]
    partners: list[str]
    hospital_id: str
    hospital_referrals: list[str]
    tokens: dict[str, str]


@dataclass
class Finding:
    """One distinct thing schemathesis found, with the first request that showed it."""

    title: str
    phase: str
    message: str
    request: str = ""
    response: str = ""
    count: int = 0

    def __str__(self) -> str:
        lines = [f"{self.title} [{self.phase}; {self.count}x]"]
        lines += [_indent(self.message)] if self.message else []
        lines += [_indent(self.request, "    request:  ")] if self.request else []
        lines += [self.response] if self.response else []
        return "\n".join(lines)


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a fresh SQLite store holding the demo community (its users, partners, needs).
    Not in TESTING mode: errors go through the API's own handlers, as in production."""
    database = tmp_path_factory.mktemp("schemathesis") / "needs.sqlite"
    app = create_app({"DATABASE_URL": f"sqlite:///{database}", **CHEAP_HASHING})
    runner = app.test_cli_runner()
    for command in ("init-db", "seed-demo"):
        result = runner.invoke(args=[command], env={"DEMO_PASSWORD": DEMO_PASSWORD})
        assert result.exit_code == 0, f"{command}: {result.output}"
    yield app
    built = app.extensions.get("needs.services")
    if built is not None:
        built.close()


@pytest.fixture(scope="module")
def base_url(seeded_app: Flask) -> Iterator[str]:
    """The app served over real HTTP on a free local port: schemathesis' WSGI transport
    cannot send its no-credentials probe (ignored_auth), its HTTP transport can."""
    server = make_server("127.0.0.1", 0, seeded_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _token(app: Flask, username: str) -> str:
    response = app.test_client().post(
        "/api/v1/auth/tokens", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["token"])


@pytest.fixture(scope="module")
def seeded(seeded_app: Flask) -> Seeded:
    with seeded_app.app_context():
        running = services()
        rows, _ = running.view.list_needs(DEMO_COMMUNITY.id, limit=100_000)
        needs = sorted(str(row["need_id"]) for row in rows)
        partners = {
            str(record.partner_id): record.name
            for record in running.partners.list_partners(DEMO_COMMUNITY.id)
        }
        referrals: dict[str, str] = {}
        for need_id in needs:
            for referral in running.needs.get_need(UUID(need_id))["referrals"]:
                referrals[str(referral["id"])] = str(referral["partner_id"])
    hospital_id = next(pid for pid, name in partners.items() if name == HOSPITAL)
    hospital_referrals = sorted(rid for rid, pid in referrals.items() if pid == hospital_id)
    assert needs, "seed-demo logged no needs"
    assert hospital_referrals, "seed-demo referred nothing to the hospital"
    return Seeded(
        needs=needs,
        referrals=sorted(referrals),
        partners=sorted(partners),
        hospital_id=hospital_id,
        hospital_referrals=hospital_referrals,
        tokens={user: _token(seeded_app, user) for user in ("secretary", "hospital")},
    )


def load_config(seeded: Seeded, phases: tuple[str, ...]) -> schemathesis.Config:
    """schemathesis.toml with the seeded ids in place of its placeholders, running only `phases`."""
    data: dict[str, Any] = tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8"))
    ids = {
        "seeded-needs": seeded.needs,
        "seeded-referrals": seeded.referrals,
        "seeded-partners": seeded.partners,
        "hospital-referrals": seeded.hospital_referrals,
        "hospital-partner": [seeded.hospital_id],
    }
    missing = set(ids) - set(data.get("dictionaries", {}))
    assert not missing, f"schemathesis.toml no longer declares the dictionaries {missing}"
    for name, values in ids.items():
        data["dictionaries"][name] = {"values": values}
    for phase in (*UNIT_PHASES, *STATEFUL_PHASE):
        data.setdefault("phases", {}).setdefault(phase, {})["enabled"] = phase in phases
    if os.environ.get("SCHEMATHESIS_SEED"):
        data["seed"] = int(os.environ["SCHEMATHESIS_SEED"])
    return schemathesis.Config.from_dict(data, base_dir=str(ROOT))


def api_schema(
    base_url: str,
    seeded: Seeded,
    *,
    phases: tuple[str, ...],
    only: tuple[str, ...] | None = None,
    leave_out: tuple[str, ...] = (),
) -> schemathesis.BaseSchema:
    """The API's OpenAPI document, narrowed to one step's operations, signed in per operation."""
    schema = schemathesis.openapi.from_url(base_url + OPENAPI, config=load_config(seeded, phases))
    # Narrowed by exclusion only: `include` on a schema whose configuration already selects
    # operations (sign-in is switched off there) adds an alternative instead of narrowing.
    if only is not None:
        wanted = frozenset(only)
        schema = schema.exclude(lambda ctx: ctx.operation.label not in wanted)
    if leave_out:
        schema = schema.exclude(name=list(leave_out))

    @schema.auth(refresh_interval=None)
    class SignedIn:
        """The hospital's clerk for its answers and its inbox, the secretary for the rest."""

        def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
            user = "hospital" if case.operation.label in PARTNER_OPERATIONS else "secretary"
            return seeded.tokens[user]

        def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


def _indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _response(response: Any) -> str:
    content_type = (response.headers.get("content-type") or [""])[0]
    body = (response.content or b"").decode("utf-8", "replace")
    if len(body) > BODY_EXCERPT:
        body = body[:BODY_EXCERPT] + " ..."
    return f"    response: {response.status_code} {content_type}\n{_indent(body)}"


def run_schemathesis(schema: schemathesis.BaseSchema) -> tuple[list[Finding], set[str]]:
    """Run schemathesis' engine over the schema: its findings, and the operations it called."""
    findings: dict[tuple[str, ...], Finding] = {}
    called: set[str] = set()
    for event in engine_for(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            if event.status is not Status.SKIP:
                called.update(node.value.operation.label for node in event.recorder.cases.values())
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status is not Status.FAILURE or check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    case = event.recorder.cases[case_id].value
                    interaction = event.recorder.interactions.get(case_id)
                    response = interaction.response if interaction else None
                    status = str(response.status_code) if response else "no response"
                    title = f"{case.operation.label} -> {status}: {check.name} ({failure.title})"
                    finding = findings.setdefault(
                        (title,),
                        Finding(
                            title=title,
                            phase=str(event.phase),
                            message=failure.message,
                            request=case.as_curl_command(),
                            response=_response(response) if response else "",
                        ),
                    )
                    finding.count += 1
        elif isinstance(event, events.NonFatalError):
            title = f"{event.label}: error {type(event.value).__name__}"
            finding = findings.setdefault(
                (title,), Finding(title=title, phase=str(event.phase), message=event.info.format())
            )
            finding.count += 1
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.EngineFinished) and event.stop_reason is not (
            StopReason.COMPLETED
        ):
            title = f"the run stopped early: {event.stop_reason}"
            findings[(title,)] = Finding(title=title, phase="-", message="", count=1)
    return list(findings.values()), called


@contextmanager
def server_errors(app: Flask) -> Iterator[dict[tuple[str, ...], Finding]]:
    """Exceptions the app raised while handling a request (Flask's got_request_exception), so
    that none goes unreported whichever phase met it and however schemathesis saw it."""
    raised: dict[tuple[str, ...], Finding] = {}

    def record(sender: Flask, exception: BaseException, **extra: object) -> None:
        where = f"{request.method} {request.url_rule.rule if request.url_rule else request.path}"
        title = f"{where}: the app raised {type(exception).__name__}"
        trace = "".join(traceback.format_exception(exception)).splitlines()
        request_line = f"{request.method} {request.full_path.rstrip('?')}"
        finding = raised.setdefault(
            (title,),
            Finding(
                title=title,
                phase="server",
                message="\n".join(trace[-TRACEBACK_LINES:]),
                request=f"{request_line}\n{request.get_data(as_text=True)[:BODY_EXCERPT]}",
            ),
        )
        finding.count += 1

    got_request_exception.connect(record, app)
    try:
        yield raised
    finally:
        got_request_exception.disconnect(record, app)


def assert_keeps_its_contract(
    app: Flask, schema: schemathesis.BaseSchema, *, every_operation: bool
) -> None:
    with server_errors(app) as raised:
        findings, called = run_schemathesis(schema)
    findings += raised.values()
    assert not findings, (
        f"schemathesis (seed {schema.config.seed}) found {len(findings)} contract violation(s):\n\n"
        + "\n\n".join(map(str, findings))
    )
    if every_operation:
        selected = {op.ok().label for op in schema.get_all_operations() if isinstance(op, Ok)}
        assert selected, "no operation selected"
        assert selected <= called, f"schemathesis never called {sorted(selected - called)}"
    else:
        assert called, "schemathesis called no operation"


def test_0_the_configuration_declares_every_operation(seeded_app: Flask) -> None:
    """Each operation the document serves has an [[operations]] entry in schemathesis.toml, so
    its rightful statuses are declared rather than left to schemathesis' defaults."""
    document = seeded_app.test_client().get(OPENAPI).get_json()
    served = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }
    declared: set[str] = set()
    for entry in tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8")).get("operations", []):
        names = entry.get("include-name", [])
        declared.update([names] if isinstance(names, str) else names)
    assert not served - declared, f"schemathesis.toml does not declare {sorted(served - declared)}"
    assert not declared - served, f"schemathesis.toml declares unknown {sorted(declared - served)}"


def test_1_non_destructive_operations_keep_the_contract(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=UNIT_PHASES, leave_out=DESTRUCTIVE)
    assert_keeps_its_contract(seeded_app, schema, every_operation=True)


def test_2_a_partners_answers_keep_the_contract(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=UNIT_PHASES, only=REFERRAL_ANSWERS)
    assert_keeps_its_contract(seeded_app, schema, every_operation=True)


def test_3_withdrawing_resolving_and_reopening_keep_the_contract(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=UNIT_PHASES, only=CLOSING)
    assert_keeps_its_contract(seeded_app, schema, every_operation=True)


def test_4_suspending_and_reactivating_partners_keep_the_contract(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=UNIT_PHASES, only=PARTNER_STATE)
    assert_keeps_its_contract(seeded_app, schema, every_operation=True)


def test_4b_erasing_households_keeps_the_contract(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=UNIT_PHASES, only=ERASURE)
    assert_keeps_its_contract(seeded_app, schema, every_operation=True)


def test_5_sequences_of_calls_keep_the_contract_last(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=STATEFUL_PHASE)
    assert_keeps_its_contract(seeded_app, schema, every_operation=False)
