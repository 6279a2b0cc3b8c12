"""The project's money to the fen: shares that add up, a ledger that never goes negative,
never takes a float, and always balances."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from projects.application import Projects
from projects.exceptions import InvalidProjectInputError, LedgerError

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture
def project() -> tuple[Projects, UUID, list[UUID]]:
    projects = Projects(clock=ManualClock(NOW))
    homes = [{"floor": f, "label": f"1单元{f}0{r}"} for f in range(1, 7) for r in (1, 2)]
    project_id = projects.start_project(
        community=DEMO_COMMUNITY.id,
        block="B2",
        building=7,
        title="7号楼加装电梯",
        template_id=projects.ensure_builtin_templates(),
        actor="s",
        households=homes,
    )
    ids = [UUID(h["household_id"]) for h in projects.get_project(project_id)["households"]]
    return projects, project_id, ids


def test_equal_shares_add_up_to_the_fen(project) -> None:
    projects, project_id, _ = project
    projects.set_share_rule(project_id, "equal", 100_000_01, actor="s")
    ledger = projects.get_project(project_id)["ledger"]
    shares = [r["share"] for r in ledger["households"].values()]
    assert sum(shares) == 100_000_01 == ledger["share_total"]
    assert max(shares) - min(shares) <= 1


def test_shares_by_floor_make_the_upper_floors_pay_more(project) -> None:
    projects, project_id, _ids = project
    weights = {"1": 0, "2": 2, "3": 4, "4": 6, "5": 8, "6": 10}
    projects.set_share_rule(project_id, "by_floor", 60_000_000, weights=weights, actor="s")
    project_view = projects.get_project(project_id)
    by_floor = {
        h["floor"]: project_view["ledger"]["households"][h["household_id"]]["share"]
        for h in project_view["households"]
    }
    assert by_floor[1] == 0
    assert by_floor[6] == 10_000_000
    assert by_floor[2] == 2_000_000
    assert project_view["ledger"]["share_total"] == 60_000_000
    with pytest.raises(InvalidProjectInputError):
        projects.set_share_rule(project_id, "by_floor", 100, weights={}, actor="s")


def test_the_ledger_balances_and_never_goes_negative(project) -> None:
    projects, project_id, ids = project
    projects.set_share_rule(project_id, "equal", 1_200_000, actor="s")
    projects.enter(project_id, "pledge", 100_000, household_id=ids[0], on="2015-05-01", actor="t")
    projects.enter(project_id, "payment", 100_000, household_id=ids[0], on="2015-05-02", actor="t")
    projects.enter(project_id, "payment", 50_000, household_id=ids[1], on="2015-05-02", actor="t")
    with pytest.raises(LedgerError):
        projects.enter(
            project_id,
            "expense",
            150_001,
            payee="电梯公司",
            receipt="F-1",
            on="2015-06-01",
            actor="t",
        )
    with pytest.raises(InvalidProjectInputError):
        projects.enter(
            project_id, "expense", 1000, payee="电梯公司", receipt="", on="2015-06-01", actor="t"
        )
    projects.enter(
        project_id, "expense", 120_000, payee="电梯公司", receipt="F-1", on="2015-06-01", actor="t"
    )
    with pytest.raises(LedgerError):
        projects.enter(
            project_id, "refund", 50_001, household_id=ids[1], on="2015-06-02", actor="t"
        )
    projects.enter(project_id, "refund", 20_000, household_id=ids[1], on="2015-06-02", actor="t")
    ledger = projects.get_project(project_id)["ledger"]
    assert (ledger["paid"], ledger["refunded"], ledger["spent"], ledger["balance"]) == (
        150_000,
        20_000,
        120_000,
        10_000,
    )
    assert ledger["paid"] == ledger["refunded"] + ledger["spent"] + ledger["balance"]
    row = ledger["households"][str(ids[0])]
    assert (row["pledged"], row["paid"], row["owed"]) == (100_000, 100_000, 0)
    assert ledger["households"][str(ids[1])]["owed"] == 100_000 - 30_000


@pytest.mark.parametrize("amount", [0, -5, 10.5, True, "100"])
def test_amounts_are_whole_positive_fen(project, amount) -> None:
    projects, project_id, ids = project
    with pytest.raises(InvalidProjectInputError):
        projects.enter(
            project_id, "payment", amount, household_id=ids[0], on="2015-05-02", actor="t"
        )
    with pytest.raises(InvalidProjectInputError):
        projects.enter(project_id, "payment", 5, on="2015-05-02", actor="t")
