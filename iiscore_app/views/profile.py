"""The Region profile page: tables and charts of an :class:`iiscore.profile.Profile` (no Streamlit).

Every number is the profile's, rounded for display only (scores to 2 decimals as the other pages
show them, gaps to 1); the page draws what these return and the tests compare them with the engine.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from iiscore_app.i18n import opt, provenance_label, t, unit_label
from iiscore_app.safe import MAX_NAME, MAX_TEXT
from iiscore_app.safe import md as _md

__all__ = ["profile_metrics", "profile_summary", "pillar_profile_table", "pillar_profile_chart", "pillar_chart_height",
           "profile_trajectory_charts", "indicator_profile_table", "nearest_table", "neighbours_table",
           "bars_table", "profile_levers_table", "goal_changes_table", "goal_text", "methods_band_table", "compare_tables",
           "mark_label"]

REGION_COLOUR, TIER_COLOUR, LEADER_COLOUR, OTHER_COLOUR = "#1f4e79", "#8fa9c4", "#e08a2c", "#7b3294"


def _nm(p, frame, key, lang):
    return str(frame.at[key, "name_en" if lang == "en" else "name_zh"])


def _ind(p, j, lang):
    return _nm(p, p.indicators, j, lang) if j in p.indicators.index else str(j)


def _mdind(p, j, lang):
    """An indicator's name inside Markdown (shown as written)."""
    return _md(_ind(p, j, lang), MAX_NAME)


def _pil(p, k, lang):
    return _nm(p, p.pillars, k, lang) if k in p.pillars.index else str(k)


def _sep(lang):
    return "、" if lang == "zh" else ", "


def mark_label(mark: str, lang: str) -> str:
    return t("pf.mark." + mark, lang) if mark else ""


def _tier_text(p, lang):
    if p.tier is None:
        return "—"
    return f"{p.tier} {p.tier_name[1 if lang == 'en' else 0]}"


def profile_metrics(p, lang: str) -> list:
    """Headline metrics as (label, value, delta, help) rows."""
    out = [(t("pf.score", lang), f"{p.composite:.2f}", None, None),
           (t("pf.rank", lang), t("pf.rank.of", lang, rank=p.rank, n=p.n_regions), None, None),
           (t("pf.tier", lang), _tier_text(p, lang), None, None)]
    if p.report_tier is not None:
        out.append((t("pf.report_tier", lang, year=p.settings.get("report_year") or ""),
                    f"{p.report_tier} {p.report_tier_name[1 if lang == 'en' else 0]}", None, None))
    if p.first_year is not None:
        r0, r1 = int(p.trajectory.at[p.first_year, "rank"]), int(p.trajectory.at[p.year, "rank"])
        out.append((t("pf.since", lang, y0=p.first_year), f"{p.change:+.2f}",
                    f"{p.rank_change:+d} {t('pf.rank_up', lang)}" if p.rank_change else None,
                    t("pf.since.help", lang, y0=p.first_year, y1=p.year, r0=r0, r1=r1)))
    out.append((t("pf.estimates", lang), f"{p.estimate_share:.1f}%", None, t("pf.estimates.help", lang)))
    return out


def profile_summary(p, lang: str) -> str:
    tier = t("pf.summary.tier", lang, t=p.tier, name=p.tier_name[1 if lang == "en" else 0]) if p.tier else "—"
    s = t("pf.summary", lang, region=_md(p.name(lang), MAX_NAME), n=p.n_regions, rank=p.rank, tier=tier)
    sp = " " if lang == "en" else ""
    if p.strengths:
        s += sp + t("pf.strengths", lang, items=_sep(lang).join(_mdind(p, j, lang) for j in p.strengths))
    if p.weaknesses:
        s += sp + t("pf.weaknesses", lang, items=_sep(lang).join(_mdind(p, j, lang) for j in p.weaknesses))
    if not p.strengths and not p.weaknesses:
        s += sp + t("pf.flat", lang, m=p.margin)
    return s


def pillar_chart_height(p) -> int:
    """Pixels for :func:`pillar_profile_chart`: 56 per pillar, plus its title, axis and legend."""
    return max(200, 56 * len(p.pillars)) + 150


def pillar_profile_table(p, lang: str) -> pd.DataFrame:
    pil = p.pillars
    return pd.DataFrame({
        t("col.pillar", lang): [_pil(p, k, lang) for k in pil.index],
        t("col.weight_pct", lang): pil["weight"].round(1).to_numpy(),
        t("col.score", lang): pil["score"].round(2).to_numpy(),
        t("col.rank", lang): pil["rank"].astype("Int64").to_numpy(),
        t("col.tier_mean", lang): pil["tier_mean"].round(2).to_numpy(),
        t("col.tier_gap", lang): pil["gap_tier"].round(1).to_numpy(),
        t("col.median", lang): pil["median"].round(2).to_numpy(),
        t("col.median_gap", lang): pil["gap_median"].round(1).to_numpy(),
        t("col.mark", lang): [mark_label(m, lang) for m in pil["mark"]],
    })


def pillar_profile_chart(p, lang: str, other=None) -> alt.Chart:
    """Grouped horizontal bars per pillar: the region, its tier's average and the leader (or, with
    ``other``, the two regions compared)."""
    pil = p.pillars
    cats = [_pil(p, k, lang) for k in pil.index]
    series = [(p.name(lang), pil["score"], REGION_COLOUR)]
    if other is not None:
        series.append((other.name(lang), other.pillars["score"].reindex(pil.index), OTHER_COLOUR))
    else:
        if p.tier is not None:
            series.append((t("pf.tier_avg", lang, t=p.tier), pil["tier_mean"], TIER_COLOUR))
        series.append((t("pf.leader", lang, region=p.region_label(p.leader, lang), rank=p.leader_rank), pil["best"],
                       LEADER_COLOUR))
    rows = []
    for k, (label, vals, _) in enumerate(series):
        for c, v in zip(cats, vals.to_numpy(float)):
            rows.append({"pillar": c, "series": label, "order": k, "score": round(float(v), 2) if np.isfinite(v) else None})
    df = pd.DataFrame(rows)
    colours = alt.Scale(domain=[s[0] for s in series], range=[s[2] for s in series])
    return alt.Chart(df).mark_bar().encode(
        y=alt.Y("pillar:N", sort=cats, title=None, axis=alt.Axis(labelLimit=170)),
        yOffset=alt.YOffset("series:N", sort=[s[0] for s in series]),
        x=alt.X("score:Q", title=t("col.score", lang)),
        color=alt.Color("series:N", scale=colours, title=None,  # below, one per line: fits a phone too
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=["pillar", "series", "score"],
    ).properties(height=max(200, 56 * len(cats)), title=t("pf.pillars", lang))


def profile_trajectory_charts(p, lang: str):
    """(score chart, rank chart) over the years on pooled goalposts, or None with fewer than 2 years."""
    traj = p.trajectory.dropna()
    if len(traj) < 2:
        return None
    df = traj.reset_index()
    df["year"] = df["year"].astype(str)
    base = alt.Chart(df).encode(x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)))
    score = base.mark_line(point=True, color=REGION_COLOUR).encode(
        y=alt.Y("score:Q", title=t("col.score", lang), scale=alt.Scale(zero=False)),
        tooltip=["year", alt.Tooltip("score:Q", format=".2f")]).properties(height=220)
    rank = base.mark_line(point=True, color=OTHER_COLOUR).encode(
        y=alt.Y("rank:Q", title=t("col.rank", lang), scale=alt.Scale(reverse=True, domain=[1, p.n_regions])),
        tooltip=["year", "rank"]).properties(height=220)
    return score, rank


def indicator_profile_table(p, lang: str) -> pd.DataFrame:
    ind = p.indicators
    return pd.DataFrame({
        t("col.indicator", lang): [_ind(p, j, lang) for j in ind.index],
        t("col.pillar", lang): [_pil(p, k, lang) for k in ind["pillar"]],
        t("col.value", lang): ind["raw"].to_numpy(float),
        t("col.unit", lang): [unit_label(u, lang) for u in ind["unit"]],
        t("col.provenance", lang): [provenance_label(k or "unknown", lang) for k in ind["provenance"]],
        t("col.normalised", lang): ind["normalised"].round(2).to_numpy(),
        t("col.rank", lang): ind["rank"].astype("Int64").to_numpy(),
        t("col.tier_gap", lang): ind["gap_tier"].round(1).to_numpy(),
        t("col.median_gap", lang): ind["gap_median"].round(1).to_numpy(),
        t("col.mark", lang): [mark_label(m, lang) for m in ind["mark"]],
        t("col.weight_pct", lang): ind["weight"].round(2).to_numpy(),
        t("col.source", lang): [str(s or "") for s in ind["source"]],
    })


def nearest_table(p, lang: str) -> pd.DataFrame:
    rows = []
    for _, r in p.nearest.iterrows():
        rows.append({t("col.region", lang): p.region_label(r["region"], lang),
                     t("col.distance", lang): round(float(r["distance"]), 1),
                     t("col.rank", lang): int(r["rank"]), t("col.score", lang): round(float(r["composite"]), 2),
                     t("col.apart", lang): _sep(lang).join(f"{_ind(p, j, lang)} {v:+.1f}" for j, v in r["apart"])})
    return pd.DataFrame(rows)


def neighbours_table(p, lang: str) -> pd.DataFrame:
    rows = []
    for _, r in p.neighbours.iterrows():
        rows.append({t("col.region", lang): p.region_label(r["region"], lang),
                     t("col.position", lang): t("pf." + r["position"], lang),
                     t("col.rank", lang): int(r["rank"]), t("col.score", lang): round(float(r["composite"]), 2),
                     t("col.gap", lang): round(float(r["gap"]), 2),
                     t("col.parts", lang): _sep(lang).join(f"{_pil(p, k, lang)} {v:+.2f}" for k, v in r["pillars"]),
                     t("col.parts_ind", lang): _sep(lang).join(f"{_ind(p, j, lang)} {v:+.2f}"
                                                               for j, v in r["indicators"])})
    return pd.DataFrame(rows)


def bars_table(p, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.tier", lang): [int(x) for x in p.bars.index],
        t("col.holder", lang): [p.region_label(h, lang) for h in p.bars["holder"]],
        t("col.bar", lang): p.bars["bar"].round(2).to_numpy(),
        t("col.need", lang): p.bars["gap"].round(2).to_numpy(),
    })


def profile_levers_table(p, lang: str) -> pd.DataFrame:
    lv = p.levers
    if lv is None or lv.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        t("col.indicator", lang): [_ind(p, j, lang) for j in lv.index],
        t("col.gain_pct", lang): lv["gain_per_pct"].round(4).to_numpy(),
        t("col.rank_pct", lang): lv["rank_after_pct"].to_numpy(),
        t("col.gain_sd", lang): lv["gain_per_sd"].round(3).to_numpy(),
        t("col.rank_sd", lang): lv["rank_after_sd"].to_numpy(),
    })


def goal_changes_table(p, gs, lang: str) -> pd.DataFrame:
    return pd.DataFrame([{t("col.indicator", lang): _ind(p, j, lang), t("col.effort", lang): round(float(v), 2)}
                         for j, v in gs.changes.items() if v != 0])


def goal_text(p, gs, lang: str) -> str:
    """One goal-seek answer in a line: the changes (uniform: the common rise) and where they lead.
    An answer that needs nothing or is out of reach is the engine's own message."""
    if not gs.reached or gs.method == "none-needed":
        return _md(gs.message(lang), 2 * MAX_TEXT)
    changes = [(j, v) for j, v in gs.changes.items() if v != 0]
    after = t("pf.goal.after", lang, s0=f"{gs.score_before:.2f}", s1=f"{gs.score_after:.2f}", r0=gs.rank_before,
              r1=gs.rank_after, t0=gs.tier_before if gs.tier_before is not None else "—",
              t1=gs.tier_after if gs.tier_after is not None else "—", mode=opt("whatif", gs.mode, lang))
    if p.target_tier in p.bars.index:  # under re-normalisation the bar moves with the change
        after += (" " if lang == "en" else "") + t("pf.goal.bar", lang, bar=f"{gs.target_score:.2f}",
                                                   holder=_md(p.region_label(p.bars.at[p.target_tier, "holder"], lang), MAX_NAME))
    if gs.strategy != "uniform":
        return after
    pct = f"{gs.uniform_pct:+.2f}%"
    if len(changes) == len(p.indicators):
        head = t("pf.goal.all", lang, l=len(changes), pct=pct)
    elif len(changes) > 6:
        head = t("pf.goal.many", lang, l=len(changes), pct=pct, left=_sep(lang).join(_mdind(p, j, lang) for j in gs.excluded))
    else:
        head = t("pf.goal.some", lang, items=_sep(lang).join(_mdind(p, j, lang) for j, _ in changes), pct=pct)
    return head + (" " if lang == "en" else "") + after


def methods_band_table(p, lang: str) -> pd.DataFrame:
    m = p.methods
    if not m:
        return pd.DataFrame()
    return pd.DataFrame({t("col.method", lang): [opt("method", k, lang) for k in m["ranks"]],
                         t("col.rank", lang): list(m["ranks"].values())})


def compare_tables(a, b, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(pillars, indicators) of regions ``a`` and ``b`` side by side with their difference."""
    na, nb = a.name(lang), b.name(lang)
    diff = t("pf.cmp.diff", lang, a=na, b=nb)
    pil = pd.DataFrame({
        t("col.pillar", lang): [_pil(a, k, lang) for k in a.pillars.index],
        f"{na} · {t('col.score', lang)}": a.pillars["score"].round(2).to_numpy(),
        f"{nb} · {t('col.score', lang)}": b.pillars["score"].reindex(a.pillars.index).round(2).to_numpy(),
        diff: (a.pillars["score"] - b.pillars["score"].reindex(a.pillars.index)).round(2).to_numpy(),
        f"{na} · {t('col.rank', lang)}": a.pillars["rank"].astype("Int64").to_numpy(),
        f"{nb} · {t('col.rank', lang)}": b.pillars["rank"].reindex(a.pillars.index).astype("Int64").to_numpy(),
    })
    ia, ib = a.indicators, b.indicators.reindex(a.indicators.index)
    ind = pd.DataFrame({
        t("col.indicator", lang): [_ind(a, j, lang) for j in ia.index],
        f"{na} · {t('col.value', lang)}": ia["raw"].to_numpy(float),
        f"{nb} · {t('col.value', lang)}": ib["raw"].to_numpy(float),
        t("col.unit", lang): [unit_label(u, lang) for u in ia["unit"]],
        f"{na} · {t('col.normalised', lang)}": ia["normalised"].round(2).to_numpy(),
        f"{nb} · {t('col.normalised', lang)}": ib["normalised"].round(2).to_numpy(),
        diff: (ia["normalised"] - ib["normalised"]).round(2).to_numpy(),
        f"{na} · {t('col.mark', lang)}": [mark_label(m, lang) for m in ia["mark"]],
        f"{nb} · {t('col.mark', lang)}": [mark_label(m, lang) for m in ib["mark"]],
    })
    return pil, ind
