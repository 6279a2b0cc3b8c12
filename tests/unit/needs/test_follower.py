"""The follower applies every event once, in order, in batches, and leaves the process's
garbage collector as it found it, whatever the view does."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest

from needs.application import Needs
from store.follower import Follower
from store.tracking import PositionMovedError


class ListView:
    """A view in memory that records what it was given; it can be told to fail once."""

    def __init__(self) -> None:
        self.applied: list[tuple[int, str]] = []
        self.fail_once: Exception | None = None
        self.collecting: list[bool] = []

    def position(self, application_name: str) -> int:
        return self.applied[-1][0] if self.applied else 0

    def process(self, application_name: str, start: int, events: list[tuple[int, Any]]) -> None:
        self.collecting.append(gc.isenabled())
        if self.fail_once is not None:
            error, self.fail_once = self.fail_once, None
            raise error
        assert start == self.position(application_name)
        self.applied.extend((n, type(e).__name__) for n, e in events)

    def reset(self, application_name: str) -> None:
        self.applied.clear()


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_every_event_is_applied_once_in_order_across_batches(
    log: Callable[..., UUID], needs: Needs, collector: None
) -> None:
    for _ in range(3):
        log()
    view = ListView()
    follower = Follower(needs, view, batch_size=2)
    assert follower.catch_up() == 3
    assert [n for n, _ in view.applied] == [1, 2, 3]
    assert view.collecting == [False, False]  # no collection in the middle of a batch
    assert gc.isenabled()
    view.fail_once = PositionMovedError(needs.name)
    assert follower.rebuild() == 3
    assert [n for n, _ in view.applied] == [1, 2, 3]


def test_the_collector_is_back_on_when_a_view_fails(
    log: Callable[..., UUID], needs: Needs, collector: None
) -> None:
    log()
    view = ListView()
    view.fail_once = RuntimeError("the view's store went away")
    with pytest.raises(RuntimeError):
        Follower(needs, view).catch_up()
    assert gc.isenabled()
    assert Follower(needs, view).catch_up() == 1
