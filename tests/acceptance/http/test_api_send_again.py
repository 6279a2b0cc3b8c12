"""Steps of 'Send a command again from the phone' (features/block_leader/api_send_again.feature).

The service dies as a killed worker would: right after its save stored the command's events,
before anything answered (SystemExit, which no error handler catches)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import Recording
from flask import Flask
from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.support import QUOTED, USER, Answer, Api, names, succeeded
from web import services

scenarios("block_leader/api_send_again.feature")


def need_for(resident: str) -> dict[str, Any]:
    return {
        "category": "hardship",
        "block": "B3",
        "household": {"building": "15号楼", "unit": "2", "room": "502"},
        "resident_name": resident,
        "contact_phone": "139 1234 5678",
        "description": "老人腿脚不便，需要有人帮忙买菜",
        "urgency": "high",
    }


def dies_after_the_next_save(app: Flask) -> None:
    with app.app_context():
        needs = services().needs

    def die(recordings: list[Recording[UUID]]) -> None:
        needs.after_save.remove(die)
        raise SystemExit("the worker was killed right after the save")

    needs.after_save.insert(0, die)


@when(
    parsers.re(
        USER
        + r" adds the note "
        + QUOTED.format("text")
        + r" with the Idempotency-Key "
        + QUOTED.format("key")
        + r"(?P<dies>, and the service dies right after saving it)?"
    ),
    target_fixture="answer",
)
def adds_note(
    api: Api, app: Flask, need: dict[str, Any], username: str, text: str, key: str, dies: str
) -> Answer:
    path = f"/needs/{need['id']}/notes"
    if not dies:
        return api.post(username, path, {"text": text}, key=key)
    dies_after_the_next_save(app)
    with pytest.raises(SystemExit):
        api.post(username, path, {"text": text}, key=key)
    return Answer(username, "POST", path, 0, None, {})


@then(parsers.re(USER + r" gets no answer"))
def no_answer(answer: Answer, username: str) -> None:
    assert (answer.caller, answer.status) == (username, 0), str(answer)


@then(parsers.re(r"the need's notes are: (?P<texts>.+)"))
def notes_are(api: Api, need: dict[str, Any], texts: str) -> None:
    found = succeeded(api.get(need["logged_by"], f"/needs/{need['id']}"))
    assert [note["text"] for note in found["notes"]] == names(texts)


@given(
    parsers.re(
        USER
        + r" has logged a need for (?P<resident>\S+) with the Idempotency-Key "
        + QUOTED.format("key")
    ),
    target_fixture="need",
)
def has_logged(api: Api, username: str, resident: str, key: str) -> dict[str, Any]:
    return dict(succeeded(api.post(username, "/needs", need_for(resident), key=key), 201))


@given(parsers.re(USER + r" has erased the need's household"))
def has_erased(api: Api, need: dict[str, Any], username: str) -> None:
    succeeded(api.post(username, f"/households/{need['household']['id']}/erasure", {}))


@when(
    parsers.re(
        USER
        + r" logs the need for (?P<resident>\S+)(?: again)? with the Idempotency-Key "
        + QUOTED.format("key")
    ),
    target_fixture="answer",
)
def logs(api: Api, username: str, resident: str, key: str) -> Answer:
    return api.post(username, "/needs", need_for(resident), key=key)
