"""What the HTTP journeys share besides steps: the public API as the scenario's people call it,
the answers it gives, and how the specifications write people, partners, fields and times."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient

from kernel.clock import SHANGHAI

API = "/api/v1"
USER = r"(?:the )?(?P<username>[a-z][a-z0-9._]*)"
PARTNER = r"(?P<partner>[^\s,\"]+)"
QUOTED = r'"(?P<{}>[^"]*)"'

RESIDENT = "王秀英"
PHONE = "139 1234 5678"
DESCRIPTIONS = {
    "emergency": "独居老人在家摔倒，起不来",
    "hardship": "老人腿脚不便，需要有人帮忙买菜",
    "worry_relief": "老伴去世后老人情绪低落",
    "mediation": "楼上漏水，两家为此争吵",
    "poverty_relief": "家中主要劳动力失业，想申请补助",
    "study_aid": "孩子升学需要辅导",
}
PERSONAL_REFERRAL_FIELDS = ("resident_name", "contact_phone", "household", "description")

# How the specifications name the fields of a record: a dotted path into the JSON body, or
# "#list" for how many entries a list holds.
NEED_FIELDS = {
    "status": "status",
    "version": "version",
    "category": "category",
    "urgency": "urgency",
    "block": "block",
    "building": "household.building",
    "unit": "household.unit",
    "room": "household.room",
    "resident": "resident_name",
    "phone": "contact_phone",
    "description": "description",
    "consent": "consent_to_share",
    "logged by": "logged_by",
    "logged at": "logged_at",
    "resolution": "resolution",
    "visits": "#visits",
    "referrals": "#referrals",
    "notes": "#notes",
}
REFERRAL_FIELDS = {
    "partner": "partner_name",
    "status": "status",
    "version": "version",
    "category": "category",
    "urgency": "urgency",
    "block": "block",
    "building": "building",
    "note": "note",
    "resident": "resident_name",
    "phone": "contact_phone",
    "unit": "household.unit",
    "room": "household.room",
    "description": "description",
    "sent at": "sent_at",
    "answer by": "respond_by",
    "answered at": "responded_at",
    "decline reason": "decline_reason",
    "outcome": "outcome",
}
PARTNER_FIELDS = {
    "name": "name",
    "kind": "kind",
    "serves": "categories",
    "blocks": "blocks",
    "weekly capacity": "weekly_capacity",
    "contact": "contact",
    "active": "active",
    "webhook": "webhook_url",
    "version": "version",
    "mode": "mode",
    "this week": "this_week_capacity",
    "paused": "paused",
    "paused until": "paused_until",
}
RECORD_FIELDS = {"need": NEED_FIELDS, "referral": REFERRAL_FIELDS, "partner": PARTNER_FIELDS}
HISTORY_COLUMNS = {
    "version": "version",
    "step": "type",
    "event": "type",
    "by": "actor",
    "actor": "actor",
    "at": "occurred_at",
    "occurred at": "occurred_at",
    "recorded at": "recorded_at",
}
TIMES = frozenset(
    {"logged at", "sent at", "answer by", "answered at", "at", "occurred at", "recorded at"}
)


@dataclass
class Answer:
    """One call to the API and what came back; `heard` once a step has expected its refusal."""

    caller: str | None
    method: str
    path: str
    status: int
    body: Any
    headers: dict[str, str]
    heard: bool = False

    def __str__(self) -> str:
        body = json.dumps(self.body, ensure_ascii=False)
        return f"{self.method} {self.path} as {self.caller} -> {self.status} {body}"


@dataclass
class Api:
    """The public API as the scenario's people use it: each signs in with a password and then
    calls with a bearer token. Every answer is kept, so that a refusal no step expected fails the
    scenario instead of passing unseen."""

    client: FlaskClient
    password: str
    tokens: dict[str, str] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)

    def sign_in(self, username: str) -> Answer:
        answer = self._call(
            None, "POST", "/auth/tokens", json={"username": username, "password": self.password}
        )
        if answer.status == 201:
            self.tokens[username] = answer.body["token"]
        return answer

    def get(self, username: str, path: str, **query: Any) -> Answer:
        return self._call(username, "GET", path, query_string=query)

    def post(
        self,
        username: str,
        path: str,
        body: dict[str, Any],
        *,
        if_match: int | None = None,
        key: str | None = None,
    ) -> Answer:
        """POST as the user; `key` is sent as the Idempotency-Key."""
        headers = {} if if_match is None else {"If-Match": f'"{if_match}"'}
        if key is not None:
            headers["Idempotency-Key"] = key
        return self._call(username, "POST", path, json=body, headers=headers)

    def unheard_refusals(self) -> list[str]:
        return [str(a) for a in self.answers if a.status >= 400 and not a.heard]

    def _bearer(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            signed_in = self.sign_in(username)
            assert signed_in.status == 201, f"{username} could not sign in: {signed_in}"
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def _call(self, username: str | None, method: str, path: str, **kwargs: Any) -> Answer:
        headers = {**kwargs.pop("headers", {}), **(self._bearer(username) if username else {})}
        response = self.client.open(API + path, method=method, headers=headers, **kwargs)
        answer = Answer(
            username, method, path, response.status_code, response.json, dict(response.headers)
        )
        self.answers.append(answer)
        return answer


@dataclass(frozen=True)
class Partner:
    """A partner of the directory and the clerk who answers its referrals."""

    partner_id: str
    name: str
    clerk: str


def iso(text: str) -> str:
    """'2026-11-30 09:00' (Shanghai) as the API writes a time: '2026-11-30T09:00:00+08:00'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI).isoformat()


def names(text: str) -> list[str]:
    """'emergency, hardship' (or 'a and b') as a list."""
    return [part.strip() for part in text.replace(" and ", ", ").split(",") if part.strip()]


def shown(value: Any) -> str:
    """A value of a JSON body as a specification writes it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def value_at(record: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of a body, or how many entries a '#list' holds."""
    if path.startswith("#"):
        return len(record[path[1:]])
    value: Any = record
    for part in path.split("."):
        assert isinstance(value, dict), f"no {path!r} in {record!r}"
        assert part in value, f"no {path!r} in {record!r}"
        value = value[part]
    return value


def check_reads(record: dict[str, Any], rows: list[list[str]], fields: dict[str, str]) -> None:
    """Each row of a two-column table (field, value) is what the record shows."""
    for label, expected in rows:
        assert label in fields, f"no field called {label!r}; one of {sorted(fields)}"
        actual = value_at(record, fields[label])
        if label in TIMES:
            assert actual == iso(expected), f"{label}: {actual!r}, not {iso(expected)!r}"
        else:
            assert shown(actual) == expected, f"{label}: {actual!r}, not {expected!r}"


def succeeded(answer: Answer, status: int = 200) -> Any:
    """The body of an answer that must have succeeded with this status."""
    assert answer.status == status, str(answer)
    return answer.body


def record_of(answer: Answer) -> dict[str, Any]:
    """The record an answer carries, checking that its ETag names the record's version."""
    assert answer.status in (200, 201), str(answer)
    assert answer.headers.get("ETag") == f'"{answer.body["version"]}"', str(answer.headers)
    return dict(answer.body)


def only_item(answer: Answer) -> dict[str, Any]:
    """The one record an answer shows: a record, or a list of exactly one."""
    body = succeeded(answer)
    if "items" not in body:
        return dict(body)
    assert body["total"] == len(body["items"]) == 1, str(answer)
    return dict(body["items"][0])
