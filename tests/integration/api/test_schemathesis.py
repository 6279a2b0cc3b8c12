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
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
import schemathesis
from flask import Flask, got_request_exception, request
from schemathesis.core.parameters import ParameterLocation
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
LEADER = "leader3"  # the block leader the run acts as, and their one block
LEADER_BLOCK = "B3"
LEADER_BUILDINGS = ("13", "15号", "15号楼", "18")  # buildings of B3, as people write them
# The secretary's new needs and households draw a block and a building apiece: from two blocks
# and their own buildings, half the known pairs belong together (from all seven blocks, one in
# seven did, and a run could log no need at all).
SECRETARY_BLOCKS = {LEADER_BLOCK: LEADER_BUILDINGS, "B5": ("25", "27号", "30号楼")}
WITHDRAWER = "物业公司"  # a partner (not the hospital) whose sent referrals the run withdraws
SEEDED_TO_WITHDRAW = 8
SEEDED_TO_RESOLVE = 8  # open needs with no referral, to resolve
SEEDED_TO_REOPEN = 8  # resolved needs, to reopen
SEEDED_TO_FOLLOW_UP = 8  # resolved needs, to follow up (回访)
SEEDED_TO_REFER = 8  # open needs (hardship, in the leader's block), to refer
SEEDED_TO_APPLY = 4  # projects whose every household consented, to move on a phase
# Partners that serve hardship in the leader's block (the others need an override reason).
REFERABLE = ("利群医院", "物业公司", "绿化市容")
USERS = ("secretary", LEADER, "auditor", "hospital")
SEEDED_ROOMS = ("101", "102", "103")  # one household each in the leader's block
LEADER_ROOMS = ("201", "202", "203")  # and three of the leader's own run: duties of its own
SEEDED_REFERRALS = 12  # needs referred to the hospital: half accepted, the rest sent
SEEDED_ACCEPTED = 6
IDEMPOTENCY_KEY = "Idempotency-Key"
REPLAYED_HEADER = "idempotent-replayed"  # schemathesis' responses name headers in lower case
ROBOT = "https://robot.invalid/cgi-bin/webhook/send"  # .invalid never resolves (RFC 2606)
WRITE_FLOOR = 1  # writes (2xx, not replayed) each selected POST must get in the whole run
WRITE_COUNTS: dict[str, Counter[str]] = defaultdict(Counter)  # per role, reported at the end
# The POSTs the steps selected: the last step asserts each was done, as one role or another. Each
# draws its ids from records seeded in a state it can act on (and paired values where the API
# checks a pair: a block and its buildings), so a run that writes none of them is a finding.
WRITES_DUE: set[str] = set()

# Operations the hospital's clerk calls; the secretary, the block leader or the auditor calls every
# other one (the auditor only reads: every command is 403 for them).
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
    "POST /api/v1/needs/{need_id}/follow-up",
)
PARTNER_STATE = (
    "POST /api/v1/partners/{partner_id}/suspend",
    "POST /api/v1/partners/{partner_id}/reactivate",
    # a partner's services narrowed or a pause begun turns referrals to it into 409s
    "POST /api/v1/partners/{partner_id}/services",
    "POST /api/v1/partners/{partner_id}/pause",
    "POST /api/v1/partners/{partner_id}/resume",
    "POST /api/v1/offerings/{offering_id}/withdraw",
)
ERASURE = ("POST /api/v1/households/{household_id}/erasure",)
# A handover gives a block to another leader (whose tokens a new scope ends): only to a leader of
# its own (SUCCESSOR), of a block whose leader leads no other (so keeps it, tokens and all).
HANDOVERS = ("POST /api/v1/handovers",)
SUCCESSOR = "successor"
DESTRUCTIVE = (*REFERRAL_ANSWERS, *CLOSING, *PARTNER_STATE, *ERASURE, *HANDOVERS)
# What the block leader does in their block: the non-destructive commands (not the lists, whose
# ?block= filter naming another block is a 403 for them, which the document cannot say).
LEADER_OPERATIONS = (
    "POST /api/v1/needs",
    "POST /api/v1/needs/{need_id}/assign",
    "POST /api/v1/needs/{need_id}/visits",
    "POST /api/v1/needs/{need_id}/notes",
    "POST /api/v1/needs/{need_id}/urgency",
    "POST /api/v1/needs/{need_id}/consent",
    "POST /api/v1/needs/{need_id}/referrals",
    "POST /api/v1/households",
    "POST /api/v1/households/{household_id}/life-events",
    "POST /api/v1/households/{household_id}/groups",
    "POST /api/v1/duties/{duty_id}/discharge",
    "POST /api/v1/records",
    "POST /api/v1/records/{record_id}/to-need",
)
# For the leader, a body naming another block is a 403 (API.md: "a leader logging a need in
# another block"), which the secretary never gets.
ROLE_STATUSES: dict[str, dict[str, list[str]]] = {
    LEADER: {
        "POST /api/v1/needs": ["403"],
        "POST /api/v1/households": ["403"],
        "POST /api/v1/records": ["403"],
    }
}
# The auditor reads everything but a need's matches and the reminders (for those who act on them:
# 403 for the auditor).
AUDITOR_LEAVES_OUT = ("GET /api/v1/needs/{need_id}/matches", "GET /api/v1/reminders")
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
    households: list[str] = field(default_factory=list)
    duties: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    to_accept: list[str] = field(default_factory=list)
    to_decline: list[str] = field(default_factory=list)
    to_complete: list[str] = field(default_factory=list)
    leader_needs: list[str] = field(default_factory=list)
    leader_households: list[str] = field(default_factory=list)
    leader_duties: list[str] = field(default_factory=list)
    to_withdraw: list[str] = field(default_factory=list)
    to_resolve: list[str] = field(default_factory=list)
    to_reopen: list[str] = field(default_factory=list)
    to_follow_up: list[str] = field(default_factory=list)
    volunteer_groups: list[str] = field(default_factory=list)
    volunteers: list[str] = field(default_factory=list)
    to_help: list[str] = field(default_factory=list)
    to_ask: list[str] = field(default_factory=list)
    to_refer: list[str] = field(default_factory=list)
    referable: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    to_remove: list[str] = field(default_factory=list)
    team_channels: list[str] = field(default_factory=list)
    team_to_remove: list[str] = field(default_factory=list)
    suspended: list[str] = field(default_factory=list)
    projects: Projects | None = None
    offerings: list[str] = field(default_factory=list)
    hospital_offerings: list[str] = field(default_factory=list)

    def dictionaries(self, role: str) -> dict[str, list[str]]:
        """What schemathesis.toml's placeholder dictionaries hold for a run as `role`."""
        values = {
            "seeded-needs": self.needs,
            "seeded-referrals": self.referrals,
            "seeded-partners": self.partners,
            "seeded-households": self.households,
            "seeded-duties": self.duties,
            "seeded-records": self.records,
            "hospital-referrals": self.hospital_referrals,
            "hospital-to-accept": self.to_accept or self.hospital_referrals,
            "hospital-to-decline": self.to_decline or self.hospital_referrals,
            "hospital-to-complete": self.to_complete or self.hospital_referrals,
            "hospital-partner": [self.hospital_id],
            "hospital-categories": ["emergency", "hardship", "worry_relief"],
            "partners-to-reactivate": self.suspended,
            "referrals-to-withdraw": self.to_withdraw,
            "needs-to-resolve": self.to_resolve,
            "needs-to-reopen": self.to_reopen,
            "needs-to-follow-up": self.to_follow_up,
            "seeded-volunteer-groups": self.volunteer_groups,
            "seeded-volunteers": self.volunteers,
            "needs-to-help": self.to_help,
            "duties-to-ask": self.to_ask,
            "no-account": [""],
            "needs-to-refer": self.to_refer,
            "referable-partners": self.referable,
            "seeded-channels": self.channels,
            "channels-to-remove": self.to_remove,
            "team-channels": self.team_channels,
            "team-channels-to-remove": self.team_to_remove,
            "seeded-offerings": self.offerings,
            "hospital-offerings": self.hospital_offerings,
            **(self.projects or Projects()).dictionaries(),
            "blocks": list(SECRETARY_BLOCKS),
            "buildings": [name for names in SECRETARY_BLOCKS.values() for name in names],
        }
        if role == LEADER:
            # Their own block, its buildings and its needs that are still open (another block's
            # id is a 404, a resolved need a 409: both stay covered by the random draws).
            values["blocks"] = [LEADER_BLOCK]
            values["buildings"] = list(LEADER_BUILDINGS)
            values["seeded-needs"] = self.leader_needs
            values["seeded-households"] = self.leader_households
            values["seeded-duties"] = self.leader_duties
        return values


@dataclass(frozen=True)
class Projects:
    """The projects the run acts on: one still consenting (its households are the only ones
    drawn), some whose every household consented (to move on a phase), the demo's finished
    one (to make a template of), and the templates."""

    templates: list[str] = field(default_factory=list)
    every: list[str] = field(default_factory=list)
    consenting: list[str] = field(default_factory=list)
    to_apply: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    households: list[str] = field(default_factory=list)

    def dictionaries(self) -> dict[str, list[str]]:
        return {
            "seeded-templates": self.templates,
            "seeded-projects": self.every,
            "projects-consenting": self.consenting,
            "projects-to-apply": self.to_apply,
            "projects-finished": self.finished,
            "project-households": self.households,
        }


def _seed_projects(app: Flask, secretary: str) -> Projects:
    """Projects in the leader's block beside the demo's two (building 7's, finished)."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secretary}"}
    templates = [
        str(t["id"]) for t in client.get("/api/v1/project-templates", headers=headers).json
    ]
    homes = [
        {"floor": f, "label": f"1单元{f}0{r}", "name": "种子"} for f in (1, 2, 3) for r in (1, 2)
    ]
    body = {"block": LEADER_BLOCK, "building": 15, "title": "种子", "template_id": templates[0]}
    consenting = _post(app, secretary, "/projects", {**body, "households": homes}, 201)
    to_apply = []
    for _ in range(SEEDED_TO_APPLY):
        project = _post(app, secretary, "/projects", {**body, "households": homes[:2]}, 201)
        for household in project["households"]:
            answer = {"household_id": household["household_id"], "answer": "yes"}
            _post(app, secretary, f"/projects/{project['id']}/consents", answer)
        to_apply.append(str(project["id"]))
    with app.app_context():
        every = services().projects.list_projects(community=DEMO_COMMUNITY.id)
    finished = [str(p["id"]) for p in every if p["phase"] == "in_operation"]
    assert finished, "seed-demo made no finished project"
    return Projects(
        templates=templates,
        every=sorted(str(p["id"]) for p in every),
        consenting=[str(consenting["id"])],
        to_apply=to_apply,
        finished=finished,
        households=[str(h["household_id"]) for h in consenting["households"]],
    )


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


def _post(app: Flask, token: str, path: str, body: dict[str, Any], status: int = 200) -> Any:
    response = app.test_client().post(
        f"/api/v1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid4())},
    )
    assert response.status_code == status, (path, response.get_json())
    return response.get_json()


def _seed_duties_and_records(
    app: Flask, leader: str, rooms: tuple[str, ...] = SEEDED_ROOMS
) -> tuple[list[str], list[str], list[str]]:
    """Households in the leader's block, each with a member in a watched group and life events
    whose visits fall due (the duties), and records about them that may become needs."""
    households: list[str] = []
    duties: list[str] = []
    records: list[str] = []
    for room in rooms:
        address = {"block": LEADER_BLOCK, "building": "15号楼", "unit": "1", "room": room}
        household = _post(app, leader, "/households", address, 201)["id"]
        where = f"/households/{household}"
        _post(app, leader, f"{where}/groups", {"member": "张阿姨", "group": "elderly_alone"})
        for event in ("hospitalised", "disaster_or_theft"):
            answer = _post(app, leader, f"{where}/life-events", {"type": event, "note": "种子"})
        duties += [str(duty["id"]) for duty in answer["duties"]]
        for kind in ("concern", "suggestion"):
            body = {
                "kind": kind,
                "block": LEADER_BLOCK,
                "household_id": household,
                "text": "楼道灯",
            }
            records.append(str(_post(app, leader, "/records", body, 201)["id"]))
        households.append(household)
    return households, duties, records


def _seed_hospital_referrals(app: Flask, secretary: str, clerk: str, hospital_id: str) -> list[str]:
    """Needs in the leader's block, each referred to the hospital (sent): one each to accept and
    to decline, and accepted ones to complete, so every answer can be given at least once."""
    referred: list[str] = []
    for _ in range(SEEDED_REFERRALS):
        need = {
            "category": "hardship",
            "block": LEADER_BLOCK,
            "household": {"building": "16", "unit": "2", "room": "201"},
            "description": "种子",
            "urgency": "normal",
            "duplicate_ok": True,  # many needs of one household, on purpose
        }
        need_id = _post(app, secretary, "/needs", need, 201)["id"]
        body = {"partner_id": hospital_id, "note": "种子"}
        referred.append(str(_post(app, secretary, f"/needs/{need_id}/referrals", body, 201)["id"]))
    for referral in referred[:SEEDED_ACCEPTED]:
        _post(app, clerk, f"/referrals/{referral}/accept", {"note": "种子"})
    return referred


def _seed_channels(app: Flask, secretary: str, partner_id: str, count: int) -> list[str]:
    """WeCom robots of the partner (at an address that resolves to nothing: a test fails fast)."""
    path = f"/partners/{partner_id}/channels"
    return [
        _post(app, secretary, path, {"kind": "wecom_robot", "url": f"{ROBOT}?key={n}"}, 201)["id"]
        for n in range(count)
    ]


def _seed_team_channels(app: Flask, secretary: str, count: int) -> list[str]:
    """WeCom robots of each of the secretary's blocks and of the secretary."""
    paths = [f"/blocks/{block}/channels" for block in SECRETARY_BLOCKS] + ["/secretary/channels"]
    robot = {"kind": "wecom_robot", "url": f"{ROBOT}?key=team"}
    return [_post(app, secretary, path, robot, 201)["id"] for path in paths for _ in range(count)]


def _log_needs(app: Flask, secretary: str, count: int) -> list[str]:
    """`count` new needs in the leader's block, open and with no referral."""
    need = {
        "category": "hardship",
        "block": LEADER_BLOCK,
        "household": {"building": "17", "unit": "1", "room": "301"},
        "description": "种子",
        "urgency": "normal",
        "duplicate_ok": True,  # many needs of one household, on purpose
    }
    return [str(_post(app, secretary, "/needs", need, 201)["id"]) for _ in range(count)]


def _seed_to_close(
    app: Flask, secretary: str, withdrawer_id: str
) -> tuple[list[str], list[str], list[str]]:
    """Referrals still sent (to withdraw), open needs (to resolve) and resolved needs (to
    reopen), each kept apart from the other steps' ids so that no other step closes them first."""
    to_withdraw = [
        str(
            _post(app, secretary, f"/needs/{need}/referrals", {"partner_id": withdrawer_id}, 201)[
                "id"
            ]
        )
        for need in _log_needs(app, secretary, SEEDED_TO_WITHDRAW)
    ]
    to_resolve = _log_needs(app, secretary, SEEDED_TO_RESOLVE)
    to_reopen = _log_needs(app, secretary, SEEDED_TO_REOPEN)
    for need in to_reopen:
        _post(app, secretary, f"/needs/{need}/resolve", {"outcome": "helped", "summary": "种子"})
    return to_withdraw, to_resolve, to_reopen


def _seed_pauses(app: Flask, secretary: str, partners: dict[str, str]) -> list[str]:
    """Pauses far ahead (nothing referable now is paused), so a pause can be ended early; and
    two of those partners suspended, so reactivating need not wait for a suspension drawn
    before it in the same step."""
    pause = {"starts_on": "2030-01-01", "ends_on": "2030-01-31", "reason": "种子"}
    others = sorted(
        pid for pid, name in partners.items() if name not in (*REFERABLE, HOSPITAL, WITHDRAWER)
    )
    for pid in others:
        _post(app, secretary, f"/partners/{pid}/pause", pause)
    for pid in others[:2]:
        _post(app, secretary, f"/partners/{pid}/suspend", {"reason": "种子"})
    return others[:2]


@pytest.fixture(scope="module")
def seeded(seeded_app: Flask) -> Seeded:
    tokens = {user: _token(seeded_app, user) for user in USERS}
    with seeded_app.app_context():
        services().accounts.register_user(
            community=DEMO_COMMUNITY.id,
            username=SUCCESSOR,
            password=DEMO_PASSWORD,
            role="block_leader",
            blocks=["B6"],
            actor="setup",
        )
    households, duties, records = _seed_duties_and_records(seeded_app, tokens[LEADER])
    leader_households, leader_duties, _ = _seed_duties_and_records(
        seeded_app, tokens[LEADER], LEADER_ROOMS
    )
    with seeded_app.app_context():
        running = services()
        partners = {
            str(record.partner_id): record.name
            for record in running.partners.list_partners(DEMO_COMMUNITY.id)
        }
    hospital_id = next(pid for pid, name in partners.items() if name == HOSPITAL)
    referred = _seed_hospital_referrals(
        seeded_app, tokens["secretary"], tokens["hospital"], hospital_id
    )
    withdrawer_id = next(pid for pid, name in partners.items() if name == WITHDRAWER)
    to_withdraw, to_resolve, to_reopen = _seed_to_close(
        seeded_app, tokens["secretary"], withdrawer_id
    )
    to_refer = _log_needs(seeded_app, tokens["secretary"], SEEDED_TO_REFER)
    to_follow_up = _log_needs(seeded_app, tokens["secretary"], SEEDED_TO_FOLLOW_UP)
    group = {"block": LEADER_BLOCK, "name": "种子组团", "leader": "种子"}
    volunteer_groups = [
        str(_post(seeded_app, tokens["secretary"], "/volunteer-groups", group, 201)["id"])
        for _ in range(2)
    ]
    volunteers = [
        str(
            _post(
                seeded_app, tokens["secretary"], f"/volunteer-groups/{g}/members", {"name": "种子"}
            )["members"][-1]["id"]
        )
        for g in volunteer_groups
    ]
    to_help = _log_needs(seeded_app, tokens["secretary"], 4)
    _, to_ask, _ = _seed_duties_and_records(seeded_app, tokens[LEADER], ("301", "302"))
    for need in to_follow_up:
        body = {"outcome": "helped", "summary": "种子"}
        _post(seeded_app, tokens["secretary"], f"/needs/{need}/resolve", body)
    channels = _seed_channels(seeded_app, tokens["secretary"], hospital_id, 4)
    to_remove = _seed_channels(seeded_app, tokens["secretary"], hospital_id, 4)
    team_channels = _seed_team_channels(seeded_app, tokens["secretary"], 2)
    team_to_remove = _seed_team_channels(seeded_app, tokens["secretary"], 2)
    projects = _seed_projects(seeded_app, tokens["secretary"])
    suspended = _seed_pauses(seeded_app, tokens["secretary"], partners)
    kept_apart = set(to_resolve) | set(to_reopen) | set(to_refer) | set(to_follow_up)
    kept_apart |= set(to_help)
    with seeded_app.app_context():
        running = services()
        offerings = running.partners.offerings.list_offerings(DEMO_COMMUNITY.id)
        rows, _ = running.view.list_needs(DEMO_COMMUNITY.id, limit=100_000)
        needs = sorted(str(row["need_id"]) for row in rows if str(row["need_id"]) not in kept_apart)
        referrals: dict[str, str] = {}
        leader_needs: list[str] = []
        for need_id in needs:
            need = running.needs.get_need(UUID(need_id))
            if need["block"] == LEADER_BLOCK and need["status"] != "resolved":
                leader_needs.append(need_id)
            households.append(str(need["household"]["id"]))
            for referral in need["referrals"]:
                referrals[str(referral["id"])] = str(referral["partner_id"])
    hospital_referrals = sorted(rid for rid, pid in referrals.items() if pid == hospital_id)
    accepted = referred[:SEEDED_ACCEPTED]
    sent = referred[SEEDED_ACCEPTED:]
    assert needs, "seed-demo logged no needs"
    assert hospital_referrals, "seed-demo referred nothing to the hospital"
    return Seeded(
        needs=needs,
        referrals=sorted(referrals),
        partners=sorted(partners),
        hospital_id=hospital_id,
        hospital_referrals=hospital_referrals,
        tokens=tokens,
        households=sorted(set(households)),
        duties=duties,
        records=records,
        to_accept=sent[::2],
        to_decline=sent[1::2],
        to_complete=accepted,
        leader_needs=leader_needs,
        leader_households=leader_households,
        leader_duties=leader_duties,
        to_withdraw=to_withdraw,
        to_resolve=to_resolve,
        to_reopen=to_reopen,
        to_follow_up=to_follow_up,
        volunteer_groups=volunteer_groups,
        volunteers=volunteers,
        to_help=to_help,
        to_ask=to_ask,
        to_refer=to_refer,
        referable=sorted(pid for pid, name in partners.items() if name in REFERABLE),
        channels=channels,
        to_remove=to_remove,
        team_channels=team_channels,
        team_to_remove=team_to_remove,
        suspended=suspended,
        projects=projects,
        offerings=sorted(str(o.offering_id) for o in offerings),
        hospital_offerings=sorted(
            str(o.offering_id)
            for o in offerings
            if str(o.partner_id) == hospital_id and o.category == "hardship"
        ),
    )


def load_config(
    seeded: Seeded, phases: tuple[str, ...], role: str = "secretary"
) -> schemathesis.Config:
    """schemathesis.toml with the seeded ids in place of its placeholders, running only `phases`;
    for a block leader, the statuses their block's bounds add (ROLE_STATUSES)."""
    data: dict[str, Any] = tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8"))
    ids = seeded.dictionaries(role)
    missing = set(ids) - set(data.get("dictionaries", {}))
    assert not missing, f"schemathesis.toml no longer declares the dictionaries {missing}"
    for name, values in ids.items():
        data["dictionaries"][name] = {"values": values}
    for entry in data.get("operations", []):
        names = entry.get("include-name", [])
        extra = ROLE_STATUSES.get(role, {}).get(names if isinstance(names, str) else "")
        if extra:
            acceptance = entry["checks"]["positive_data_acceptance"]
            acceptance["expected-statuses"] = [*acceptance["expected-statuses"], *extra]
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
    role: str = "secretary",
) -> schemathesis.BaseSchema:
    """The API's OpenAPI document, narrowed to one step's operations, signed in per operation
    (as `role`, or for the partner's operations as the hospital's clerk), each POST with a fresh
    Idempotency-Key."""
    config = load_config(seeded, phases, role)
    schema = schemathesis.openapi.from_url(base_url + OPENAPI, config=config)
    # Narrowed by exclusion only: `include` on a schema whose configuration already selects
    # operations (sign-in is switched off there) adds an alternative instead of narrowing.
    if only is not None:
        wanted = frozenset(only)
        schema = schema.exclude(lambda ctx: ctx.operation.label not in wanted)
    if leave_out:
        schema = schema.exclude(name=list(leave_out))

    @schema.auth(refresh_interval=None)
    class SignedIn:
        """The hospital's clerk for its answers and its inbox, `role` for the rest."""

        def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
            user = "hospital" if case.operation.label in PARTNER_OPERATIONS else role
            return seeded.tokens[user]

        def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
            headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
            if case.method.upper() == "POST" and not _negative_headers(case):
                # Hypothesis draws few distinct keys, and a key sent again with another request
                # is a 422 that never reaches the handler: a fresh one per request instead.
                headers[IDEMPOTENCY_KEY] = str(uuid4())
            case.headers = headers

    return schema


def _negative_headers(case: schemathesis.Case) -> bool:
    """Whether the case's headers were made invalid on purpose (a blank or overlong key must
    stay so, or the negative checks would see a valid request accepted)."""
    meta = case.meta
    if meta is None:
        return False
    component = meta.components.get(ParameterLocation.HEADER)
    return component is not None and not component.mode.is_positive


def _indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _response(response: Any) -> str:
    content_type = (response.headers.get("content-type") or [""])[0]
    body = (response.content or b"").decode("utf-8", "replace")
    if len(body) > BODY_EXCERPT:
        body = body[:BODY_EXCERPT] + " ..."
    return f"    response: {response.status_code} {content_type}\n{_indent(body)}"


def run_schemathesis(
    schema: schemathesis.BaseSchema,
) -> tuple[list[Finding], set[str], dict[str, Counter[str]]]:
    """Run schemathesis' engine over the schema: its findings, the operations it called, and
    for each POST the statuses it answered (2xx counted only when not an idempotent replay)."""
    findings: dict[tuple[str, ...], Finding] = {}
    called: set[str] = set()
    answers: dict[str, Counter[str]] = defaultdict(Counter)
    for event in engine_for(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            if event.status is not Status.SKIP:
                called.update(node.value.operation.label for node in event.recorder.cases.values())
            for case_id, interaction in event.recorder.interactions.items():
                node = event.recorder.cases.get(case_id)
                if node is None or interaction.response is None:
                    continue
                if node.value.method.upper() == "POST":
                    answers[node.value.operation.label][_kind(interaction.response)] += 1
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
    return list(findings.values()), called, answers


def _kind(response: Any) -> str:
    """'2xx' for a write that happened, 'replay' for a stored answer, else the status."""
    if response.headers.get(REPLAYED_HEADER):
        return "replay"
    status = int(response.status_code)
    return "2xx" if 200 <= status < 300 else str(status)


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
    app: Flask,
    schema: schemathesis.BaseSchema,
    *,
    every_operation: bool,
    role: str = "secretary",
    writes: bool = True,
) -> None:
    """No finding; with `every_operation`, every selected operation called; with `writes`,
    every selected POST is due WRITE_FLOOR writes (2xx, not replayed) in the
    run, which the last step checks."""
    with server_errors(app) as raised:
        findings, called, answers = run_schemathesis(schema)
    WRITE_COUNTS[role].update({label: counts["2xx"] for label, counts in answers.items()})
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
    if writes:
        posts = {
            op.ok().label
            for op in schema.get_all_operations()
            if isinstance(op, Ok) and op.ok().method.upper() == "POST"
        }
        WRITES_DUE.update(posts)


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


def test_1b_a_block_leaders_writes_keep_the_contract(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=UNIT_PHASES, only=LEADER_OPERATIONS, role=LEADER)
    assert_keeps_its_contract(seeded_app, schema, every_operation=True, role=LEADER)


def test_1c_the_auditors_reads_keep_the_contract(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=UNIT_PHASES, role="auditor")
    schema = schema.exclude(method="POST").exclude(method="DELETE")
    schema = schema.exclude(name=list(AUDITOR_LEAVES_OUT))
    assert_keeps_its_contract(seeded_app, schema, every_operation=True, role="auditor")


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


def test_4c_handovers_keep_the_contract(seeded_app: Flask, seeded: Seeded, base_url: str) -> None:
    schema = api_schema(base_url, seeded, phases=UNIT_PHASES, only=HANDOVERS)
    assert_keeps_its_contract(seeded_app, schema, every_operation=True)


def test_5_sequences_of_calls_keep_the_contract_last(
    seeded_app: Flask, seeded: Seeded, base_url: str
) -> None:
    schema = api_schema(base_url, seeded, phases=STATEFUL_PHASE)
    assert_keeps_its_contract(seeded_app, schema, every_operation=False, writes=False)
    print("\nwrites (2xx, not replayed) per POST and role:")
    for role, counts in WRITE_COUNTS.items():
        for label, count in sorted(counts.items()):
            print(f"  {role:9} {count:4}  {label}")
    done: Counter[str] = Counter()
    for counts in WRITE_COUNTS.values():
        done.update(counts)
    short = sorted(label for label in WRITES_DUE if done[label] < WRITE_FLOOR)
    assert WRITES_DUE, "the steps before this one selected no write"
    assert not short, f"fewer than {WRITE_FLOOR} writes (2xx, not replayed) of: {short}"
