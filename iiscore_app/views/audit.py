"""The Audit & robustness page (issue 18): the audit and the ten methods, in the user's language.

:func:`audit_for` and :func:`methods_for` run :func:`iiscore.audit.audit` and
:func:`iiscore.methods.compare_methods` on the scenario in force (``iiscore_app.state`` caches them
on the scenario's compute key). Every other function turns an ``Audit`` or a ``Methods`` into a
table or an Altair chart with names in ``lang``: ``audit_*(aud, ds, lang, ...)`` and
``methods_*(mt, ds, lang, ...)``, ``ds`` giving the region names. Nothing here touches Streamlit.

NaN policy: what the engine leaves undefined (alpha of a group with one part, a correlation of a
constant indicator, the shifts of an element that cannot be removed) stays NaN in the tables (shown
empty) and is explained by the engine's notes, which the page lists.
"""
from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from iiscore.methods import DEFAULT_BOD_BOUNDS
from iiscore_app.i18n import opt, t

from .common import region_name

__all__ = ["FLAG_KINDS", "AUDIT_INK", "METHOD_MARKS", "audit_for", "methods_for", "audit_basis", "audit_notes",
           "audit_metrics", "audit_heatmap_chart", "audit_matrix_table", "audit_reliability_table",
           "audit_parents_table", "audit_importance_levels", "audit_importance_chart", "audit_importance_table",
           "audit_removal_table", "audit_removal_regions", "audit_flag_groups", "audit_flags_table",
           "audit_workbook_tables", "audit_md_escape", "methods_label", "methods_band_chart", "methods_rank_table",
           "methods_agreement_table", "methods_weights_table", "methods_glossary", "methods_glossary_md",
           "methods_summary", "methods_notes", "audit_page", "methods_page", "audit_heatmap_png",
           "methods_band_png"]

#: the order in which flag groups are listed (most consequential first)
FLAG_KINDS = ("low_alpha", "negative_within", "weak_within", "weak_parent", "importance", "collinear")

#: colours: the band of a robust / method-dependent region (pale grey / pale orange, under the
#: dots); the three importance measures (Okabe & Ito 2008, colour-blind safe, told apart by shape too)
AUDIT_INK = {"robust": "#d9d9d9", "dependent": "#fdc58a", "dependent_text": "#9a4a00", "nominal": "#000000",
             "r2": "#56B4E9", "s": "#D55E00"}
#: each method's dot: a colour (Okabe-Ito first, then dark tones that stay distinct on the bands) and
#: a shape by family (circle = another weighting, square = another aggregation, diamond/triangle =
#: non-compensatory or benefit of the doubt), so no method is told by colour alone
METHOD_MARKS = {
    "equal": ("#0072B2", "circle"), "entropy": ("#009E73", "circle"), "critic": ("#CC79A7", "circle"),
    "pca": ("#56B4E9", "circle"), "geometric": ("#D55E00", "square"), "topsis": ("#7a5195", "square"),
    "mpi": ("#4d4d4d", "diamond"), "bod": ("#a6761d", "triangle-up"), "bod_restricted": ("#1b7837", "triangle-down"),
}


# --------------------------------------------------------------------------------------------
# computations (the scenario in force)
# --------------------------------------------------------------------------------------------
def _inputs(ev):
    """(data, spec, result or None) of the scenario ``ev`` (an ``iiscore_app.state.Eval``).

    The data are the scenario's data with its edits (``ev.edited_ds``), the spec its weights and
    methods (``ev.current.spec``). ``ev.current`` is reused when it is ``build(data, spec)``: no
    edits, or edits re-normalised. With edits in the fixed-goalposts mode ``ev.current`` is scored
    on the baseline's ruler, which the audit's regenerations (removal, alternative weights) do not
    use, so the audit builds the edited data afresh (the report's formula) to stay consistent.
    """
    scn = ev.scn
    reuse = not scn.edits or scn.whatif != "fixed"
    return ev.edited_ds, ev.current.spec, (ev.current if reuse else None)


def audit_for(ev, method: str = "pearson"):
    """:func:`iiscore.audit.audit` of the scenario in force (see :func:`_inputs`)."""
    from iiscore.audit import audit

    data, spec, res = _inputs(ev)
    return audit(data, spec, method=method, result=res)


def methods_for(ev):
    """:func:`iiscore.methods.compare_methods` of the scenario in force (all ten methods)."""
    from iiscore.methods import compare_methods

    data, spec, res = _inputs(ev)
    return compare_methods(data, spec, result=res)


def audit_basis(ev, lang: str) -> str:
    """One sentence: what the audit and the methods are computed on (data, year, settings, edits)."""
    scn, res, b = ev.scn, ev.current, ev.b
    fw = res.spec.framework
    from iiscore_app import safe

    data = t("au.basis.builtin", lang) if b.builtin else safe.t("au.basis.file", lang, name=b.label)
    weights = (t("au.basis.weights.changed", lang, k=len(scn.weights)) if scn.weights
               else t("au.basis.weights.default", lang))
    edits = t("au.basis.edits", lang, k=len(scn.edits)) if scn.edits else t("au.basis.edits.none", lang)
    text = t("au.basis", lang, data=data, year=res.year, n=len(res.regions), l=len(fw.leaves),
             treat=opt("treat", scn.treat, lang), norm=opt("normalisation", scn.normalisation, lang),
             missing=opt("missing", scn.missing, lang), agg=opt("aggregation", scn.aggregation, lang),
             weights=weights, edits=edits)
    if scn.edits and scn.whatif == "fixed":
        text += " " + t("au.basis.fixed", lang)
    return text


def _notes(notes, lang: str) -> list[str]:
    return [zh if lang == "zh" else en for en, zh in notes]


def audit_notes(aud, ds, lang: str) -> list[str]:
    """The audit's notes (undefined alphas, elements that cannot be removed, ...) in ``lang``."""
    return _notes(aud.notes, lang)


def methods_notes(mt, ds, lang: str) -> list[str]:
    """The methods' notes (a method that could not be computed and why) in ``lang``."""
    return _notes(mt.notes, lang)


# --------------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------------
def _level(fw, node, lang: str) -> str:
    if fw.is_leaf(node):
        return t("au.level.indicator", lang)
    if fw.depth(node) == 1:
        return t("au.level.pillar", lang)
    return t("au.level.depth", lang, d=fw.depth(node))


def _group_label(fw, group: str, lang: str) -> str:
    """The importance table's group ("indicators", "depth 1", ...) as a level name."""
    if group == "indicators":
        return t("au.level.indicator", lang)
    d = int(str(group).split()[-1])
    return t("au.level.pillar", lang) if d == 1 else t("au.level.depth", lang, d=d)


def _blocks(fw) -> list[tuple[str, list[str]]]:
    """(pillar, its leaves) in framework order: the heatmap's blocks. A flat framework (indicators
    directly under the index) is one block, the index's."""
    out: list[tuple[str, list[str]]] = []
    for leaf in fw.leaves:
        g = fw.ancestor_at(leaf, 1) if fw.depth(leaf) > 1 else fw.root
        if out and out[-1][0] == g:
            out[-1][1].append(leaf)
        else:
            out.append((g, [leaf]))
    return out


def _short(v) -> str:
    """A correlation in at most 4 characters for a heatmap cell: ".95", "-.23", "1"."""
    if not np.isfinite(v):
        return ""
    s = f"{v:.2f}"
    if s in ("1.00", "-1.00"):
        return s[:-3]
    return s.replace("0.", ".", 1)


#: the charts fill the width and keep their height for the rows (Streamlit's default "fit" would
#: squeeze the rows to make room for titles, legends and axis labels inside a fixed height)
_FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


class _Datasets:
    """The data of one chart as named Vega-Lite datasets, put into the spec after Altair built it.

    Altair's DataFrame path sanitises every frame of every layer (and wrapping inline values walks
    every record), which took most of a chart's build time; here each frame is turned into records
    once (NaN = null) and the layers refer to it by name. Every field's type is stated in the
    encodings, so nothing needs inferring."""

    def __init__(self, prefix: str):
        self.prefix, self.frames, self._names = prefix, {}, {}

    def __call__(self, frame: pd.DataFrame) -> alt.NamedData:
        # one dataset per frame however many layers draw it (Streamlit converts each to Arrow on
        # every rerun); layers drawing a part of it filter
        name = self._names.get(id(frame))
        if name is None:
            name = self._names[id(frame)] = f"{self.prefix}{len(self.frames)}"
            self.frames[name] = frame
        return alt.NamedData(name)

    def spec(self, chart) -> dict:
        out = chart.to_dict(validate=False)
        out["datasets"] = {k: json.loads(f.to_json(orient="records", force_ascii=False, double_precision=15))
                           for k, f in self.frames.items()}
        return out


def _js_list(values) -> str:
    return json.dumps([str(v) for v in values], ensure_ascii=False)


def audit_md_escape(text: str) -> str:
    """``text`` safe inside Markdown: names from an uploaded framework cannot turn into
    emphasis, links, headings or HTML."""
    from iiscore_app.safe import unlink

    out = []
    for ch in str(text):
        out.append("\\" + ch if ch in "\\`*_{}[]()#+!|<>~$" else ch)
    # escaping does not stop GFM's bare-URL autolinks (http://..., www.x, a@b): a zero-width space does
    return unlink("".join(out))


def _round(x, nd):
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


# --------------------------------------------------------------------------------------------
# coherence
# --------------------------------------------------------------------------------------------
def audit_heatmap_chart(aud, ds, lang: str) -> dict:
    """The indicators' correlation matrix as a heatmap grouped by pillar.

    Cells are ``aud.matrix`` (framework order), on a diverging red-blue scale fixed to [-1, 1] and
    centred on 0 (ColorBrewer RdBu, colour-blind safe); NaN cells grey. Thick rules separate the
    pillars, whose names run along the top; values in the tooltip (and in the cells up to 24
    indicators).
    """
    fw = aud.framework
    leaves = list(aud.matrix.index)
    n = len(leaves)
    blocks = _blocks(fw)
    pillar_of = {leaf: g for g, ls in blocks for leaf in ls}
    names = [fw.name(i, lang) for i in leaves]
    M = aud.matrix.to_numpy(float)
    N = None
    if hasattr(aud, "correlations") and len(aud.correlations):
        N = {(r.a, r.b): int(r.n) for r in aud.correlations.itertuples(index=False)}
    rows = []
    for i, a in enumerate(leaves):
        for j, b in enumerate(leaves):
            r = M[i, j]
            npair = N.get((a, b), N.get((b, a))) if N is not None and i != j else None
            rows.append({"x": j, "x2": j + 1, "y": i, "y2": i + 1, "r": None if not np.isfinite(r) else float(r),
                         "label": _short(r), "a": names[i], "b": names[j],
                         "pa": fw.name(pillar_of[a], lang), "pb": fw.name(pillar_of[b], lang),
                         "n": npair, "ok": bool(np.isfinite(r)), "dark": bool(np.isfinite(r) and abs(r) > 0.6)})
    cells = pd.DataFrame(rows)
    cells["xc"], cells["yc"] = cells["x"] + 0.5, cells["y"] + 0.5
    _data = _Datasets("au_heat_")
    cd = _data(cells)
    strip = 1.2
    ticks = [k + 0.5 for k in range(n)]
    expr = f"{_js_list(names)}[floor(datum.value)]"
    xs = alt.Scale(domain=[0, n], nice=False, zero=False)
    ys = alt.Scale(domain=[-strip, n], reverse=True, nice=False, zero=False)
    x_axis = alt.Axis(values=ticks, labelExpr=expr, labelAngle=-50, labelAlign="right", labelLimit=150,
                      labelOverlap=False, grid=False, domain=False, ticks=False, labelFontSize=11, title=None)
    y_axis = alt.Axis(values=ticks, labelExpr=expr, labelLimit=170, labelOverlap=False, grid=False, domain=False,
                      ticks=False, labelFontSize=11, title=None)

    def X(field):  # every layer states the same scale and axis, so that they merge into one
        return alt.X(field, scale=xs, axis=x_axis, title=None)

    def Y(field):
        return alt.Y(field, scale=ys, axis=y_axis, title=None)

    tip = [alt.Tooltip("a:N", title=t("au.heatmap.a", lang)), alt.Tooltip("pa:N", title=t("au.heatmap.pa", lang)),
           alt.Tooltip("b:N", title=t("au.heatmap.b", lang)), alt.Tooltip("pb:N", title=t("au.heatmap.pb", lang)),
           alt.Tooltip("r:Q", title=t("au.heatmap.r", lang), format=".3f"),
           alt.Tooltip("n:Q", title=t("au.heatmap.n", lang))]
    base = alt.Chart(cd)
    gaps = base.transform_filter("!datum.ok").mark_rect(color="#d9d9d9", stroke="white", strokeWidth=0.5).encode(
        x=X("x:Q"), x2=alt.X2(field="x2"), y=Y("y:Q"), y2=alt.Y2(field="y2"), tooltip=tip)
    rect = base.transform_filter("datum.ok").mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=X("x:Q"), x2=alt.X2(field="x2"), y=Y("y:Q"), y2=alt.Y2(field="y2"),
        color=alt.Color("r:Q", title=t("au.heatmap.r", lang),
                        scale=alt.Scale(scheme="redblue", domain=[-1, 1], domainMid=0),
                        legend=alt.Legend(orient="top", direction="horizontal", gradientLength=200,
                                          values=[-1, -0.5, 0, 0.5, 1])),
        tooltip=tip)
    layers = [gaps, rect]
    if n <= 24:
        # the values are written in the cells only where a cell is wide enough for ".95" (not on a phone)
        layers.append(alt.Chart(cd).mark_text(fontSize=9, opacity=alt.ExprRef(f"width / {n} >= 21 ? 1 : 0")).encode(
            x=X("xc:Q"), y=Y("yc:Q"), text=alt.Text(field="label", type="nominal"),
            color=alt.ColorValue("#222222", condition={"test": "datum.dark", "value": "white"}), tooltip=tip))
    # pillar separators and names along the top
    bounds, start, heads = [], 0, []
    for k, (g, ls) in enumerate(blocks):
        heads.append({"x": start, "x2": start + len(ls), "xc": start + len(ls) / 2, "name": fw.name(g, lang),
                      "y": -strip + 0.05, "y2": -0.1, "yc": -strip / 2 - 0.05, "shade": k % 2,
                      "block": k, "k": len(ls)})
        start += len(ls)
        if start < n:
            bounds.append(start)
    if bounds:
        sep = pd.DataFrame({"b": bounds, "lo": 0, "hi": n})
        layers.append(alt.Chart(_data(sep)).mark_rule(color="#222222", strokeWidth=2).encode(
            x=X("b:Q"), y=Y("lo:Q"), y2=alt.Y2(field="hi")))
        layers.append(alt.Chart(_data(sep)).mark_rule(color="#222222", strokeWidth=2).encode(
            y=Y("b:Q"), x=X("lo:Q"), x2=alt.X2(field="hi")))
    hd = pd.DataFrame(heads)
    layers.append(alt.Chart(_data(hd)).mark_rect(stroke="white", strokeWidth=1).encode(
        x=X("x:Q"), x2=alt.X2(field="x2"), y=Y("y:Q"), y2=alt.Y2(field="y2"),
        color=alt.ColorValue("#f5f5f5", condition={"test": "datum.shade == 0", "value": "#e8e8e8"}),
        tooltip=[alt.Tooltip("name:N", title=t("col.pillar", lang))]))
    for k in range(len(hd)):  # one text layer per block: each gets its own width limit
        width_px = alt.ExprRef(f"max(12, width / {n} * {int(hd['k'].iloc[k])} - 4)")  # the block's width
        layers.append(alt.Chart(_data(hd)).transform_filter(f"datum.block == {k}").mark_text(
            fontSize=11, fontWeight="bold", limit=width_px).encode(
            x=X("xc:Q"), y=Y("yc:Q"), text=alt.Text(field="name", type="nominal")))
    cell = 26 if n <= 20 else max(12, int(520 / n))
    method = t("au.corr.short." + aud.method, lang)
    return _data.spec(alt.layer(*layers).properties(height=int(cell * (n + strip)), autosize=_FIT_X,
                                                    title=t("au.heatmap.title", lang, method=method)))


def audit_matrix_table(aud, ds, lang: str) -> pd.DataFrame:
    """The correlation matrix with names in ``lang`` (rows and columns in framework order)."""
    fw = aud.framework
    names = [fw.name(i, lang) for i in aud.matrix.index]
    out = pd.DataFrame(aud.matrix.to_numpy(float).round(4), columns=names)
    out.insert(0, t("col.indicator", lang), names)
    return out


def audit_reliability_table(aud, ds, lang: str) -> pd.DataFrame:
    """Per aggregate (the index first: its alpha is that of its pillars): parts, Cronbach's alpha,
    the first component's share, and the engine's note where one of them is undefined (the column
    only when some note exists)."""
    fw = aud.framework
    rel = aud.reliability
    out = pd.DataFrame({
        t("au.col.node", lang): [fw.name(n, lang) for n in rel["node"]],
        t("au.col.children", lang): rel["n_children"].astype(int).to_numpy(),
        t("au.col.alpha", lang): rel["alpha"].astype(float).round(3).to_numpy(),
        t("au.col.pc1", lang): rel["pc1_share"].astype(float).round(3).to_numpy(),
    })
    notes = rel["note_zh" if lang == "zh" else "note_en"].fillna("")
    if (notes != "").any():
        out[t("au.col.note", lang)] = notes.to_numpy()
    return out


def audit_parents_table(aud, ds, lang: str) -> pd.DataFrame:
    """Every element with its parent and with the index (the audit's correlation method)."""
    fw = aud.framework
    p = aud.parents
    return pd.DataFrame({
        t("au.col.element", lang): [fw.name(n, lang) for n in p["node"]],
        t("au.col.level", lang): [_level(fw, n, lang) for n in p["node"]],
        t("au.col.parent", lang): [fw.name(n, lang) for n in p["parent"]],
        t("au.col.r_parent", lang): p["r"].astype(float).round(3).to_numpy(),
        t("au.col.r_index", lang): p["r_index"].astype(float).round(3).to_numpy(),
    })


def audit_metrics(aud, mt, ds, lang: str) -> dict:
    """The page's headline numbers: flag count, lowest alpha (and where), largest removal shift,
    robust regions (``mt`` may be None)."""
    fw = aud.framework
    rel = aud.reliability.dropna(subset=["alpha"])
    low = rel.loc[rel["alpha"].idxmin()] if len(rel) else None
    shifts = aud.removal["max_abs_rank_shift"].dropna()
    out = {"flags": int(len(aud.flags)),
           "alpha": None if low is None else float(low["alpha"]),
           "alpha_node": None if low is None else fw.name(low["node"], lang),
           "max_shift": None if shifts.empty else int(shifts.max())}
    if mt is not None:
        out["robust"] = int(mt.summary["robust"].sum())
        out["regions"] = int(len(mt.summary))
    return out


# --------------------------------------------------------------------------------------------
# importance
# --------------------------------------------------------------------------------------------
def _importance_frame(aud, lang: str) -> pd.DataFrame:
    fw = aud.framework
    imp = aud.importance.copy()
    imp["name"] = [fw.name(n, lang) for n in imp["node"]]
    imp["level"] = [_group_label(fw, g, lang) for g in imp["group"]]
    flagged = set(aud.flags.loc[aud.flags["kind"] == "importance", "node"])
    imp["flagged"] = [n in flagged for n in imp["node"]]
    return imp


def audit_importance_levels(aud, ds, lang: str) -> list[str]:
    """The levels of the importance chart, in drawing order: pillars, deeper levels, indicators."""
    return sorted(aud.importance["group"].unique(), key=lambda g: (g == "indicators", str(g)))


def audit_importance_chart(aud, ds, lang: str, group: str) -> dict:
    """One level (``group`` of ``aud.importance``: "depth 1" = pillars, ..., "indicators"): the
    nominal weight share, the r² share and the first-order share of each element, as dots joined by
    a line from nominal to first-order; flagged elements' names in bold. Shares within the level,
    as the flags use them."""
    imp = _importance_frame(aud, lang)
    m_nom, m_r2, m_s = t("au.m.nominal", lang), t("au.m.r2", lang), t("au.m.s", lang)
    measures = [m_nom, m_r2, m_s]
    colour = alt.Color("measure:N", title=t("au.importance.measure", lang),
                       scale=alt.Scale(domain=measures, range=[AUDIT_INK["nominal"], AUDIT_INK["r2"], AUDIT_INK["s"]]),
                       legend=alt.Legend(orient="top", labelLimit=260))
    shape = alt.Shape("measure:N", scale=alt.Scale(domain=measures, range=["circle", "square", "diamond"]))
    sub = imp[imp["group"] == group]
    names = list(sub["name"])
    bold = [nm for nm, f in zip(sub["name"], sub["flagged"]) if f]
    long = pd.concat([
        pd.DataFrame({"name": sub["name"], "measure": m_nom, "share": sub["nominal_share"]}),
        pd.DataFrame({"name": sub["name"], "measure": m_r2, "share": sub["r2_share"]}),
        pd.DataFrame({"name": sub["name"], "measure": m_s, "share": sub["first_order_share"]}),
    ]).dropna(subset=["share"])
    info = sub[["name", "nominal_weight", "r2", "first_order", "ratio"]]
    long = long.merge(info, on="name", how="left")
    tip = [alt.Tooltip("name:N", title=t("au.col.element", lang)),
           alt.Tooltip("measure:N", title=t("au.importance.measure", lang)),
           alt.Tooltip("share:Q", title=t("au.importance.share", lang), format=".1%"),
           alt.Tooltip("nominal_weight:Q", title=t("au.col.nominal_pct", lang), format=".1%"),
           alt.Tooltip("r2:Q", title=t("au.col.r2", lang), format=".3f"),
           alt.Tooltip("first_order:Q", title=t("au.col.s", lang), format=".3f"),
           alt.Tooltip("ratio:Q", title=t("au.col.ratio", lang), format=".2f")]
    test = f"indexof({_js_list(bold)}, datum.value) >= 0"
    yax = alt.Axis(labelLimit=200, labelFontWeight=alt.ExprRef(f"{test} ? 'bold' : 'normal'"),
                   labelColor=alt.ExprRef(f"{test} ? '{AUDIT_INK['s']}' : '#333333'"))
    y = alt.Y("name:N", sort=names, title=None, axis=yax)
    xmax = float(np.nanmax(long["share"].to_numpy(float))) if len(long) else 1.0
    xs = alt.Scale(domain=[0, max(0.05, xmax * 1.08)], nice=False)
    xa = alt.Axis(format="%", title=t("au.importance.share", lang))
    seg = sub[["name", "nominal_share", "first_order_share"]].dropna()
    _data = _Datasets("au_imp_")
    line = alt.Chart(_data(seg)).mark_rule(color="#999999", strokeWidth=2).encode(
        y=y, x=alt.X("nominal_share:Q", scale=xs, axis=xa), x2=alt.X2(field="first_order_share"))
    dots = alt.Chart(_data(long)).mark_point(filled=True, size=70, opacity=0.95).encode(
        y=y, x=alt.X("share:Q", scale=xs, axis=xa), color=colour, shape=shape, tooltip=tip)
    title = t("au.importance.title", lang, level=_group_label(aud.framework, group, lang))
    return _data.spec((line + dots).properties(height=26 * len(names), autosize=_FIT_X, title=title))


def audit_importance_table(aud, ds, lang: str) -> pd.DataFrame:
    """Nominal weight, r², first-order S, their shares within the level and the ratio."""
    imp = _importance_frame(aud, lang)
    return pd.DataFrame({
        t("au.col.element", lang): imp["name"].to_numpy(),
        t("au.col.level", lang): imp["level"].to_numpy(),
        t("au.col.nominal_pct", lang): (imp["nominal_weight"] * 100).round(2).to_numpy(),
        t("au.col.r2", lang): imp["r2"].round(3).to_numpy(),
        t("au.col.s", lang): imp["first_order"].round(3).to_numpy(),
        t("au.col.nominal_share", lang): (imp["nominal_share"] * 100).round(1).to_numpy(),
        t("au.col.r2_share", lang): (imp["r2_share"] * 100).round(1).to_numpy(),
        t("au.col.s_share", lang): (imp["first_order_share"] * 100).round(1).to_numpy(),
        t("au.col.ratio", lang): imp["ratio"].round(2).to_numpy(),
    })


# --------------------------------------------------------------------------------------------
# removal
# --------------------------------------------------------------------------------------------
def audit_removal_table(aud, ds, lang: str) -> pd.DataFrame:
    """Per element (pillars first, then each deeper level; framework order within a level): the
    mean and the largest absolute change of the index rank when it is removed. ``Parent`` is left
    blank under the index itself; ``Removed with it`` (the ancestor weighted 0 instead of an only
    child) is shown only when some element needs it."""
    fw = aud.framework
    rm = aud.removal.copy()
    rm["_leaf"] = [fw.is_leaf(n) for n in rm["node"]]
    rm = rm.sort_values(["_leaf", "depth"], kind="stable")
    out = pd.DataFrame({
        t("au.col.element", lang): [fw.name(n, lang) for n in rm["node"]],
        t("au.col.mean_shift", lang): rm["mean_abs_rank_shift"].astype(float).round(2).to_numpy(),
        t("au.col.max_shift", lang): rm["max_abs_rank_shift"].astype(float).round().astype("Int64")
                                     .reset_index(drop=True),
        t("au.col.level", lang): [_level(fw, n, lang) for n in rm["node"]],
        t("au.col.parent", lang): ["" if fw.parent(n) == fw.root else fw.name(fw.parent(n), lang) for n in rm["node"]],
    })
    removed = [fw.name(r, lang) if r and r != n else "" for n, r in zip(rm["node"], rm["removed"])]
    if any(removed):
        out[t("au.col.removed", lang)] = removed
    return out


def audit_removal_regions(aud, ds, lang: str, node: str) -> pd.DataFrame:
    """The regions whose index rank changes when ``node`` is removed, biggest change first
    (empty when nobody moves or the node cannot be removed)."""
    base = aud.result.ranks[aud.framework.root]
    after = aud.removal_ranks[node].reindex(base.index)
    ok = after.notna()
    move = (base - after)[ok]
    keep = move[move != 0].index
    out = pd.DataFrame({
        t("col.region", lang): [region_name(ds, r, lang) for r in keep],
        t("au.col.rank_now", lang): base[keep].astype(int).to_numpy(),
        t("au.col.rank_without", lang): after[keep].astype(int).to_numpy(),
        t("au.col.rank_move", lang): move[keep].astype(int).to_numpy(),
    })
    order = np.argsort(-np.abs(out[t("au.col.rank_move", lang)].to_numpy()), kind="stable")
    return out.iloc[order].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# flags
# --------------------------------------------------------------------------------------------
def _flag_kind(kind: str, th, lang: str) -> str:
    """A kind of flag in words, with its threshold."""
    return t("au.flag." + kind, lang, weak=f"{th.weak:g}", collinear=f"{th.collinear:g}", alpha=f"{th.alpha:g}",
             f=f"{th.importance:g}")


def audit_flag_groups(aud, ds, lang: str) -> list[tuple[str, str, list[str]]]:
    """``[(kind, title with threshold and count, [messages])]`` in :data:`FLAG_KINDS` order; the
    messages are the engine's ``message_zh`` / ``message_en``."""
    col = "message_zh" if lang == "zh" else "message_en"
    out = []
    for kind in FLAG_KINDS:
        msgs = list(aud.flags.loc[aud.flags["kind"] == kind, col])
        if msgs:
            out.append((kind, t("au.flag.count", lang, kind=_flag_kind(kind, aud.thresholds, lang), n=len(msgs)), msgs))
    return out


def audit_flags_table(aud, ds, lang: str) -> pd.DataFrame:
    """Every flag: kind (in words), elements, value, threshold, message."""
    fw = aud.framework
    f = aud.flags
    th = aud.thresholds

    def other(o):
        return fw.name(o, lang) if o in fw.ids else _group_label(fw, o, lang) if o else ""

    kinds = {k: _flag_kind(k, th, lang) for k in FLAG_KINDS}
    return pd.DataFrame({
        t("au.col.kind", lang): [kinds.get(k, k) for k in f["kind"]],
        t("au.col.element", lang): [fw.name(n, lang) for n in f["node"]],
        t("au.col.parent", lang): [other(o) for o in f["other"]],
        t("au.col.value", lang): f["value"].astype(float).round(3).to_numpy(),
        t("au.col.threshold", lang): f["threshold"].astype(float).to_numpy(),
        t("au.col.message", lang): f["message_zh" if lang == "zh" else "message_en"].to_numpy(),
    })


# --------------------------------------------------------------------------------------------
# methods
# --------------------------------------------------------------------------------------------
def methods_label(method: str, lang: str) -> str:
    return t("au.method." + method, lang)


def _band_frame(mt, ds, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per region, per region × method) frames of the band chart, regions by the index's rank
    (ties and a missing index rank in data order)."""
    s = mt.summary
    rank0 = mt.ranks["report"] if "report" in mt.ranks else s["median_rank"]
    order = list(rank0.fillna(np.inf).sort_values(kind="stable").index)
    k = mt.robust_range
    names = {r: region_name(ds, r, lang) for r in order}
    sub = s.loc[order]
    reg = pd.DataFrame({
        "region": order,
        "name": [names[r] for r in order],
        "index_rank": rank0.loc[order].to_numpy(float),
        "best": sub["best_rank"].to_numpy(float),
        "worst": sub["worst_rank"].to_numpy(float),
        "robust": sub["robust"].astype(bool).to_numpy(),
    })
    reg["status"] = np.where(reg["robust"], t("au.band.robust", lang, k=k), t("au.band.dependent", lang, k=k))
    reg["range"] = [f"{int(b)}–{int(w)}" if np.isfinite(b) and np.isfinite(w) else ""
                    for b, w in zip(reg["best"], reg["worst"])]
    long = mt.ranks.loc[order, list(mt.methods)].rename_axis("region").reset_index().melt(
        id_vars="region", var_name="key", value_name="rank").dropna(subset=["rank"])
    pts = pd.DataFrame({"region": long["region"].to_numpy(), "name": long["region"].map(names).to_numpy(),
                        "method": long["key"].map(lambda m: methods_label(m, lang)).to_numpy(),
                        "key": long["key"].to_numpy(), "rank": long["rank"].astype(int).to_numpy()})
    return reg, pts


def methods_band_chart(mt, ds, lang: str) -> dict:
    """Every region a row, sorted by the index's rank: a band from its best to its worst rank over
    the methods (orange when wider than the robust range), a dot per method (colour and shape; click
    the legend to highlight one), a black tick at the index's own rank, and the range written after
    the band of a method-dependent region (whose name is bold)."""
    reg, pts = _band_frame(mt, ds, lang)
    n = len(reg)
    k = mt.robust_range
    names = list(reg["name"])
    dependent = list(reg.loc[~reg["robust"], "name"])
    test = f"indexof({_js_list(dependent)}, datum.value) >= 0"
    y = alt.Y("name:N", sort=names, title=None,
              axis=alt.Axis(labelFontWeight=alt.ExprRef(f"{test} ? 'bold' : 'normal'"),
                            labelColor=alt.ExprRef(f"{test} ? '{AUDIT_INK['dependent_text']}' : '#333333'"),
                            labelLimit=160, labelOverlap=False))
    values = sorted({1, *range(5, n + 1, 5)} | ({n} if n % 5 == 0 or n % 5 >= 3 or n < 5 else set()))
    x_scale = alt.Scale(domain=[0.5, n + max(2.5, n * 0.1)], nice=False, zero=False)
    x_axis = alt.Axis(values=values, title=t("au.band.x", lang), grid=True)

    def X(field):  # the same scale and axis in every layer, so that they merge into one
        return alt.X(field, scale=x_scale, axis=x_axis)

    tip_band = [alt.Tooltip("name:N", title=t("col.region", lang)),
                alt.Tooltip("index_rank:Q", title=methods_label("report", lang)),
                alt.Tooltip("best:Q", title=t("au.col.best", lang)),
                alt.Tooltip("worst:Q", title=t("au.col.worst", lang)),
                alt.Tooltip("status:N", title=t("au.band.legend", lang))]
    statuses = [t("au.band.robust", lang, k=k), t("au.band.dependent", lang, k=k)]
    status = alt.Color("status:N", title=t("au.band.legend", lang),
                       scale=alt.Scale(domain=statuses, range=[AUDIT_INK["robust"], AUDIT_INK["dependent"]]),
                       legend=alt.Legend(orient="top", direction="vertical", labelLimit=320, symbolType="square",
                                         symbolSize=160))
    _data = _Datasets("au_band_")
    rd = _data(reg)
    band = alt.Chart(rd).mark_bar(height=12, cornerRadius=6).encode(
        y=y, x=X("best:Q"), x2=alt.X2(field="worst"), color=status, tooltip=tip_band)
    # a zero-width band (every method agrees) still shows, as a pill
    same = alt.Chart(rd).transform_filter("datum.best == datum.worst").mark_point(
        shape="circle", size=150, filled=True, opacity=1).encode(y=y, x=X("best:Q"), color=status, tooltip=tip_band)
    others = [m for m in mt.methods if m != "report" and m in METHOD_MARKS]
    labels = [methods_label(m, lang) for m in others]
    sel = alt.selection_point(fields=["method"], bind="legend", name="au_method")
    tip_pt = [alt.Tooltip("name:N", title=t("col.region", lang)),
              alt.Tooltip("method:N", title=t("au.band.method", lang)),
              alt.Tooltip("rank:Q", title=t("col.rank", lang))]
    pd_ = _data(pts)
    dots = alt.Chart(pd_).transform_filter("datum.key != 'report'").mark_point(
        filled=True, size=42, strokeWidth=0).encode(
        y=y, x=X("rank:Q"),
        color=alt.Color("method:N", title=t("au.band.method", lang),
                        scale=alt.Scale(domain=labels, range=[METHOD_MARKS[m][0] for m in others]),
                        # one column on a phone, three on a wider screen ("width" is the plot's width)
                        legend=alt.Legend(orient="bottom", columns=alt.ExprRef("width < 420 ? 1 : 3"), symbolSize=90,
                                          labelLimit=240, columnPadding=16)),
        shape=alt.Shape("method:N", scale=alt.Scale(domain=labels, range=[METHOD_MARKS[m][1] for m in others])),
        opacity=alt.OpacityValue(0.1, condition={"param": sel.name, "value": 0.95}),
        tooltip=tip_pt).add_params(sel)
    tick = alt.Chart(pd_).transform_filter("datum.key == 'report'").mark_tick(
        color="black", thickness=3, size=18).encode(
        y=y, x=X("rank:Q"), tooltip=tip_pt)
    text = alt.Chart(rd).transform_filter("!datum.robust").mark_text(
        align="left", dx=8, fontSize=11, fontWeight="bold", color=AUDIT_INK["dependent_text"]).encode(
        y=y, x=X("worst:Q"), text=alt.Text(field="range", type="nominal"))
    # the band and its pill share one colour scale; the dots have their own
    chart = alt.layer(alt.layer(band, same), dots, tick, text).resolve_scale(color="independent", shape="independent")
    return _data.spec(chart.properties(height=21 * n, autosize=_FIT_X, title=t("au.band.title", lang)))


def methods_rank_table(mt, ds, lang: str) -> pd.DataFrame:
    """Per region (by the index's rank): its rank under every method, best, worst, range, robust."""
    reg, _ = _band_frame(mt, ds, lang)
    out = pd.DataFrame({t("col.region", lang): reg["name"].to_numpy()})
    for m in mt.methods:
        out[methods_label(m, lang)] = mt.ranks[m].reindex(reg["region"]).astype("Int64").to_numpy()
    out[t("au.col.best", lang)] = reg["best"].astype("Int64").to_numpy()
    out[t("au.col.worst", lang)] = reg["worst"].astype("Int64").to_numpy()
    out[t("au.col.range", lang)] = (reg["worst"] - reg["best"]).astype("Int64").to_numpy()
    out[t("au.col.robust", lang)] = [t("au.yes" if r else "au.no", lang) for r in reg["robust"]]
    return out


def methods_agreement_table(mt, ds, lang: str) -> pd.DataFrame:
    """Each method against the index itself: Spearman, Kendall's tau-b, largest and mean absolute
    rank change."""
    if "report" not in mt.methods:
        return pd.DataFrame()
    base = mt.ranks["report"]
    rows = []
    for m in mt.methods:
        if m == "report":
            continue
        d = (mt.ranks[m] - base).abs().dropna()
        rows.append({t("au.col.method", lang): methods_label(m, lang),
                     t("au.col.spearman", lang): _round(mt.spearman.at["report", m], 3),
                     t("au.col.kendall", lang): _round(mt.kendall.at["report", m], 3),
                     t("au.col.max_change", lang): int(d.max()) if len(d) else None,
                     t("au.col.mean_change", lang): round(float(d.mean()), 2) if len(d) else None})
    return pd.DataFrame(rows)


def methods_weights_table(mt, ds, lang: str) -> pd.DataFrame:
    """Global indicator weights (%) of the weighting methods (the index's, equal, entropy, CRITIC, PCA)."""
    fw = mt.result.spec.framework
    w = mt.weights
    out = pd.DataFrame({t("col.indicator", lang): [fw.name(i, lang) for i in w.index],
                        t("col.pillar", lang): [fw.name(fw.ancestor_at(i, 1), lang) if fw.depth(i) > 1 else ""
                                                for i in w.index]})
    for m in w.columns:
        out[methods_label(m, lang)] = (w[m].to_numpy(float) * 100).round(2)
    return out


def methods_glossary(mt, ds, lang: str) -> pd.DataFrame:
    """Each method: its name and one sentence on what it does."""
    lo, hi = DEFAULT_BOD_BOUNDS
    what = [t("au.what." + m, lang, lo=lo, hi=hi) if m == "bod_restricted" else t("au.what." + m, lang)
            for m in mt.methods]
    return pd.DataFrame({t("au.col.method", lang): [methods_label(m, lang) for m in mt.methods],
                         t("au.col.what", lang): [w[:1].upper() + w[1:] for w in what]})


def methods_glossary_md(mt, ds, lang: str) -> str:
    """The glossary as a Markdown list (bold name, then the sentence)."""
    lo, hi = DEFAULT_BOD_BOUNDS
    sep = "：" if lang == "zh" else ": "
    return "\n".join(f"- **{audit_md_escape(methods_label(m, lang))}**{sep}"
                     f"{audit_md_escape(t('au.what.' + m, lang, lo=lo, hi=hi))}" for m in mt.methods)


def methods_summary(mt, ds, lang: str, widest: int = 4) -> str:
    """How many regions are robust, how many depend on the method, and the widest ranges."""
    s = mt.summary
    k, n = mt.robust_range, len(s)
    dep = mt.method_dependent_regions
    if not dep:
        return t("au.methods.all_robust", lang, n=n, k=k)
    sep = "、" if lang == "zh" else ", "
    brackets = ("（", "）") if lang == "zh" else (" (", ")")
    parts = [f"{region_name(ds, r, lang)}{brackets[0]}{int(s.at[r, 'best_rank'])}–{int(s.at[r, 'worst_rank'])}"
             f"{brackets[1]}" for r in dep[:widest]]
    return t("au.methods.summary", lang, robust=int(s["robust"].sum()), dep=len(dep),
             widest=t("au.methods.widest", lang, list=sep.join(parts)))


# --------------------------------------------------------------------------------------------
# PNG images of the two main charts (Streamlit shows no Vega export menu): matplotlib, drawn
# only when a download is asked for
# --------------------------------------------------------------------------------------------
_MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle-up": "^", "triangle-down": "v"}


def _png_font(size: float, weight: str = "normal"):
    from matplotlib.font_manager import FontProperties

    from ..geo import cjk_font_path

    path = cjk_font_path()  # WenQuanYi Micro Hei: Chinese and Latin text alike
    if path.exists():
        return FontProperties(fname=str(path), size=size, weight=weight)
    return FontProperties(size=size, weight=weight)


def _png_bytes(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})  # no version in the file: same input, same bytes
    return buf.getvalue()


def audit_heatmap_png(aud, ds, lang: str, note: str = "") -> bytes:
    """The correlation heatmap as a PNG (the page's chart: red-blue from -1 to 1, NaN grey, values in
    the cells, pillar separators and names), with ``note`` (what it is computed on) at the bottom."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    import matplotlib

    fw = aud.framework
    leaves = list(aud.matrix.index)
    n = len(leaves)
    M = aud.matrix.to_numpy(float)
    names = [fw.name(i, lang) for i in leaves]
    side = min(16.0, 4.0 + 0.42 * n)
    fig = Figure(figsize=(side + 2.2, side + 1.6), dpi=110, facecolor="white")
    ax = fig.add_axes((0.16, 0.15, 0.7, 0.74))
    small, label, head = _png_font(6), _png_font(8), _png_font(8, "bold")  # one font object per size
    cmap = ListedColormap(matplotlib.colormaps["RdBu"](np.linspace(0, 1, 256))).with_extremes(bad="#d9d9d9")
    im = ax.imshow(np.ma.masked_invalid(M), cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(n), names, rotation=50, ha="right", rotation_mode="anchor", fontproperties=label)
    ax.set_yticks(range(n), names, fontproperties=label)
    ax.tick_params(length=0)
    if n <= 24:
        for i in range(n):
            for j in range(n):
                if np.isfinite(M[i, j]):
                    ax.text(j, i, _short(M[i, j]), ha="center", va="center", fontproperties=small,
                            color="white" if abs(M[i, j]) > 0.6 else "#222222")
    start = 0
    for g, ls in _blocks(fw):
        ax.text(start + len(ls) / 2 - 0.5, -0.9, fw.name(g, lang), ha="center", va="bottom",
                fontproperties=head, clip_on=False)
        start += len(ls)
        if start < n:
            ax.axvline(start - 0.5, color="#222222", lw=1.5)
            ax.axhline(start - 0.5, color="#222222", lw=1.5)
    cb = fig.colorbar(im, cax=fig.add_axes((0.885, 0.3, 0.018, 0.45)))  # its own axes: the matrix keeps its box
    cb.set_label(t("au.heatmap.r", lang), fontproperties=_png_font(9))
    fig.text(0.03, 0.97, t("au.heatmap.title", lang, method=t("au.corr.short." + aud.method, lang)),
             fontproperties=_png_font(13), va="top")
    if note:
        fig.text(0.03, 0.015, note, fontproperties=_png_font(7), va="bottom", wrap=True, color="#555555")
    return _png_bytes(fig)


def methods_band_png(mt, ds, lang: str, note: str = "") -> bytes:
    """The rank bands as a PNG (the page's chart: a band from best to worst rank, grey when robust,
    orange when the rank depends on the method, a marker per method, a black tick at the index's own
    rank, the range after a method-dependent band), with ``note`` at the bottom."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    reg, pts = _band_frame(mt, ds, lang)
    n = len(reg)
    k = mt.robust_range
    height = 3.2 + 0.3 * n  # inches: rows, plus the title on top and the axis and legend below
    fig = Figure(figsize=(11, height), dpi=130, facecolor="white")
    ax = fig.add_axes((0.16, 2.0 / height, 0.8, 1 - 2.6 / height))
    small, label, bold = _png_font(7), _png_font(8), _png_font(8, "bold")
    ys = np.arange(n)
    for y, row in zip(ys, reg.itertuples(index=False)):
        if np.isfinite(row.best) and np.isfinite(row.worst):
            colour = AUDIT_INK["robust"] if row.robust else AUDIT_INK["dependent"]
            ax.plot([row.best, row.worst], [y, y], color=colour, lw=7, solid_capstyle="round", zorder=1)
            if not row.robust:
                ax.text(row.worst + 0.5, y, row.range, va="center", fontproperties=small,
                        color=AUDIT_INK["dependent_text"])
    pos = {r: y for y, r in zip(ys, reg["region"])}
    handles = []
    for m in [m for m in mt.methods if m != "report" and m in METHOD_MARKS]:
        sub = pts[pts["key"] == m]
        colour, shape = METHOD_MARKS[m]
        ax.scatter(sub["rank"], [pos[r] for r in sub["region"]], s=14, color=colour, marker=_MARKERS[shape], zorder=3,
                   linewidths=0)
        handles.append(Line2D([], [], color=colour, marker=_MARKERS[shape], ls="", label=methods_label(m, lang)))
    own = pts[pts["key"] == "report"]
    ax.scatter(own["rank"], [pos[r] for r in own["region"]], s=60, color="black", marker="|", linewidths=2, zorder=4)
    handles.append(Line2D([], [], color="black", marker="|", ls="", markersize=9, markeredgewidth=2,
                          label=methods_label("report", lang)))
    handles.append(Line2D([], [], color=AUDIT_INK["robust"], lw=6, label=t("au.band.robust", lang, k=k)))
    handles.append(Line2D([], [], color=AUDIT_INK["dependent"], lw=6, label=t("au.band.dependent", lang, k=k)))
    ax.set_yticks(ys, reg["name"], fontproperties=label)
    for lab, robust in zip(ax.get_yticklabels(), reg["robust"]):
        if not robust:
            lab.set_color(AUDIT_INK["dependent_text"])
            lab.set_fontproperties(bold)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0.5, n + max(2.5, n * 0.1))
    ax.set_xticks(sorted({1, *range(5, n + 1, 5)} | ({n} if n % 5 == 0 or n % 5 >= 3 or n < 5 else set())))
    ax.set_xlabel(t("au.band.x", lang), fontproperties=_png_font(9))
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(handles=handles, prop=small, loc="lower center", bbox_to_anchor=(0.5, 0.35 / height), ncol=4,
               frameon=False)
    fig.text(0.03, 0.985, t("au.band.title", lang), fontproperties=_png_font(13), va="top")
    if note:
        fig.text(0.03, 0.005, note, fontproperties=_png_font(7), va="bottom", wrap=True, color="#555555")
    return _png_bytes(fig)


# --------------------------------------------------------------------------------------------
# what the page draws, in one call each (one cache look-up per rerun instead of one per table)
# --------------------------------------------------------------------------------------------
def audit_page(aud, ds, lang: str) -> dict:
    """Every table and chart the page draws from the audit: ``heatmap``, ``matrix``,
    ``reliability``, ``parents``, ``levels`` with ``importance_charts`` (level -> chart),
    ``importance``, ``removal``, ``flag_groups``, ``flags``, ``notes``."""
    levels = audit_importance_levels(aud, ds, lang)
    return {"heatmap": audit_heatmap_chart(aud, ds, lang), "matrix": audit_matrix_table(aud, ds, lang),
            "reliability": audit_reliability_table(aud, ds, lang), "parents": audit_parents_table(aud, ds, lang),
            "levels": levels, "importance_charts": {g: audit_importance_chart(aud, ds, lang, g) for g in levels},
            "importance": audit_importance_table(aud, ds, lang), "removal": audit_removal_table(aud, ds, lang),
            "flag_groups": audit_flag_groups(aud, ds, lang), "flags": audit_flags_table(aud, ds, lang),
            "notes": audit_notes(aud, ds, lang)}


def methods_page(mt, ds, lang: str) -> dict:
    """Every table and chart the page draws from the methods: ``summary``, ``bands``,
    ``agreement``, ``glossary``, ``ranks``, ``weights``, ``notes``."""
    return {"summary": methods_summary(mt, ds, lang), "bands": methods_band_chart(mt, ds, lang),
            "agreement": methods_agreement_table(mt, ds, lang), "glossary": methods_glossary_md(mt, ds, lang),
            "ranks": methods_rank_table(mt, ds, lang), "weights": methods_weights_table(mt, ds, lang),
            "notes": methods_notes(mt, ds, lang)}


# --------------------------------------------------------------------------------------------
# the workbook
# --------------------------------------------------------------------------------------------
def audit_workbook_tables(aud, mt, ds, lang: str, basis: str = "") -> dict:
    """The audit's and the methods' tables, named for the sheets of an Excel workbook in ``lang``
    (either may be None when it could not be computed)."""
    out: dict = {}
    if basis:
        out[t("au.sheet.basis", lang)] = pd.DataFrame({t("au.sheet.basis", lang): [basis]})
    if aud is not None:
        out[t("au.sheet.reliability", lang)] = audit_reliability_table(aud, ds, lang)
        out[t("au.sheet.matrix", lang)] = audit_matrix_table(aud, ds, lang)
        out[t("au.sheet.parents", lang)] = audit_parents_table(aud, ds, lang)
        out[t("au.sheet.importance", lang)] = audit_importance_table(aud, ds, lang)
        out[t("au.sheet.removal", lang)] = audit_removal_table(aud, ds, lang)
        out[t("au.sheet.flags", lang)] = audit_flags_table(aud, ds, lang)
    if mt is not None:
        out[t("au.sheet.ranks", lang)] = methods_rank_table(mt, ds, lang)
        out[t("au.sheet.agreement", lang)] = methods_agreement_table(mt, ds, lang)
        out[t("au.sheet.weights", lang)] = methods_weights_table(mt, ds, lang)
        out[t("au.sheet.glossary", lang)] = methods_glossary(mt, ds, lang)
    notes = ((audit_notes(aud, ds, lang) if aud is not None else [])
             + (methods_notes(mt, ds, lang) if mt is not None else []))
    if notes:
        out[t("au.sheet.notes", lang)] = pd.DataFrame({t("au.sheet.notes", lang): notes})
    return out
