"""The monthly report page: the same figures as the API, a chart by block, the files to download
in the reader's language, and a block leader's report of their own blocks."""

from __future__ import annotations

import io
from datetime import date
from uuid import UUID

import pytest
from flask import Flask

from kernel.clock import ManualClock
from tests.integration.pages.conftest import COMMUNITY, Phone, log_need
from tests.integration.pages.test_duties_pages import household
from web import services
from web.operations.report import monthly_report


@pytest.fixture
def month(app: Flask, clock: ManualClock) -> UUID:
    """A need logged in B3 and an overdue visit in B3, in November 2026."""
    need = log_need(app)
    home = household(app)
    with app.app_context():
        services().duties.record_life_event(home, "hospitalised", "", actor="leader3")
    clock.advance(days=3)
    return need


def test_the_secretary_sees_the_months_tables_and_chart(phone: Phone, month: UUID) -> None:
    assert phone.sign_in("secretary").status_code == 302
    html = phone.open("/reports/menu?from=2026-11-01&to=2026-11-30").get_data(as_text=True)
    assert "需求（按块、类别）" in html
    assert 'data-table="duties"' in html
    assert 'data-table="follow_ups"' in html
    assert "回访率" in html
    assert "<svg" in html
    assert "王" not in html  # counts only
    for kind in ("csv", "xlsx", "pdf"):
        assert f'data-file="{kind}"' in html


def test_the_page_and_the_api_show_the_same_totals(app: Flask, phone: Phone, month: UUID) -> None:
    from openpyxl import load_workbook

    assert phone.sign_in("secretary").status_code == 302
    sheet = phone.client.get("/reports/menu.xlsx?from=2026-11-01&to=2026-12-31")
    book = load_workbook(io.BytesIO(sheet.data))
    totals = list(book.worksheets[0].iter_rows(values_only=True))[-1]
    with app.app_context():
        report = monthly_report(services(), COMMUNITY, date(2026, 11, 1), date(2026, 12, 31), None)
    assert totals[2] == report["needs_totals"]["logged"] == 1
    duties = list(book.worksheets[2].iter_rows(values_only=True))[-1]
    assert duties[2:] == (1, 0, 0, 1)


def test_a_block_leader_reads_their_blocks_only(phone: Phone, month: UUID) -> None:
    assert phone.sign_in("leader5").status_code == 302
    html = phone.open("/reports/menu?from=2026-11-01&to=2026-11-30").get_data(as_text=True)
    assert "三块" not in html
    assert "五块" in html


def test_a_period_backwards_is_explained_not_refused(phone: Phone, month: UUID) -> None:
    assert phone.sign_in("auditor").status_code == 302
    response = phone.open("/reports/menu?from=2026-11-30&to=2026-11-01")
    assert response.status_code == 200
    assert "before the first" in response.get_data(as_text=True) or "早于" in response.get_data(
        as_text=True
    )


def test_the_follow_ups_table_shows_its_shares_as_percentages(
    app: Flask, phone: Phone, month: UUID
) -> None:
    with app.app_context():
        services().needs.resolve(month, "helped", "已处理", actor="leader3")
        services().needs.record_follow_up(month, "satisfied", "回访", actor="leader3")
    assert phone.sign_in("secretary").status_code == 302
    html = phone.open("/reports/menu?from=2026-11-01&to=2026-12-31").get_data(as_text=True)
    table = html[html.index('data-table="follow_ups"') :]
    assert '<td data-key="followed_up_share">100.0%</td>' in table
    assert '<td data-key="helped_share">100.0%</td>' in table
