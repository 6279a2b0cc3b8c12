"""With CIPHER_KEY set, no resident's personal data is readable anywhere on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventsourcing.cryptography import AESCipher

from kernel.community import DEMO_COMMUNITY
from tests.integration.at_rest import postgres_contents
from web.bootstrap import build_services
from web.config import load_settings

NAME, PHONE, UNIT, ROOM = "欧阳慧敏", "13917730042", "9单元", "7731室"
DESCRIPTION, NOTE, VISIT = "独居老人夜间胸闷气短", "女儿在杭州工作", "上门时血压偏高"
SECRETS = [NAME, PHONE, UNIT, ROOM, DESCRIPTION, NOTE, VISIT]


def write_a_case(settings, clock) -> None:
    services = build_services(settings, clock=clock, create_tables=True)
    try:
        partner_id = services.partners.register_partner(
            community=DEMO_COMMUNITY.id,
            name="利群医院",
            kind="hospital",
            categories=["emergency"],
            blocks=["*"],
            weekly_capacity=5,
            actor="secretary",
        )
        need_id = services.casework.log_need(
            community=DEMO_COMMUNITY.id,
            category="emergency",
            block="B3",
            building=15,
            unit=UNIT,
            room=ROOM,
            resident_name=NAME,
            contact_phone=PHONE,
            description=DESCRIPTION,
            urgency="critical",
            consent_to_share=True,
            actor="leader3",
        )
        services.needs.add_note(need_id, NOTE, actor="leader3")
        services.needs.record_visit(need_id, VISIT, actor="leader3")
        services.casework.refer(need_id, partner_id, "请医生上门", actor="leader3")
        for i in range(55):  # enough for a snapshot, which holds the whole state
            services.needs.add_note(need_id, f"回访{i}", actor="leader3")
    finally:
        services.close()


def readable(directory: Path) -> list[str]:
    """Which of the secrets appear, in UTF-8, in any file under the directory."""
    found = []
    for path in directory.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [s for s in SECRETS if s.encode() in data]
    return found


def sqlite_settings(tmp_path: Path, cipher_key: str | None):
    overrides = {"DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite"}
    if cipher_key:
        overrides["CIPHER_KEY"] = cipher_key
    return load_settings(str(tmp_path), overrides, environ={})


def test_without_a_cipher_key_the_files_do_hold_the_plain_text(tmp_path, clock):
    """The control: the search below does find personal data when it is there."""
    write_a_case(sqlite_settings(tmp_path, None), clock)
    assert set(readable(tmp_path)) >= {NAME, PHONE, DESCRIPTION}


def test_with_a_cipher_key_no_sqlite_file_holds_personal_data(tmp_path, clock):
    write_a_case(sqlite_settings(tmp_path, AESCipher.create_key(32)), clock)
    files = {p.name for p in tmp_path.iterdir()}
    assert {"needs.sqlite", "needs-views.sqlite", "needs-partners.sqlite"} <= files
    assert readable(tmp_path) == []


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_with_a_cipher_key_no_postgres_table_holds_personal_data(tmp_path, clock, database_url):
    settings = load_settings(
        str(tmp_path),
        {"DATABASE_URL": database_url, "CIPHER_KEY": AESCipher.create_key(32)},
        environ={},
    )
    write_a_case(settings, clock)
    tables, dump = postgres_contents(database_url)
    assert {"needs_events", "needs_snapshots", "needs_view"} <= tables
    assert [s for s in SECRETS if s.encode() in dump or s in dump.decode("latin-1")] == []
