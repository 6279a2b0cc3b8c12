"""The check the notice tests make that a group's text names nobody: a room number in the text
is found; the same digits inside a case's id are not a name."""

from __future__ import annotations

from tests.privacy import named_in


def test_a_value_in_the_words_is_named_and_the_same_digits_in_an_id_are_not() -> None:
    link = "[详情](https://needs.example/inbox/a44c112e-bf06-42b3-9176-4e05027b5c1a)"
    assert named_in(f"B3 救急 {link}", ("502", "王秀英")) == []
    assert named_in(f"B3 救急 502室 {link}", ("502", "王秀英")) == ["502"]
    assert named_in("王秀英 A44C112E-BF06-42B3-9176-4E05027B5C1A", ("502", "王秀英")) == ["王秀英"]
