"""An erased case is told apart from a tampered one every time: erased values keep their
commitments, so the chain verifies; an edited byte, commitment or ciphertext is caught."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg
import pytest

from needs.audit import verify_case
from tests.integration.test_erasure import app_config, erase, household_of, log_case

__all__ = ["app_config"]


def tamper(running, need_id: UUID, version: int, old: bytes, new: bytes) -> None:
    """Replace bytes in one stored event, behind the application's back."""
    recorder: Any = running.needs.recorder
    table = recorder.events_table_name
    if running.settings.store == "sqlite":
        import sqlite3

        with sqlite3.connect(running.settings.sqlite_path("needs")) as conn:
            (state,) = conn.execute(
                f"SELECT state FROM {table} WHERE originator_id=? AND originator_version=?",  # noqa: S608
                (need_id.hex, version),
            ).fetchone()
            assert old in state
            conn.execute(
                f"UPDATE {table} SET state=? WHERE originator_id=? AND originator_version=?",  # noqa: S608
                (state.replace(old, new, 1), need_id.hex, version),
            )
    else:
        url = running.settings.database_url
        with psycopg.connect(url) as conn:
            (state,) = conn.execute(
                f"SELECT state FROM {table} WHERE originator_id=%s AND originator_version=%s",  # noqa: S608
                (need_id, version),
            ).fetchone()
            assert old in bytes(state)
            conn.execute(
                f"UPDATE {table} SET state=%s WHERE originator_id=%s AND originator_version=%s",  # noqa: S608
                (bytes(state).replace(old, new, 1), need_id, version),
            )


def test_an_edited_byte_is_caught_on_an_erased_case(app, running):
    need_id = log_case(running)
    assert erase(app, household_of(running, need_id)).exit_code == 0
    assert verify_case(running.needs, need_id).intact  # erased is not tampered
    tamper(running, need_id, 2, b"leader3", b"leader9")
    check = verify_case(running.needs, need_id)
    assert [(p.version, p.what) for p in check.problems] == [
        (2, "altered: its hash does not match")
    ]


def test_an_edited_commitment_on_an_erased_case_is_tampering(app, running):
    need_id = log_case(running)
    assert erase(app, household_of(running, need_id)).exit_code == 0
    tamper(running, need_id, 2, b'"c":"', b'"c":"0')
    check = verify_case(running.needs, need_id)
    assert check.problems
    assert check.problems[0].version == 2


def test_an_edited_ciphertext_with_its_key_present_is_tampering_not_erasure(app, running):
    need_id = log_case(running)
    tamper(running, need_id, 2, b'"x":"', b'"x":"AAAA')
    check = verify_case(running.needs, need_id)
    assert [p.version for p in check.problems] == [2]
    assert "does not open with its key" in check.problems[0].what


def test_a_key_lost_without_a_tombstone_is_an_error_never_erased(app, running):
    from store.errors import KeyStoreLostError

    need_id = log_case(running)
    with running.keys.store.write() as sql:
        sql.execute("DELETE FROM household_keys")
    running.keys.forget_cached()
    with pytest.raises(KeyStoreLostError):
        running.needs.get_need(need_id, version=1)
    assert not verify_case(running.needs, need_id).intact
