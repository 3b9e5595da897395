"""Shared by every page: names, the ranking table, the top-ten line, the framework table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from iiscore_app import scenario as S
from iiscore_app.i18n import provenance_label, t, unit_label

from .. import geo


# Map colours: one rule (darkest = best) for scores and tiers, in iiscore_app/geo.py.
NO_DATA = geo.NO_DATA

#: One colour per pillar across the app (Okabe & Ito's colour-blind-safe palette), the composite in
#: near-black; a framework with more pillars cycles through the palette.
PILLAR_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
COMPOSITE_COLOUR = "#222222"


def pillar_scale(fw, lang: str, with_root: bool = False):
    """The Altair colour scale that gives each pillar (by its name in ``lang``) its one colour."""
    import altair as alt

    names = [fw.name(p, lang) for p in fw.pillars]
    colours = [PILLAR_COLOURS[i % len(PILLAR_COLOURS)] for i in range(len(names))]
    if with_root:
        names, colours = [fw.name(fw.root, lang), *names], [COMPOSITE_COLOUR, *colours]
    return alt.Scale(domain=names, range=colours)


def region_name(ds, region, lang):
    return ds.region_name(region, lang)


def node_name(fw, node, lang):
    if node == "tier":
        return t("col.tier", lang)
    return fw.name(node, lang)


def tier_label(assignment: pd.DataFrame, region, lang) -> str:
    """"2 快速崛起" for a tiered region; "—" for one without a composite (not tiered)."""
    if region not in assignment.index or pd.isna(assignment.at[region, "tier"]):
        return "—"
    row = assignment.loc[region]
    return f"{int(row['tier'])} {row['tier_name_en' if lang == 'en' else 'tier_name_zh']}"


def node_labels(fw, nodes, lang: str, taken=()) -> dict:
    """Column labels for framework nodes that never collide with a table's own columns (``taken``)
    nor with each other: a name already used gets its id appended ("Rank (rank_pillar)")."""
    used = {str(x).casefold() for x in taken}
    out = {}
    for n in nodes:
        label = fw.name(n, lang)
        if label.casefold() in used:
            label = f"{label} ({n})"
        k = 2
        while label.casefold() in used:
            label = f"{fw.name(n, lang)} ({n} {k})"
            k += 1
        used.add(label.casefold())
        out[n] = label
    return out


def ranking_table(ev, lang: str) -> pd.DataFrame:
    """Rank, region, composite, tier and rank change first (what a projector at 1280 px shows without
    scrolling), then the pillars, the baseline rank and the estimate share. A region without a composite
    (too little data) has no rank."""
    res, base = ev.current, ev.baseline
    fw, ds = res.spec.framework, ev.b.ds
    root = fw.root
    tiers = ev.tiers.assignment
    share = S.estimate_share(res, ev.prov)
    scen_share = S.estimate_share(res, ev.prov, kinds=("scenario",))
    own = [t(k, lang) for k in ("col.rank", "col.region", "col.tier_now", "col.rank_change", "col.rank_base",
                                "col.est_share", "col.rank_builtin", "col.rank_vs_builtin")]
    labels = node_labels(fw, [root, *fw.pillars], lang, taken=own)
    scored = res.composite.notna()
    out = pd.DataFrame(index=res.scores.index)
    out[t("col.rank", lang)] = pd.array([int(v) if ok else pd.NA for v, ok in zip(res.ranks[root], scored)],
                                        dtype="Int64")
    out[t("col.region", lang)] = [region_name(ds, r, lang) for r in out.index]
    out[labels[root]] = res.composite.round(2)
    out[t("col.tier_now", lang)] = [tier_label(tiers, r, lang) for r in out.index]
    rb = base.ranks[root].reindex(out.index)
    bscored = base.composite.reindex(out.index).notna()
    change = [int(b - a) if (ok and bok) else pd.NA for a, b, ok, bok in zip(res.ranks[root], rb, scored, bscored)]
    out[t("col.rank_change", lang)] = pd.array(change, dtype="Int64")
    for p in fw.pillars:
        out[labels[p]] = res.scores[p].round(2)
    out[t("col.rank_base", lang)] = pd.array([int(v) if ok else pd.NA for v, ok in zip(rb, bscored)], dtype="Int64")
    out[t("col.est_share", lang)] = share.round(1)
    if ev.scn.edits:
        out[t("prov.scenario_value", lang) + " %"] = scen_share.round(1)
    ref = getattr(ev, "reference", None)
    if ref is not None:  # an upload: where each region stood on the built-in data, same settings
        rr, rok = ref.current.ranks[root].reindex(out.index), ref.current.composite.reindex(out.index).notna()
        out[t("col.rank_builtin", lang)] = pd.array([int(v) if ok else pd.NA for v, ok in zip(rr, rok)],
                                                    dtype="Int64")
        out[t("col.rank_vs_builtin", lang)] = pd.array(
            [int(b - a) if (ok and bok) else pd.NA for a, b, ok, bok in zip(res.ranks[root], rr, scored, rok)],
            dtype="Int64")
    order = np.lexsort((np.arange(len(out)), res.ranks[root].reindex(out.index).to_numpy(), ~scored.to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def framework_table(ev, lang: str) -> pd.DataFrame:
    fw = ev.current.spec.framework
    gw = fw.global_weights() * 100
    rows = []
    for n in fw.ids:
        if n == fw.root:
            continue
        node = fw.node(n)
        rows.append({t("col.node", lang): fw.name(n, lang), t("col.pillar", lang): fw.name(node.parent, lang),
                     t("col.weight", lang): node.weight,
                     t("col.weight_global", lang): round(float(gw[n]), 2) if n in gw.index else np.nan,
                     t("col.unit", lang): unit_label(node.extra.get("unit", ""), lang),
                     # an aggregate has no values of its own: it is made from its parts
                     t("col.provenance", lang): (t("prov.aggregate", lang) if n in fw.aggregates else
                                                 provenance_label(node.extra.get("provenance") or "unknown", lang)),
                     t("col.source", lang): node.extra.get("description_en" if lang == "en" else "description_zh", "")})
    return pd.DataFrame(rows)


def top_line(ev, lang: str, n: int = 10) -> str:
    """The top ``n`` as one line (HTML, id ``iis-top``), with rank moves against the baseline."""
    import html

    res, base = ev.current, ev.baseline
    root = res.spec.framework.root
    order = res.ranks[root].sort_values(kind="stable").index[:n]
    parts = []
    for r in order:
        now, was = int(res.ranks.at[r, root]), int(base.ranks.at[r, root])
        mv = f" <span style='color:#1a9850'>▲{was - now}</span>" if now < was else (
            f" <span style='color:#d73027'>▼{now - was}</span>" if now > was else "")
        parts.append(f"{now} {html.escape(region_name(ev.b.ds, r, lang))} {res.composite[r]:.1f}{mv}")
    return f"<div id='iis-top' style='font-size:1.05rem'>{' · '.join(parts)}</div>"


def no_composite_text(ev, lang: str) -> str | None:
    """A warning naming the regions without a composite score (too little data for the coverage
    rule), or None: they are left out of the ranking and the tiers, never scored as 0."""
    from iiscore_app import safe

    res = ev.current
    comp = res.composite
    regions = [r for r in res.regions if not np.isfinite(comp.get(r, np.nan))]
    if not regions:
        return None
    return safe.t("warn.no_composite", lang, year=res.year, n=len(regions), names=region_list(ev.b.ds, regions, lang),
                  pct=f"{ev.scn.coverage:.0%}", limit=safe.MAX_TEXT)


def region_list(ds, regions, lang: str, cap: int = 12) -> str:
    """Region names joined in ``lang`` ("、" or ", "), the first ``cap`` of them and "…" for the rest."""
    sep = "、" if lang == "zh" else ", "
    return sep.join(region_name(ds, r, lang) for r in regions[:cap]) + ("…" if len(regions) > cap else "")
