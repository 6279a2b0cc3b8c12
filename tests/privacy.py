"""Whether a text that a whole group reads names a resident: their values are looked for outside
the ids the text carries (a case's or a referral's id holds digits, and may hold a room number's
by chance)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def named_in(text: str, values: Iterable[str]) -> list[str]:
    """The values the text names, its ids left out."""
    plain = _IDS.sub("<id>", text)
    return [value for value in values if value in plain]
