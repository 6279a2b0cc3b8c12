"""Steps of features/secretary/lift_retrofit.feature: building 7's project through the Projects
application, as the secretary and the block leaders run it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from kernel.community import Community
from projects.exceptions import ProjectsError
from web.bootstrap import Services

scenarios("secretary/lift_retrofit.feature")

SECRETARY = "secretary"
APPROVAL_PHASES = ("preliminary", "housing", "planning", "construction")


class Story:
    """Building 7's project as the scenario builds it."""

    def __init__(self) -> None:
        self.project_id: UUID | None = None
        self.homes: list[dict[str, Any]] = []
        self.refused: ProjectsError | None = None
        self.template: tuple[UUID, int] | None = None
        self.other: UUID | None = None

    @property
    def id(self) -> UUID:
        assert self.project_id is not None
        return self.project_id


@pytest.fixture
def story() -> Story:
    return Story()


def view(services: Services, story: Story) -> dict[str, Any]:
    return services.projects.get_project(story.id)


def say_yes(services: Services, story: Story, homes: list[dict[str, Any]]) -> None:
    for home in homes:
        services.projects.record_consent(
            story.id, UUID(home["household_id"]), "yes", actor="leader2", on_paper=True
        )


def complete(services: Services, story: Story, phases: tuple[str, ...]) -> None:
    for step in services.projects.get_steps(story.id):
        if step["phase"] in phases and step["state"] != "completed":
            for _ in range(step["stamps_needed"]):
                services.projects.obtain_stamp(
                    story.id, step["step_id"], on="2015-08-01", actor="leader2"
                )
            services.projects.complete_step(story.id, step["step_id"], actor="leader2")


@given("building 7 in block B2 has started a lift retrofit from the committee's lift template")
def started(services: Services, community: Community, story: Story) -> None:
    story.project_id = services.projects.start_project(
        community=community.id,
        block="B2",
        building="7号楼",
        title="7号楼加装电梯",
        template_id=services.projects.ensure_builtin_templates(),
        actor=SECRETARY,
    )


@given(
    parsers.parse(
        "its {count:d} households live two to a floor on floors 1 to 6, "
        "those on floors 5 and 6 started it"
    )
)
def households(services: Services, story: Story, count: int) -> None:
    for n in range(count):
        floor = 1 + n // 2
        home = {"floor": floor, "label": f"1单元{floor}0{1 + n % 2}", "initiator": floor >= 5}
        services.projects.add_household(story.id, home, actor=SECRETARY)
    story.homes = sorted(view(services, story)["households"], key=lambda h: h["label"])
    assert len(view(services, story)["households"]) == count


@given("every household has said yes and the project has applied")
def applied(services: Services, story: Story) -> None:
    say_yes(services, story, story.homes)
    services.projects.reach_phase(story.id, "applying", actor=SECRETARY)


@given("the project is approved")
def approved(services: Services, story: Story) -> None:
    services.projects.reach_phase(story.id, "approved", actor=SECRETARY)


@when(parsers.parse("{count:d} households say yes"))
def some_say_yes(services: Services, story: Story, count: int) -> None:
    others = [h for h in story.homes if h["label"] != "1单元202"]
    say_yes(services, story, others[:count])


@then(parsers.parse('the project may not apply: "{words}"'))
def may_not_apply(services: Services, story: Story, words: str) -> None:
    with pytest.raises(ProjectsError) as refused:
        services.projects.reach_phase(story.id, "applying", actor=SECRETARY)
    assert words in refused.value.message
    assert view(services, story)["phase"] == "consenting"


@when(parsers.parse("the last household, on floor {floor:d}, says yes"))
def last_says_yes(services: Services, story: Story, floor: int) -> None:
    [last] = [h for h in story.homes if h["label"] == "1单元202"]
    assert last["floor"] == floor
    assert last["answer"] is None
    say_yes(services, story, [last])


@then(
    parsers.parse(
        "the first round counts {yes:d} yes of {total:d} households, and the threshold is met"
    )
)
def first_round(services: Services, story: Story, yes: int, total: int) -> None:
    tally = view(services, story)["consents"][0]
    assert (tally["round"], tally["yes"], tally["households"], tally["met"]) == (
        1,
        yes,
        total,
        True,
    )
    assert tally["threshold"] == "1"


@then("the project applies")
def applies(services: Services, story: Story) -> None:
    services.projects.reach_phase(story.id, "applying", actor=SECRETARY)
    assert view(services, story)["phase"] == "applying"


@when(parsers.parse("the household in {label} withdraws its consent"))
def withdraws(services: Services, story: Story, label: str) -> None:
    [home] = [h for h in story.homes if h["label"] == label]
    services.projects.withdraw_consent(
        story.id, UUID(home["household_id"]), "担心噪音", actor="leader2"
    )


@then("the project is consenting again")
def consenting_again(services: Services, story: Story) -> None:
    project = view(services, story)
    assert project["phase"] == "consenting"
    assert project["consents"][0]["yes"] == 11


@then("its history records the withdrawal and the return to consenting")
def history_says_why(services: Services, story: Story) -> None:
    events = services.projects.get_history(story.id)
    assert [e["type"] for e in events[-2:]] == ["ConsentWithdrawn", "PhaseReturned"]
    assert "a consent was withdrawn" in events[-1]["data"]["reason"]


@when("the secretary moves the project on to building")
def to_building(services: Services, story: Story) -> None:
    try:
        services.projects.reach_phase(story.id, "building", actor=SECRETARY)
    except ProjectsError as error:
        story.refused = error


@then(parsers.parse('it is refused because "{words}"'))
def refused_because(services: Services, story: Story, words: str) -> None:
    assert story.refused is not None
    assert words in story.refused.message
    assert view(services, story)["phase"] == "approved"


@when("every step of 业主前期工作, 房管, 规土 and 建交 has its stamps and is complete")
def approvals_done(services: Services, story: Story) -> None:
    complete(services, story, APPROVAL_PHASES)


@then("the project may move on to building")
def building(services: Services, story: Story) -> None:
    services.projects.reach_phase(story.id, "building", actor=SECRETARY)
    assert view(services, story)["phase"] == "building"


@given(parsers.parse("the project shares {yuan:d} yuan by floor with weights {weights}"))
def share_by_floor(services: Services, story: Story, yuan: int, weights: str) -> None:
    numbers = [int(w) for w in weights.replace(" and ", ", ").split(", ")]
    by_floor = {str(floor): w for floor, w in enumerate(numbers, start=1)}
    services.projects.set_share_rule(
        story.id, "by_floor", yuan * 100, weights=by_floor, actor="treasurer"
    )


@when("every household pays its share")
def everyone_pays(services: Services, story: Story) -> None:
    for household_id, row in view(services, story)["ledger"]["households"].items():
        if row["share"]:
            services.projects.enter(
                story.id,
                "payment",
                row["share"],
                household_id=UUID(household_id),
                on="2015-04-01",
                actor="treasurer",
            )


@when(parsers.parse("the lift company is paid {yuan:d} yuan on receipt {receipt}"))
def lift_company(services: Services, story: Story, yuan: int, receipt: str) -> None:
    services.projects.enter(
        story.id,
        "expense",
        yuan * 100,
        payee="电梯公司",
        receipt=receipt,
        on="2015-12-01",
        actor="treasurer",
    )


@then(
    parsers.parse(
        "the ledger holds {paid:d} yuan paid, {spent:d} yuan spent and a balance of {left:d} yuan"
    )
)
def ledger_balances(services: Services, story: Story, paid: int, spent: int, left: int) -> None:
    ledger = view(services, story)["ledger"]
    assert (ledger["paid"], ledger["spent"], ledger["balance"]) == (
        paid * 100,
        spent * 100,
        left * 100,
    )
    assert ledger["paid"] == ledger["refunded"] + ledger["spent"] + ledger["balance"]
    assert ledger["owed"] == 0


@then("a household on floor 6 paid five times what a household on floor 2 paid")
def upper_floors_pay_more(services: Services, story: Story) -> None:
    project = view(services, story)
    paid = {
        h["floor"]: project["ledger"]["households"][h["household_id"]]["paid"]
        for h in project["households"]
    }
    assert paid[6] == 5 * paid[2]
    assert paid[1] == 0


@given("building 7's project has run its whole course and is in operation")
def whole_course(services: Services, story: Story) -> None:
    applied(services, story)
    complete(services, story, (*APPROVAL_PHASES, "quality", "operation"))
    for phase in ("approved", "building", "accepted", "in_operation"):
        services.projects.reach_phase(story.id, phase, actor=SECRETARY)
    everyone = [h["household_id"] for h in story.homes]
    services.projects.set_rota(
        story.id, [{"task": "电梯保洁", "every": "week", "households": everyone}], actor=SECRETARY
    )


@when("the secretary turns building 7's project into a template")
def into_template(services: Services, story: Story) -> None:
    story.template = services.projects.make_template_from(story.id, actor=SECRETARY)


@then("the lift template has a new version made from building 7, with the stamps each step took")
def new_version(services: Services, story: Story) -> None:
    assert story.template is not None
    template_id, version = story.template
    made = services.projects.get_template(template_id, version)
    assert (version, made["made_from"]) == (2, str(story.id))
    took = {s["step_id"]: s for s in services.projects.get_steps(story.id)}
    assert all(
        s["stamps"] == len(took[s["step_id"]]["stamps"]) or s["stamps"] == 0 for s in made["steps"]
    )
    assert all(s["days"] is not None for s in made["steps"])


@when("building 22 in block B4 starts a project from that version")
def building_22(services: Services, community: Community, story: Story) -> None:
    assert story.template is not None
    template_id, version = story.template
    story.other = services.projects.start_project(
        community=community.id,
        block="B4",
        building=22,
        title="22号楼加装电梯",
        template_id=template_id,
        template_version=version,
        actor=SECRETARY,
    )


@then("building 22's checklist has building 7's steps and keeps that version")
def same_steps(services: Services, story: Story) -> None:
    assert story.other is not None
    assert story.template is not None
    theirs = services.projects.get_project(story.other)
    assert theirs["template"]["version"] == story.template[1]
    ours = [s["step_id"] for s in services.projects.get_steps(story.id)]
    assert [s["step_id"] for s in services.projects.get_steps(story.other)] == ours
    assert all(s["state"] == "pending" for s in services.projects.get_steps(story.other))


@then("the lift template's first version is unchanged")
def first_unchanged(services: Services, story: Story) -> None:
    assert story.template is not None
    first = services.projects.get_template(story.template[0], 1)
    assert first["made_from"] is None
    assert first["version"] == 1
