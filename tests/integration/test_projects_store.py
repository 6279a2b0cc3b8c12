"""Projects on SQLite and PostgreSQL: a project replays in a new process as it was saved and
its chain verifies; commands sent again after a crash do nothing twice; erasing a household
removes its answers' personal data and keeps the tally."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from kernel.community import DEMO_COMMUNITY
from store.commands import CommandKey
from store.errors import HouseholdErasedError
from tests.integration.at_rest import postgres_contents
from web.bootstrap import build_services
from web.operations.erasure import erase_household

NAMES = ["张阿姨", "李伯伯", "王老师"]


def start(services) -> tuple[UUID, list[UUID]]:
    projects = services.projects
    homes = [{"floor": 2 + i, "label": f"1单元{2 + i}01", "name": n} for i, n in enumerate(NAMES)]
    project_id = projects.start_project(
        community=DEMO_COMMUNITY.id,
        block="B2",
        building=7,
        title="7号楼加装电梯",
        template_id=projects.ensure_builtin_templates(),
        actor="secretary",
        households=homes,
    )
    ids = [UUID(h["household_id"]) for h in projects.get_project(project_id)["households"]]
    for household_id, name in zip(ids, reversed(NAMES), strict=True):
        projects.record_consent(
            project_id, household_id, "yes", actor="b2", signatory=name, on_paper=True
        )
    return project_id, ids


def test_init_db_made_the_lift_template_once(services) -> None:
    [template] = services.projects.list_templates()
    assert template["kind"] == "lift_retrofit"
    assert template["steps_total"] >= 60
    assert services.projects.ensure_builtin_templates() == UUID(template["id"])
    assert len(services.projects.list_templates()) == 1


def test_a_project_replays_in_another_process_and_its_chain_verifies(services, settings, clock):
    project_id, ids = start(services)
    services.projects.reach_phase(project_id, "applying", actor="secretary")
    services.projects.enter(
        project_id, "payment", 12_345, household_id=ids[0], on="2015-05-02", actor="treasurer"
    )
    saved = services.projects.get_project(project_id)
    other = build_services(settings, clock=clock)
    try:
        assert other.projects.get_project(project_id) == saved
        assert other.projects.verify(project_id)["intact"] is True
        history = other.projects.get_history(project_id)
        assert [e["type"] for e in history][-2:] == ["PhaseReached", "LedgerEntered"]
        assert other.projects.list_projects(blocks={"B2"})[0]["id"] == str(project_id)
        assert other.projects.list_projects(blocks={"B3"}) == []
        assert [h["name"] for h in saved["households"]] == list(reversed(NAMES))
    finally:
        other.close()


def test_commands_sent_again_after_a_crash_do_nothing_twice(services, settings, clock):
    project_id, ids = start(services)
    step = services.projects.get_steps(project_id)[0]["step_id"]
    stamp_key, entry_key, meeting_key = (CommandKey(uuid4()) for _ in range(3))
    stamp_id = services.projects.obtain_stamp(
        project_id, step, on="2015-04-01", actor="l", key=stamp_key
    )
    services.projects.enter(
        project_id, "payment", 500, household_id=ids[1], on="2015-04-01", actor="t", key=entry_key
    )
    services.projects.hold_meeting(
        project_id, kind="joint", held_on="2015-04-02", actor="s", key=meeting_key
    )
    # The process died before it answered: a new one gets the same commands again.
    other = build_services(settings, clock=clock)
    try:
        again = other.projects.obtain_stamp(
            project_id, step, on="2015-04-01", actor="l", key=CommandKey(stamp_key.id)
        )
        other.projects.enter(
            project_id,
            "payment",
            500,
            household_id=ids[1],
            on="2015-04-01",
            actor="t",
            key=CommandKey(entry_key.id),
        )
        other.projects.hold_meeting(
            project_id,
            kind="joint",
            held_on="2015-04-02",
            actor="s",
            key=CommandKey(meeting_key.id),
        )
        project = other.projects.get_project(project_id)
    finally:
        other.close()
    assert again == stamp_id
    assert project["progress"]["stamps"] == 1
    assert project["ledger"]["paid"] == 500
    assert project["meetings"]["count"] == 1


def test_two_processes_recording_consents_at_once_lose_none(services, settings, clock):
    project_id, ids = start(services)
    services.projects.open_round(project_id, actor="secretary")
    other = build_services(settings, clock=clock)
    try:
        # Each loaded the project at the same version; the second save clashes and retries.
        mine, theirs = services.projects.load(project_id), other.projects.load(project_id)
        assert mine.version == theirs.version
        services.projects.record_consent(project_id, ids[0], "yes", actor="b2")
        other.projects.record_consent(project_id, ids[1], "no", actor="b2")
        tally = other.projects.get_project(project_id)["consents"][-1]
    finally:
        other.close()
    assert (tally["round"], tally["yes"], tally["no"], tally["pending"]) == (2, 1, 1, 1)


def test_erasing_a_household_removes_its_personal_data_and_keeps_the_tally(services) -> None:
    project_id, ids = start(services)
    services.projects.appoint(project_id, "leader", "王老师", household_id=ids[0], actor="s")
    before = services.projects.get_project(project_id)
    erase_household(services, ids[0], "secretary")
    after = services.projects.get_project(project_id)
    erased = next(h for h in after["households"] if h["household_id"] == str(ids[0]))
    assert (erased["label"], erased["name"], erased["answer"]) == (None, None, "yes")
    assert after["team"][0]["name"] is None
    assert after["team"][0]["role"] == "leader"
    assert after["consents"] == before["consents"]
    assert services.projects.verify(project_id)["intact"] is True
    history = str(services.projects.get_history(project_id))
    # The top floor's household: its name, its signature and its leader's name were 王老师.
    assert "王老师" not in history
    assert "张阿姨" in history  # another household's data stays
    with pytest.raises(HouseholdErasedError):
        services.projects.record_consent(project_id, ids[0], "no", actor="b2", signatory="张")


def test_no_store_holds_the_households_names_or_signatures_in_the_clear(
    services, database_url, tmp_path
) -> None:
    start(services)
    if database_url.startswith("sqlite"):
        stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    else:
        stored = postgres_contents(database_url)[1]
    assert [n for n in NAMES if n.encode() in stored] == []
    assert "1单元201".encode() not in stored
