"""What happens when another process saves the case while a command is running."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

import pytest

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from kernel.errors import ConcurrentUpdateError, VersionConflictError
from needs.application import Needs
from needs.values import PartnerTerms
from web.operations.erasure import build_key_store
from web.stores import event_store_env, view_store

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class MeddlingClock(ManualClock):
    """Tells the time, and the first few times lets someone else save the case in between."""

    def __init__(self, start, meddle: Callable[[], None], times: int = 1) -> None:
        super().__init__(start)
        self.meddle, self.times = meddle, times

    def now(self):
        if self.times > 0:
            self.times -= 1
            self.meddle()
        return super().now()


@pytest.fixture
def setup(services, settings, clock):
    """A logged need, a referral to the hospital, and a second process on the same store."""
    need_id = services.casework.log_need(
        community=DEMO_COMMUNITY.id,
        category="hardship",
        block="B3",
        building=15,
        description="水管爆裂",
        urgency="normal",
        actor="leader3",
    )
    hospital = PartnerTerms(uuid4(), "利群医院", True, frozenset({"hardship"}), frozenset({"*"}))
    referral_id = services.needs.refer(need_id, hospital, actor="leader3")
    other = Needs(
        event_store_env(settings, "needs", create_tables=False), clock=clock, keys=services.keys
    )
    yield need_id, referral_id, other
    other.close()


def racing(settings, clock, meddle, times=1) -> Needs:
    return Needs(
        event_store_env(settings, "needs", create_tables=False),
        clock=MeddlingClock(clock.now(), meddle, times),
        keys=build_key_store(settings, view_store(settings)),
    )


def test_a_note_that_clashes_is_retried_and_both_land(setup, settings, clock):
    need_id, _, other = setup
    app = racing(settings, clock, lambda: other.add_note(need_id, "他人的备注", actor="leader5"))
    try:
        app.add_note(need_id, "我的备注", actor="leader3")
        texts = [n["text"] for n in app.get_need(need_id)["notes"]]
        assert sorted(texts) == sorted(["他人的备注", "我的备注"])
    finally:
        app.close()


def test_a_pinned_version_overtaken_mid_command_is_refused_as_stale(setup, settings, clock):
    need_id, _, other = setup
    app = racing(settings, clock, lambda: other.add_note(need_id, "插入", actor="leader5"))
    try:
        with pytest.raises(VersionConflictError, match="version 3, not 2"):
            app.change_urgency(need_id, "high", actor="leader3", expected_version=2)
        assert app.get_need(need_id)["urgency"] == "normal"
    finally:
        app.close()


def test_a_whole_case_command_that_clashes_is_reported_and_saves_nothing(setup, settings, clock):
    need_id, _, other = setup
    app = racing(settings, clock, lambda: other.add_note(need_id, "插入", actor="leader5"))
    try:
        with pytest.raises(ConcurrentUpdateError, match="nothing was saved"):
            app.assign(need_id, "leader3", actor="secretary")
        assert app.get_need(need_id)["assignee"] is None
    finally:
        app.close()


def test_a_partners_answer_that_clashes_with_a_note_is_retried(setup, settings, clock):
    need_id, referral_id, other = setup
    app = racing(settings, clock, lambda: other.add_note(need_id, "插入", actor="leader5"))
    try:
        app.accept_referral(need_id, referral_id, actor="hospital", expected_referral_version=1)
        assert app.get_need(need_id)["referrals"][0]["status"] == "accepted"
    finally:
        app.close()


def test_a_partners_answer_that_clashes_with_another_answer_is_refused(setup, settings, clock):
    need_id, referral_id, other = setup
    app = racing(
        settings,
        clock,
        lambda: other.decline_referral(need_id, referral_id, "no_capacity", actor="x"),
    )
    try:
        with pytest.raises(VersionConflictError):
            app.accept_referral(need_id, referral_id, actor="hospital", expected_referral_version=1)
        assert app.get_need(need_id)["referrals"][0]["status"] == "declined"
    finally:
        app.close()
