"""The Province simulator page: the edit table, passes, levers, goal-seek tables."""
from __future__ import annotations

import numpy as np
import pandas as pd

from iiscore_app import scenario as S
from iiscore_app.i18n import provenance_label, t, unit_label

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


# -- simulator ----------------------------------------------------------------------------------
def edit_table(ds, fw, scn, region, mode: str, lang: str) -> pd.DataFrame:
    """One row per indicator of ``region`` in the scenario year: original value, provenance, edit."""
    year = scn.year
    m = ds.matrix(year)
    prov = S.provenance_matrix(ds, year, fw.leaves)
    units = {}
    long = ds.long
    if "unit" in long.columns:
        units = long[(long["region"] == region) & (long["year"] == year)].set_index("indicator")["unit"].to_dict()
    edits = {e.indicator: e for e in scn.edits if e.region == region}
    rows = []
    for leaf in fw.leaves:
        base = float(m.at[region, leaf]) if leaf in m.columns else np.nan
        e = edits.get(leaf)
        new = base
        if e is not None:
            new = base * (1 + e.amount / 100) if e.kind == "pct" else e.amount
        pct = (new / base - 1) * 100 if base not in (0.0,) and np.isfinite(base) else np.nan
        label = provenance_label(prov.at[region, leaf], lang)
        if e is not None:
            label += " → " + provenance_label("scenario", lang)
        row = {"_id": leaf, t("col.indicator", lang): fw.name(leaf, lang),
               t("col.pillar", lang): fw.name(fw.parent(leaf), lang),
               t("col.provenance", lang): label, t("col.unit", lang): unit_label(units.get(leaf, ""), lang),
               t("col.base_value", lang): base}
        if mode == "pct":
            row[t("col.change_pct", lang)] = round(pct, 4) if e is not None else 0.0
        else:
            row[t("col.new_value", lang)] = new
        rows.append(row)
    return pd.DataFrame(rows)


def apply_editor_state(base: pd.DataFrame, editor_state) -> pd.DataFrame:
    """``base`` with a fixed-size data editor's cell edits (its session-state value) applied:
    what ``st.data_editor`` returns, computed where the widget is not drawn (in a callback)."""
    out = base.copy()
    rows = (editor_state or {}).get("edited_rows", {}) if isinstance(editor_state, dict) else {}
    for idx, cells in rows.items():
        i = int(idx)
        if not 0 <= i < len(out):
            continue
        for col, v in (cells or {}).items():
            if col in out.columns:
                out.iat[i, out.columns.get_loc(col)] = v
    return out


def edits_from_table(scn, region, edited: pd.DataFrame, mode: str, lang: str, base: pd.DataFrame | None = None) -> tuple:
    """The scenario's edits with ``region``'s replaced by what the table now says.

    Only rows whose edit cell differs from ``base`` (the editor's initial table) are re-derived;
    the others keep their edit as it was (so a value set absolutely stays absolute).
    """
    col = t("col.change_pct", lang) if mode == "pct" else t("col.new_value", lang)
    orig = t("col.base_value", lang)
    cur = {e.indicator: e for e in scn.edits if e.region == region}
    others = [e for e in scn.edits if e.region != region]
    for i, row in edited.iterrows():
        leaf = row["_id"]
        v = row[col]
        if base is not None:
            b = base.loc[i, col]
            same = (pd.isna(v) and pd.isna(b)) or (not pd.isna(v) and not pd.isna(b) and float(v) == float(b))
            if same:
                continue
        cur.pop(leaf, None)
        if v is None or pd.isna(v):
            continue
        v = float(v)
        if mode == "pct":
            if v != 0:
                cur[leaf] = S.Edit(region, leaf, "pct", min(max(v, S.PCT_RANGE[0]), S.PCT_RANGE[1]))
        else:
            o = row[orig]
            if pd.isna(o) or abs(v - float(o)) > 1e-12 * max(1.0, abs(float(o))):
                cur[leaf] = S.Edit(region, leaf, "abs", min(max(v, -S.ABS_MAX), S.ABS_MAX))
    return S._canon_edits(others + list(cur.values()))


def passes_table(wi, ds, region, lang: str) -> pd.DataFrame:
    """The edited region and every region whose order relative to it changed."""
    tab = wi.table.set_index("region")
    me = tab.loc[region]
    names = [r for r in (me["passed"].split(";") + me["passed_by"].split(";")) if r]
    for r, row in tab.iterrows():  # regions that passed it because of edits elsewhere
        if region in row["passed"].split(";") and r not in names:
            names.append(r)
    rows = []
    for r in [region, *names]:
        x = tab.loc[r]
        rows.append({t("col.region", lang): region_name(ds, r, lang),
                     t("col.score_base", lang): round(float(x["score_before"]), 2),
                     t("col.score", lang): round(float(x["score_after"]), 2),
                     t("col.rank_base", lang): int(x["rank_before"]), t("col.rank", lang): int(x["rank_after"]),
                     t("col.tier_base", lang): int(x["tier_before"]), t("col.tier", lang): int(x["tier_after"])})
    return pd.DataFrame(rows) if names else pd.DataFrame()


def edits_list(scn, ds, fw, lang: str) -> pd.DataFrame:
    return pd.DataFrame([{t("col.region", lang): region_name(ds, e.region, lang),
                          t("col.indicator", lang): fw.name(e.indicator, lang),
                          t("col.value", lang): f"{e.amount:+g}%" if e.kind == "pct" else f"= {e.amount:g}"}
                         for e in scn.edits])


def levers_table(lv, fw, lang: str) -> pd.DataFrame:
    tab = lv.table
    return pd.DataFrame({
        t("col.indicator", lang): [fw.name(i, lang) for i in tab.index],
        t("col.pillar", lang): [fw.name(fw.parent(i), lang) for i in tab.index],
        # exactly what simulate.levers computed, each change alone (a +10 % column used to show 10x
        # the +1 % gain next to the rank after +1 %)
        t("col.gain_pct", lang): tab["gain_per_pct"].round(4).to_numpy(),
        t("col.rank_pct", lang): tab["rank_after_pct"].to_numpy() if "rank_after_pct" in tab.columns else np.nan,
        t("col.gain_sd", lang): tab["gain_per_sd"].round(3).to_numpy() if "gain_per_sd" in tab.columns else np.nan,
        t("col.rank_sd", lang): tab["rank_after_sd"].to_numpy() if "rank_after_sd" in tab.columns else np.nan,
    })


def goal_costs_table(fw, lang: str) -> pd.DataFrame:
    """Editable relative cost per percentage point of every indicator (1 by default)."""
    return pd.DataFrame({"_id": list(fw.leaves), t("col.indicator", lang): [fw.name(i, lang) for i in fw.leaves],
                         t("col.cost", lang): [1.0] * len(fw.leaves)})


def goal_costs(table: pd.DataFrame, indicators) -> dict:
    """Costs of the chosen indicators from the edited table; blank or non-positive cells count as 1."""
    col = [c for c in table.columns if c not in ("_id",)][-1]
    costs = {}
    for i, c in zip(table["_id"], pd.to_numeric(table[col], errors="coerce")):
        if i in indicators:
            costs[i] = float(c) if pd.notna(c) and c > 0 else 1.0
    return costs


def goal_table(gs, fw, lang: str) -> pd.DataFrame:
    return pd.DataFrame([{t("col.indicator", lang): fw.name(k, lang), t("col.effort", lang): round(float(v), 2)}
                         for k, v in gs.changes.items() if v != 0])
