"""The auditor's printable record of a case: every event with its hash and changes, the chain's
verdict, who exported it when; a print stylesheet; the same record as a PDF."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from kernel.clock import ManualClock
from tests.integration.pages.conftest import Phone, log_need, text
from web import services


@pytest.fixture
def auditor(phone: Phone) -> Phone:
    assert phone.sign_in("auditor").status_code == 302
    return phone


@pytest.fixture
def case(app: Flask, clock: ManualClock):
    """A need logged, a note and a visit ten minutes apart."""
    need_id = log_need(app)
    with app.app_context():
        running = services()
        clock.advance(minutes=10)
        running.needs.add_note(need_id, "已联系物业", actor="leader3")
        clock.advance(minutes=10)
        running.needs.record_visit(need_id, "老人已送医", actor="leader3")
    return need_id


def chains(app: Flask, need_id) -> list[str]:
    with app.app_context():
        return [e["chain"] for e in services().needs.get_history(need_id)]


def test_the_record_lists_each_event_with_its_hash_and_says_the_chain_is_intact(app, auditor, case):
    page = text(auditor.open(f"/needs/{case}/export"))
    assert "<h1>案件记录</h1>" in page
    assert "完好：全部 3 个事件校验无误" in page
    assert "尚未封存" in page
    assert re.search(r"auditor 于 2026-11-30 09:20:\d\d 导出", page)
    for chain in chains(app, case):
        assert f"<code>{chain}</code>" in page
    assert "已联系物业" in page
    assert page.count('<li id="event-') == 3


def test_the_history_links_to_the_record_and_the_record_prints_without_the_bars(app, auditor, case):
    history = text(auditor.open(f"/needs/{case}/history"))
    assert f'href="/needs/{case}/export"' in history
    css = (Path(app.static_folder) / "pages.css").read_text(encoding="utf-8")
    printing = css[css.index("@media print") :]
    assert "header.bar, nav.bar, .no-print" in printing
    assert "break-inside: avoid" in printing


def test_an_altered_event_is_named_in_the_record(app, auditor, case):
    with app.app_context():
        path = services().settings.sqlite_path("needs")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE stored_events SET state = "
            # The note itself is sealed per household; the actor is plain text an intruder can edit.
            "CAST(REPLACE(CAST(state AS TEXT), 'leader3', 'leader9') AS BLOB) "
            "WHERE originator_version = 2"
        )
    with app.app_context():
        services().needs.repository.cache.clear()
    page = text(auditor.open(f"/needs/{case}/export"))
    assert "在第 2 个事件处断开" in page
    assert 'class="verdict broken"' in page


def test_the_pdf_holds_the_same_record_in_chinese_and_the_download_is_recorded(app, auditor, case):
    response = auditor.client.get(f"/needs/{case}/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    # pypdf reads fpdf2's two-byte glyph codes a byte at a time: drop the NULs and spacing.
    extracted = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    written = "".join(extracted.replace("\x00", "").split())
    assert "案件记录" in written
    assert "独居老人摔倒，无法起身" in written
    assert "完好：全部3个事件校验无误" in written
    for chain in chains(app, case):
        assert chain in written
    with app.app_context():
        reads = services().access_log.reads_of(case)
    assert ("auditor", f"/needs/{case}/export.pdf") in {(r["username"], r["via"]) for r in reads}


def test_a_block_leader_cannot_export(app, leader, case):
    assert leader.open(f"/needs/{case}/export").status_code == 403
    assert leader.client.get(f"/needs/{case}/export.pdf").status_code == 403
