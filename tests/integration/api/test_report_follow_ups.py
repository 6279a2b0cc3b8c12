"""The monthly report's follow-up visits (回访) on both stores: per block, the needs resolved in
the period, how many were followed up and what the residents said; its totals are the follow-up
board's for the same period, and the files carry it as a table of its own."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from kernel.clock import SHANGHAI

Headers = Callable[[str], dict[str, str]]
TODAY = "2026-11-30"  # the test clock's day in Shanghai


def resolve(client: FlaskClient, as_user: Headers, need_id: str, user: str) -> None:
    answer = client.post(
        f"/api/v1/needs/{need_id}/resolve",
        json={"outcome": "helped", "summary": "已处理"},
        headers=as_user(user),
    )
    assert answer.status_code == 200, answer.json


def follow_up(client: FlaskClient, as_user: Headers, need_id: str, user: str, verdict: str) -> None:
    answer = client.post(
        f"/api/v1/needs/{need_id}/follow-up",
        json={"verdict": verdict, "note": "回访记录"},
        headers=as_user(user),
    )
    assert answer.status_code == 200, answer.json


@pytest.fixture
def followed(client: FlaskClient, as_user: Headers, log_need: Callable[..., Any]) -> None:
    """B3: four needs resolved — satisfied, partly, unreachable, not yet followed up;
    B5: two resolved — not satisfied, satisfied; and one need in B3 still open."""
    cases = [
        ("leader3", "B3", "satisfied"),
        ("leader3", "B3", "partly"),
        ("leader3", "B3", "unreachable"),
        ("leader3", "B3", None),
        ("leader5", "B5", "not_satisfied"),
        ("leader5", "B5", "satisfied"),
    ]
    for user, block, verdict in cases:
        house = {"building": "15号楼" if block == "B3" else "26号楼", "unit": "1", "room": "101"}
        logged = log_need(user=user, block=block, category="hardship", household=house)
        assert logged.status_code == 201, logged.json
        resolve(client, as_user, logged.json["id"], user)
        if verdict is not None:
            follow_up(client, as_user, logged.json["id"], user, verdict)
    assert log_need().status_code == 201


def test_the_reports_follow_ups_are_the_boards_for_the_same_period(
    client: FlaskClient, as_user: Headers, followed: None
) -> None:
    board = client.get("/api/v1/follow-ups/board", headers=as_user("secretary")).json
    since = datetime.fromisoformat(board["since"]).astimezone(SHANGHAI).date()
    report = client.get(
        f"/api/v1/reports/menu?from={since}&to={TODAY}", headers=as_user("secretary")
    ).json
    keys = ("resolved", "followed_up", "confirmed_helped", "followed_up_share", "helped_share")
    rows = {row["block"]: row for row in report["follow_ups"]}
    assert [row["block"] for row in board["blocks"]] == list(rows)
    for row in board["blocks"]:
        assert {k: rows[row["block"]][k] for k in keys} == {k: row[k] for k in keys}
    totals = report["follow_ups_totals"]
    for key in ("resolved", "followed_up", "confirmed_helped"):
        assert totals[key] == sum(row[key] for row in board["blocks"]), key
    assert (totals["resolved"], totals["followed_up"]) == (6, 5)
    assert totals["verdicts"] == {
        "satisfied": 2,
        "partly": 1,
        "not_satisfied": 1,
        "unreachable": 1,
    }
    assert (totals["followed_up_share"], totals["helped_share"]) == (0.833, 0.4)
    b3 = rows["B3"]
    assert (b3["resolved"], b3["followed_up"], b3["followed_up_share"]) == (4, 3, 0.75)


def test_a_period_before_the_resolutions_has_nothing_to_follow_up(
    client: FlaskClient, as_user: Headers, followed: None
) -> None:
    report = client.get(
        "/api/v1/reports/menu?from=2026-10-01&to=2026-10-31", headers=as_user("auditor")
    ).json
    assert report["follow_ups_totals"]["resolved"] == 0
    assert report["follow_ups_totals"]["followed_up_share"] is None
    assert all(row["resolved"] == 0 for row in report["follow_ups"])


def test_a_block_leader_sees_the_follow_ups_of_their_blocks(
    client: FlaskClient, as_user: Headers, followed: None
) -> None:
    report = client.get(
        f"/api/v1/reports/menu?from={TODAY}&to={TODAY}", headers=as_user("leader5")
    ).json
    assert [row["block"] for row in report["follow_ups"]] == ["B5"]
    assert report["follow_ups_totals"]["verdicts"]["not_satisfied"] == 1
    assert report["follow_ups_totals"]["resolved"] == 2


def test_the_files_carry_the_follow_ups_with_chinese_or_english_headers(
    client: FlaskClient, as_user: Headers, followed: None
) -> None:
    from openpyxl import load_workbook

    period = f"/api/v1/reports/menu?from={date(2026, 11, 1)}&to={TODAY}"
    text = client.get(period + "&format=csv", headers=as_user("secretary"))
    rows = list(csv.reader(io.StringIO(text.get_data(as_text=True).lstrip("\ufeff"))))
    at = rows.index(["回访"])
    assert rows[at + 1][:4] == ["块", "解决", "已回访", "满意"]
    total = next(row for row in rows[at:] if row[0] == "合计")
    assert total[1:7] == ["6", "5", "2", "1", "1", "1"]
    for lang, title, first in (("zh_CN", "回访", "块"), ("en", "Follow-up visits", "Block")):
        answer = client.get(period + f"&format=xlsx&lang={lang}", headers=as_user("secretary"))
        book = load_workbook(io.BytesIO(answer.data))
        sheet = book[title]
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].value == first
        last = list(sheet.iter_rows(min_row=2, values_only=True))[-1]
        assert last[1:3] == (6, 5)
        assert sheet.cell(row=2, column=8).number_format == "0.0%"


def test_the_pdf_has_the_follow_ups_in_chinese(
    client: FlaskClient, as_user: Headers, followed: None
) -> None:
    from pypdf import PdfReader

    answer = client.get(
        f"/api/v1/reports/menu?from=2026-11-01&to={TODAY}&format=pdf", headers=as_user("auditor")
    )
    assert answer.status_code == 200
    pages = PdfReader(io.BytesIO(answer.data)).pages
    text = "".join(page.extract_text() for page in pages).replace("\x00", "")
    assert "回访" in text
    assert "确认帮到比例" in text
    assert "83.3%" in text  # five of the six resolved were followed up
