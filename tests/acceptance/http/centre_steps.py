"""Steps the 'households at the centre' journeys share (imported by their test modules): a
need resolved, the clock moved on by days, and a fresh sign-in after it."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers

from kernel.clock import ManualClock
from tests.acceptance.http.support import USER, Api, succeeded


@given(parsers.re(USER + r" has resolved the need as (?P<outcome>\w+)"))
def has_resolved(api: Api, need: dict[str, Any], username: str, outcome: str) -> None:
    body = {"outcome": outcome, "summary": "邻居帮忙买菜"}
    succeeded(api.post(username, f"/needs/{need['id']}/resolve", body))


@given(parsers.re(r"(?P<days>\d+) days have passed"))
def days_pass(api: Api, clock: ManualClock, days: str) -> None:
    clock.advance(days=int(days))
    for username in list(api.tokens):  # tokens do not last days: everyone signs in again
        api.sign_in(username)


def share_steps(namespace: dict[str, Any]) -> None:
    """Make these steps known to a test module (pytest-bdd keeps each step as a fixture of the
    module that defines it): `share_steps(globals())`."""
    namespace.update({k: v for k, v in globals().items() if k.startswith("pytestbdd_stepdef_")})
