"""The brief's two charts, drawn from :mod:`iiscore.brief.content`'s chart records.

* :func:`drawing` -- a reportlab ``Drawing`` (vector, for the PDF), every string in the shipped font;
* :func:`png` -- the same chart through matplotlib as PNG bytes (for the Word brief, which takes
  pictures), with the same font, colours and numbers.

The pillar chart is a grouped horizontal bar chart (one group per pillar: the region, its tier's
average, the leading region); the trajectory is two small line charts side by side, the score and
the rank (best at the top).
"""
from __future__ import annotations

import math

from .content import PillarChart, TrajectoryChart
from .fonts import FONT_NAME, font_path, register

__all__ = ["drawing", "png", "nice_ticks"]

GRID = "#d9d9d9"
INK = "#222222"
MUTED = "#666666"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list:
    """About ``n`` round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=10 * mag)
    start = math.floor(lo / step) * step
    out, v = [], start
    while v <= hi + 1e-9 * step:
        if v >= lo - 1e-9 * step:
            out.append(round(v, 10))
        v += step
    return out


def _hex(c: str):
    from reportlab.lib import colors

    return colors.HexColor(c)


# ---------------------------------------------------------------------------------------------
# reportlab
# ---------------------------------------------------------------------------------------------
def drawing(chart, width: float):
    """A reportlab ``Drawing`` of ``chart`` ``width`` points wide."""
    register()
    if isinstance(chart, PillarChart):
        d = _pillar_drawing(chart, width)
    elif isinstance(chart, TrajectoryChart):
        d = _trajectory_drawing(chart, width)
    else:
        raise TypeError(f"not a chart: {type(chart).__name__}")
    # the renderer's initial state names a font too: ours, so that no standard (unembedded) font is referenced
    d.initialFontName = FONT_NAME
    d.initialFontSize = 8
    return d


def _text_width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, FONT_NAME, size)


def _pillar_drawing(c: PillarChart, width: float):
    from reportlab.graphics.shapes import Drawing, Line, Rect, String

    n_cat, n_ser = len(c.categories), len(c.series)
    fs = 7.5
    bar_h, gap_in, gap_out = 6.0, 1.0, 7.0
    group_h = n_ser * bar_h + (n_ser - 1) * gap_in
    title_h, legend_h, axis_h = 14.0, 12.0, 12.0
    plot_h = n_cat * group_h + (n_cat - 1) * gap_out + 6
    height = title_h + legend_h + plot_h + axis_h
    d = Drawing(width, height)
    d.add(String(0, height - 10, c.title, fontName=FONT_NAME, fontSize=8.5, fillColor=_hex(INK)))
    label_w = max(_text_width(s, fs) for s in c.categories) + 6
    x0, x1 = label_w, width - 30
    lo, hi = c.vmin, c.vmax
    span = (hi - lo) or 1.0

    def X(v):
        return x0 + (v - lo) / span * (x1 - x0)

    y_top = height - title_h - legend_h
    y_bottom = y_top - plot_h
    for t in nice_ticks(lo, hi, 5):
        d.add(Line(X(t), y_bottom, X(t), y_top, strokeColor=_hex(GRID), strokeWidth=0.4))
        d.add(String(X(t), y_bottom - 9, f"{t:g}", fontName=FONT_NAME, fontSize=6.5, fillColor=_hex(MUTED),
                     textAnchor="middle"))
    for i, cat in enumerate(c.categories):
        gy = y_top - 3 - i * (group_h + gap_out)
        d.add(String(x0 - 4, gy - group_h / 2 - 2.5, cat, fontName=FONT_NAME, fontSize=fs, fillColor=_hex(INK),
                     textAnchor="end"))
        for k, (_, vals, col) in enumerate(c.series):
            v = vals[i]
            y = gy - (k + 1) * bar_h - k * gap_in
            if v is None or not math.isfinite(v):
                continue
            base = X(max(lo, 0.0))
            d.add(Rect(min(base, X(v)), y, abs(X(v) - base), bar_h, fillColor=_hex(col), strokeColor=None))
            d.add(String(max(base, X(v)) + 2, y + 1.2, f"{v:.1f}", fontName=FONT_NAME, fontSize=5.8,
                         fillColor=_hex(MUTED)))
    d.add(Line(X(max(lo, 0.0)), y_bottom, X(max(lo, 0.0)), y_top, strokeColor=_hex(MUTED), strokeWidth=0.6))
    lx = x0
    ly = height - title_h - 8
    for label, _, col in c.series:
        d.add(Rect(lx, ly, 8, 6, fillColor=_hex(col), strokeColor=None))
        d.add(String(lx + 11, ly + 0.5, label, fontName=FONT_NAME, fontSize=7, fillColor=_hex(INK)))
        lx += 11 + _text_width(label, 7) + 14
    return d


def _line_panel(d, x, y, w, h, years, values, *, lo, hi, reverse, colour, label, fmt):
    from reportlab.graphics.shapes import Circle, Line, PolyLine, String

    span = (hi - lo) or 1.0
    n = len(years)

    def P(i, v):
        px = x + (i + 0.5) / n * w
        frac = (v - lo) / span
        return px, (y + h - frac * h) if reverse else (y + frac * h)

    d.add(String(x, y + h + 6, label, fontName=FONT_NAME, fontSize=7.5, fillColor=_hex(INK)))
    for t in nice_ticks(lo, hi, 4):
        _, ty = P(0, t)
        d.add(Line(x, ty, x + w, ty, strokeColor=_hex(GRID), strokeWidth=0.4))
        d.add(String(x - 3, ty - 2.3, f"{t:g}", fontName=FONT_NAME, fontSize=6.2, fillColor=_hex(MUTED),
                     textAnchor="end"))
    pts = []
    for i, (yr, v) in enumerate(zip(years, values)):
        px, py = P(i, v)
        pts += [px, py]
        d.add(String(px, y - 9, str(yr), fontName=FONT_NAME, fontSize=6.5, fillColor=_hex(MUTED), textAnchor="middle"))
    d.add(PolyLine(pts, strokeColor=_hex(colour), strokeWidth=1.4))
    for i, v in enumerate(values):
        px, py = P(i, v)
        d.add(Circle(px, py, 1.8, fillColor=_hex(colour), strokeColor=None))
        d.add(String(px, py + 4, fmt(v), fontName=FONT_NAME, fontSize=6.2, fillColor=_hex(INK), textAnchor="middle"))


def _trajectory_bounds(c: TrajectoryChart):
    s_lo, s_hi = min(c.scores), max(c.scores)
    pad = max(2.0, (s_hi - s_lo) * 0.25)
    return (max(0.0, s_lo - pad) if s_lo >= 0 else s_lo - pad), s_hi + pad


def _trajectory_drawing(c: TrajectoryChart, width: float):
    from reportlab.graphics.shapes import Drawing, String

    from .content import REGION_COLOUR

    height = 118.0
    d = Drawing(width, height)
    d.add(String(0, height - 10, c.title, fontName=FONT_NAME, fontSize=8.5, fillColor=_hex(INK)))
    pw = (width - 70) / 2
    ph = height - 50
    s_lo, s_hi = _trajectory_bounds(c)
    _line_panel(d, 24, 14, pw, ph, c.years, c.scores, lo=s_lo, hi=s_hi, reverse=False, colour=REGION_COLOUR,
                label=c.score_label, fmt=lambda v: f"{v:.1f}")
    _line_panel(d, 24 + pw + 40, 14, pw, ph, c.years, c.ranks, lo=1, hi=c.n_regions, reverse=True,
                colour="#7b3294", label=c.rank_label, fmt=lambda v: f"{int(v)}")
    return d


# ---------------------------------------------------------------------------------------------
# matplotlib (the Word brief's pictures)
# ---------------------------------------------------------------------------------------------
def png(chart, width_in: float = 6.3, dpi: int = 200) -> bytes:
    """The chart as PNG bytes (matplotlib, the shipped font), ``width_in`` inches wide."""
    import io

    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    fp = FontProperties(fname=str(font_path()))

    def fnt(size):
        f = fp.copy()
        f.set_size(size)
        return f

    if isinstance(chart, PillarChart):
        n_cat, n_ser = len(chart.categories), len(chart.series)
        fig = Figure(figsize=(width_in, 0.42 * n_cat * max(n_ser, 2) / 2 + 0.9), dpi=dpi)
        ax = fig.add_axes((0.22, 0.12, 0.74, 0.7))
        h = 0.8 / n_ser
        for k, (label, vals, col) in enumerate(chart.series):
            ys = [i + (k - (n_ser - 1) / 2) * h for i in range(n_cat)]
            vv = [v if v is not None and math.isfinite(v) else 0.0 for v in vals]
            ax.barh(ys, vv, height=h * 0.92, color=col, label=label)
            for y, v in zip(ys, vals):
                if v is not None and math.isfinite(v):
                    ax.text(v + (chart.vmax - chart.vmin) * 0.01, y, f"{v:.1f}", va="center", fontproperties=fnt(6),
                            color=MUTED)
        ax.set_yticks(range(n_cat))
        ax.set_yticklabels(chart.categories, fontproperties=fnt(8))
        ax.invert_yaxis()
        ax.set_xlim(chart.vmin, chart.vmax * 1.06)
        for lab in ax.get_xticklabels():
            lab.set_fontproperties(fnt(7))
        ax.grid(axis="x", color=GRID, linewidth=0.5)
        ax.set_axisbelow(True)
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
        ax.legend(prop=fnt(7), loc="lower center", bbox_to_anchor=(0.4, 1.0), ncol=n_ser, frameon=False)
        fig.text(0.01, 0.97, chart.title, fontproperties=fnt(9), va="top")
    elif isinstance(chart, TrajectoryChart):
        from .content import REGION_COLOUR

        fig = Figure(figsize=(width_in, 2.1), dpi=dpi)
        s_lo, s_hi = _trajectory_bounds(chart)
        for pos, vals, lo, hi, rev, col, label, f in (
                ((0.07, 0.16, 0.4, 0.6), chart.scores, s_lo, s_hi, False, REGION_COLOUR, chart.score_label,
                 lambda v: f"{v:.1f}"),
                ((0.57, 0.16, 0.4, 0.6), chart.ranks, 1, chart.n_regions, True, "#7b3294", chart.rank_label,
                 lambda v: f"{int(v)}")):
            ax = fig.add_axes(pos)
            xs = list(range(len(chart.years)))
            ax.plot(xs, vals, color=col, marker="o", markersize=3, linewidth=1.4)
            for x, v in zip(xs, vals):
                ax.annotate(f(v), (x, v), textcoords="offset points", xytext=(0, 4), ha="center", fontproperties=fnt(6))
            ax.set_xticks(xs)
            ax.set_xticklabels([str(y) for y in chart.years], fontproperties=fnt(7))
            ax.set_ylim((hi, lo) if rev else (lo, hi))
            for lab in ax.get_yticklabels():
                lab.set_fontproperties(fnt(7))
            ax.set_title(label, fontproperties=fnt(8), loc="left")
            ax.grid(axis="y", color=GRID, linewidth=0.5)
            for s in ("top", "right"):
                ax.spines[s].set_visible(False)
        fig.text(0.01, 0.98, chart.title, fontproperties=fnt(9), va="top")
    else:
        raise TypeError(f"not a chart: {type(chart).__name__}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
