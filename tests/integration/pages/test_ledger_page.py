"""The secretary's ledger page: a dry run then the import of the sample ledger, its rows shown,
a file that is no ledger explained, the CSRF token required, the household ledger downloaded,
and nobody else let in."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from openpyxl import load_workbook

from tests.integration.pages.conftest import Phone
from web import services

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "samples" / "ledger-households.xlsx"


def upload(phone: Phone, mode: str, content: bytes, token: str | None = None) -> str:
    data = {
        "csrf_token": phone.token if token is None else token,
        "kind": "households",
        "mode": mode,
        "header_map": "",
        "ledger": (io.BytesIO(content), "ledger.xlsx"),
    }
    response = phone.client.post("/ledgers", data=data, content_type="multipart/form-data")
    return f"{response.status_code} {response.get_data(as_text=True)}"


def households(app: Flask) -> int:
    with app.app_context():
        return services().duties_view.list_households(
            services().settings.communities[0].id, None, 1, 0
        )[1]


def test_the_secretary_checks_then_imports_the_sample_ledger(app: Flask, phone: Phone) -> None:
    assert phone.sign_in("secretary").status_code == 302
    phone.open("/ledgers")
    checked = upload(phone, "check", SAMPLE.read_bytes())
    assert checked.startswith("200")
    assert 'data-row="3" data-action="created"' in checked
    assert households(app) == 0
    imported = upload(phone, "import", SAMPLE.read_bytes())
    assert "households: 6 rows — 6 created" in imported
    assert households(app) == 6
    again = upload(phone, "import", SAMPLE.read_bytes())
    assert "6 unchanged" in again


def test_a_file_that_is_no_ledger_is_explained(phone: Phone) -> None:
    assert phone.sign_in("secretary").status_code == 302
    phone.open("/ledgers")
    answer = upload(phone, "check", b"not a workbook")
    assert answer.startswith("422")
    assert "xlsx" in answer


def test_an_upload_without_the_csrf_token_is_refused(app: Flask, phone: Phone) -> None:
    assert phone.sign_in("secretary").status_code == 302
    phone.open("/ledgers")
    assert upload(phone, "import", SAMPLE.read_bytes(), token="forged").startswith("400")
    assert households(app) == 0


def test_the_household_ledger_downloads_for_the_secretary_only(phone: Phone) -> None:
    assert phone.sign_in("secretary").status_code == 302
    phone.open("/ledgers")
    upload(phone, "import", SAMPLE.read_bytes())
    sheet = phone.client.get("/ledgers/households.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 7
    phone.client.post("/sign-out", data={"csrf_token": phone.token})
    assert phone.sign_in("auditor").status_code == 302
    assert phone.client.get("/ledgers/households.xlsx").status_code == 403
    assert phone.client.get("/ledgers").status_code == 403
