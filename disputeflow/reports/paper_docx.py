"""A mediation paper as a Word document (.docx, python-docx), laid out on A4 as the printed forms are.

Page and type follow the national standard for official papers, GB/T 9704-2012
(党政机关公文格式): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the
title centred in 宋体 (小标宋 where installed) 二号 (22 pt), the text in 仿宋. The forms
are tables as much as prose, so body text is 四号 (14 pt) and table text 小四 (12 pt),
as county form sets print them (local practice). Fonts are named, not embedded:
Word substitutes where a font is missing, as it does for every such form.
"""

from __future__ import annotations

from io import BytesIO

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT, BODY_FONT = "宋体", "仿宋"
TITLE_PT, BODY_PT, TABLE_PT = 22, 14, 12


def _font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _setup(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    for s in doc.sections:
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _para(doc, text: str, *, align=None, size: float = BODY_PT, bold: bool = False, font: str = BODY_FONT):
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    _font(para.add_run(text), font, size, bold)
    return para


def _cell(cell, text: str, bold: bool = False) -> None:
    cell.text = ""
    _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_PT, bold)


def _grid(doc, rows: list[list[tuple[str, str]]]) -> None:
    width = max(len(r) for r in rows) * 2
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, pairs in enumerate(rows):
        cells = table.rows[r].cells
        for i, (label, value) in enumerate(pairs):
            _cell(cells[2 * i], label, bold=True)
            last = cells[width - 1] if i == len(pairs) - 1 else cells[2 * i + 1]
            target = cells[2 * i + 1].merge(last) if last is not cells[2 * i + 1] else last
            _cell(target, value)


def _table(doc, head: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(head))
    table.style = "Table Grid"
    for i, text in enumerate(head):
        _cell(table.rows[0].cells[i], text, bold=True)
    for r, row in enumerate(rows, start=1):
        for i, text in enumerate(row):
            _cell(table.rows[r].cells[i], text)


def build(blocks: list[dict], title: str) -> bytes:
    """The .docx bytes of a paper made of :mod:`disputeflow.reports.paper_blocks` blocks."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    _setup(doc)
    doc.core_properties.title = title
    for blk in blocks:
        k = blk["k"]
        if k == "title":
            _para(doc, blk["text"], align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_PT, bold=True, font=TITLE_FONT)
        elif k == "number":
            _para(doc, blk["text"], align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif k == "h":
            _para(doc, blk["text"], bold=True)
        elif k == "p":
            _para(doc, blk["text"]).paragraph_format.first_line_indent = None
        elif k == "grid":
            _grid(doc, blk["rows"])
        elif k == "table":
            _table(doc, blk["head"], blk["rows"])
        elif k == "sign":
            for line in blk["lines"]:
                _para(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif k == "break":
            doc.add_page_break()
        else:  # a block kind this writer does not know is a programming error
            raise AssertionError(k)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def text_of(body: bytes) -> str:
    """Every paragraph and table cell of a .docx as text, in document order (what a reader of the file sees).

    A merged cell is read once, however many grid columns it spans.
    """
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(BytesIO(body))
    parts: list[str] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                seen: list = []
                for cell in row.cells:
                    if not any(cell._tc is s for s in seen):
                        seen.append(cell._tc)
                        parts.append(cell.text)
    return "\n".join(parts)
