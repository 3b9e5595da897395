"""The Weights & sensitivity page: weight shares, slider ranges, the AHP editor's tables, slope chart,
one-at-a-time sweep, Monte Carlo (no Streamlit here)."""
from __future__ import annotations

import math

import altair as alt
import pandas as pd

from iiscore.errors import IIScoreError
from iiscore.weights import ahp
from iiscore_app.i18n import t

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


# -- weights: shares of the composite, slider ranges, levels that total 100 -----------------------
def weight_shares(fw, weights: dict | None = None) -> dict | None:
    """Each node's share of the composite (0-1) under ``weights`` (raw weights overriding ``fw``'s).

    A leaf's share is its global weight ``prod`` of the normalised local weights on its path
    (:meth:`Framework.global_weights`); an inner node's share is the sum of its leaves'. None when
    the weights cannot be used (a group all 0): the page then says so instead of a number.
    """
    try:
        f = fw.with_weights(weights) if weights else fw
        g = f.global_weights()
    except IIScoreError:
        return None
    out = {leaf: float(g[leaf]) for leaf in f.leaves}
    for node in f.ids:
        if node != f.root and not f.is_leaf(node):
            out[node] = float(sum(g[leaf] for leaf in f.leaves_under(node)))
    return out


def local_shares(fw, weights: dict | None = None) -> dict | None:
    """Each non-root node's share (0-1) within its parent under ``weights``; None as :func:`weight_shares`."""
    try:
        f = fw.with_weights(weights) if weights else fw
        out = {}
        for parent in f.aggregates:
            out.update({k: float(v) for k, v in f.local_weights(parent).items()})
    except IIScoreError:
        return None
    return out


def weight_slider_range(value: float, lo: float, hi: float) -> tuple[float, float, bool]:
    """The slider's (min, max, widened): ``[lo, hi]``, widened to the next multiple of 10 that holds
    ``value`` when a link (or a framework file) carries a weight outside it -- shown as it is,
    never clamped."""
    if lo <= value <= hi:
        return lo, hi, False
    return float(min(lo, math.floor(value / 10) * 10)), float(max(hi, math.ceil(value / 10) * 10)), True


def rescale_level(fw, weights: dict, node: str, value: float, total: float = 100.0) -> dict:
    """``weights`` with ``node`` set to ``value`` and its siblings rescaled so that the level totals ``total``.

    The siblings keep their proportions: ``w_s' = (total - value) · w_s / Σ w_siblings`` (equal shares
    when they are all 0); ``value`` is capped at ``total``. Weights are rounded to 2 decimals, the
    rounding remainder going to the largest sibling, so the level totals ``total`` as displayed.
    """
    parent = fw.parent(node)
    out = dict(weights)
    value = min(max(float(value), 0.0), float(total))
    out[node] = round(value, 2)
    sibs = [s for s in fw.children(parent) if s != node] if parent is not None else []
    if not sibs:
        return out
    cur = {s: float(out.get(s, fw.node(s).weight)) for s in sibs}
    rest = float(total) - out[node]
    mass = sum(cur.values())
    new = {s: (rest * cur[s] / mass if mass > 0 else rest / len(sibs)) for s in sibs}
    new = {s: round(v, 2) for s, v in new.items()}
    big = max(sibs, key=lambda s: (new[s], -sibs.index(s)))
    new[big] = round(new[big] + (rest - sum(new.values())), 2)
    out.update(new)
    return out


# -- the AHP editor: what it shows, what was typed ------------------------------------------------
def _judgement_or_none(cell):
    try:
        v = ahp.parse_judgement(str(cell).strip() or "1")
    except (ValueError, ZeroDivisionError):
        return None
    return v if ahp.on_scale(v) else None


def ahp_shown(judged: pd.DataFrame, labels) -> pd.DataFrame:
    """The full matrix as the editor shows it: the judgements above the diagonal as typed, their
    reciprocals below it ("?" under a cell that is not a judgement yet), 1 on the diagonal."""
    n = len(labels)
    out = pd.DataFrame("1", index=list(labels), columns=list(labels))
    for i in range(n):
        for j in range(i + 1, n):
            cell = str(judged.iat[i, j]).strip() or "1"
            out.iat[i, j] = cell
            v = _judgement_or_none(cell)
            out.iat[j, i] = ahp.format_judgement(1 / v) if v is not None else "?"
    return out


def ahp_fold(judged: pd.DataFrame, shown: pd.DataFrame, edited: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The user's judgements (upper triangle) after an edit of the shown matrix, and whether any changed.

    A cell typed above the diagonal is the judgement of its row over its column; a cell typed below
    it is read the same way, so its reciprocal goes above (a cell that is not a judgement is kept as
    typed, for the error message to name).
    """
    out = judged.copy()
    changed = False
    n = len(out)
    for i in range(n):
        for j in range(n):
            new_cell, old_cell = str(edited.iat[i, j]).strip(), str(shown.iat[i, j]).strip()
            if i == j or new_cell == old_cell:
                continue
            if i < j:
                out.iat[i, j] = new_cell
            else:
                v = _judgement_or_none(new_cell)
                out.iat[j, i] = ahp.format_judgement(1 / v) if v is not None else new_cell
            changed = True
    return out, changed


def ahp_revised(judged: pd.DataFrame, plan) -> pd.DataFrame:
    """The judgements with every step of a :class:`iiscore.weights.ahp.RevisionPlan` applied (its
    labels are the judged table's)."""
    out = judged.copy()
    for s in plan.steps:
        out.loc[s.row, s.column] = ahp.format_judgement(s.value)
    return out


def ahp_plan_lines(plan, fw, lang: str) -> list[str]:
    """One line per revision: the pair by name, the judgement before and after, CR before and after."""
    return [t("w.ahp.plan.step", lang, k=k, row=fw.name(s.row, lang), col=fw.name(s.column, lang),
              cur=ahp.format_judgement(s.current), new=ahp.format_judgement(s.value), before=s.cr_before,
              after=s.cr_after) for k, s in enumerate(plan.steps, 1)]


# -- charts -----------------------------------------------------------------------------------------
def _rank_ticks(lo: int, hi: int) -> list[int]:
    """Rank ticks from ``lo`` (1 = best): ``lo``, then every 5th rank, and ``hi``."""
    ticks = [lo] + [r for r in range(5, hi + 1, 5) if r > lo]
    if hi not in ticks:
        ticks.append(hi)
    return ticks


def _names(ds, regions, lang: str) -> dict:
    """region -> display name, looked up once per region (not once per chart row)."""
    return {r: region_name(ds, r, lang) for r in regions}


def slope_chart(ev, lang: str, highlight=()) -> alt.LayerChart:
    """Baseline rank (left) to current rank (right) for every region."""
    res, base = ev.current, ev.baseline
    root = res.spec.framework.root
    names = _names(ev.b.ds, res.scores.index, lang)
    b_ranks, c_ranks = base.ranks[root], res.ranks[root]
    up, down, left_l, right_l = t("up", lang), t("down", lang), t("baseline", lang), t("current", lang)
    rows = []
    for r in res.scores.index:
        b, c = int(b_ranks[r]), int(c_ranks[r])
        move = up if c < b else (down if c > b else "=")
        rows.append({"region": names[r], "side": left_l, "rank": b, "move": move, "order": 0})
        rows.append({"region": names[r], "side": right_l, "rank": c, "move": move, "order": 1})
    df = pd.DataFrame(rows)
    n = len(res.scores)
    colour = alt.Color("move:N", title=t("col.direction", lang),
                       scale=alt.Scale(domain=[up, down, "="], range=["#1a9850", "#d73027", "#bbbbbb"]))
    # the data sit on the layer, not on each sub-chart (altair would hash a copy per sub-chart)
    base_chart = alt.Chart().encode(
        x=alt.X("side:N", sort=[left_l, right_l], title=None, axis=alt.Axis(labelAngle=0, labelFontSize=13)),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, domain=[1, n], nice=False), title=t("col.rank", lang),
                axis=alt.Axis(values=_rank_ticks(1, n))),
        color=colour, detail="region:N")
    lines = base_chart.mark_line(point=True)
    left = base_chart.transform_filter(alt.datum.order == 0).mark_text(align="right", dx=-8, fontSize=11).encode(text="region:N")
    right = base_chart.transform_filter(alt.datum.order == 1).mark_text(align="left", dx=8, fontSize=11).encode(text="region:N")
    return alt.layer(lines, left, right, data=df).properties(height=620, title=t("w.slope", lang))


def oat_frame(ev, lang: str, node: str) -> tuple[pd.DataFrame, float, str]:
    """The sweep behind :func:`oat_chart`: (long table weight/region/rank/name, current local share, node)."""
    from iiscore import sensitivity

    res = ev.current
    fw = res.spec.framework
    sw = sensitivity.sweep(ev.edited_ds, res.spec, node, points=41)
    top = list(res.ranks[fw.root].sort_values(kind="stable").index[:10])
    df = sw.ranks[top].reset_index().melt(id_vars="weight", var_name="region", value_name="rank")
    df["name"] = df["region"].map(_names(ev.b.ds, top, lang))
    return df, float(sw.base_weight), sw.node


def oat_chart(ev, lang: str, node: str) -> alt.LayerChart:
    """Ranks of the current top 10 as one weight's local share sweeps 0 → 1; the rank axis runs from
    1 (best, at the top) to the worst rank the sweep reaches."""
    fw = ev.current.spec.framework
    df, base_weight, node = oat_frame(ev, lang, node)
    worst = max(int(df["rank"].max()), 2)
    region, rank, share = t("col.region", lang), t("col.rank", lang), t("w.oat.x", lang)
    lines = alt.Chart(df).mark_line().encode(
        x=alt.X("weight:Q", title=share, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("rank:Q", title=rank, scale=alt.Scale(reverse=True, domain=[1, worst], nice=False),
                axis=alt.Axis(values=_rank_ticks(1, worst), format="d")),
        color=alt.Color("name:N", title=region, sort=list(dict.fromkeys(df["name"]))),
        tooltip=[alt.Tooltip("name:N", title=region), alt.Tooltip("weight:Q", title=share, format=".1%"),
                 alt.Tooltip("rank:Q", title=rank)])
    rule = alt.Chart().mark_rule(strokeDash=[6, 4]).encode(x=alt.datum(base_weight))
    return alt.layer(lines, rule).properties(height=340, title=t("w.oat.title", lang, node=fw.name(node, lang)))


def mc_table(mc, ev, lang: str) -> pd.DataFrame:
    ds = ev.b.ds
    tab = mc.table
    out = pd.DataFrame({
        t("col.region", lang): [region_name(ds, r, lang) for r in tab.index],
        t("col.rank", lang): tab["base_rank"].astype(int).to_numpy(),
        t("w.mc.median", lang): tab["median_rank"].to_numpy(),
        t("w.mc.interval", lang): [f"{a:.0f}–{b:.0f}" for a, b in zip(tab["p05_rank"], tab["p95_rank"])],
    })
    names = ev.tiers.assignment.drop_duplicates("tier").set_index("tier")
    for c in [c for c in tab.columns if str(c).startswith("p_tier")]:
        k = int(str(c)[len("p_tier"):])
        label = names.at[k, "tier_name_en" if lang == "en" else "tier_name_zh"] if k in names.index else k
        out[f"{t('col.tier', lang)} {k} {label}"] = (tab[c].to_numpy() * 100).round(1)
    return out.sort_values(t("col.rank", lang)).reset_index(drop=True)


#: Height of one region's row in the Monte Carlo chart (every region is labelled).
MC_ROW = 20


def mc_chart(mc, ev, lang: str) -> alt.Chart:
    """One row per region (every one labelled, current ranking order): the 5-95 % rank interval as a
    bar, the median rank as a black dot, the current rank as a red tick; rank axis 1 (best, left) to
    the number of regions."""
    ds = ev.b.ds
    tab = mc.table.copy()
    n = len(tab)
    region, rank = t("col.region", lang), t("col.rank", lang)
    med_l, cur_l, p05_l, p95_l = (t(k, lang) for k in ("w.mc.median", "w.mc.current", "w.mc.p05", "w.mc.p95"))
    tab["name"] = [region_name(ds, r, lang) for r in tab.index]
    order = list(tab.sort_values(["base_rank", "median_rank"], kind="stable")["name"])
    y = alt.Y("name:N", sort=order, title=None,
              axis=alt.Axis(labelOverlap=False, labelLimit=220, labelFontSize=11, ticks=False))
    x_scale = alt.Scale(domain=[1, n], nice=False)
    x_axis = alt.Axis(values=_rank_ticks(1, n), format="d", grid=True)
    tips = [alt.Tooltip("name:N", title=region), alt.Tooltip("base_rank:Q", title=cur_l),
            alt.Tooltip("median_rank:Q", title=med_l), alt.Tooltip("p05_rank:Q", title=p05_l),
            alt.Tooltip("p95_rank:Q", title=p95_l)]
    bars = alt.Chart(tab).mark_rule(strokeWidth=6, opacity=0.45, color="#4878a8").encode(
        y=y, x=alt.X("p05_rank:Q", title=rank, scale=x_scale, axis=x_axis),
        x2="p95_rank:Q", tooltip=tips)
    marks = pd.concat([
        pd.DataFrame({"name": tab["name"], "rank": tab["median_rank"], "what": med_l}),
        pd.DataFrame({"name": tab["name"], "rank": tab["base_rank"], "what": cur_l})])
    colour = alt.Color("what:N", title=None,
                       scale=alt.Scale(domain=[med_l, cur_l], range=["black", "#d73027"]),
                       legend=alt.Legend(orient="top"))
    mtips = [alt.Tooltip("name:N", title=region), alt.Tooltip("what:N", title=t("w.mc.marker", lang)),
             alt.Tooltip("rank:Q", title=rank)]
    enc = dict(y=alt.Y("name:N", sort=order), x=alt.X("rank:Q", scale=x_scale), color=colour, tooltip=mtips)
    pts = alt.Chart(marks[marks["what"] == med_l]).mark_point(filled=True, size=55).encode(**enc)
    ticks = alt.Chart(marks[marks["what"] == cur_l]).mark_tick(thickness=2, size=MC_ROW - 4).encode(**enc)
    title = alt.TitleParams(t("w.mc.chart", lang), subtitle=t("w.mc.chart.sub", lang), anchor="start")
    return (bars + pts + ticks).properties(height=alt.Step(MC_ROW), title=title)
