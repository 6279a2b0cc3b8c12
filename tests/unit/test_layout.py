"""The shape the import contracts cannot state: every delivery goes through the one access
policy, and web/ keeps its top level to the composition root and what the deliveries share."""

from __future__ import annotations

from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def test_the_api_the_pages_and_the_tasks_all_decide_access_by_the_one_policy() -> None:
    graph = grimp.build_graph("web")
    users = graph.find_modules_that_directly_import("web.access")
    for delivery in ("web.api", "web.pages", "web.tasks"):
        assert any(m == delivery or m.startswith(delivery + ".") for m in users), delivery


def test_no_other_module_of_the_web_layer_defines_who_may_see_what() -> None:
    defined = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "web").rglob("*.py")
        if any(
            line.startswith(("LEADERS =", "READERS =", "CLERKS =", "def may_see_block"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    # The policy is the package web/access/ (its roles and blocks in web/access/scope.py).
    assert defined == ["web/access/scope.py"]


def test_the_web_layer_keeps_a_small_top_level() -> None:
    modules = sorted(p.name for p in (ROOT / "web").glob("*.py"))
    assert len(modules) <= 10, modules
