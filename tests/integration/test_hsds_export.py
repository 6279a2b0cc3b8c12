"""The partner directory leaves the service as Open Referral HSDS 3.0: the demo community's
partners and offerings, through the API and the `directory export-hsds` command, as JSON files
that each validate against the official schema of their table (../shared/standards/hsds-3.0/),
with a partner's named contact only where it agreed, and no resident's data at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.integration.conftest import CHEAP_HASHING
from web.operations.hsds import SCHEMAS, TABLES

STANDARD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "hsds-3.0"
DEMO_PASSWORD = "demo-password-for-tests"


def validators() -> dict[str, Draft202012Validator]:
    """A validator per table schema; the schemas refer to one another by file name."""
    contents = {p.name: json.loads(p.read_text("utf-8")) for p in STANDARD.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in contents.items()
    )
    return {
        table: Draft202012Validator(
            contents[SCHEMAS[table]], registry=registry, format_checker=FormatChecker()
        )
        for table in TABLES
    }


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Flask]:
    from web import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite", **CHEAP_HASHING})
    runner = app.test_cli_runner()
    for command in ("init-db", "seed-demo"):
        result = runner.invoke(args=[command], env={"DEMO_PASSWORD": DEMO_PASSWORD})
        assert result.exit_code == 0, result.output
    yield app
    built = app.extensions.get("needs.services")
    if built is not None:
        built.close()


def test_every_exported_file_validates_against_its_hsds_schema(demo: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "hsds"
    result = demo.test_cli_runner().invoke(args=["directory", "export-hsds", str(folder)])
    assert result.exit_code == 0, result.output
    checks = validators()
    files = sorted(folder.glob("*.json"))
    assert [f.stem for f in files] == sorted(TABLES)
    for path in files:
        rows = json.loads(path.read_text("utf-8"))
        assert rows, f"{path.name} is empty"
        for row in rows:
            errors = [e.message for e in checks[path.stem].iter_errors(row)]
            assert not errors, (path.name, row, errors)
        assert path.stat().st_mode & 0o077 == 0


def test_the_doorstep_clinic_is_a_service_on_the_second_tuesday_at_the_activity_room(
    demo: Flask,
) -> None:
    client = demo.test_client()
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "secretary", "password": DEMO_PASSWORD}
    ).json["token"]
    hsds = client.get("/api/v1/directory/hsds", headers={"Authorization": f"Bearer {token}"})
    assert hsds.status_code == 200
    tables = hsds.json
    organizations = {o["id"]: o for o in tables["organizations"]}
    clinic = next(s for s in tables["services"] if s["name"] == "家门口的医疗服务：上门义诊")
    assert organizations[clinic["organization_id"]]["name"] == "利群医院"
    assert "co-building (共建)" in organizations[clinic["organization_id"]]["description"]
    schedule = next(s for s in tables["schedules"] if s["service_id"] == clinic["id"])
    assert (schedule["freq"], schedule["byday"]) == ("MONTHLY", "2TU")
    at = next(a for a in tables["service_at_locations"] if a["service_id"] == clinic["id"])
    where = next(loc for loc in tables["locations"] if loc["id"] == at["location_id"])
    assert where["name"] == "怒江苑居委会活动室"
    areas = [a["name"] for a in tables["service_areas"] if a["service_id"] == clinic["id"]]
    assert len(areas) == 7
    exported = json.dumps(tables, ensure_ascii=False)
    for need in client.get("/api/v1/needs", headers={"Authorization": f"Bearer {token}"}).json[
        "items"
    ]:
        assert need["resident_name"] not in exported
        assert need["description"] not in exported
    for table in TABLES:
        checks = validators()[table]
        for row in tables[table]:
            assert not list(checks.iter_errors(row)), (table, row)


def test_a_named_contact_is_exported_only_where_the_partner_agreed(demo: Flask) -> None:
    from web import services

    with demo.app_context():
        running = services()
        hospital = running.partners.find_by_name("nujiang", "利群医院") or next(
            p for p in running.partners.list_partners() if p.name == "利群医院"
        )
        people = [
            {"name": "张医生", "role": "家庭医生", "phone": "021-5266 0121", "published": True},
            {"name": "李护士", "role": "护士", "phone": "139 0000 0000", "published": False},
        ]
        running.partners.change_contact(
            hospital.partner_id, contact="", phone="021-5266 0120", people=people, actor="t"
        )
        from web.operations.hsds import directory_tables

        tables = directory_tables(running.needs.community(hospital.community), running.partners)
    exported = json.dumps(tables, ensure_ascii=False)
    assert "张医生" in exported
    assert "021-5266 0121" in exported
    assert "李护士" not in exported
    assert "139 0000 0000" not in exported
