"""The Overview page: national index, contributions, rank trajectories."""
from __future__ import annotations

import altair as alt
import pandas as pd

from iiscore_app.i18n import t

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


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
        color=alt.Color("name:N", title=t("col.node", lang)),
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
    num = table.drop(columns=[c for c in table.columns if "→" not in str(c)])
    df = num.reset_index(names="pillar").melt(id_vars="pillar", var_name="period", value_name="share")
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("period:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title="%", stack="zero"),
        color=alt.Color("pillar:N", title=t("col.pillar", lang)),
        tooltip=["pillar", "period", "share"],
    ).properties(height=320, title=t("home.contrib", lang))


def trajectory_chart(ev, lang: str, regions) -> alt.Chart:
    ranks, _ = ev.trajectory
    ds = ev.b.ds
    df = ranks.loc[[r for r in regions if r in ranks.index]].reset_index().melt(
        id_vars="region", var_name="year", value_name="rank")
    df["name"] = [region_name(ds, r, lang) for r in df["region"]]
    y0, y1 = min(ranks.columns), max(ranks.columns)
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("year:O", title=t("col.year", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("rank:Q", scale=alt.Scale(reverse=True, domain=[1, len(ranks)]), title=t("col.rank", lang)),
        color=alt.Color("name:N", title=t("col.region", lang)),
        tooltip=["name", "year", "rank"],
    ).properties(height=360, title=t("home.trajectory", lang, y0=y0, y1=y1))
