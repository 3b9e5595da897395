"""The Overview page: national index, contributions, rank trajectories."""
from __future__ import annotations

import altair as alt
import pandas as pd

from iiscore_app.i18n import t

from .common import NO_DATA, node_name, pillar_scale, ranking_table, region_name, tier_label, top_line  # noqa: F401


def national_chart(ev, lang: str) -> alt.Chart:
    from iiscore.national import load_published

    index, _ = load_published()
    fw = ev.current.spec.framework
    df = index.reset_index().melt(id_vars="year", var_name="node", value_name="value")
    df["name"] = [fw.name(n, lang) for n in df["node"]]
    df["is_root"] = df["node"] == fw.root
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("year:O", title=t("col.year", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=t("col.value", lang)),
        color=alt.Color("name:N", title=t("col.pillar", lang), scale=pillar_scale(fw, lang, with_root=True)),
        strokeWidth=alt.condition(alt.datum.is_root, alt.value(4), alt.value(2)),
        tooltip=["name", "year", "value"],
    ).properties(height=320, title=t("home.national", lang))


def contributions_table(ev, lang: str) -> pd.DataFrame:
    """Contribution (%) of each pillar to the composite's change, each year vs the one before,
    with the scenario's pillar weights, and the report's published figures."""
    from iiscore.national import composite_from_children, contributions, load_published

    index, published = load_published()
    fw = ev.current.spec.framework
    # the composite's change under the scenario's weights (the published composite is the report's
    # weighting): with the default, inferred weights the two agree to 1e-13, and shares sum to 100
    index = index.assign(**{fw.root: composite_from_children(index, fw)})

    years = list(index.index)
    rows = {}
    for a, b in zip(years[:-1], years[1:]):
        rows[f"{a}→{b}"] = contributions(index, fw, start=a, end=b)
    out = pd.DataFrame(rows).round(1)
    out.index = [fw.name(p, lang) for p in out.index]
    pub = published[published["parent"] == fw.root] if len(published) else published
    if len(pub):
        col = t("home.published", lang)
        out[col] = ""
        for _, row in pub.iterrows():
            if row["node"] in fw.ids:
                out.loc[fw.name(row["node"], lang), col] = f"{int(row['year']) - 1}→{int(row['year'])}: {row['value']}%"
    return out


def contributions_chart(ev, lang: str) -> alt.Chart:
    table = contributions_table(ev, lang)
    fw = ev.current.spec.framework
    num = table.drop(columns=[c for c in table.columns if "→" not in str(c)])
    df = num.reset_index(names="pillar").melt(id_vars="pillar", var_name="period", value_name="share")
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("period:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title="%", stack="zero"),
        color=alt.Color("pillar:N", title=t("col.pillar", lang), scale=pillar_scale(fw, lang)),
        tooltip=["pillar", "period", "share"],
    ).properties(height=320, title=t("home.contrib", lang))


def trajectory_chart(ev, lang: str, regions) -> alt.Chart:
    ranks, _ = ev.trajectory
    ds = ev.b.ds
    df = ranks.loc[[r for r in regions if r in ranks.index]].reset_index().melt(
        id_vars="region", var_name="year", value_name="rank")
    df["name"] = [region_name(ds, r, lang) for r in df["region"]]
    y0, y1 = min(ranks.columns), max(ranks.columns)
    # rank 1 at the top with its own tick; the axis ends just below the lowest rank shown (the top six
    # are not squeezed into the top tenth of a 1-31 axis)
    worst = int(df["rank"].max()) if len(df) else len(ranks)
    hi = max(2, worst + 1)
    step = 1 if hi <= 12 else (2 if hi <= 24 else 5)
    ticks = sorted({1, *range(step, hi + 1, step)})
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("year:O", title=t("col.year", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, domain=[1, hi], nice=False),
                axis=alt.Axis(values=ticks, format="d"), title=t("col.rank", lang)),
        color=alt.Color("name:N", title=t("col.region", lang)),
        tooltip=["name", "year", "rank"],
    ).properties(height=360, title=t("home.trajectory", lang, y0=y0, y1=y1))


def compare_table(ev, others: dict, lang: str) -> pd.DataFrame:
    """The current scenario against saved ones, region by region: score, rank and tier of each, and the
    differences from the current scenario (Δ score, Δ rank: positive = better than now). ``others`` maps
    a saved scenario's name to its evaluation (``state.Eval``) or to an error (shown as a note column)."""
    res = ev.current
    fw, ds = res.spec.framework, ev.b.ds
    root = fw.root
    cur = t("current", lang)
    out = pd.DataFrame(index=res.scores.index)
    out[t("col.region", lang)] = [region_name(ds, r, lang) for r in out.index]
    out[f"{cur} · {t('col.score', lang)}"] = res.composite.round(2)
    out[f"{cur} · {t('col.rank', lang)}"] = res.ranks[root].astype(int)
    out[f"{cur} · {t('col.tier_now', lang)}"] = [tier_label(ev.tiers.assignment, r, lang) for r in out.index]
    for name, oev in others.items():
        if isinstance(oev, Exception):
            continue
        o = oev.current
        sc = o.composite.reindex(out.index)
        rk = o.ranks[root].reindex(out.index)
        out[f"{name} · {t('col.score', lang)}"] = sc.round(2)
        out[f"{name} · Δ {t('col.score', lang)}"] = (sc - res.composite).round(2)
        out[f"{name} · {t('col.rank', lang)}"] = rk.astype("Int64")
        out[f"{name} · Δ {t('col.rank', lang)}"] = (res.ranks[root] - rk).astype("Int64")
        out[f"{name} · {t('col.tier_now', lang)}"] = [tier_label(oev.tiers.assignment, r, lang) for r in out.index]
    return out.sort_values(f"{cur} · {t('col.rank', lang)}", kind="stable").reset_index(drop=True)
