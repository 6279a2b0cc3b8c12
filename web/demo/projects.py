"""The demo's resident-led projects: building 7's lift retrofit of 2015–2016, finished (twelve
households, 100 % consent in the first round, its team, 40-plus meetings, 90-plus stamps, the
ledger and the aftercare rota), the template made from it, and building 22's project in
progress from that template. Each project's events carry their own time: the seed runs the
projects' clock through its timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from kernel.clock import ManualClock
from kernel.community import Community
from web.bootstrap import Services

SECRETARY = "secretary"
TREASURER_22 = "treasurer22"  # building 22's treasurer signs in (a project_member account)
# 2015-01-05 09:00 in Shanghai: the two residents of the fifth and sixth floors ask.
BUILDING_7_START = datetime(2015, 1, 5, 1, 0, tzinfo=UTC)
FLOOR_WEIGHTS = {"1": 0, "2": 2, "3": 4, "4": 6, "5": 8, "6": 10}
TOTAL_FEN = 60_000_000  # 600,000 yuan, paid by the households themselves
MEETINGS = 42
EXPENSES = (
    ("电梯公司", "FP-2015-118", 50_000_000),
    ("设计院", "FP-2015-031", 3_000_000),
    ("施工单位", "FP-2016-007", 6_500_000),
)
NAMES = ("陈", "李", "王", "张", "刘", "杨", "赵", "黄", "周", "吴", "徐", "孙")


def seed_projects(services: Services, community: Community, echo: Callable[[str], None]) -> None:
    """Building 7's project, its template and building 22's, unless building 7's is there."""
    projects = services.projects
    existing = projects.list_projects(community=community.id, blocks={"B2"})
    if any(p["building"] == 7 for p in existing):
        echo("projects: already there, none added")
        return
    everyday = projects.clock
    clock = ManualClock(BUILDING_7_START)
    projects.clock = clock
    try:
        seven = building_7(services, community, clock)
        template_id, version = projects.make_template_from(
            seven, actor=SECRETARY, note="7号楼的实际流程：盖章数与每步天数"
        )
        clock.set(everyday.now() - timedelta(weeks=6))
        twenty_two = building_22(services, community, clock, template_id, version)
    finally:
        projects.clock = everyday
    done = projects.get_project(seven)["progress"]
    echo(
        f"projects: building 7 in operation ({done['stamps']} stamps over "
        f"{done['steps_total']} steps), template version {version}, building 22 "
        f"{projects.get_project(twenty_two)['phase']}"
    )


def _households(floors: int = 6) -> list[dict[str, object]]:
    return [
        {
            "floor": floor,
            "label": f"1单元{floor}0{room}",
            "name": f"{NAMES[2 * (floor - 1) + room - 1]}家",
            "initiator": floor in (5, 6) and room == 1,
        }
        for floor in range(1, floors + 1)
        for room in (1, 2)
    ]


def building_7(services: Services, community: Community, clock: ManualClock) -> UUID:
    projects = services.projects
    template = projects.ensure_builtin_templates()
    project_id = projects.start_project(
        community=community.id,
        block="B2",
        building=7,
        title="7号楼加装电梯（全市首例）",
        template_id=template,
        actor=SECRETARY,
        households=_households(),
    )
    homes = _by_floor(services, project_id)
    clock.advance(days=7)
    for index, household_id in enumerate(homes):
        clock.advance(hours=20)
        projects.record_consent(
            project_id,
            household_id,
            "yes",
            actor="leader2",
            collected_by="楼组长",
            on_paper=True,
            signatory=f"户主{index + 1}",
        )
    second_floor = homes[2]
    for role, name, household in (
        ("leader", "二楼王阿姨", second_floor),
        ("treasurer", "三楼李会计", homes[4]),
        ("technical_adviser", "物业周工程师", None),
        ("field_officer", "五楼陈先生", homes[8]),
        ("field_officer", "六楼张先生", homes[10]),
    ):
        projects.appoint(project_id, role, name, household_id=household, actor=SECRETARY)
    _meetings(services, project_id, clock, homes)
    projects.set_share_rule(
        project_id, "by_floor", TOTAL_FEN, weights=FLOOR_WEIGHTS, actor="treasurer"
    )
    shares = projects.get_project(project_id)["ledger"]["households"]
    for household_id in homes:
        share = shares[str(household_id)]["share"]
        if share:
            projects.enter(
                project_id,
                "pledge",
                share,
                household_id=household_id,
                on=clock.now().date().isoformat(),
                actor="treasurer",
            )
            projects.enter(
                project_id,
                "payment",
                share,
                household_id=household_id,
                on=clock.now().date().isoformat(),
                actor="treasurer",
            )
    projects.reach_phase(project_id, "applying", actor=SECRETARY)
    _steps(services, project_id, clock, ("preliminary", "housing", "planning", "construction"))
    projects.reach_phase(project_id, "approved", actor=SECRETARY)
    projects.reach_phase(project_id, "building", actor=SECRETARY)
    for payee, receipt, fen in EXPENSES:
        clock.advance(days=20)
        projects.enter(
            project_id,
            "expense",
            fen,
            payee=payee,
            receipt=receipt,
            on=clock.now().date().isoformat(),
            actor="treasurer",
        )
    _steps(services, project_id, clock, ("quality",))
    projects.reach_phase(project_id, "accepted", actor=SECRETARY)
    _steps(services, project_id, clock, ("operation",))
    projects.reach_phase(project_id, "in_operation", actor=SECRETARY)
    everyone = [str(h) for h in homes]
    projects.set_rota(
        project_id,
        [
            {"task": "电梯保洁", "every": "week", "households": everyone},
            {"task": "流动红旗", "every": "month", "households": everyone},
        ],
        actor=SECRETARY,
    )
    return project_id


def building_22(
    services: Services, community: Community, clock: ManualClock, template_id: UUID, version: int
) -> UUID:
    projects = services.projects
    project_id = projects.start_project(
        community=community.id,
        block="B4",
        building=22,
        title="22号楼加装电梯",
        template_id=template_id,
        template_version=version,
        actor=SECRETARY,
        households=_households(),
    )
    homes = _by_floor(services, project_id)
    for household_id in homes:
        clock.advance(hours=30)
        projects.record_consent(
            project_id, household_id, "yes", actor="leader4", collected_by="楼组长", on_paper=True
        )
    projects.appoint(project_id, "leader", "六楼刘先生", household_id=homes[10], actor=SECRETARY)
    projects.appoint(
        project_id,
        "treasurer",
        "四楼周会计",
        household_id=homes[6],
        account=TREASURER_22,
        actor=SECRETARY,
    )
    projects.hold_meeting(
        project_id,
        kind="joint",
        held_on=clock.now().date().isoformat(),
        households_present=homes,
        actor=SECRETARY,
        minutes="学习7号楼经验",
    )
    projects.reach_phase(project_id, "applying", actor=SECRETARY)
    _steps(services, project_id, clock, ("preliminary",))
    return project_id


def _by_floor(services: Services, project_id: UUID) -> list[UUID]:
    rows = services.projects.get_project(project_id)["households"]
    return [UUID(h["household_id"]) for h in sorted(rows, key=lambda h: (h["floor"], h["label"]))]


def _meetings(services: Services, project_id: UUID, clock: ManualClock, homes: list[UUID]) -> None:
    kinds = ("joint", "residents", "project_team", "owners_committee")
    for n in range(MEETINGS):
        clock.advance(days=2)
        services.projects.hold_meeting(
            project_id,
            kind=kinds[n % len(kinds)],
            held_on=clock.now().date().isoformat(),
            households_present=homes[: 6 + n % 7],
            attendees="居委会、业委会、楼组长、物业、居民代表",
            minutes=f"第{n + 1}次会议",
            decisions="按计划推进",
            actor=SECRETARY,
        )


def _steps(
    services: Services, project_id: UUID, clock: ManualClock, phases: tuple[str, ...]
) -> None:
    projects = services.projects
    for step in projects.get_steps(project_id):
        if step["phase"] not in phases:
            continue
        # Every third step took one stamp more than the chart asked (90-plus in all).
        extra = 1 if step["stamps_needed"] and int(step["step_id"][-2:]) % 3 == 0 else 0
        for n in range(step["stamps_needed"] + extra):
            clock.advance(days=1)
            projects.obtain_stamp(
                project_id,
                step["step_id"],
                on=clock.now().date().isoformat(),
                reference=f"{step['department']}〔{clock.now().year}〕{n + 1}号",
                actor="leader2",
            )
        clock.advance(days=2)
        projects.complete_step(project_id, step["step_id"], actor="leader2")
