"""What a notice that is not a partner's referral says (a need assigned, an escalation, the daily
digest): kept once per notice when its messages are first owed to channels, so each attempt —
in whichever worker, after whatever restart — sends the same words. The words name a block, a
category and counts, and link to the page; never a resident (a whole group reads them)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import UUID

from store.sqlstore import SqlStore

_TABLES = """
CREATE TABLE IF NOT EXISTS notice_texts (
    delivery_id TEXT PRIMARY KEY, community TEXT NOT NULL, title TEXT NOT NULL,
    lines TEXT NOT NULL, link TEXT NOT NULL)
"""


@dataclass(frozen=True)
class NoticeText:
    """The words of one notice, and the community whose channels it goes to."""

    community: str
    title: str
    lines: tuple[str, ...]
    link: str


class NoticeTexts:
    """The words of the notices owed to channels, by the notice's delivery id."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLES)

    def keep(self, delivery_id: UUID, text: NoticeText) -> None:
        """Keep the notice's words (again: the first words stay)."""
        with self.store.write() as sql:
            sql.execute(
                "INSERT INTO notice_texts (delivery_id, community, title, lines, link) VALUES "
                "(%(id)s, %(community)s, %(title)s, %(lines)s, %(link)s) "
                "ON CONFLICT (delivery_id) DO NOTHING",
                {
                    "id": str(delivery_id),
                    "community": text.community,
                    "title": text.title,
                    "lines": json.dumps(list(text.lines), ensure_ascii=False),
                    "link": text.link,
                },
            )

    def get(self, delivery_id: UUID) -> NoticeText | None:
        """The notice's words, or None for a partner's referral notice (worded when sent)."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT * FROM notice_texts WHERE delivery_id=%(id)s", {"id": str(delivery_id)}
            ).fetchone()
        if row is None:
            return None
        return NoticeText(
            row["community"], row["title"], tuple(json.loads(row["lines"])), row["link"]
        )
