"""The one retry loop both applications use: a commuting command is run again on a fresh copy
until it saves; any other clash is reported, and nothing half-done is saved."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import IntegrityError

from kernel.retrying import ATTEMPTS, retry_on_clash


class ClashError(Exception):
    pass


class OvertakenError(Exception):
    pass


class Store:
    """Loads a fresh copy each time; the first `clashes` saves collide with another writer."""

    def __init__(self, clashes: int) -> None:
        self.clashes = clashes
        self.loaded: list[list[str]] = []
        self.saved: list[list[str]] = []

    def load(self) -> list[str]:
        self.loaded.append([])
        return self.loaded[-1]

    def save(self, copy: list[str]) -> None:
        if self.clashes:
            self.clashes -= 1
            raise IntegrityError("another writer saved first")
        self.saved.append(copy)


def add_note(copy: list[str]) -> int:
    copy.append("note")
    return len(copy)


def test_a_commuting_command_is_run_again_on_a_fresh_copy_until_it_saves():
    store = Store(clashes=3)
    result = retry_on_clash(store.load, add_note, store.save, commutes=True, clash=ClashError)
    assert result == 1
    assert len(store.loaded) == 4
    assert store.saved == [["note"]]


def test_a_command_that_does_not_commute_reports_the_clash_and_saves_nothing():
    store = Store(clashes=1)
    with pytest.raises(ClashError):
        retry_on_clash(store.load, add_note, store.save, commutes=False, clash=ClashError)
    assert (len(store.loaded), store.saved) == (1, [])


def test_a_pinned_version_that_was_overtaken_is_reported_as_such():
    store = Store(clashes=1)
    with pytest.raises(OvertakenError):
        retry_on_clash(
            store.load,
            add_note,
            store.save,
            commutes=True,
            clash=ClashError,
            overtaken=OvertakenError,
        )
    assert store.saved == []


def test_a_commuting_command_gives_up_after_its_attempts_once_its_patience_has_run_out():
    store = Store(clashes=ATTEMPTS)
    with pytest.raises(ClashError):
        retry_on_clash(
            store.load, add_note, store.save, commutes=True, clash=ClashError, patience=0
        )
    assert (len(store.loaded), store.saved) == (ATTEMPTS, [])


def test_a_commuting_command_keeps_trying_past_its_attempts_while_others_keep_landing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("kernel.retrying.time.sleep", lambda seconds: None)
    store = Store(clashes=3 * ATTEMPTS)
    result = retry_on_clash(
        store.load, add_note, store.save, commutes=True, clash=ClashError, patience=60
    )
    assert result == 1
    assert (len(store.loaded), store.saved) == (3 * ATTEMPTS + 1, [["note"]])
