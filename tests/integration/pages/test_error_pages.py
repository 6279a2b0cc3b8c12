"""Every error outside /api is a clear HTML page in the user's language; /api keeps JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.integration.pages.conftest import PASSWORD, Phone, log_need, text
from web import services


def is_page(response: Any) -> bool:
    body = text(response)
    return response.headers["Content-Type"].startswith("text/html") and "Traceback" not in body


def test_an_unknown_page_is_a_page_in_chinese(phone: Phone) -> None:
    response = phone.open("/no-such-page")
    assert response.status_code == 404
    assert is_page(response)
    assert "<h1>找不到</h1>" in text(response)


def test_error_pages_follow_the_chosen_language(phone: Phone) -> None:
    phone.open("/sign-in")
    phone.send("/language", language="en", next="/")
    assert "<h1>Not found</h1>" in text(phone.open("/no-such-page"))


def test_api_errors_stay_json(phone: Phone) -> None:
    response = phone.client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json is not None
    assert response.json["code"] == 404
    assert phone.client.post("/api/v1/needs", json={}).json["code"] == 401


def test_the_api_needs_no_form_token(phone: Phone) -> None:
    response = phone.client.post(
        "/api/v1/auth/tokens", json={"username": "leader3", "password": PASSWORD}
    )
    assert response.status_code == 201


def test_a_page_of_another_role_is_forbidden_with_a_page(phone: Phone) -> None:
    phone.sign_in("hospital")
    response = phone.open("/needs")
    assert response.status_code == 403
    assert is_page(response)
    assert "您的角色不能打开这个页面" in text(response)


def test_a_need_of_another_block_is_not_found(app: Flask, phone: Phone) -> None:
    need_id = log_need(app)
    phone.sign_in("leader5")
    response = phone.open(f"/needs/{need_id}")
    assert response.status_code == 404
    assert is_page(response)
    assert "王秀英" not in text(response)


def test_a_form_sent_without_its_token_gets_a_clear_page(leader: Phone) -> None:
    response = leader.client.post("/needs/new", data={"description": "忘了令牌"})
    assert response.status_code == 400
    assert is_page(response)
    assert "<h1>表单已过期</h1>" in text(response)


def test_a_wrong_method_is_a_page(leader: Phone) -> None:
    response = leader.open("/sign-out")
    assert response.status_code == 405
    assert is_page(response)


def test_a_failure_on_our_side_shows_a_page_without_details(
    app: Flask, leader: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the read model is on fire")

    with app.app_context():
        monkeypatch.setattr(services().view, "list_needs", broken)
    response = leader.open("/needs")
    assert response.status_code == 500
    assert is_page(response)
    assert "系统出了问题" in text(response)
    assert "on fire" not in text(response)


def test_pages_carry_no_inline_script_or_style(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    for url in ("/needs", "/needs/new", f"/needs/{need_id}", "/no-such-page"):
        response = leader.open(url)
        body = text(response)
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert "<style" not in body, url
        assert not re.search(r"\sstyle=", body), url
        assert not re.search(r"\son[a-z]+=", body), url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
