"""Shared by every page: names, the ranking table, the top-ten line, the framework table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from iiscore_app import scenario as S
from iiscore_app.i18n import provenance_label, t, unit_label

from .. import geo


# Map colours: one rule (darkest = best) for scores and tiers, in iiscore_app/geo.py.
NO_DATA = geo.NO_DATA


def region_name(ds, region, lang):
    return ds.region_name(region, lang)


def node_name(fw, node, lang):
    if node == "tier":
        return t("col.tier", lang)
    return fw.name(node, lang)


def tier_label(assignment: pd.DataFrame, region, lang) -> str:
    row = assignment.loc[region]
    return f"{int(row['tier'])} {row['tier_name_en' if lang == 'en' else 'tier_name_zh']}"


def ranking_table(ev, lang: str) -> pd.DataFrame:
    """Rank, region, composite, pillars, tier, baseline rank and change, estimate share."""
    res, base = ev.current, ev.baseline
    fw, ds = res.spec.framework, ev.b.ds
    root = fw.root
    tiers = ev.tiers.assignment
    share = S.estimate_share(res, ev.prov)
    scen_share = S.estimate_share(res, ev.prov, kinds=("scenario",))
    out = pd.DataFrame(index=res.scores.index)
    out[t("col.rank", lang)] = res.ranks[root].astype(int)
    out[t("col.region", lang)] = [region_name(ds, r, lang) for r in out.index]
    out[fw.name(root, lang)] = res.composite.round(2)
    for p in fw.pillars:
        out[fw.name(p, lang)] = res.scores[p].round(2)
    out[t("col.tier", lang)] = [tier_label(tiers, r, lang) for r in out.index]
    out[t("col.rank_base", lang)] = base.ranks[root].reindex(out.index).astype(int)
    out[t("col.rank_change", lang)] = (out[t("col.rank_base", lang)] - out[t("col.rank", lang)]).astype(int)
    out[t("col.est_share", lang)] = share.round(1)
    if ev.scn.edits:
        out[t("prov.scenario_value", lang) + " %"] = scen_share.round(1)
    return out.sort_values(t("col.rank", lang), kind="stable").reset_index(drop=True)


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
                     t("col.provenance", lang): provenance_label(node.extra.get("provenance") or "unknown", lang),
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
