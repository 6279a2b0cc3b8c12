"""Signing in and out of the pages: Chinese by default, a day-long session, safe cookies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from flask import Flask

from tests.integration.pages.conftest import PASSWORD, Phone, text
from web import create_app, services


def test_the_sign_in_page_is_in_chinese_with_real_labels(phone: Phone) -> None:
    page = text(phone.open("/sign-in"))
    assert '<html lang="zh-CN">' in page
    assert '<label for="username">用户名</label>' in page
    assert '<label for="password">密码</label>' in page
    assert 'name="csrf_token"' in page


def test_a_block_leader_signs_in_and_lands_on_their_block(phone: Phone) -> None:
    response = phone.sign_in("leader3")
    assert response.status_code == 302
    assert response.headers["Location"] == "/needs"
    assert "<h1>我的块</h1>" in text(phone.open("/needs"))


def test_a_partners_clerk_lands_on_the_inbox(phone: Phone) -> None:
    assert phone.sign_in("hospital").headers["Location"] == "/inbox"


def test_usernames_are_read_whatever_the_phone_capitalised(phone: Phone) -> None:
    assert phone.sign_in("Leader3").headers["Location"] == "/needs"


def test_a_wrong_password_is_refused_in_chinese_keeping_the_username(phone: Phone) -> None:
    response = phone.sign_in("leader3", "wrong password")
    page = text(response)
    assert response.status_code == 422
    assert "用户名或密码不对。" in page
    assert 'value="leader3"' in page
    assert "wrong password" not in page


def test_empty_fields_are_named_in_chinese(phone: Phone) -> None:
    phone.open("/sign-in")
    page = text(phone.send("/sign-in", username="", password=""))
    assert "请输入用户名。" in page
    assert "请输入密码。" in page


def test_pages_send_someone_not_signed_in_to_sign_in_and_back(phone: Phone) -> None:
    response = phone.open("/needs/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Fneeds%2Fnew"
    phone.open(response.headers["Location"])
    back = phone.send("/sign-in?next=%2Fneeds%2Fnew", username="leader3", password=PASSWORD)
    assert back.headers["Location"] == "/needs/new"


def test_signing_in_never_sends_someone_to_another_site(phone: Phone) -> None:
    phone.open("/sign-in")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = phone.send(f"/sign-in?next={target}", username="leader3", password=PASSWORD)
        assert response.headers["Location"] == "/needs"
        phone.open("/needs")
        phone.send("/sign-out")
        phone.open("/sign-in")


def test_signing_out_ends_the_session(leader: Phone) -> None:
    leader.open("/needs")
    response = leader.send("/sign-out")
    assert response.headers["Location"] == "/sign-in"
    assert "您已退出。" in text(leader.open("/sign-in"))
    assert leader.open("/needs").status_code == 302


def test_a_new_password_ends_the_sessions_of_the_pages(app: Flask, leader: Phone) -> None:
    with app.app_context():
        services().authenticator.change_password(
            "leader3", password="a new one!", actor="secretary"
        )
    assert leader.open("/needs").headers["Location"].startswith("/sign-in")


def test_the_session_lasts_a_day_in_an_httponly_samesite_cookie(phone: Phone) -> None:
    phone.open("/sign-in")
    response = phone.send("/sign-in", username="leader3", password=PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - datetime.now(UTC) - timedelta(days=1)) < timedelta(minutes=5)


def test_cookies_are_secure_over_https(app: Flask) -> None:
    phone = Phone(app.test_client())
    response = phone.open("/sign-in", base_url="https://needs.example")
    assert "Secure" in response.headers["Set-Cookie"]


def test_cookies_are_secure_in_production(tmp_path: object) -> None:
    from eventsourcing.cryptography import AESCipher

    app = create_app(
        {
            "NEEDS_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "CIPHER_KEY": AESCipher.create_key(32),
            "DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/sign-in")
    assert "Secure" in response.headers["Set-Cookie"]


def test_repeated_wrong_passwords_are_slowed_down_with_a_page(phone: Phone) -> None:
    phone.open("/sign-in")
    statuses = [
        phone.send("/sign-in", username="leader5", password="guess").status_code for _ in range(6)
    ]
    assert statuses == [422] * 5 + [429]
    last = phone.send("/sign-in", username="leader5", password="guess")
    assert "尝试次数太多" in text(last)
    assert last.headers["Content-Type"].startswith("text/html")


def test_forms_over_https_need_the_same_origin_referer_browsers_send(app: Flask) -> None:
    """Referrer-Policy: same-origin lets browsers send it; a form from elsewhere is refused."""
    phone = Phone(app.test_client())
    phone.open("/sign-in", base_url="https://needs.example")
    form = {"username": "leader3", "password": PASSWORD, "csrf_token": phone.token}
    foreign = phone.client.post(
        "/sign-in",
        data=form,
        base_url="https://needs.example",
        headers={"Referer": "https://evil.example/page"},
    )
    assert foreign.status_code == 400
    response = phone.client.post(
        "/sign-in",
        data=form,
        base_url="https://needs.example",
        headers={"Referer": "https://needs.example/sign-in"},
    )
    assert response.status_code == 302


def test_pages_are_kept_in_no_cache(leader: Phone) -> None:
    assert leader.open("/needs").headers["Cache-Control"] == "no-store"


def test_a_form_sent_after_the_account_was_disabled_leads_to_sign_in(
    app: Flask, leader: Phone
) -> None:
    leader.open("/needs/new")
    with app.app_context():
        services().authenticator.disable("leader3", actor="secretary")
    response = leader.send("/needs/new", description="太晚了")
    assert response.headers["Location"] == "/sign-in"


def test_a_session_cookie_copied_before_signing_out_opens_nothing_afterwards(
    app: Flask, leader: Phone
) -> None:
    leader.open("/needs")
    copied = leader.client.get_cookie("session")
    assert copied is not None
    leader.send("/sign-out")
    thief = app.test_client()
    thief.set_cookie("session", copied.value)

    response = thief.get("/needs")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_signing_out_on_one_phone_leaves_the_other_phone_signed_in(app: Flask) -> None:
    first, second = Phone(app.test_client()), Phone(app.test_client())
    first.sign_in("leader3")
    second.sign_in("leader3")
    first.open("/needs")
    first.send("/sign-out")

    assert second.open("/needs").status_code == 200


def test_signing_in_starts_a_new_session_with_a_new_form_token(phone: Phone) -> None:
    phone.open("/sign-in")
    planted = phone.token
    assert phone.send("/sign-in", username="leader3", password=PASSWORD).status_code == 302

    refused = phone.client.post("/sign-out", data={"csrf_token": planted})

    assert refused.status_code == 400
    phone.open("/needs")
    assert phone.token != planted
    assert phone.send("/sign-out").headers["Location"] == "/sign-in"


def test_spaces_around_the_username_buy_no_more_guesses_on_the_pages(phone: Phone) -> None:
    phone.open("/sign-in")
    statuses = [
        phone.send("/sign-in", username=name, password="guess").status_code
        for name in ("leader5", " leader5", "leader5 ", "Leader5", "\u3000leader5")
    ]
    assert statuses == [422] * 5
    late = phone.send("/sign-in", username=" " * 70 + "leader5", password=PASSWORD)
    assert late.status_code == 429


def test_a_next_address_with_a_line_break_is_refused_and_never_followed(phone: Phone) -> None:
    phone.open("/sign-in")
    response = phone.send("/sign-in?next=/%0D%0AX:y", username="leader3", password=PASSWORD)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "X" not in response.headers
    assert "请求有误" in text(response)
