"""The exports: the scenario sheet and the tables of the workbook."""
from __future__ import annotations

import numpy as np
import pandas as pd

from iiscore_app import scenario as S
from iiscore_app.i18n import opt, provenance_label, t

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401
from .data import indicator_table  # noqa: F401
from .overview import contributions_table  # noqa: F401
from .simulator import levers_table  # noqa: F401
from .tiers import tier_members, tier_shift_table  # noqa: F401


def about_table(scn: S.Scenario, bundle, lang: str, link: str = "") -> pd.DataFrame:
    """The 'scenario' sheet of an export: every setting in words."""
    fw = bundle.fw
    rows = [
        (t("col.scenario", lang), scn.name or "-"),
        ("data set", bundle.label),
        (t("side.year", lang), scn.year),
        (t("side.treat", lang), opt("treat", scn.treat, lang)),
        (t("side.normalisation", lang), opt("normalisation", scn.normalisation, lang)),
        (t("side.goalposts", lang), opt("goalposts", scn.goalposts, lang)),
        (t("side.missing", lang), opt("missing", scn.missing, lang)),
        (t("side.aggregation", lang), opt("aggregation", scn.aggregation, lang)),
        (t("side.whatif", lang), opt("whatif", scn.whatif, lang)),
        (t("t.method", lang), opt("tier", scn.tier_method, lang)),
        (t("t.k", lang), scn.tier_k),
        (t("t.features", lang), opt("features", scn.tier_features, lang)),
        (t("t.standardise", lang), scn.tier_standardise),
        (t("t.seed", lang), scn.tier_seed),
    ]
    if scn.tier_method == "sizes":
        rows.append((t("t.sizes", lang, n=sum(scn.tier_sizes)), ",".join(map(str, scn.tier_sizes))))
    for node in fw.ids:
        if node == fw.root:
            continue
        w = scn.weight_map.get(node)
        if w is not None:
            rows.append((f"{t('col.weight', lang)}: {fw.name(node, lang)}", f"{w:g} (default {fw.node(node).weight:g})"))
    for e in scn.edits:
        what = f"{e.amount:+g}%" if e.kind == "pct" else f"= {e.amount:g}"
        rows.append((f"{t('prov.scenario_value', lang)}: {region_name(bundle.ds, e.region, lang)} · "
                     f"{fw.name(e.indicator, lang)}", what))
    if link:
        rows.append((t("side.link", lang), link))
    return pd.DataFrame(rows, columns=[t("col.setting", lang), t("col.value", lang)]).astype({t("col.value", lang): str})


def export_tables(ev, lang: str) -> dict:
    """Every table of the scenario, named for the Excel sheets."""
    res = ev.current
    fw = res.spec.framework
    ds = ev.b.ds
    names = {r: region_name(ds, r, lang) for r in res.scores.index}
    scores = res.scores.rename(index=names, columns=lambda c: fw.name(c, lang)).round(4)
    scores.index.name = t("col.region", lang)
    raw = res.raw.rename(index=names, columns=lambda c: fw.name(c, lang))
    raw.index.name = t("col.region", lang)
    prov = ev.prov.rename(index=names, columns=lambda c: fw.name(c, lang)).map(lambda p: provenance_label(p, lang))
    prov.index.name = t("col.region", lang)
    weights = pd.DataFrame({
        t("col.node", lang): [fw.name(n, lang) for n in fw.ids if n != fw.root],
        t("col.pillar", lang): [fw.name(fw.parent(n), lang) for n in fw.ids if n != fw.root],
        t("col.weight", lang): [fw.node(n).weight for n in fw.ids if n != fw.root],
    })
    gw = fw.global_weights() * 100
    weights[t("col.weight_global", lang)] = [round(float(gw[n]), 3) if n in gw.index else np.nan
                                             for n in fw.ids if n != fw.root]
    shift = tier_shift_table(ev, lang).drop(columns=["_from", "_to"])
    return {
        t("home.ranking", lang): ranking_table(ev, lang),
        t("col.score", lang): scores.reset_index(),
        t("col.value", lang): raw.reset_index(),
        t("col.provenance", lang): prov.reset_index(),
        t("col.weight", lang): weights,
        t("col.tier", lang): shift,
    }
