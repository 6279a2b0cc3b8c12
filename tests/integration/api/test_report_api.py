"""GET /api/v1/reports/menu on both stores: who may read it, what it counts, and its files —
a workbook openpyxl reads back and a PDF pdftoppm renders, with Chinese in both."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

REPORT = "/api/v1/reports/menu?from=2026-11-01&to=2026-11-30"


def test_the_secretary_reads_the_months_needs_by_block_and_category(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], referral: dict[str, Any]
) -> None:
    response = client.get(REPORT, headers=as_user("secretary"))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["from"] == "2026-11-01"
    assert body["to"] == "2026-11-30"
    cell = next(c for c in body["needs"] if (c["block"], c["category"]) == ("B3", "emergency"))
    assert cell["logged"] == 1
    assert cell["open_at_end"] == 1
    assert cell["median_hours_to_first_contact"] is not None
    assert body["needs_totals"]["logged"] == 1
    assert [p["name"] for p in body["partners"]] == ["利群医院"]
    assert body["partners"][0]["referrals"] == 1
    assert "王秀英" not in response.get_data(as_text=True)


def test_a_block_leader_gets_only_their_blocks(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], referral: dict[str, Any]
) -> None:
    own = client.get(REPORT, headers=as_user("leader3")).json
    other = client.get(REPORT, headers=as_user("leader5")).json
    assert own["blocks"] == ["B3"]
    assert own["needs_totals"]["logged"] == 1
    assert other["blocks"] == ["B5"]
    assert other["needs_totals"]["logged"] == 0
    assert other["partners"] == []


def test_a_partner_may_not_read_the_report(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    assert client.get(REPORT, headers=as_user("hospital")).status_code == 403


def test_a_period_that_ends_before_it_starts_is_refused_naming_to(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    response = client.get(
        "/api/v1/reports/menu?from=2026-11-30&to=2026-11-01", headers=as_user("auditor")
    )
    assert response.status_code == 422
    assert "to" in response.json["errors"]["query"]


def test_the_csv_has_every_table_with_chinese_headers(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], need: dict[str, Any]
) -> None:
    response = client.get(REPORT + "&format=csv", headers=as_user("secretary"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    titles = [row[0] for row in rows if len(row) == 1]
    assert titles == [
        "需求（按块、类别）",
        "联建单位",
        "三五：必访必问",
        "三五：必记",
        "回访",
        "居民自治项目",
    ]


def test_the_workbook_reads_back_with_one_sheet_a_table_and_frozen_headers(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], need: dict[str, Any]
) -> None:
    from openpyxl import load_workbook

    for lang, first in (("zh_CN", "块"), ("en", "Block")):
        response = client.get(REPORT + f"&format=xlsx&lang={lang}", headers=as_user("secretary"))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.data))
        assert len(book.sheetnames) == 6
        sheet = book.worksheets[0]
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].value == first
        logged = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert logged[-1] == 1  # the totals row
        assert sheet.cell(row=2, column=3).number_format == "0"


def test_the_pdf_renders_as_a4_pages_with_chinese_text(
    client: FlaskClient,
    as_user: Callable[[str], dict[str, str]],
    need: dict[str, Any],
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader

    response = client.get(REPORT + "&format=pdf", headers=as_user("auditor"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    reader = PdfReader(pdf)
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4, in points
    assert "急难愁盼菜单月报" in reader.pages[0].extract_text().replace("\x00", "")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    assert sorted(tmp_path.glob("page*.png"))
