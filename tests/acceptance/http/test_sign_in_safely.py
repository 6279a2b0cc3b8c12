"""Steps of 'Signing in safely' (features/block_leader/sign_in_safely.feature): the API's sign-in
and the pages' sessions, through the app's test client."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.support import API, QUOTED, USER
from tests.integration.conftest import PASSWORD
from tests.integration.pages.conftest import Phone, text
from web.pages.cli import compile_catalogues

scenarios("block_leader/sign_in_safely.feature")


@pytest.fixture(scope="module", autouse=True)
def catalogues() -> None:
    """The pages speak Chinese from the compiled catalogues."""
    compile_catalogues()


@pytest.fixture
def seen() -> dict[str, Any]:
    """What the scenario kept: answers, cookies, tokens, phones."""
    return {}


def _phone(app: Flask, seen: dict[str, Any]) -> Phone:
    if "phone" not in seen:
        seen["phone"] = Phone(app.test_client())
    return seen["phone"]  # type: ignore[no-any-return]


# --- the API ---------------------------------------------------------------------------------


@when(
    parsers.re(
        r"someone sends (?P<count>\d+) wrong passwords for " + QUOTED.format("name") + " to the API"
    )
)
def wrong_passwords(client: FlaskClient, seen: dict[str, Any], count: str, name: str) -> None:
    body = {"username": name, "password": "not the password"}
    seen["statuses"] = [
        client.post(f"{API}/auth/tokens", json=body).status_code for _ in range(int(count))
    ]


@then(parsers.re(r"the last of them is refused with (?P<status>\d+)"))
def last_refused(seen: dict[str, Any], status: str) -> None:
    assert seen["statuses"][-1] == int(status), seen["statuses"]


@when(parsers.re(r"someone sends the right password for " + QUOTED.format("name") + " to the API"))
def right_password(client: FlaskClient, seen: dict[str, Any], name: str) -> None:
    response = client.post(f"{API}/auth/tokens", json={"username": name, "password": PASSWORD})
    seen["status"] = response.status_code


@then(parsers.re(r"it is refused with (?P<status>\d+)"))
def refused_with(seen: dict[str, Any], status: str) -> None:
    assert seen["status"] == int(status)


# --- the pages -------------------------------------------------------------------------------


@given(parsers.re(USER + r" has signed in on the pages"))
def signed_in_on_pages(app: Flask, seen: dict[str, Any], username: str) -> None:
    phone = _phone(app, seen)
    assert phone.sign_in(username, PASSWORD).status_code == 302
    phone.open("/needs" if username != "secretary" else "/people")


@given("someone has copied the phone's session cookie")
def copied_cookie(app: Flask, seen: dict[str, Any]) -> None:
    cookie = _phone(app, seen).client.get_cookie("session")
    assert cookie is not None
    seen["cookie"] = cookie.value


@when(parsers.re(USER + r" signs out"))
def signs_out(app: Flask, seen: dict[str, Any], username: str) -> None:
    phone = _phone(app, seen)
    phone.open("/needs")
    assert phone.send("/sign-out").headers["Location"] == "/sign-in"


@then(
    parsers.re(
        r"the copied cookie does not open "
        + QUOTED.format("path")
        + ": it leads to the sign-in page"
    )
)
def copied_cookie_refused(app: Flask, seen: dict[str, Any], path: str) -> None:
    thief = app.test_client()
    thief.set_cookie("session", seen["cookie"])
    response = thief.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@given("someone has opened the sign-in page on a phone and kept its form token")
def kept_token(app: Flask, seen: dict[str, Any]) -> None:
    phone = _phone(app, seen)
    phone.open("/sign-in")
    seen["token"] = phone.token


@when(parsers.re(USER + r" signs in on that phone"))
def signs_in_on_that_phone(app: Flask, seen: dict[str, Any], username: str) -> None:
    phone = _phone(app, seen)
    answer = phone.send("/sign-in", username=username, password=PASSWORD)
    assert answer.status_code == 302


@then(parsers.re(r"a form sent with the kept token is refused with (?P<status>\d+)"))
def kept_token_refused(app: Flask, seen: dict[str, Any], status: str) -> None:
    phone = _phone(app, seen)
    response = phone.client.post("/sign-out", data={"csrf_token": seen["token"]})
    assert response.status_code == int(status)


@when(parsers.re(r"the secretary sets (?P<name>\w+)'s password to " + QUOTED.format("password")))
def sets_password(app: Flask, seen: dict[str, Any], name: str, password: str) -> None:
    phone = _phone(app, seen)
    phone.open("/people")
    prefix = f"password-{name}"
    seen["answer"] = phone.send(f"/people/{name}/password", prefix, password=password)


@then(parsers.re(r"the page refuses it, saying " + QUOTED.format("words")))
def page_refuses(seen: dict[str, Any], words: str) -> None:
    answer = seen["answer"]
    assert answer.status_code == 422
    assert words in text(answer)
