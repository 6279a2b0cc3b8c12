"""A project's stamp table for print (fpdf2, with the case export's CJK font): every step by
phase, the department that signs it, the stamps it needs and got, and their dates — the table
committees hand on to the next building."""

from __future__ import annotations

from typing import Any

from flask import Response, abort
from flask_babel import gettext as _

from web.bootstrap import services
from web.presentation.export_print import PdfFontMissingError, cjk_font, stamp

_WIDTHS = (18, 30, 78, 18, 46)  # step, department, title, stamps, dates (mm, A4 less margins)


def stamp_table_pdf(document: dict[str, Any]) -> Response:
    """The stamp table as a PDF download; 503 when the machine has no font for Chinese."""
    try:
        font = cjk_font(services().settings.extra.get("PDF_FONT"))
    except PdfFontMissingError as error:
        abort(503, description=str(error))
    project = document["project"]
    return Response(
        render(document, font),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="project-{project["id"]}.pdf"'},
    )


def render(document: dict[str, Any], font: tuple[str, int]) -> bytes:
    from fpdf import FPDF

    project = document["project"]
    pdf = FPDF(format="A4")
    pdf.set_title(_("Stamp table") + f" {project['title']}")
    pdf.add_font("cjk", "", font[0], collection_font_number=font[1])
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.multi_cell(0, 8, f"{project['title']} · {_('Stamp table')}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    progress = project["progress"]
    for line in (
        f"{project['block']} · {project['building']} · {_('Phase')}: {project['phase']}",
        f"{_('Steps')}: {progress['steps_done']}/{progress['steps_total']} · "
        f"{_('Stamps')}: {progress['stamps']}/{progress['stamps_needed']}",
        f"{_('Exported')} {stamp(document['exported_at'])} · {document['exported_by']}",
    ):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=8)
    with pdf.table(
        col_widths=_WIDTHS, text_align="LEFT", line_height=5, first_row_as_headings=False
    ) as table:
        heading = table.row()
        for title in (_("Step"), _("Department"), _("Title"), _("Stamps"), _("Dates")):
            heading.cell(title)
        for step in document["steps"]:
            dates = ", ".join(str(s["on"]) for s in step["stamps"]) or str(step["state"])
            row = table.row()
            for text in (
                step["step_id"],
                step["department"],
                step["title"],
                f"{len(step['stamps'])}/{step['stamps_needed']}",
                dates,
            ):
                row.cell(text)
    return bytes(pdf.output())
