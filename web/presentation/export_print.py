"""A case's exported record as people read it: in the reader's language, on the printable page
and as a PDF (fpdf2, with a CJK font found on the machine so Chinese is text, not boxes)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from flask import Response, abort, g
from flask_babel import gettext as _

from kernel.clock import SHANGHAI
from web.bootstrap import services
from web.operations.export import export_case
from web.presentation.timeline import timeline
from web.presentation.words import address

# Debian's fonts-noto-cjk first (scripts/ensure-chromium installs it), then other CJK fonts.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_TIME = "%Y-%m-%d %H:%M:%S"
# fontTools logs every glyph it keeps at INFO each time a PDF's font is subset.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


class PdfFontMissingError(RuntimeError):
    """No font that can write Chinese is installed, so no PDF can be made."""


def shown(value: Any) -> str:
    """A field's value as a reader sees it in a list of changes."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, bool):
        return cast(str, _("Yes") if value else _("No"))
    return str(value)


def stamp(moment: datetime | None) -> str:
    """A moment to the second, Shanghai time: a record is read later, by other people."""
    return moment.astimezone(SHANGHAI).strftime(_TIME) if moment else "—"


def printable(document: dict[str, Any], category_name: str) -> dict[str, Any]:
    """The export document with the words a reader needs: what each event was, what it
    changed, and the verification in a sentence."""
    need = document["need"]
    rows = timeline(need, document["events"])
    events = [
        {
            **event,
            **row,
            "changes": [
                {**c, "before": shown(c["before"]), "after": shown(c["after"])}
                for c in event["changes"]
                if shown(c["before"]) != shown(c["after"])
            ],
        }
        for event, row in zip(document["events"], rows, strict=True)
    ]
    return {
        **document,
        "events": events,
        "category_name": category_name,
        "address": address(need["household"]),
        "verdict": verdict(document["verification"]),
        "sealed_text": _sealed(document["verification"]["sealed"]),
        "exported_text": _(
            "Exported %(time)s by %(name)s",
            time=stamp(document["exported_at"]),
            name=document["exported_by"],
        ),
    }


def verdict(check: dict[str, Any]) -> str:
    """'Intact', or where the chain first breaks and why."""
    if check["intact"]:
        return cast(
            str, _("Intact: all %(count)d events check out", count=check["checked_versions"])
        )
    problem = check["problems"][0]
    return cast(
        str,
        _(
            "Broken at event %(version)s: %(problem)s",
            version=check["first_broken_version"] or "—",
            problem=problem["problem"],
        ),
    )


def _sealed(sealed: dict[str, Any] | None) -> str:
    if sealed is None:
        return cast(str, _("Not sealed yet"))
    return cast(
        str,
        _(
            "Sealed by seal %(number)d at %(time)s (up to event %(version)d)",
            number=sealed["seal_no"],
            time=stamp(sealed["sealed_at"]),
            version=sealed["version"],
        ),
    )


@functools.cache
def cjk_font(configured: str | None = None) -> tuple[str, int]:
    """(path, face number) of a font that writes Chinese: PDF_FONT, else the first installed
    candidate; in a font collection, its Simplified Chinese face."""
    paths = [configured] if configured else list(FONT_CANDIDATES)
    for path in paths:
        if path and Path(path).is_file():
            return path, _chinese_face(path)
    raise PdfFontMissingError(
        "no CJK font for the PDF: install Debian's fonts-noto-cjk or set PDF_FONT"
    )


def _chinese_face(path: str) -> int:
    if not path.lower().endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    try:
        names = [str(face["name"].getDebugName(1) or "") for face in collection.fonts]
    finally:
        collection.close()
    simplified = [i for i, name in enumerate(names) if name.endswith((" SC", " CN"))]
    return simplified[0] if simplified else 0


def render_pdf(record: dict[str, Any], font: tuple[str, int]) -> bytes:
    """The record as an A4 PDF: the case, its verification, then each event kept whole on a
    page where it fits."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_("Case record") + f" {record['need']['id']}")
    pdf.add_font("cjk", "", font[0], collection_font_number=font[1])
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    _line(pdf, _("Case record"), 9)
    pdf.set_font("cjk", size=10)
    for text in _heading(record):
        _line(pdf, text)
    for event in record["events"]:
        with pdf.unbreakable() as block:
            block.ln(3)
            block.set_font("cjk", size=12)
            _line(block, f"{event['version']}. {event['what']}  ({event['type']})", 7)
            block.set_font("cjk", size=9)
            for text in _event_lines(event):
                _line(block, text)
    return bytes(pdf.output())


def _heading(record: dict[str, Any]) -> Iterator[str]:
    need = record["need"]
    yield f"{record['category_name']} · {record['address']} · {need['block']}"
    yield f"ID {need['id']}"
    yield f"{_('Chain verification')}: {record['verdict']}"
    yield record["sealed_text"]
    yield f"{_('Newest hash')}: {record['verification']['head']}"
    yield record["exported_text"]


def _event_lines(event: dict[str, Any]) -> Iterator[str]:
    yield _("By %(actor)s", actor=event["actor"])
    yield (
        f"{_('Happened')} {stamp(event['occurred_at'])} · "
        f"{_('Recorded')} {stamp(event['recorded_at'])}"
    )
    if event["detail"]:
        yield event["detail"]
    for change in event["changes"]:
        yield f"  {change['field']}: {change['before']} → {change['after']}"
    yield f"{_('Hash')}: {event['chain']}"


def _line(pdf: Any, text: str, height: float = 5.5) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def record_of(need_id: UUID) -> dict[str, Any]:
    """The printable record of a case in the caller's scope (the read is recorded)."""
    from web.access import need_in_scope
    from web.presentation import labels
    from web.presentation.words import language

    running = services()
    need = need_in_scope(need_id)
    category = running.needs.community(need["community"]).category(need["category"])
    document = export_case(running, need, g.user.username)
    return printable(document, labels.category_name(category, language()))


def pdf_answer(record: dict[str, Any]) -> Response:
    """The record as a PDF download; 503 when the machine has no font for Chinese."""
    try:
        font = cjk_font(services().settings.extra.get("PDF_FONT"))
    except PdfFontMissingError as error:
        abort(503, description=str(error))
    name = f"case-{record['need']['id']}.pdf"
    return Response(
        render_pdf(record, font),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
