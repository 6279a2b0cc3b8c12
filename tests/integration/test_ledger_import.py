"""The committee's Excel ledgers on both stores: the sample ledgers import, and import again
changing nothing; a dry run changes nothing; bad rows are named and skipped (or stop everything,
all or nothing); a file that is no ledger is refused before anything is written; and the
`ledger import` / `ledger export` commands, the export recorded in who looked."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook

from kernel.community import DEMO_COMMUNITY
from tests.integration.conftest import PASSWORD
from web.bootstrap import Services
from web.operations.ledger_import import ImportSummary, import_ledger
from web.operations.ledger_sheet import LedgerFileError

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
COMMUNITY = DEMO_COMMUNITY.id


def run(running: Services, source: Any, kind: str, **options: Any) -> ImportSummary:
    return import_ledger(
        running, source, kind, community_id=COMMUNITY, actor="secretary", **options
    )


def households(running: Services) -> int:
    return running.duties_view.list_households(COMMUNITY, None, 1, 0)[1]


def events(running: Services) -> int:
    return running.duties.recorder.max_notification_id() or 0


def sheet(*rows: list[Any]) -> io.BytesIO:
    book = Workbook()
    active = book.active
    assert active is not None
    for row in rows:
        active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def import_samples(running: Services) -> list[ImportSummary]:
    return [
        run(running, str(SAMPLES / f"ledger-{kind}.xlsx"), kind)
        for kind in ("households", "members", "visits")
    ]


def test_the_sample_ledgers_import_cleanly_and_again_change_nothing(running: Services) -> None:
    first = import_samples(running)
    assert [s.count("error") for s in first] == [0, 0, 0]
    assert first[0].count("created") == 6
    assert households(running) == 6
    before = events(running)
    again = import_samples(running)
    assert [s.count("unchanged") for s in again] == [6, 5, 4]
    assert events(running) == before


def test_the_ledgers_facts_land_on_the_household_with_the_ledgers_dates(
    running: Services,
) -> None:
    import_samples(running)
    found = running.duties.find_household(COMMUNITY, "B3", 15, "2", "502")
    assert found is not None
    household = running.duties.load_household(found)
    assert (household.head, household.phone, household.people) == ("王秀英", "139 1234 5678", 1)
    assert [(m.member, m.group, m.starts_on) for m in household.memberships] == [
        ("王秀英", "elderly_alone", date(2023, 5, 1))
    ]
    days = [c["on"] for c in household.contacts]
    assert days == [date(2023, 5, 1), date(2023, 6, 3)]
    assert {c["visitor"] for c in household.contacts} == {"王丽"}
    li = running.duties.find_household(COMMUNITY, "B2", 7, "1", "101")
    assert li is not None
    groups = {m.group for m in running.duties.load_household(li).memberships}
    assert groups == {"seriously_ill", "elderly_alone"}


def test_a_dry_run_says_what_each_row_would_do_and_changes_nothing(running: Services) -> None:
    summary = run(running, str(SAMPLES / "ledger-households.xlsx"), "households", dry_run=True)
    assert [o.action for o in summary.outcomes] == ["created"] * 6
    assert summary.outcomes[0].row == 3  # under the title and the header
    assert "dry run" in summary.line()
    assert households(running) == 0
    assert events(running) == 0


BAD = (
    ["楼号", "单元", "室", "户主姓名", "联系电话", "人数"],
    ["１５号楼", "2", "502", "王秀英", "13912345678", 1],
    ["99号楼", "1", "101", "无名", "", 1],
    ["楼上", "1", "101", "无名", "", 1],
    ["16", "1", "101", "张三", "call me", 1],
    ["17", "1", "101", "李四", "", "很多"],
)


def test_bad_rows_are_named_by_row_and_column_and_the_good_ones_still_import(
    running: Services,
) -> None:
    summary = run(running, sheet(*BAD), "households")
    errors = {o.row: o.errors for o in summary.outcomes if o.action == "error"}
    assert sorted(errors) == [3, 4, 5, 6]
    assert errors[3] == [("楼号", "building 99 is in no block of the community")]
    assert errors[4][0][0] == "楼号"
    assert errors[5][0][0] == "联系电话"
    assert errors[6][0][0] == "人数"
    assert households(running) == 1
    assert "1 created" in summary.line()
    assert "4 with errors" in summary.line()


def test_all_or_nothing_imports_nothing_when_a_row_is_wrong(running: Services) -> None:
    summary = run(running, sheet(*BAD), "households", all_or_nothing=True)
    assert summary.count("error") == 4
    assert "nothing was changed" in summary.line()
    assert households(running) == 0


def test_dates_as_text_or_excel_serials_and_full_width_digits_are_read(
    running: Services,
) -> None:
    rows = [["楼号", "单元", "室", "日期", "走访人", "情况"]]
    for when in ("2023.5.1", "2023年5月1日", "２０２３－５－１", 45047, "45047"):
        rows.append(["15号楼", "2", "502", when, "王丽", f"{when}"])
    summary = run(running, sheet(*rows), "visits")
    assert summary.count("error") == 0
    found = running.duties.find_household(COMMUNITY, "B3", 15, "2", "502")
    assert found is not None
    contacts = running.duties.load_household(found).contacts
    assert {c["on"] for c in contacts} == {date(2023, 5, 1)}


def test_merged_cells_are_named_on_each_row_they_cover(running: Services) -> None:
    book = Workbook()
    active = book.active
    assert active is not None
    for row in (["楼号", "单元", "室"], ["15", "2", "502"], [None, "2", "601"], ["16", "1", "101"]):
        active.append(row)
    active.merge_cells("A2:A3")
    out = io.BytesIO()
    book.save(out)
    summary = run(running, io.BytesIO(out.getvalue()), "households")
    errors = {o.row: o.errors[0][1] for o in summary.outcomes if o.action == "error"}
    assert set(errors) == {2, 3}
    assert "A2:A3" in errors[2]
    assert summary.count("created") == 1


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"name,phone\n", "not an Excel workbook"),
        (sheet(["姓名", "电话"], ["王", "1"]).getvalue(), "no header row"),
    ],
)
def test_a_file_that_is_no_ledger_is_refused_before_anything_is_written(
    running: Services, content: bytes, why: str
) -> None:
    with pytest.raises(LedgerFileError, match=why):
        run(running, io.BytesIO(content), "households")
    assert events(running) == 0


def test_the_commands_import_and_export_and_the_export_is_recorded_in_who_looked(
    app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    with app.app_context():
        from web import services

        services().accounts.register_user(
            community=COMMUNITY,
            username="secretary",
            role="secretary",
            password=PASSWORD,
            actor="setup",
        )
    households_file = str(SAMPLES / "ledger-households.xlsx")
    args = ["ledger", "import", households_file, "--kind", "households", "--user", "secretary"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "row 3: created" in dry.output
    done = runner.invoke(args=args)
    assert done.exit_code == 0, done.output
    assert done.output.strip().splitlines()[-1].startswith("households: 6 rows — 6 created")
    target = tmp_path / "out.xlsx"
    exported = runner.invoke(args=["ledger", "export", str(target), "--user", "secretary"])
    assert exported.exit_code == 0, exported.output
    rows = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "块", "楼号", "单元", "室", "户主姓名")
    assert len(rows) == 7
    with app.app_context():
        from web import services

        running = services()
        store = running.access_log.store
        cases = (
            "cardinality(need_ids)"
            if store.dialect == "postgres"
            else "json_array_length(need_ids)"
        )
        with store.read() as sql:
            reads = sql.execute(
                f"SELECT COUNT(*) AS looks, SUM({cases}) AS cases FROM personal_data_looks "  # noqa: S608
                "WHERE via='ledger export'"
            ).fetchone()
    assert (reads["looks"], reads["cases"]) == (1, 6)  # one look naming the six households
    refused = runner.invoke(args=[*args[:-1], "nobody"])
    assert refused.exit_code == 2


def test_the_exported_ledger_imports_back_changing_nothing(running: Services) -> None:
    from web.operations.ledger_export import export_households

    import_samples(running)
    out = io.BytesIO()
    assert export_households(running, COMMUNITY, "secretary", out) == 6
    before = events(running)
    out.seek(0)
    summary = run(running, out, "households")
    assert summary.count("unchanged") == 6
    assert events(running) == before


def test_erasing_an_imported_household_erases_its_head_phone_and_visits(
    running: Services,
) -> None:
    from web.operations.erasure import erase_household

    import_samples(running)
    found = running.duties.find_household(COMMUNITY, "B3", 15, "2", "502")
    assert found is not None
    erase_household(running, found, "secretary")
    household = running.duties.load_household(found)
    assert "王秀英" not in repr((household.head, household.phone, household.contacts))
    assert "王丽" not in repr(household.contacts)
    assert [c["on"] for c in household.contacts] == [date(2023, 5, 1), date(2023, 6, 3)]
    again = run(running, str(SAMPLES / "ledger-visits.xlsx"), "visits")
    assert again.count("error") == 0  # its address finds no household now: a new one


def test_a_batch_that_clashes_with_another_writer_is_done_again_row_by_row(
    running: Services,
) -> None:
    from web.operations.ledger_import import plan_row
    from web.operations.ledger_sheet import read_rows
    from web.operations.ledger_writer import LedgerWriter

    import_samples(running)
    found = running.duties.find_household(COMMUNITY, "B3", 15, "2", "502")
    assert found is not None
    rows = [["楼号", "单元", "室", "日期", "走访人", "情况"]]
    rows += [
        ["15号楼", "2", "502", "2024.1.1", "王丽", "新年慰问"],
        ["16", "1", "101", "2024.1.2", "王丽", "初访"],
    ]
    sheet_, cells = read_rows(sheet(*rows), "visits")
    community = running.needs.community(COMMUNITY)
    today = date(2026, 11, 30)
    writer = LedgerWriter(running, COMMUNITY, "secretary", write=True)
    outcomes = []
    for number, row in cells:
        outcomes += writer.apply("visits", plan_row(community, sheet_, number, row, today))
    assert outcomes == []  # held in the batch
    running.duties.note_details(found, "王秀英", "13900000000", 1, actor="leader3")  # meanwhile
    outcomes = writer.flush() + writer.flush()
    assert sorted((o.row, o.action) for o in outcomes) == [(2, "added"), (3, "created")]
    household = running.duties.load_household(found)
    assert household.phone == "13900000000"
    assert date(2024, 1, 1) in [c["on"] for c in household.contacts]


def test_a_ledger_longer_than_the_limit_is_refused_before_anything_is_written(
    running: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.operations import ledger_sheet

    monkeypatch.setattr(ledger_sheet, "MAX_ROWS", 3)  # 100,000 in service; a small file here
    rows = [["楼号", "单元", "室"]] + [["15", "2", str(500 + i)] for i in range(5)]
    with pytest.raises(LedgerFileError, match="more than 3 rows"):
        run(running, sheet(*rows), "households")
    assert events(running) == 0
