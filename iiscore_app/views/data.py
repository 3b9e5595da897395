"""The Data & method page: the indicator table with provenance."""
from __future__ import annotations

import pandas as pd

from iiscore_app.i18n import provenance_label, t, unit_label

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


def indicator_table(ev, lang: str, year=None, only_estimates: bool = False) -> pd.DataFrame:
    """Raw values with unit, provenance (estimates marked) and source, for the data browser."""
    ds = ev.edited_ds
    fw = ev.b.fw
    long = ds.long
    if year is not None:
        long = long[long["year"] == int(year)]
    if only_estimates and "provenance" in long.columns:
        long = long[long["provenance"] == "estimate"]
    out = pd.DataFrame({
        t("col.region", lang): [region_name(ds, r, lang) for r in long["region"]],
        t("col.year", lang): long["year"].to_numpy(),
        t("col.indicator", lang): [fw.name(i, lang) if i in fw.ids else i for i in long["indicator"]],
        t("col.value", lang): long["value"].to_numpy(),
        t("col.unit", lang): [unit_label(u, lang) for u in long["unit"]] if "unit" in long.columns else "",
        t("col.provenance", lang): [provenance_label(p, lang) for p in long["provenance"]]
        if "provenance" in long.columns else provenance_label("uploaded", lang),
        t("col.source", lang): long["source"].fillna("").to_numpy() if "source" in long.columns else "",
    })
    return out.reset_index(drop=True)
