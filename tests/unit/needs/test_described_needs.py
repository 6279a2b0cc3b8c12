"""Lists answered from the cases kept as plain data: never older than the read model's row."""

from __future__ import annotations

from needs.described import DescribedNeeds


def row(need: dict) -> dict:
    return {"need_id": str(need["id"]), "version": need["version"]}


def test_a_listed_case_shows_a_change_made_after_it_was_kept(needs, log):
    described = DescribedNeeds(needs)
    need_id = log()
    described.get_need(need_id)
    needs.assign(need_id, "leader3", actor="secretary")
    [listed] = described.list_needs([row(needs.get_need(need_id))])
    assert (listed["assignee"], listed["status"]) == ("leader3", "in_progress")


def test_a_row_behind_the_store_lists_the_case_as_it_is_now(needs, log):
    described = DescribedNeeds(needs)
    need_id = log()
    first = needs.get_need(need_id)
    needs.add_note(need_id, "电话联系未接", actor="leader3")
    [listed] = described.list_needs([row(first)])
    assert listed["version"] == first["version"] + 1


def test_changing_a_listed_case_leaves_the_next_list_untouched(needs, log):
    described = DescribedNeeds(needs)
    need_id = log()
    kept = described.get_need(need_id)
    kept["status"] = "tampered"
    kept["overdue"] = True
    [listed] = described.list_needs([row(kept)])
    assert listed["status"] == "open"
    assert "overdue" not in listed


def test_lists_keep_the_rows_order_and_a_forgotten_case_is_read_again(needs, log):
    described = DescribedNeeds(needs, maxsize=2)
    ids = [log() for _ in range(3)]
    rows = [row(described.get_need(need_id)) for need_id in reversed(ids)]
    assert [n["id"] for n in described.list_needs(rows)] == list(reversed(ids))
    described.forget(ids[0])
    assert [n["id"] for n in described.list_needs(rows[:1])] == [ids[-1]]


def test_what_is_made_from_a_kept_case_is_made_again_once_the_case_changes(needs, log):
    described = DescribedNeeds(needs)
    need_id = log()
    made = []

    def render(need: dict) -> int:
        made.append(need["version"])
        return need["version"]

    first = described.get_need(need_id)
    assert [described.derived(first, "page", lambda: render(first)) for _ in range(2)] == [1, 1]
    needs.add_note(need_id, "电话联系未接", actor="leader3")
    second = described.get_need(need_id)
    assert described.derived(second, "page", lambda: render(second)) == 2
    assert made == [1, 2]
