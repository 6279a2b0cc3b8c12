"""`audit verify` checks every read model against the log it follows: none is ahead of the log,
none skipped an event up to its position; it reports every broken case and every finding, then
one line that sums them up, and fails on any."""

from __future__ import annotations

from uuid import UUID

from kernel.community import DEMO_COMMUNITY
from needs.values import PartnerTerms
from tests.integration.test_erased_or_tampered import tamper

COMMUNITY = DEMO_COMMUNITY.id
HOSPITAL = PartnerTerms(UUID(int=7), "利群医院", True, frozenset({"hardship"}), frozenset({"*"}))


def log_case(running, block: str = "B3", building: int = 15, actor: str = "leader3") -> UUID:
    """A need, a note and a referral: rows in the case list, the inbox and the outbox."""
    need_id = running.casework.log_need(
        community=COMMUNITY,
        category="hardship",
        block=block,
        building=building,
        unit="1",
        room="101",
        description="水管爆裂",
        urgency="normal",
        actor=actor,
    )
    running.needs.add_note(need_id, "已联系物业", actor=actor)
    running.needs.refer(need_id, HOSPITAL, actor=actor)
    running.outbox_follower.catch_up()
    return need_id


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def move_position(running, table: str, application: str, by: int) -> None:
    """Someone (or a bug) moves a read model's position without its rows."""
    with running.view.store.write() as sql:
        sql.execute(
            f"UPDATE {table} SET notification_id = notification_id + %(by)s "  # noqa: S608
            "WHERE application_name=%(app)s",
            {"by": by, "app": application},
        )


def test_read_models_in_step_with_the_log_verify_and_the_summary_says_so(app, running):
    log_case(running)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith(
        "intact: 1 cases, 3 events, 0 seals verified, 4 read models in step with the log"
    )


def test_a_read_model_ahead_of_the_log_is_reported_and_fails_the_verification(app, running):
    log_case(running)
    move_position(running, "view_tracking", running.needs.name, 3)
    newest = running.needs.recorder.max_notification_id()
    result = verify(app)
    assert result.exit_code == 1
    assert (
        f"BROKEN read model read_models: at event {newest + 3}, ahead of the log "
        f"(its newest event is {newest})" in result.stdout
    )


def test_a_case_list_that_skipped_an_event_is_reported_with_the_case(app, running):
    need_id = log_case(running)
    running.needs.after_save.remove(running.follower.follow)  # the view misses the next event
    running.needs.add_note(need_id, "物业明天上门", actor="leader3")
    move_position(running, "view_tracking", running.needs.name, 1)  # …and moves past it
    result = verify(app)
    assert result.exit_code == 1
    assert (
        f"BROKEN read model read_models: needs_view: 1 row behind the log at its position "
        f"(need {need_id} at version 3, the log has 4)" in result.stdout
    )


def test_an_outbox_that_skipped_a_referral_is_reported(app, running):
    log_case(running)
    need_id = running.casework.log_need(
        community=COMMUNITY,
        category="hardship",
        block="B3",
        building=16,
        description="楼道漏水",
        urgency="normal",
        actor="leader3",
    )
    running.needs.refer(need_id, HOSPITAL, actor="leader3")
    newest = running.needs.recorder.max_notification_id()
    with running.view.store.write() as sql:  # the outbox stepped over the second case
        sql.execute(
            "UPDATE outbox_tracking SET notification_id = %(n)s WHERE application_name=%(a)s",
            {"n": newest, "a": running.needs.name},
        )
    result = verify(app)
    assert result.exit_code == 1
    assert (
        "BROKEN read model outbox: deliveries (event='referral.sent'): 1 row for 2 events "
        "up to its position: it skipped events" in result.stdout
    )


def test_a_duties_read_model_that_lost_a_household_is_reported(app, running):
    log_case(running)
    with running.view.store.write() as sql:
        sql.execute("DELETE FROM duty_households")
    result = verify(app)
    assert result.exit_code == 1
    assert "BROKEN read model duties: duty_households: 1 row missing" in result.stdout


def test_every_broken_case_and_every_finding_is_reported_then_a_one_line_summary(app, running):
    first, second = log_case(running), log_case(running, "B5", 25, "leader5")
    tamper(running, first, 2, b"leader3", b"leader9")
    tamper(running, second, 2, b"leader5", b"leader7")
    move_position(running, "view_tracking", running.duties.name, 2)
    result = verify(app)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"BROKEN need {first} version 2: altered: its hash does not match" in lines
    assert f"BROKEN need {second} version 2: altered: its hash does not match" in lines
    assert any(line.startswith("BROKEN read model duties: at event") for line in lines)
    assert lines[-1].startswith(
        "BROKEN: 3 findings (2 of 2 cases, 0 in the seals, 1 in the read models); "
        "2 cases, 2 events, 0 seals, 4 read models checked"
    )
    assert "…" not in result.stdout  # progress goes to stderr
