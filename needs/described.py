"""Recently read cases as plain data, each kept with the version it describes. A list whose
read-model rows name the same versions answers from here: no trip to the event store and no
copy of the aggregate. Kept only in this process's memory, as the repository's cache is —
never in a read model, which must hold no personal data."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from needs.application import Needs

T = TypeVar("T")


class DescribedNeeds:
    """The plain-data state of recently read cases, by id, each at its version."""

    def __init__(self, needs: Needs, maxsize: int = 1000) -> None:
        self.needs = needs
        self.maxsize = maxsize
        # By the case's id as text, as read-model rows name it: a list looks 50 up at a time.
        self._kept: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # What was made from each kept state, by the case and then by (version, name).
        self._derived: dict[str, dict[tuple[int, str], Any]] = {}
        self._lock = threading.Lock()

    def get_need(
        self, need_id: UUID, *, version: int | None = None, as_saved: bool = False
    ) -> dict[str, Any]:
        """The case as it is now (kept for later lists), or as it was after event `version`;
        `as_saved` as Needs.get_need has it."""
        need = self.needs.get_need(need_id, version=version, as_saved=as_saved)
        if version is None:
            self._keep(need)
        return dict(need)

    def list_needs(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Each listed case as plain data, at least as new as its read-model row (which
        names the case's `need_id` and `version`), in the rows' order."""
        return [dict(need) for need, _ in self._listed(rows, None)]

    def list_written(
        self, rows: Iterable[Mapping[str, Any]], name: str, write: Callable[[Mapping[str, Any]], T]
    ) -> list[tuple[Mapping[str, Any], T]]:
        """Each listed case (rows as `list_needs`; not to be changed) with `write(case)`, made
        once while the case's state is kept (as `derived`): no copies of the cases."""
        listed = []
        for need, written in self._listed(rows, name):
            if written is None:
                written = self.derived(need, name, functools.partial(write, need))
            listed.append((need, written))
        return listed

    def derived(self, need: Mapping[str, Any], name: str, make: Callable[[], T]) -> T:
        """`make()` for this state of the case, made once while the state is kept (a delivery
        layer keeps its rendering of the case here); don't change what it returns."""
        need_id, key = str(need["id"]), (need["version"], name)
        with self._lock:
            made = self._derived.get(need_id, {})
            if key in made:
                return cast(T, made[key])
        value = make()
        with self._lock:
            kept = self._kept.get(need_id)
            if kept is not None and kept["version"] == need["version"]:
                self._derived.setdefault(need_id, {})[key] = value
        return value

    def forget(self, need_id: UUID) -> None:
        """Drop what is kept of a case (its personal data was erased)."""
        with self._lock:
            self._kept.pop(str(need_id), None)
            self._derived.pop(str(need_id), None)

    def clear(self) -> None:
        """Drop everything kept."""
        with self._lock:
            self._kept.clear()
            self._derived.clear()

    def _keep(self, need: dict[str, Any]) -> None:
        need_id = str(need["id"])
        with self._lock:
            kept = self._kept.get(need_id)
            # Never replace a newer state with an older one read a moment before it.
            if kept is not None and kept["version"] > need["version"]:
                return
            if kept is not None and kept["version"] != need["version"]:
                self._derived.pop(need_id, None)
            self._kept[need_id] = need
            self._kept.move_to_end(need_id)
            while len(self._kept) > self.maxsize:
                self._derived.pop(self._kept.popitem(last=False)[0], None)

    def _listed(
        self, rows: Iterable[Mapping[str, Any]], name: str | None
    ) -> list[tuple[Mapping[str, Any], Any]]:
        """The rows' cases, kept or read again, each with what was made by `name` from it (if
        kept): one pass under the lock."""
        wanted = [(str(row["need_id"]), int(row["version"])) for row in rows]
        found: dict[str, tuple[Mapping[str, Any], Any]] = {}
        with self._lock:
            for need_id, version in wanted:
                kept = self._kept.get(need_id)
                if kept is not None and kept["version"] == version:
                    self._kept.move_to_end(need_id)
                    made = self._derived.get(need_id, {}).get((version, name)) if name else None
                    found[need_id] = (kept, made)
        return [found.get(need_id) or (self.get_need(UUID(need_id)), None) for need_id, _ in wanted]
