"""Follow-up visits (回访) through the API (SQLite and PostgreSQL): a resolved need falls due a
follow-up after its category's days, the leader records the resident's verdict (and may reopen
the need with it), a reopened need refuses a verdict with the reason, and the board counts the
share followed up and confirmed helped per block."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.clock import ManualClock
from tests.integration.api.conftest import PASSWORD


def fresh(client, user: str) -> dict[str, str]:
    """A fresh token: these tests move the clock past a token's life."""
    body = {"username": user, "password": PASSWORD}
    token = client.post("/api/v1/auth/tokens", json=body).json["token"]
    return {"Authorization": f"Bearer {token}"}


def resolve(client, as_user, need: dict[str, Any]) -> None:
    answer = client.post(
        f"/api/v1/needs/{need['id']}/resolve",
        json={"outcome": "helped", "summary": "已送医"},
        headers=fresh(client, "leader3"),
    )
    assert answer.status_code == 200, answer.json


def follow_up(client, as_user, need: dict[str, Any], **body: Any) -> Any:
    return client.post(
        f"/api/v1/needs/{need['id']}/follow-up", json=body, headers=fresh(client, "leader3")
    )


def due(client, as_user, user: str = "leader3") -> list[str]:
    answer = client.get("/api/v1/follow-ups", headers=fresh(client, user))
    assert answer.status_code == 200, answer.json
    return [item["need_id"] for item in answer.json["items"]]


def test_a_resolved_need_falls_due_a_follow_up_after_seven_days(
    client, as_user, need, clock: ManualClock
):
    resolve(client, as_user, need)
    clock.advance(days=6)
    assert due(client, as_user) == []
    clock.advance(days=1, minutes=1)
    assert due(client, as_user) == [need["id"]]
    assert due(client, as_user, "leader5") == []


def test_the_verdict_is_kept_on_the_need_and_the_follow_up_is_no_longer_due(
    client, as_user, need, clock: ManualClock
):
    resolve(client, as_user, need)
    clock.advance(days=8)
    answer = follow_up(client, as_user, need, verdict="satisfied", note="老人说已经好了")
    assert answer.status_code == 200, answer.json
    assert answer.json["follow_up"]["verdict"] == "satisfied"
    assert answer.json["follow_up"]["by"] == "leader3"
    assert due(client, as_user) == []
    again = follow_up(client, as_user, need, verdict="partly")
    assert again.status_code == 409
    assert "followed up already" in again.json["message"]


def test_not_satisfied_may_reopen_the_need_and_a_verdict_on_it_then_says_why_not(
    client, as_user, need
):
    resolve(client, as_user, need)
    answer = follow_up(client, as_user, need, verdict="not_satisfied", note="还是不行", reopen=True)
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "open"
    refused = follow_up(client, as_user, need, verdict="satisfied")
    assert refused.status_code == 409
    assert "reopened" in refused.json["message"]
    assert "还是不行" in refused.json["message"]


@pytest.mark.parametrize("verdict", ["satisfied", "unreachable"])
def test_only_a_verdict_that_is_not_satisfied_may_reopen(client, as_user, need, verdict):
    resolve(client, as_user, need)
    refused = follow_up(client, as_user, need, verdict=verdict, reopen=True)
    assert refused.status_code == 422
    assert "reopen" in refused.json["errors"]["json"]


def test_an_open_need_is_not_followed_up(client, as_user, need):
    refused = follow_up(client, as_user, need, verdict="satisfied")
    assert refused.status_code == 409
    assert "only a resolved need" in refused.json["message"]


def test_the_board_shows_per_block_the_share_followed_up_and_confirmed_helped(
    client, as_user, log_need, need
):
    other = log_need(category="hardship").json
    for case in (need, other):
        resolve(client, as_user, case)
    follow_up(client, as_user, need, verdict="satisfied")
    board = client.get("/api/v1/follow-ups/board", headers=as_user("secretary")).json
    assert board["weeks"] == 12
    (b3,) = [row for row in board["blocks"] if row["block"] == "B3"]
    assert (b3["resolved"], b3["followed_up"], b3["confirmed_helped"]) == (2, 1, 1)
    assert (b3["followed_up_share"], b3["helped_share"]) == (0.5, 1.0)
    mine = client.get("/api/v1/follow-ups/board", headers=as_user("leader3")).json
    assert [row["block"] for row in mine["blocks"]] == ["B3"]
