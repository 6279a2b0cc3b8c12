"""The ledgers' benchmark (bench/ledgers.py) runs end to end on tiny sizes, so it cannot rot;
no timing is asserted."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_benchmarks_smoke import run_bench


def test_the_ledger_benchmark_gives_its_figures_on_sqlite(tmp_path: Path) -> None:
    printed, written = run_bench(
        tmp_path, "--stores", "sqlite", "--only", "ledgers", "--no-profile"
    )
    for figure in (
        "import 30 households and 60 members (ledger import, in process)",
        "the monthly report over a year of the demo community",
    ):
        assert figure in printed
        assert figure in written
