"""Chinese by default, English one tap away, and back."""

from __future__ import annotations

from tests.integration.pages.conftest import Phone, text


def test_one_tap_switches_to_english_and_back(leader: Phone) -> None:
    assert "<h1>我的块</h1>" in text(leader.open("/needs"))
    response = leader.send("/language", language="en", next="/needs")
    assert response.status_code == 302
    assert response.headers["Location"] == "/needs"
    page = text(leader.open("/needs"))
    assert '<html lang="en">' in page
    assert "<h1>My block</h1>" in page
    assert 'value="zh_CN" lang="zh-CN">中文</button>' in page
    leader.send("/language", language="zh_CN", next="/needs")
    assert "<h1>我的块</h1>" in text(leader.open("/needs"))


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
