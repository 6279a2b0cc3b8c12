"""Chinese by default, English one tap away, and back; and a page that is in English says so
when the service has no compiled catalogues."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kernel.clock import ManualClock
from tests.integration.pages.conftest import CHEAP_HASHING, Phone, text
from web import create_app

TO_ENGLISH = 'value="en" lang="en">English</button>'
TO_CHINESE = 'value="zh_CN" lang="zh-CN">中文</button>'


def test_one_tap_switches_to_english_and_back(leader: Phone) -> None:
    page = text(leader.open("/needs"))
    assert '<html lang="zh-CN">' in page
    assert "<h1>我的块</h1>" in page
    assert TO_ENGLISH in page
    assert TO_CHINESE not in page
    response = leader.send("/language", language="en", next="/needs")
    assert response.status_code == 302
    assert response.headers["Location"] == "/needs"
    page = text(leader.open("/needs"))
    assert '<html lang="en">' in page
    assert "<h1>My block</h1>" in page
    assert TO_CHINESE in page
    assert TO_ENGLISH not in page
    leader.send("/language", language="zh_CN", next="/needs")
    assert "<h1>我的块</h1>" in text(leader.open("/needs"))


def test_without_compiled_catalogues_the_pages_are_english_and_say_so(
    tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A deploy nobody compiled the catalogues for: English words, so an English page — not
    one marked Chinese offering "English" — and no switch to a language it cannot show."""
    uncompiled = tmp_path / "translations"
    uncompiled.mkdir()
    with caplog.at_level(logging.WARNING):
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite",
                "CLOCK": clock,
                "BABEL_TRANSLATION_DIRECTORIES": str(uncompiled),
                **CHEAP_HASHING,
            }
        )
    assert "No compiled zh_CN catalogue" in caplog.text
    phone = Phone(app.test_client())
    for chosen in (None, "zh_CN", "en"):
        if chosen:
            phone.client.set_cookie("lang", chosen)
        page = text(phone.open("/sign-in"))
        assert '<html lang="en">' in page
        assert "<h1>Sign in</h1>" in page
        assert 'name="language"' not in page


def test_the_choice_is_kept_in_a_protected_cookie_for_a_year(phone: Phone) -> None:
    phone.open("/sign-in")
    cookie = phone.send("/language", language="en", next="/sign-in").headers["Set-Cookie"]
    assert cookie.startswith("lang=en;")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie


def test_the_choice_outlives_signing_out(leader: Phone) -> None:
    leader.open("/needs")
    leader.send("/language", language="en", next="/needs")
    leader.open("/needs")
    leader.send("/sign-out")
    assert "<h1>Sign in</h1>" in text(leader.open("/sign-in"))


def test_an_unknown_language_changes_nothing(phone: Phone) -> None:
    phone.open("/sign-in")
    response = phone.send("/language", language="fr", next="/sign-in")
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]
    assert "<h1>登录</h1>" in text(phone.open("/sign-in"))


def test_the_switch_goes_back_only_to_pages_of_this_site(phone: Phone) -> None:
    phone.open("/sign-in")
    response = phone.send("/language", language="en", next="https://evil.example/")
    assert response.headers["Location"] == "/"


def test_the_switch_is_a_form_with_its_token(phone: Phone) -> None:
    phone.open("/sign-in")
    phone.token = "forged"
    response = phone.send("/language", language="en", next="/sign-in")
    assert response.status_code == 400
    assert "表单已过期" in text(response)


def test_the_switch_refuses_a_next_address_with_a_line_break(phone: Phone) -> None:
    phone.open("/sign-in")
    for target in ("/\r\nX: y", "/\nX: y", "/needs\x00"):
        response = phone.send("/language", language="en", next=target)
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert "X" not in response.headers
