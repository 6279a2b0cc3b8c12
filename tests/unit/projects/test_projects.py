"""The Project and ProjectTemplate aggregates in memory: the built-in lift template, consents
against the community's threshold, withdrawals that send a project back, the gates of its
phases, its steps and stamps, and retries that do nothing twice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from uuid import UUID, uuid4

import pytest

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from projects.application import Projects
from projects.exceptions import (
    ApprovalsIncompleteError,
    ConsentBelowThresholdError,
    HouseholdsClosedError,
    InvalidProjectInputError,
    PhaseOrderError,
    ProjectConflictError,
    ProjectNotFinishedError,
    ProjectNotFoundError,
    StepStateError,
    TemplateNotFoundError,
    WrongRoundError,
)
from projects.rules import ProjectRules
from projects.template import builtin_lift
from store.commands import CommandKey

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
COMMUNITY = DEMO_COMMUNITY.id
SECRETARY = "secretary"


@pytest.fixture
def projects() -> Projects:
    return Projects(clock=ManualClock(NOW))


def building_seven(
    projects: Projects, households: int = 12, **kw: object
) -> tuple[UUID, list[UUID]]:
    template = projects.ensure_builtin_templates()
    homes = [
        {"floor": 1 + i // 2, "label": f"1单元{1 + i // 2}0{1 + i % 2}", "name": f"住户{i}"}
        for i in range(households)
    ]
    project_id = projects.start_project(
        community=COMMUNITY,
        block="B2",
        building=7,
        title="7号楼加装电梯",
        template_id=template,
        actor=SECRETARY,
        households=homes,
        **kw,  # type: ignore[arg-type]
    )
    ids = [UUID(h["household_id"]) for h in projects.get_project(project_id)["households"]]
    return project_id, ids


def all_consent(projects: Projects, project_id: UUID, ids: list[UUID]) -> None:
    for household_id in ids:
        projects.record_consent(project_id, household_id, "yes", actor="leader", signatory="签名")


def complete_phase(projects: Projects, project_id: UUID, phase: str) -> None:
    for step in projects.get_steps(project_id):
        if step["phase"] == phase and step["state"] != "completed":
            for n in range(step["stamps_needed"]):
                projects.obtain_stamp(
                    project_id, step["step_id"], on="2026-11-20", actor="l", reference=f"#{n}"
                )
            projects.complete_step(project_id, step["step_id"], actor="l")


def test_the_builtin_lift_template_has_the_flow_chart_in_phases() -> None:
    data = builtin_lift()
    assert [p["title"] for p in data["phases"]] == [
        "业主前期工作",
        "房管",
        "规土",
        "建交",
        "质监",
        "运行",
    ]
    assert len(data["steps"]) >= 60
    assert {"房管", "规土", "建交委", "质监站"} <= {s["department"] for s in data["steps"]}


def test_templates_are_made_once_and_revised_in_versions(projects: Projects) -> None:
    template_id = projects.ensure_builtin_templates()
    assert projects.ensure_builtin_templates() == template_id
    assert projects.get_template(template_id)["version"] == 1
    steps = projects.get_template(template_id)["steps"][:3]
    assert projects.revise_template(template_id, steps=steps, actor=SECRETARY, note="short") == 2
    assert projects.get_template(template_id)["steps_total"] == 3
    assert projects.get_template(template_id, 1)["steps_total"] >= 60
    with pytest.raises(TemplateNotFoundError):
        projects.get_template(template_id, 3)


def test_a_template_refuses_a_step_of_no_phase(projects: Projects) -> None:
    with pytest.raises(InvalidProjectInputError):
        projects.make_template(
            kind="garden",
            name="花园",
            actor=SECRETARY,
            phases=[{"code": "a", "title": "A", "before": "building"}],
            steps=[{"step_id": "x", "phase": "b", "department": "d", "title": "t"}],
        )


def test_a_project_keeps_the_template_version_it_started_from(projects: Projects) -> None:
    project_id, _ = building_seven(projects)
    template_id = projects.ensure_builtin_templates()
    projects.revise_template(template_id, steps=[], actor=SECRETARY)
    project = projects.get_project(project_id)
    assert project["template"]["version"] == 1
    assert project["progress"]["steps_total"] >= 60


def test_the_threshold_is_the_communitys_rule_100_percent_by_default() -> None:
    assert ProjectRules.from_text("").threshold(COMMUNITY) == 1
    rules = ProjectRules.from_text(f"{COMMUNITY}=2/3")
    assert rules.threshold(COMMUNITY) == Fraction(2, 3)
    assert rules.threshold("elsewhere") == 1
    with pytest.raises(InvalidProjectInputError):
        ProjectRules.from_text("3/2")


def test_no_applying_below_the_threshold(projects: Projects) -> None:
    project_id, ids = building_seven(projects)
    all_consent(projects, project_id, ids[:11])
    projects.record_consent(project_id, ids[11], "abstain", actor="leader")
    tally = projects.get_project(project_id)["consents"][0]
    assert tally | {} == tally
    assert (tally["yes"], tally["abstain"], tally["met"]) == (11, 1, False)
    with pytest.raises(ConsentBelowThresholdError):
        projects.reach_phase(project_id, "applying", actor=SECRETARY)
    projects.record_consent(project_id, ids[11], "yes", actor="leader")
    projects.reach_phase(project_id, "applying", actor=SECRETARY)
    assert projects.get_project(project_id)["phase"] == "applying"


def test_a_lower_community_rule_lets_two_thirds_apply() -> None:
    projects = Projects(clock=ManualClock(NOW), rules=ProjectRules.from_text(f"{COMMUNITY}=2/3"))
    project_id, ids = building_seven(projects, households=6)
    all_consent(projects, project_id, ids[:4])
    assert projects.get_project(project_id)["consents"][0]["met"] is True
    projects.reach_phase(project_id, "applying", actor=SECRETARY)


def test_a_withdrawal_below_the_threshold_before_approval_sends_it_back(projects: Projects) -> None:
    project_id, ids = building_seven(projects)
    all_consent(projects, project_id, ids)
    projects.reach_phase(project_id, "applying", actor=SECRETARY)
    projects.withdraw_consent(project_id, ids[3], "担心噪音", actor="leader")
    project = projects.get_project(project_id)
    assert project["phase"] == "consenting"
    assert project["phases"][-1]["reason"].startswith("a consent was withdrawn")
    kinds = [e["type"] for e in projects.get_history(project_id)]
    assert kinds[-2:] == ["ConsentWithdrawn", "PhaseReturned"]


def test_a_withdrawal_after_approval_is_recorded_but_the_phase_stays(projects: Projects) -> None:
    project_id, ids = building_seven(projects)
    all_consent(projects, project_id, ids)
    complete_phase(projects, project_id, "preliminary")
    projects.reach_phase(project_id, "applying", actor=SECRETARY)
    projects.reach_phase(project_id, "approved", actor=SECRETARY)
    projects.withdraw_consent(project_id, ids[0], actor="leader")
    assert projects.get_project(project_id)["phase"] == "approved"


def test_phases_come_in_order_and_building_waits_for_every_approval_step(
    projects: Projects,
) -> None:
    project_id, ids = building_seven(projects)
    all_consent(projects, project_id, ids)
    with pytest.raises(PhaseOrderError):
        projects.reach_phase(project_id, "approved", actor=SECRETARY)
    projects.reach_phase(project_id, "applying", actor=SECRETARY)
    projects.reach_phase(project_id, "approved", actor=SECRETARY)
    with pytest.raises(ApprovalsIncompleteError):
        projects.reach_phase(project_id, "building", actor=SECRETARY)
    for phase in ("preliminary", "housing", "planning", "construction"):
        complete_phase(projects, project_id, phase)
    projects.reach_phase(project_id, "building", actor=SECRETARY)
    with pytest.raises(ApprovalsIncompleteError):
        projects.reach_phase(project_id, "accepted", actor=SECRETARY)
    complete_phase(projects, project_id, "quality")
    projects.reach_phase(project_id, "accepted", actor=SECRETARY)
    complete_phase(projects, project_id, "operation")
    projects.reach_phase(project_id, "in_operation", actor=SECRETARY)
    projects.reach_phase(project_id, "closed", actor=SECRETARY)
    assert projects.get_project(project_id)["phase"] == "closed"


def test_households_join_and_rounds_open_only_while_consenting(projects: Projects) -> None:
    project_id, ids = building_seven(projects)
    assert projects.open_round(project_id, actor=SECRETARY) == 2
    with pytest.raises(WrongRoundError):
        projects.record_consent(project_id, ids[0], "yes", round=1, actor="leader")
    all_consent(projects, project_id, ids)
    projects.reach_phase(project_id, "applying", actor=SECRETARY)
    with pytest.raises(HouseholdsClosedError):
        projects.add_household(project_id, {"floor": 7, "label": "1单元701"}, actor=SECRETARY)
    with pytest.raises(InvalidProjectInputError):
        projects.record_consent(project_id, ids[0], "maybe", actor="leader")


def test_a_step_completes_with_its_stamps_and_not_twice(projects: Projects) -> None:
    project_id, _ = building_seven(projects)
    step = next(s for s in projects.get_steps(project_id) if s["stamps_needed"] == 2)
    sid = step["step_id"]
    projects.obtain_stamp(project_id, sid, on="2015-06-01", actor="l", reference="沪房(2015)1")
    with pytest.raises(StepStateError):
        projects.complete_step(project_id, sid, actor="l")
    projects.block_step(project_id, sid, "等待规划意见", actor="l")
    assert (
        projects.get_steps(project_id)[
            [s["step_id"] for s in projects.get_steps(project_id)].index(sid)
        ]["state"]
        == "blocked"
    )
    projects.obtain_stamp(project_id, sid, on="2015-06-09", actor="l")
    projects.complete_step(project_id, sid, actor="l", on="2015-06-10")
    with pytest.raises(StepStateError):
        projects.obtain_stamp(project_id, sid, on="2015-06-11", actor="l")
    done = next(s for s in projects.get_steps(project_id) if s["step_id"] == sid)
    assert (done["state"], done["started_on"], len(done["stamps"])) == (
        "completed",
        date(2015, 6, 1),
        2,
    )


def test_a_command_sent_again_with_its_key_runs_once(projects: Projects) -> None:
    key = CommandKey(uuid4())
    project_id, _ids = building_seven(projects)
    step = projects.get_steps(project_id)[0]["step_id"]
    first = projects.obtain_stamp(project_id, step, on="2015-06-01", actor="l", key=key)
    again = projects.obtain_stamp(
        project_id, step, on="2015-06-01", actor="l", key=CommandKey(key.id)
    )
    assert first == again
    assert projects.get_project(project_id)["progress"]["stamps"] == 1
    start = CommandKey(uuid4())
    one = projects.start_project(
        community=COMMUNITY,
        block="B4",
        building=22,
        title="22号楼",
        template_id=projects.ensure_builtin_templates(),
        actor="s",
        key=start,
    )
    assert (
        projects.start_project(
            community=COMMUNITY,
            block="B4",
            building=22,
            title="22号楼",
            template_id=projects.ensure_builtin_templates(),
            actor="s",
            key=CommandKey(start.id),
        )
        == one
    )


def test_the_team_the_meetings_and_the_rota(projects: Projects) -> None:
    project_id, ids = building_seven(projects)
    leader = projects.appoint(project_id, "leader", "王阿姨", household_id=ids[2], actor=SECRETARY)
    projects.appoint(project_id, "technical_adviser", "物业工程师", actor=SECRETARY)
    projects.stand_down(project_id, leader, actor=SECRETARY)
    projects.hold_meeting(
        project_id,
        kind="joint",
        held_on="2015-03-02",
        actor=SECRETARY,
        households_present=ids[:9],
        minutes="讨论加装电梯",
    )
    projects.set_rota(
        project_id,
        [{"task": "保洁", "every": "week", "households": [str(i) for i in ids]}],
        actor=SECRETARY,
    )
    project = projects.get_project(project_id)
    assert [m["active"] for m in project["team"]] == [False, True]
    assert project["meetings"]["count"] == 1
    assert len(project["rota"][0]["households"]) == 12
    with pytest.raises(InvalidProjectInputError):
        projects.appoint(project_id, "mayor", "x", actor=SECRETARY)


def test_a_finished_project_becomes_a_new_template_version(projects: Projects) -> None:
    project_id, ids = building_seven(projects)
    with pytest.raises(ProjectNotFinishedError):
        projects.make_template_from(project_id, actor=SECRETARY)
    all_consent(projects, project_id, ids)
    for phase in ("preliminary", "housing", "planning", "construction", "quality", "operation"):
        complete_phase(projects, project_id, phase)
    for phase in ("applying", "approved", "building", "accepted", "in_operation"):
        projects.reach_phase(project_id, phase, actor=SECRETARY)
    template_id, number = projects.make_template_from(project_id, actor=SECRETARY)
    made = projects.get_template(template_id, number)
    assert made["made_from"] == str(project_id)
    assert number == 2
    assert {s["days"] for s in made["steps"]} == {0, 10}  # stamped on the 20th, done the 30th


def test_the_chain_of_a_project_verifies(projects: Projects) -> None:
    project_id, ids = building_seven(projects)
    all_consent(projects, project_id, ids)
    check = projects.verify(project_id)
    assert check["intact"]
    assert check["versions"] == 1 + 12 + 12


def test_a_closed_project_takes_no_more_work(projects: Projects) -> None:
    project_id, ids = building_seven(projects)
    all_consent(projects, project_id, ids)
    for phase in ("preliminary", "housing", "planning", "construction", "quality", "operation"):
        complete_phase(projects, project_id, phase)
    for phase in ("applying", "approved", "building", "accepted", "in_operation", "closed"):
        projects.reach_phase(project_id, phase, actor=SECRETARY)
    with pytest.raises(ProjectConflictError):
        projects.hold_meeting(project_id, kind="joint", held_on="2016-07-01", actor=SECRETARY)
    with pytest.raises(ProjectConflictError):
        projects.enter(project_id, "pledge", 100, household_id=ids[0], on="2016-07-01", actor="t")
    with pytest.raises(PhaseOrderError):
        projects.reach_phase(project_id, "consenting", actor=SECRETARY)


def test_a_household_is_added_once_and_answers_only_for_itself(projects: Projects) -> None:
    project_id, ids = building_seven(projects, households=2)
    home = projects.get_project(project_id)["households"][0]
    again = {"floor": home["floor"], "label": home["label"]}
    assert projects.add_household(project_id, again, actor=SECRETARY) == UUID(home["household_id"])
    assert len(projects.get_project(project_id)["households"]) == 2
    with pytest.raises(ProjectNotFoundError):
        projects.record_consent(project_id, uuid4(), "yes", actor="leader")
    with pytest.raises(ProjectConflictError):
        projects.withdraw_consent(project_id, ids[0], actor="leader")
    with pytest.raises(ProjectNotFoundError):
        projects.stand_down(project_id, uuid4(), actor=SECRETARY)
