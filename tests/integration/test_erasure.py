"""Erasure by crypto-shredding: after `erase-household` no byte on disk holds the resident's
name, phone or the household's key, while replay, chains and read models still work."""

from __future__ import annotations

import base64
import sqlite3
from contextlib import closing
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from kernel.community import DEMO_COMMUNITY
from needs.audit import verify_case
from store.errors import HouseholdErasedError
from tests.integration.at_rest import postgres_table_files
from web import create_app

NAME, PHONE, NOTE, VISIT = "欧阳慧敏", "13917730042", "女儿在杭州工作", "上门时血压偏高"
PURGED_TABLES = ["household_keys", "needs_snapshots"]


@pytest.fixture
def app_config(app_config, tmp_path, database_url):
    config = {**app_config, "CELERY_DATA_FOLDER": str(tmp_path)}
    if database_url.startswith("sqlite"):
        # An erasure held up by a reader gives up after a second (not the default ten).
        config["ERASURE_PURGE_SECONDS"] = "1"
    return config


def log_case(running, *, notes: int = 3) -> UUID:
    need_id = running.casework.log_need(
        community=DEMO_COMMUNITY.id,
        category="hardship",
        block="B3",
        building=15,
        unit="9单元",
        room="7731室",
        resident_name=NAME,
        contact_phone=PHONE,
        description="独居老人夜间胸闷气短",
        urgency="high",
        actor="leader3",
    )
    running.needs.add_note(need_id, NOTE, actor="leader3")
    running.needs.record_visit(need_id, VISIT, actor="leader3")
    for i in range(notes):
        running.needs.add_note(need_id, f"回访{i}", actor="leader3")
    return need_id


def household_of(running, need_id: UUID) -> UUID:
    return UUID(str(running.needs.get_need(need_id)["household"]["id"]))


def key_material(running, household_id: UUID) -> list[bytes]:
    """The household's raw key in every spelling it could take on disk, and its wrapped form."""
    raw = running.keys.key(household_id)
    with running.keys.store.read() as sql:
        wrapped = sql.execute(
            "SELECT wrapped FROM household_keys WHERE household_id=%(h)s", {"h": str(household_id)}
        ).fetchone()["wrapped"]
    return [raw, raw.hex().encode(), base64.b64encode(raw), wrapped.encode()]


def on_disk(running, directory: Path) -> bytes:
    """Every byte of every file the service wrote; on PostgreSQL every table's contents, and
    the files of the key store's and the snapshots' tables (where deleted rows would linger)."""
    data = b"".join(p.read_bytes() for p in directory.rglob("*") if p.is_file())
    if running.settings.store == "postgres":
        params = running.settings.postgres_params()
        with psycopg.connect(
            **{k if k != "dbname" else "dbname": v for k, v in params.items()}
        ) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public'"
                ).fetchall()
            ]
            for table in tables:
                for row in conn.execute(f'SELECT * FROM "{table}"').fetchall():  # noqa: S608
                    data += str(row).encode() + b"".join(
                        bytes(v) for v in row if isinstance(v, bytes | memoryview)
                    )
                    data += "".join(str(v) for v in row).encode()
        data += postgres_table_files(running.settings.database_url, PURGED_TABLES)
    return data


def erase(app, household_id: UUID):
    return app.test_cli_runner().invoke(args=["erase-household", str(household_id)])


def queue_a_referral_notice(app, running, need_id: UUID) -> UUID:
    """Refer the case to a partner with a webhook and let the follower hand the notice to the
    embedded broker, as the Procfile's follower does."""
    partner_id = running.partners.register_partner(
        community=DEMO_COMMUNITY.id,
        name="利群医院",
        kind="hospital",
        categories=["hardship"],
        blocks=["*"],
        weekly_capacity=5,
        actor="secretary",
    )
    running.partners.set_webhook(
        partner_id, webhook_url="https://hooks.example/hook", actor="secretary"
    )
    referral_id = running.casework.refer(
        need_id, partner_id, f"{NAME}独居，请上门", actor="leader3"
    )
    followed = app.test_cli_runner().invoke(args=["follow", "--once"])
    assert followed.exit_code == 0, followed.output
    return UUID(str(referral_id))


def test_a_queued_notice_is_rendered_erased_when_it_goes_out(app, running):
    need_id = log_case(running)
    referral_id = queue_a_referral_notice(app, running, need_id)
    assert erase(app, household_of(running, need_id)).exit_code == 0
    delivery = running.outbox.list_deliveries()[0]
    assert delivery.referral_id == referral_id
    from web.tasks import notifier

    payload = notifier(app)._payload(delivery)
    assert payload["referral"]["note"] == "[erased]"
    assert NAME not in str(payload)


def test_after_erasure_no_byte_holds_the_name_the_phone_or_the_key(app, running, tmp_path):
    if running.settings.store == "postgres":
        # Snapshots kept uncompressed, so that a scan of the table's files can see the name.
        with running.keys.store.write() as sql:
            sql.execute("ALTER TABLE needs_snapshots ALTER COLUMN state SET STORAGE EXTERNAL")
    need_id = log_case(running, notes=55)  # enough for a snapshot of the whole state
    household_id = household_of(running, need_id)
    queue_a_referral_notice(app, running, need_id)
    broker = [p for p in (tmp_path / "broker").rglob("*") if p.is_file()]
    assert broker, "the notice was queued in the embedded broker"
    keys = key_material(running, household_id)
    before = on_disk(running, tmp_path)
    # The control: without CIPHER_KEY the snapshot holds the name, and the key store its key.
    assert NAME.encode() in before
    assert keys[-1] in before
    result = erase(app, household_id)
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip()
        .splitlines()[-1]
        .startswith(f"erased household {household_id}: 1 case(s), 0 record(s), key destroyed")
    )
    after = on_disk(running, tmp_path)
    found = [s for s in (NAME, PHONE, NOTE, VISIT) if s.encode() in after]
    assert found == []
    assert [k for k in keys if k in after] == []
    assert running.keys.key(household_id) is None


def test_after_erasure_a_new_process_finds_no_key_to_open_the_old_events(
    app, running, database_url, clock
):
    need_id = log_case(running)
    household_id = household_of(running, need_id)
    sealed = list(running.needs.recorder.select_events(need_id))
    assert erase(app, household_id).exit_code == 0
    again = restart(app, database_url, clock)
    from web import services

    with again.app_context():
        fresh = services(again)
        assert fresh.keys.key(household_id) is None
        opened = [fresh.needs.mapper.to_domain_event(stored) for stored in sealed]
        assert opened[0].resident_name == "[erased]"
        assert opened[1].text == "[erased]"
        fresh.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_erasure_held_up_by_a_reader_of_the_key_store_says_purged_only_once_finished(
    app, running, tmp_path
):
    household_id = household_of(running, log_case(running))
    keys = key_material(running, household_id)
    keys_file = Path(running.settings.sqlite_path("keys"))
    with closing(sqlite3.connect(keys_file, isolation_level=None)) as reader:
        reader.execute("BEGIN")  # another process, or the follower, reading the key store
        reader.execute("SELECT * FROM household_keys").fetchall()
        held = erase(app, household_id)
        assert held.exit_code == 1
        assert "not finished" in held.output
        assert f"erase-household {household_id} --finish" in held.output
        assert "copies purged" not in held.output
        assert running.keys.tombstone(household_id).state == "erasing"
        assert running.keys.key(household_id) is None  # no process opens its data any more
        assert keys[-1] in Path(f"{keys_file}-wal").read_bytes()  # but the log holds a copy
    finished = app.test_cli_runner().invoke(args=["erase-household", str(household_id), "--finish"])
    assert finished.exit_code == 0, finished.output
    assert "key destroyed, copies purged" in finished.output
    assert running.keys.tombstone(household_id).state == "erased"
    after = on_disk(running, tmp_path)
    assert [k for k in keys if k in after] == []


def test_only_an_erasure_already_begun_can_be_finished(app, running):
    household_id = household_of(running, log_case(running))
    refused = app.test_cli_runner().invoke(args=["erase-household", str(household_id), "--finish"])
    assert refused.exit_code == 1
    assert "never erased" in refused.output
    assert running.keys.tombstone(household_id) is None


def test_an_erased_case_reads_erased_now_and_in_the_past_and_still_verifies(app, running):
    need_id = log_case(running)
    household_id = household_of(running, need_id)
    board_before = running.view.list_needs(DEMO_COMMUNITY.id)
    assert erase(app, household_id).exit_code == 0
    version = running.needs.get_need(need_id)["version"]
    for state in (
        running.needs.get_need(need_id),  # the cached case, fast-forwarded
        running.needs.get_need(need_id, version=version),  # replayed from the store
        running.needs.get_need(need_id, version=1),
    ):
        assert state["resident_name"] == "[erased]"
        assert state["contact_phone"] == "[erased]"
        assert state["household"]["unit"] == state["household"]["room"] == "[erased]"
        assert state["category"] == "hardship"
        assert state["block"] == "B3"
    history = running.needs.get_history(need_id)
    assert history[1]["data"]["text"] == "[erased]"
    assert "salt" not in history[1]["data"]
    assert history[-1]["type"] == "PersonalDataErased"
    assert verify_case(running.needs, need_id).intact
    cli = app.test_cli_runner()
    assert cli.invoke(args=["audit", "seal"]).exit_code == 0
    verified = cli.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    rebuilt = cli.invoke(args=["audit", "rebuild-check"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert cli.invoke(args=["rebuild-views"]).exit_code == 0
    assert len(running.view.list_needs(DEMO_COMMUNITY.id)) == len(board_before)


def test_an_erased_case_takes_no_new_personal_data_but_still_moves(app, running):
    need_id = log_case(running)
    assert erase(app, household_of(running, need_id)).exit_code == 0
    with pytest.raises(HouseholdErasedError):
        running.needs.add_note(need_id, "新的备注", actor="leader3")
    running.needs.assign(need_id, "leader3", actor="secretary")
    running.needs.resolve(need_id, "helped", actor="leader3")
    assert running.needs.get_need(need_id)["status"] == "resolved"


def test_erasing_twice_is_harmless_and_an_unknown_household_is_refused(app, running):
    household_id = household_of(running, log_case(running))
    assert erase(app, household_id).exit_code == 0
    again = erase(app, household_id)
    assert again.exit_code == 0, again.output
    unknown = erase(app, UUID(int=7))
    assert unknown.exit_code == 1
    assert "no household" in unknown.output


def restart(app, database_url, clock):
    """The same store opened by a new process: a fresh app over the same files."""
    built = app.extensions.pop("needs.services", None)
    if built is not None:
        built.close()
    return create_app({"DATABASE_URL": database_url, "CLOCK": clock})
