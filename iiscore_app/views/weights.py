"""The Weights & sensitivity page: slope chart, one-at-a-time sweep, Monte Carlo."""
from __future__ import annotations

import altair as alt
import pandas as pd

from iiscore_app.i18n import t

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


def slope_chart(ev, lang: str, highlight=()) -> alt.Chart:
    """Baseline rank (left) to current rank (right) for every region."""
    res, base = ev.current, ev.baseline
    root = res.spec.framework.root
    ds = ev.b.ds
    rows = []
    for r in res.scores.index:
        b, c = int(base.ranks.at[r, root]), int(res.ranks.at[r, root])
        move = t("up", lang) if c < b else (t("down", lang) if c > b else "=")
        name = region_name(ds, r, lang)
        rows.append({"region": name, "side": t("baseline", lang), "rank": b, "move": move, "order": 0})
        rows.append({"region": name, "side": t("current", lang), "rank": c, "move": move, "order": 1})
    df = pd.DataFrame(rows)
    colour = alt.Color("move:N", title=t("col.direction", lang),
                       scale=alt.Scale(domain=[t("up", lang), t("down", lang), "="],
                                       range=["#1a9850", "#d73027", "#bbbbbb"]))
    base_chart = alt.Chart(df).encode(
        x=alt.X("side:N", sort=[t("baseline", lang), t("current", lang)], title=None,
                axis=alt.Axis(labelAngle=0, labelFontSize=13)),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, domain=[1, len(res.scores)]), title=t("col.rank", lang)),
        color=colour, detail="region:N")
    lines = base_chart.mark_line(point=True)
    left = base_chart.transform_filter(alt.datum.order == 0).mark_text(align="right", dx=-8, fontSize=11).encode(text="region:N")
    right = base_chart.transform_filter(alt.datum.order == 1).mark_text(align="left", dx=8, fontSize=11).encode(text="region:N")
    return (lines + left + right).properties(height=620, title=t("w.slope", lang))


def oat_chart(ev, lang: str, node: str) -> alt.Chart:
    """Ranks of the current top regions as one weight's local share sweeps 0 → 1."""
    from iiscore import sensitivity

    res = ev.current
    fw = res.spec.framework
    sw = sensitivity.sweep(ev.edited_ds, res.spec, node, points=41)
    ds = ev.b.ds
    top = list(res.ranks[fw.root].sort_values(kind="stable").index[:10])
    df = sw.ranks[top].reset_index().melt(id_vars="weight", var_name="region", value_name="rank")
    df["name"] = [region_name(ds, r, lang) for r in df["region"]]
    lines = alt.Chart(df).mark_line().encode(
        x=alt.X("weight:Q", title=t("w.oat.x", lang)),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True), title=t("col.rank", lang)),
        color=alt.Color("name:N", title=t("col.region", lang)),
        tooltip=["name", "weight", "rank"])
    rule = alt.Chart(pd.DataFrame({"w": [sw.base_weight]})).mark_rule(strokeDash=[6, 4]).encode(x="w:Q")
    return (lines + rule).properties(height=340, title=f"{t('w.oat', lang)}: {fw.name(sw.node, lang)}")


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


def mc_chart(mc, ev, lang: str) -> alt.Chart:
    ds = ev.b.ds
    tab = mc.table.copy()
    tab["name"] = [region_name(ds, r, lang) for r in tab.index]
    order = list(tab.sort_values("base_rank")["name"])
    bars = alt.Chart(tab).mark_rule(strokeWidth=3).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("p05_rank:Q", title=t("col.rank", lang), scale=alt.Scale(domain=[1, len(tab)])),
        x2="p95_rank:Q")
    med = alt.Chart(tab).mark_point(filled=True, size=50, color="black").encode(
        y=alt.Y("name:N", sort=order), x="median_rank:Q",
        tooltip=["name", "base_rank", "median_rank", "p05_rank", "p95_rank"])
    return (bars + med).properties(height=620, title=t("w.mc.interval", lang))
