"""The one rule for free text (kernel/checks.py): control characters other than tabs and line
breaks, and lone surrogates, are refused with the field named — by `text()` and by every
context's `ArgumentChecks` — never stored, hashed or shown."""

from __future__ import annotations

import pytest

from kernel.checks import ArgumentChecks, text, unprintable
from kernel.errors import InvalidInputError

REFUSED = ["\x00", "a\x00b", "\x07", "\x1b[31m", "\x1f", "\x7f", "\x85", "\ud800", "a\udfffb"]
KEPT = ["王秀英", "line one\nline two", "line one\r\nline two", "a\tb", "emoji 🙂", "a\u2028b"]


@pytest.mark.parametrize("value", REFUSED)
def test_free_text_with_a_control_character_or_a_lone_surrogate_is_refused_naming_the_field(
    value: str,
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        text(f"独居老人{value}", "description")
    assert raised.value.field == "description"
    assert f"U+{ord(unprintable(value) or ' '):04X}" in raised.value.message
    assert value not in raised.value.message


@pytest.mark.parametrize("value", REFUSED)
def test_the_contexts_argument_checks_refuse_them_too(value: str) -> None:
    check = ArgumentChecks()
    for run in (
        lambda: check.optional_text("contact", value),
        lambda: check.required_text("name", f"x{value}", 200),
        lambda: check.codes("blocks", ["B1", value]),
    ):
        with pytest.raises(InvalidInputError, match="U\\+"):
            run()


@pytest.mark.parametrize("value", KEPT)
def test_text_tabs_and_line_breaks_are_kept(value: str) -> None:
    assert text(value, "description") == value.strip()
    assert ArgumentChecks().optional_text("contact", value) == value.strip()
    assert unprintable(value) is None
