"""The brief as a Word document (python-docx), for offices that edit in Word or WPS.

The same :class:`~iiscore.brief.content.Document` as the PDF: the same words and numbers, A4, the
tables as Word tables, the charts as PNG pictures (drawn by :func:`iiscore.brief.charts.png` with
the shipped font). Text names Microsoft YaHei (微软雅黑), the Chinese sans-serif that Windows, Word
and WPS have; elsewhere the office suite substitutes its own Chinese sans-serif. A Word document
names its fonts rather than embedding them: the PDF is the version that prints identically
everywhere.
"""
from __future__ import annotations

import io

from . import charts
from .content import (Bullets, Document, Figures, Heading, Keep, Link, PageBreak, Para, PillarChart, Table,
                      TrajectoryChart)

__all__ = ["render"]

SIZES = {"body": 9.5, "lead": 10.5, "small": 8.0, "tiny": 7.0}
BLUE = (0x1F, 0x4E, 0x79)
GREY = (0x55, 0x55, 0x55)
UP, DOWN = (0x1A, 0x7F, 0x37), (0xC0, 0x39, 0x2B)
FONT_FAMILY = "Microsoft YaHei"


def _font(run, size=None, colour=None, bold=False):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = FONT_FAMILY
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT_FAMILY)
    if size:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor(*colour)
    run.bold = bold


def _text(par, text: str, size=None, colour=None, bold=False):
    """Add ``text`` to paragraph ``par``, the strength and weakness marks coloured."""
    buf = ""
    for ch in str(text):
        if ch in "▲▼":
            if buf:
                _font(par.add_run(buf), size, colour, bold)
                buf = ""
            _font(par.add_run(ch), size, UP if ch == "▲" else DOWN, bold)
        else:
            buf += ch
    if buf:
        _font(par.add_run(buf), size, colour, bold)


def _spacing(par, after=2, before=0):
    from docx.shared import Pt

    pf = par.paragraph_format
    pf.space_after = Pt(after)
    pf.space_before = Pt(before)


def _shade(cell, hex_fill: str):
    from docx.oxml.ns import qn

    tcpr = cell._element.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): hex_fill})
    tcpr.append(shd)


def _table(d, block: Table, width_cm: float):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    al = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT, "c": WD_ALIGN_PARAGRAPH.CENTER}
    size = 7.5 if block.small else 8.5
    section_at = dict(block.sections)
    n_rows = 1 + len(block.rows) + len(section_at)
    t = d.add_table(rows=n_rows, cols=len(block.header))
    t.style = "Table Grid"
    total = float(sum(block.widths))
    widths = [Cm(width_cm * block.span * w / total) for w in block.widths]

    def fill(row, values, colour=None, shade=None):
        for i, v in enumerate(values):
            cell = row.cells[i]
            cell.width = widths[i]
            par = cell.paragraphs[0]
            par.alignment = al[block.align[i]]
            _spacing(par, 0)
            _text(par, v, size, colour)
            if shade:
                _shade(cell, shade)

    fill(t.rows[0], block.header, GREY, "E8EEF5")
    r = 1
    for k, row in enumerate(block.rows):
        if k in section_at:
            cells = t.rows[r].cells
            merged = cells[0].merge(cells[-1])
            par = merged.paragraphs[0]
            _spacing(par, 0)
            _text(par, section_at[k], size, BLUE)
            _shade(merged, "F1F4F8")
            r += 1
        fill(t.rows[r], row)
        r += 1
    return t


def render(doc: Document) -> bytes:
    """Word (.docx) bytes of ``doc``."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Inches, Pt

    d = Docx()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(1.6))
    sec.top_margin, sec.bottom_margin = Cm(1.4), Cm(1.6)
    width_cm = 21.0 - 3.2
    normal = d.styles["Normal"]
    normal.font.name = FONT_FAMILY
    normal.font.size = Pt(SIZES["body"])
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), FONT_FAMILY)
    props = d.core_properties
    props.title, props.author, props.subject = doc.title, "iiscore", doc.subtitle
    props.language = "zh-CN" if doc.lang == "zh" else "en"
    foot = sec.footer.paragraphs[0]
    _text(foot, doc.footer, 7, GREY)

    p = d.add_paragraph()
    _text(p, doc.title, 18, (0x1B, 0x1B, 0x1B))
    _spacing(p, 0)
    p = d.add_paragraph()
    _text(p, f"{doc.subtitle} · {doc.issued}", 10, GREY)
    _spacing(p, 4)
    blocks = [x for b in doc.blocks for x in (b.blocks if isinstance(b, Keep) else (b,))]
    for b in blocks:
        if isinstance(b, Heading):
            p = d.add_paragraph()
            _text(p, b.text, 12, BLUE)
            _spacing(p, 3, 8)
            p.paragraph_format.keep_with_next = True
        elif isinstance(b, Para):
            p = d.add_paragraph()
            _text(p, b.text, SIZES.get(b.style, SIZES["body"]), GREY if b.style in ("small", "tiny") else None)
            _spacing(p, 3)
        elif isinstance(b, Figures):
            items = list(b.items)
            per = 3 if len(items) > 4 else len(items)
            rows = [items[i:i + per] for i in range(0, len(items), per)]
            t = d.add_table(rows=len(rows), cols=per)
            t.style = "Table Grid"
            for ri, row in enumerate(rows):
                for ci in range(per):
                    cell = t.rows[ri].cells[ci]
                    _shade(cell, "F4F7FA")
                    if ci < len(row):
                        lab, val = row[ci]
                        par = cell.paragraphs[0]
                        _text(par, lab, 7.5, GREY)
                        _spacing(par, 0)
                        par = cell.add_paragraph()
                        _text(par, val, 12)
                        _spacing(par, 1)
            d.add_paragraph()
        elif isinstance(b, Table):
            _table(d, b, width_cm)
            _spacing(d.add_paragraph(), 1)
        elif isinstance(b, (PillarChart, TrajectoryChart)):
            d.add_picture(io.BytesIO(charts.png(b, width_in=6.6)), width=Inches(6.6))
        elif isinstance(b, Bullets):
            for x in b.items:
                p = d.add_paragraph()
                _text(p, "• " + x, SIZES["small"])
                _spacing(p, 2)
        elif isinstance(b, Link):
            p = d.add_paragraph()
            _text(p, b.label, 7, BLUE)
        elif isinstance(b, PageBreak):
            d.add_page_break()
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
