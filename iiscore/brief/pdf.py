"""The brief as a PDF (reportlab): A4, every string in the shipped font, embedded; vector charts.

Only the shipped TrueType font is ever used -- also as the canvas's initial font, so that no
standard (non-embedded) PDF font is referenced -- and it is embedded as a subset with a ToUnicode
map, so the text reads back (``pdftotext``), Chinese included. ``invariant`` output: the same
document gives the same bytes (no creation time or random document id in the file).
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from . import charts
from .content import (Bullets, Document, Figures, Heading, Keep, Link, PageBreak, Para, PillarChart, Table,
                      TrajectoryChart)
from .fonts import FONT_NAME, register

__all__ = ["render"]

INK, MUTED, RULE_C, HEAD_BG, BOX_BG = "#1b1b1b", "#555555", "#b7c4d4", "#e8eef5", "#f4f7fa"
UP, DOWN = "#1a7f37", "#c0392b"


def _styles(lang: str):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    wrap = "CJK" if lang == "zh" else None
    base = dict(fontName=FONT_NAME, textColor=colors.HexColor(INK), wordWrap=wrap)
    return {
        "title": ParagraphStyle("title", fontSize=19, leading=24, spaceAfter=2, **base),
        "subtitle": ParagraphStyle("subtitle", fontSize=10.5, leading=14, textColor=colors.HexColor(MUTED),
                                   fontName=FONT_NAME, wordWrap=wrap),
        "h2": ParagraphStyle("h2", fontSize=11.5, leading=15, spaceBefore=9, spaceAfter=4,
                             textColor=colors.HexColor("#1f4e79"), fontName=FONT_NAME, wordWrap=wrap),
        "body": ParagraphStyle("body", fontSize=8.8, leading=12.5, spaceAfter=3, **base),
        "lead": ParagraphStyle("lead", fontSize=9.6, leading=13.5, spaceBefore=3, spaceAfter=4, **base),
        "small": ParagraphStyle("small", fontSize=7.4, leading=10, spaceAfter=3, textColor=colors.HexColor(MUTED),
                                fontName=FONT_NAME, wordWrap=wrap),
        "tiny": ParagraphStyle("tiny", fontSize=6.2, leading=8.2, spaceAfter=3, textColor=colors.HexColor(MUTED),
                               fontName=FONT_NAME, wordWrap=wrap),
        "cell": ParagraphStyle("cell", fontSize=7.8, leading=10, **base),
        "cell_small": ParagraphStyle("cell_small", fontSize=7.0, leading=8.8, **base),
        "fig_label": ParagraphStyle("fig_label", fontSize=7.2, leading=9, textColor=colors.HexColor(MUTED),
                                    fontName=FONT_NAME, wordWrap=wrap),
        "fig_value": ParagraphStyle("fig_value", fontSize=12.5, leading=15.5, **base),
        "link": ParagraphStyle("link", fontSize=6.6, leading=8.6, textColor=colors.HexColor("#1f4e79"),
                               fontName=FONT_NAME, wordWrap="CJK"),
    }


def _marked(text: str) -> str:
    """Cell text as Paragraph markup: escaped, the strength and weakness marks coloured."""
    t = escape(str(text))
    return t.replace("▲", f"<font color='{UP}'>▲</font>").replace("▼", f"<font color='{DOWN}'>▼</font>")


def _table(block: Table, width: float, st):
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    base = st["cell_small"] if block.small else st["cell"]
    al = {"l": TA_LEFT, "r": TA_RIGHT, "c": TA_CENTER}
    styles = [ParagraphStyle(f"c{i}", parent=base, alignment=al[a]) for i, a in enumerate(block.align)]
    head_styles = [ParagraphStyle(f"h{i}", parent=s, textColor=colors.HexColor(MUTED)) for i, s in enumerate(styles)]
    total = float(sum(block.widths))
    widths = [width * block.span * w / total for w in block.widths]
    data = [[Paragraph(_marked(h), head_styles[i]) for i, h in enumerate(block.header)]]
    section_at = dict(block.sections)
    spans = []
    sec_style = ParagraphStyle("sec", parent=base, textColor=colors.HexColor("#1f4e79"))
    for k, row in enumerate(block.rows):
        if k in section_at:  # a full-width label row (the pillar of the rows that follow)
            spans.append(len(data))
            data.append([Paragraph(escape(section_at[k]), sec_style)] + [""] * (len(row) - 1))
        data.append([Paragraph(_marked(c), styles[i]) for i, c in enumerate(row)])
    t = RLTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    extra = []
    for r in spans:
        extra += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f1f4f8")),
                  ("TOPPADDING", (0, r), (-1, r), 2.6)]
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),  # the table's own default is a standard, unembedded font
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_BG)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor(RULE_C)),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.HexColor(RULE_C)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ] + extra))
    return t


def _figures(block: Figures, width: float, st):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    items = list(block.items)
    per_row = 3 if len(items) > 4 else len(items)
    rows = [items[i:i + per_row] for i in range(0, len(items), per_row)]
    data = []
    for r in rows:
        r = r + [("", "")] * (per_row - len(r))
        data.append([[Paragraph(escape(lab), st["fig_label"]), Paragraph(escape(val), st["fig_value"])]
                     for lab, val in r])
    t = RLTable(data, colWidths=[width / per_row] * per_row, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(BOX_BG)),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(RULE_C)),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ]))
    return t


def render(doc: Document) -> bytes:
    """PDF bytes of ``doc`` (A4 portrait)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import (CondPageBreak, Frame, KeepTogether, PageTemplate, Paragraph, Spacer)
    from reportlab.platypus import PageBreak as RLPageBreak
    from reportlab.platypus.doctemplate import BaseDocTemplate

    register()
    st = _styles(doc.lang)
    buf = io.BytesIO()
    margin = 15 * mm
    width = A4[0] - 2 * margin

    def decorate(canvas, d):
        canvas.saveState()
        canvas.setFont(FONT_NAME, 7)
        canvas.setFillColor(colors.HexColor(MUTED))
        canvas.drawString(margin, 9 * mm, doc.footer)
        page = ("第 %d 页" if doc.lang == "zh" else "Page %d") % canvas.getPageNumber()
        canvas.drawRightString(A4[0] - margin, 9 * mm, page)
        canvas.setStrokeColor(colors.HexColor(RULE_C))
        canvas.setLineWidth(0.5)
        canvas.line(margin, 12 * mm, A4[0] - margin, 12 * mm)
        canvas.restoreState()

    tmpl = BaseDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=13 * mm,
                           bottomMargin=16 * mm, title=doc.title, author="iiscore", subject=doc.subtitle,
                           creator="iiscore", producer="iiscore (reportlab)", invariant=1,
                           initialFontName=FONT_NAME, initialFontSize=9, lang="zh-CN" if doc.lang == "zh" else "en")
    frame = Frame(margin, 16 * mm, width, A4[1] - 29 * mm, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    tmpl.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    story = [Paragraph(escape(doc.title), st["title"]),
             Paragraph(escape(doc.subtitle) + " · " + escape(doc.issued), st["subtitle"]), Spacer(1, 5)]

    def flowables(b) -> list:
        if isinstance(b, Para):
            return [Paragraph(_marked(b.text), st.get(b.style, st["body"]))]
        if isinstance(b, Figures):
            return [_figures(b, width, st)]
        if isinstance(b, Table):
            return [_table(b, width, st)]
        if isinstance(b, (PillarChart, TrajectoryChart)):
            return [charts.drawing(b, width)]
        if isinstance(b, Bullets):
            return [Paragraph("• " + _marked(x), st.get(b.style, st["small"])) for x in b.items]
        if isinstance(b, Link):
            return [Paragraph(f"<a href='{escape(b.url)}'>{escape(b.label)}</a>", st["link"])]
        if isinstance(b, Keep):
            return [KeepTogether([f for x in b.blocks for f in flowables(x)])]
        raise TypeError(f"not a block: {type(b).__name__}")

    pending_heading = None
    for b in doc.blocks:
        if isinstance(b, Heading):
            pending_heading = Paragraph(escape(b.text), st["h2"])
            continue
        if isinstance(b, PageBreak):
            story.append(RLPageBreak())
            continue
        flows = flowables(b)
        if pending_heading is not None:  # a heading never ends a page: keep it with what follows
            story.append(CondPageBreak(60))
            story.append(KeepTogether([pending_heading, flows[0]]) if not isinstance(b, Table) else pending_heading)
            if isinstance(b, Table):
                story.append(flows[0])
            story += flows[1:]
            pending_heading = None
        else:
            story += flows
    tmpl.build(story)
    return buf.getvalue()
