"""The API's JSON is written by orjson with the values Flask's own provider writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from flask import Flask, render_template_string
from flask.json.provider import DefaultJSONProvider

from web import json_provider

SHANGHAI = timezone(timedelta(hours=8))
CASE = UUID("6f1c3a52-5b7e-4b8e-9d0b-1f6f0c1e2a44")


@dataclass
class Visit:
    at: datetime
    notes: str


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    json_provider.init_app(app)
    return app


def standard(app: Flask, value: object) -> object:
    return json.loads(DefaultJSONProvider(app).dumps(value))


VALUES = [
    {"at": datetime(2026, 11, 29, 8, 15, tzinfo=SHANGHAI), "day": date(2026, 11, 29)},
    {"id": CASE, "ids": [CASE, CASE], "amount": Decimal("12.50")},
    {"visit": Visit(datetime(2026, 11, 29, 0, 15, tzinfo=UTC), "已上门")},
    {"name": "王秀英", "note": "独居老人摔倒\n无法起身", "nested": {"b": [1, 2.5, None, True]}},
    {2: "numbers as keys", 10: "sorted as numbers"},
    {"big": 2**80, "lone": "\ud800"},  # past what orjson writes: the standard encoder's turn
]


@pytest.mark.parametrize("value", VALUES)
def test_every_value_reads_back_as_flasks_own_provider_writes_it(app, value):
    with app.app_context():
        assert json.loads(app.json.dumps(value)) == standard(app, value)
        answer = app.json.response(value)
    assert answer.mimetype == "application/json"
    assert json.loads(answer.get_data()) == standard(app, value)


def test_times_uuids_and_decimals_are_written_as_before(app):
    value = {"at": datetime(2026, 11, 29, 8, 15, tzinfo=SHANGHAI), "id": CASE, "n": Decimal("1.10")}
    with app.app_context():
        body = app.json.response(value).get_data()
    assert body == (
        b'{"at":"Sun, 29 Nov 2026 00:15:00 GMT",'
        b'"id":"6f1c3a52-5b7e-4b8e-9d0b-1f6f0c1e2a44","n":"1.10"}\n'
    )


def test_chinese_text_is_written_as_utf8_and_keys_are_sorted(app):
    with app.app_context():
        body = app.json.response({"name": "王秀英", "a": 1}).get_data()
    assert body == '{"a":1,"name":"王秀英"}\n'.encode()


def test_what_nobody_can_write_is_still_a_type_error(app):
    with app.app_context(), pytest.raises(TypeError):
        app.json.dumps({"a": {1, 2}})


def test_templates_tojson_is_unchanged(app):
    with app.app_context():
        shown = render_template_string("{{ value|tojson }}", value={"b": "<王>", "a": CASE})
    assert shown == '{"a": "6f1c3a52-5b7e-4b8e-9d0b-1f6f0c1e2a44", "b": "\\u003c\\u738b\\u003e"}'
