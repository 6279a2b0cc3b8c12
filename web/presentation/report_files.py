"""The monthly report's tables as files: CSV (the tables one after another), an XLSX workbook
(one sheet a table, frozen header row, number formats; openpyxl's write-only mode) and an A4 PDF
with its charts (fpdf2 and the CJK font the case export uses)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from web.presentation.report_tables import word

_HEADER_FILL = "DDEBF7"
_BAR_COLOURS = ((66, 133, 244), (52, 168, 83), (251, 188, 4), (234, 67, 53))


def to_csv(tables: list[dict[str, Any]]) -> str:
    """Each table under its title, a blank line between them (with a BOM for Excel)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for table in tables:
        writer.writerow([table["title"]])
        writer.writerow(table["headers"])
        writer.writerows(["" if v is None else v for v in row] for row in table["rows"])
        writer.writerow([])
    return out.getvalue()


def to_xlsx(tables: list[dict[str, Any]]) -> bytes:
    """One sheet a table: bold header row frozen, integers and one-decimal medians formatted."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    book = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=_HEADER_FILL)
    for table in tables:
        sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " -", table["title"])[:31])
        sheet.freeze_panes = "A2"
        for i, header in enumerate(table["headers"]):
            sheet.column_dimensions[_column(i)].width = max(10, min(28, len(header) * 2 + 2))
        headers = []
        for header in table["headers"]:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font, cell.fill = bold, fill
            headers.append(cell)
        sheet.append(headers)
        for row in table["rows"]:
            cells = []
            for value, number_format in zip(row, table["formats"], strict=True):
                cell = WriteOnlyCell(sheet, value=value)
                if number_format is not None:
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def to_pdf(
    report: dict[str, Any],
    tables: list[dict[str, Any]],
    block_names: dict[str, str],
    lang: str,
    font: tuple[str, int],
) -> bytes:
    """An A4 report: title and period, three bar charts, then each table."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(word("title", lang))
    pdf.add_font("cjk", "", font[0], collection_font_number=font[1])
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, word("title", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    period = f"{word('period', lang)}: {report['from']} — {report['to']} (Asia/Shanghai)"
    pdf.cell(0, 6, period, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"{word('generated', lang)}: {report['generated_at']:%Y-%m-%d %H:%M}")
    pdf.ln(10)
    by_block: dict[str, list[int]] = {b: [0, 0, 0] for b in report["blocks"]}
    for row in report["needs"]:
        cell = by_block.setdefault(row["block"], [0, 0, 0])
        cell[0] += row["logged"]
        cell[1] += row["resolved"]
        cell[2] += row["open_at_end"]
    legend = [word(k, lang) for k in ("logged", "resolved", "open_at_end")]
    _bars(pdf, word("chart_needs", lang), block_names, by_block, legend)
    followed = {
        r["block"]: [r["resolved"], r["followed_up"], r["confirmed_helped"]]
        for r in report["follow_ups"]
    }
    legend = [word(k, lang) for k in ("resolved", "followed_up", "satisfied")]
    _bars(pdf, word("chart_follow_ups", lang), block_names, followed, legend)
    duties: dict[str, list[int]] = {b: [0, 0, 0] for b in report["blocks"]}
    for row in report["duties"]:
        cell = duties.setdefault(row["block"], [0, 0, 0])
        for i, key in enumerate(("on_time", "late", "overdue")):
            cell[i] += row[key]
    legend = [word(k, lang) for k in ("on_time", "late", "overdue")]
    _bars(pdf, word("chart_duties", lang), block_names, duties, legend)
    for table in tables:
        _table(pdf, table)
    return bytes(pdf.output())


def _bars(
    pdf: Any, title: str, names: dict[str, str], series: dict[str, list[int]], legend: list[str]
) -> None:
    """Grouped bars a block, with a legend and the value over each bar."""
    height, width = 45.0, pdf.epw
    if pdf.get_y() + height + 30 > pdf.h - pdf.b_margin:
        pdf.add_page()

    pdf.set_font("cjk", size=11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 4
    base = top + height
    highest = max([1, *(v for values in series.values() for v in values)])
    slot = width / max(len(series), 1)
    bar = (slot - 6) / max(len(legend), 1)
    pdf.set_font("cjk", size=7)
    for i, (code, values) in enumerate(series.items()):
        x = pdf.l_margin + i * slot + 3
        for j, value in enumerate(values):
            tall = height * value / highest
            pdf.set_fill_color(*_BAR_COLOURS[j % len(_BAR_COLOURS)])
            pdf.rect(x + j * bar, base - tall, bar - 0.6, tall, style="F")
            pdf.text(x + j * bar, base - tall - 0.8, str(value))
        pdf.text(x, base + 4, names.get(code, code))
    pdf.set_draw_color(120, 120, 120)
    pdf.line(pdf.l_margin, base, pdf.l_margin + width, base)
    pdf.set_y(base + 7)
    for j, label in enumerate(legend):
        pdf.set_fill_color(*_BAR_COLOURS[j % len(_BAR_COLOURS)])
        pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 3, style="F")
        pdf.set_x(pdf.get_x() + 4)
        pdf.cell(pdf.get_string_width(label) + 6, 5, label)
    pdf.ln(10)


def _table(pdf: Any, table: dict[str, Any]) -> None:
    """A table with its title; narrow columns share the width, header cells wrap."""
    pdf.ln(2)
    pdf.set_fill_color(255, 255, 255)  # the charts' last colour is no table's
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 7, table["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=6.5)
    first = 28.0
    rest = (pdf.epw - first) / max(len(table["headers"]) - 1, 1)
    widths = [first] + [rest] * (len(table["headers"]) - 1)
    from fpdf.fonts import FontFace

    heading = FontFace(emphasis="", fill_color=(221, 235, 247))
    with pdf.table(
        col_widths=widths, text_align="CENTER", line_height=3.6, headings_style=heading
    ) as grid:
        grid.row([str(h) for h in table["headers"]])
        for row in table["rows"]:
            grid.row([_shown(v, f) for v, f in zip(row, table["formats"], strict=True)])


def _shown(value: Any, number_format: str | None) -> str:
    """A cell as the PDF prints it: a share as a percentage, nothing for no value."""
    if value is None:
        return ""
    return f"{value * 100:.1f}%" if number_format == "0.0%" else str(value)
