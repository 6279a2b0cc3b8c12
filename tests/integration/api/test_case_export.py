"""GET /needs/{id}/export: the case's record as JSON or PDF, each event with its hash and what
it changed, the chain's verification, who exported it when — and the export is recorded."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader


def pdf_text(body: bytes) -> str:
    """Every character the PDF writes as text, without the spacing the extraction adds.
    pypdf reads fpdf2's embedded CID encoding a byte at a time, so each two-byte glyph code
    also yields a NUL before the character its ToUnicode map names; those NULs are dropped."""
    reader = PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(text.replace("\x00", "").split())


def test_the_json_export_gives_each_event_its_hash_and_its_changes(
    need, referral, client, as_user, clock
):
    url = f"/api/v1/needs/{need['id']}/export"
    body = client.get(url, headers=as_user("secretary")).json
    history = client.get(f"/api/v1/needs/{need['id']}/history", headers=as_user("auditor")).json
    assert [e["chain"] for e in body["events"]] == [e["chain"] for e in history["events"]]
    assert body["verification"]["head"] == body["events"][-1]["chain"]
    assert body["verification"]["first_broken_version"] is None
    referred = body["events"][1]
    assert referred["type"] == "Referred"
    assert {"field": "status", "before": "open", "after": "in_progress"} in referred["changes"]
    assert (body["exported_by"], body["exported_at"]) == ("secretary", "2026-11-30T09:00:00+08:00")


def test_the_pdf_export_writes_the_chinese_text_the_hashes_and_the_verdict(
    need, referral, client, as_user
):
    response = client.get(
        f"/api/v1/needs/{need['id']}/export?format=pdf", headers=as_user("auditor")
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    written = pdf_text(response.data)
    history = client.get(f"/api/v1/needs/{need['id']}/history", headers=as_user("auditor")).json
    assert "案件记录" in written
    assert need["description"].replace(" ", "") in written
    assert "完好：全部2个事件校验无误" in written
    for event in history["events"]:
        assert event["chain"] in written
    assert "auditor于" in written
    reads = client.get(f"/api/v1/needs/{need['id']}/reads", headers=as_user("auditor")).json
    assert any(r["via"].endswith("/export") and r["username"] == "auditor" for r in reads["reads"])


def test_only_the_secretary_and_auditors_export_and_only_as_json_or_pdf(need, client, as_user):
    url = f"/api/v1/needs/{need['id']}/export"
    assert client.get(url, headers=as_user("leader3")).status_code == 403
    assert client.get(url, headers=as_user("hospital")).status_code == 403
    wrong = client.get(url + "?format=docx", headers=as_user("auditor"))
    assert wrong.status_code == 422
    assert "format" in wrong.json["errors"]["query"]
    missing = "/api/v1/needs/00000000-0000-4000-8000-000000000000/export?format=pdf"
    assert client.get(missing, headers=as_user("auditor")).status_code == 404


def test_the_openapi_document_offers_the_export_as_json_and_as_pdf(client):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/needs/{need_id}/export"]
    content = operation["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "application/pdf"}


def test_without_a_font_for_chinese_the_pdf_is_refused_and_the_json_still_works(
    need, client, as_user, monkeypatch
):
    from web.presentation import export_print

    with pytest.raises(export_print.PdfFontMissingError):
        export_print.cjk_font("/nowhere/no-font.ttc")

    def no_font(configured=None):
        raise export_print.PdfFontMissingError("no CJK font for the PDF")

    monkeypatch.setattr(export_print, "cjk_font", no_font)
    url = f"/api/v1/needs/{need['id']}/export"
    refused = client.get(url + "?format=pdf", headers=as_user("auditor"))
    assert (refused.status_code, refused.json["message"]) == (503, "no CJK font for the PDF")
    assert client.get(url, headers=as_user("auditor")).status_code == 200
