"""The Province simulator page: the edit table, passes, levers, goal-seek tables."""
from __future__ import annotations

import numpy as np
import pandas as pd

from iiscore_app import scenario as S
from iiscore_app.i18n import provenance_label, t, unit_label
from iiscore_app.safe import MAX_NAME
from iiscore_app.safe import md as _md_text

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


def _md(name: str) -> str:
    """A name from the data (region, indicator) inside Markdown: shown as written, nothing rendered."""
    return _md_text(name, MAX_NAME)


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
        # the column typed in is the last one; the one before it follows from it (the new value of a
        # percentage change, the percentage of a new value)
        if mode == "pct":
            row[t("col.new_value", lang)] = _shown_value(new)
            row[t("col.change_pct", lang)] = round(pct, 4) if e is not None else 0.0
        else:
            row[t("col.change_pct", lang)] = round(pct, 2) if np.isfinite(pct) else np.nan
            row[t("col.new_value", lang)] = new
        rows.append(row)
    return pd.DataFrame(rows)


def _shown_value(x: float) -> float:
    """A computed value as the table shows it: 2 decimals, or 4 significant digits below 1."""
    if not np.isfinite(x):
        return x
    return round(x, 2) if abs(x) >= 1 else float(f"{x:.4g}")


def metric_delta(delta: float, fmt: str = "{:+.2f}") -> dict:
    """``st.metric`` keyword arguments for a change: neutral (grey, no arrow) when it shows as 0."""
    text = fmt.format(delta)
    if float(text.replace("+", "")) == 0:
        return {"delta": text.replace("+", "").replace("-", ""), "delta_color": "off", "delta_arrow": "off"}
    return {"delta": text, "delta_color": "normal"}


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


def lever_notes(lv, normalised=None) -> dict:
    """indicator -> note code: the engine's (``missing``, ``zero``, ``negative``, ``renormalised``,
    ``treatment``), or ``top`` for a gain of 0 on an indicator where the region already scores 100
    (the best value: raising it lowers the others' scores, not the region's)."""
    out = {}
    for ind, row in lv.table.iterrows():
        code = row.get("note") or ""
        if not code and normalised is not None and ind in normalised.columns and lv.region in normalised.index:
            at_top = float(normalised.at[lv.region, ind]) >= 100 - 1e-9
            if at_top and abs(float(row["gain_per_pct"])) < 1e-12:
                code = "top"
        out[ind] = code
    return out


def lever_note_text(code: str, lang: str) -> str:
    """The full explanation of a lever's note code (the engine's words, or ``top``'s)."""
    from iiscore.simulate.levers import NOTES

    if not code:
        return ""
    if code == "top":
        return t("sim.levers.top", lang)
    en, zh = NOTES.get(code, (code, code))
    return en if lang == "en" else zh


def levers_table(lv, fw, lang: str, normalised=None) -> pd.DataFrame:
    """The levers as shown: gains per +1 % and +1 sd, the rank after each, and a short note where a
    gain needs explaining (negative, 0 at the top, no value); :func:`lever_explanations` says why."""
    tab = lv.table
    notes = lever_notes(lv, normalised)
    return pd.DataFrame({
        t("col.indicator", lang): [fw.name(i, lang) for i in tab.index],
        t("col.pillar", lang): [fw.name(fw.parent(i), lang) for i in tab.index],
        # exactly what simulate.levers computed, each change alone (a +10 % column used to show 10x
        # the +1 % gain next to the rank after +1 %)
        t("col.gain_pct", lang): tab["gain_per_pct"].round(4).to_numpy(),
        t("col.rank_pct", lang): tab["rank_after_pct"].to_numpy() if "rank_after_pct" in tab.columns else np.nan,
        t("col.gain_sd", lang): tab["gain_per_sd"].round(3).to_numpy() if "gain_per_sd" in tab.columns else np.nan,
        t("col.rank_sd", lang): tab["rank_after_sd"].to_numpy() if "rank_after_sd" in tab.columns else np.nan,
        t("sim.levers.note", lang): [t("sim.levers.short." + notes[i], lang) if notes[i] else "" for i in tab.index],
    })


def lever_explanations(lv, fw, lang: str, normalised=None) -> list[str]:
    """One line per lever with a note: the indicator, its surprising gain, and why."""
    notes = lever_notes(lv, normalised)
    out = []
    for ind, code in notes.items():
        if not code:
            continue
        row = lv.table.loc[ind]
        gains = ""
        if code in ("renormalised", "treatment"):
            gains = t("sim.levers.gains", lang, pct=float(row["gain_per_pct"]), sd=float(row["gain_per_sd"]))
        out.append(t("sim.levers.why", lang, name=_md(fw.name(ind, lang)), gains=gains, why=lever_note_text(code, lang)))
    return out


def best_levers(lv, k: int = 3) -> list:
    """The region's ``k`` strongest levers: the largest positive gains per +1 %, among indicators a
    percentage can move (no missing, zero or negative value)."""
    tab = lv.table
    ok = tab["gain_per_pct"].notna() & (tab["gain_per_pct"] > 0) & ~tab["note"].isin(["missing", "zero", "negative"])
    return list(tab.index[ok][:k])


def goal_costs_table(fw, lang: str, indicators=None) -> pd.DataFrame:
    """Editable relative cost per percentage point of the chosen indicators (1 by default)."""
    inds = list(fw.leaves) if indicators is None else [i for i in fw.leaves if i in set(indicators)]
    return pd.DataFrame({"_id": inds, t("col.indicator", lang): [fw.name(i, lang) for i in inds],
                         t("col.cost", lang): [1.0] * len(inds)})


def goal_costs(table: pd.DataFrame, indicators) -> dict:
    """Costs of the chosen indicators from the edited table; blank or non-positive cells count as 1."""
    col = [c for c in table.columns if c not in ("_id",)][-1]
    costs = {i: 1.0 for i in indicators}
    for i, c in zip(table["_id"], pd.to_numeric(table[col], errors="coerce")):
        if i in costs:
            costs[i] = float(c) if pd.notna(c) and c > 0 else 1.0
    return costs


def goal_table(gs, fw, lang: str, values=None) -> pd.DataFrame:
    """The answer's changes: indicator, current value, change needed %, value once applied
    (``values``: indicator -> the scenario's current value, edits included)."""
    rows = []
    for k, v in gs.changes.items():
        if v == 0:
            continue
        row = {t("col.indicator", lang): fw.name(k, lang)}
        if values is not None:
            now = float(values.get(k, np.nan))
            row[t("sim.goal.col.now", lang)] = now
        row[t("col.effort", lang)] = round(float(v), 2)
        if values is not None:
            row[t("sim.goal.col.new", lang)] = _shown_value(now * (1 + float(v) / 100))
        rows.append(row)
    return pd.DataFrame(rows)


def _target_words(target: str, lang: str) -> str:
    kind, num = target.split()[0], target.split()[1]
    return t("sim.goal.target." + ("rank" if kind == "rank" else "tier"), lang, n=num)


def goal_promise(gs, lang: str) -> str:
    """What the page will show once the answer is applied: score, rank and tier before → after."""
    return t("sim.goal.promise", lang, s0=gs.score_before, s1=gs.score_after, r0=gs.rank_before, r1=gs.rank_after,
             t0=gs.tier_before, t1=gs.tier_after)


def goal_failure(gs, ds, fw, lang: str, max_pct: float, chosen) -> tuple[str, list]:
    """A goal-seek that cannot reach its target, in plain words: (what happened, [(what would work,
    goal-seek settings that do it), ...]) from the engine's suggestions (a nearer target, a higher
    cap, the region's strongest levers not chosen)."""
    target = _target_words(gs.target, lang)
    need = t("sim.goal.need." + gs.target.split()[0], lang, bar=gs.target_score)
    text = t("sim.goal.fail", lang, region=_md(region_name(ds, gs.region, lang)), max=max_pct, target=target,
             best=gs.best_score, rank=gs.best_rank, need=need)
    sep = "、" if lang == "zh" else ", "
    if gs.excluded:
        text += " " + t("sim.goal.excluded", lang, names=sep.join(_md(fw.name(k, lang)) for k in gs.excluded))
    tips = []
    sug = gs.suggestions or {}
    if sug.get("nearer"):
        kind, num = sug["nearer"][0].split()
        form = {"goal_kind": "rank", "goal_rank": int(num)} if kind == "rank" else {"goal_kind": "tier",
                                                                                      "goal_tier": int(num)}
        tips.append((t("sim.goal.try.nearer", lang, target=_target_words(sug["nearer"][0], lang)), form))
    if sug.get("cap") is not None:
        tips.append((t("sim.goal.try.cap", lang, cap=float(sug["cap"])), {"goal_max": float(sug["cap"])}))
    if sug.get("levers"):
        names = sep.join(_md(fw.name(k, lang)) for k in sug["levers"])
        inds = list(dict.fromkeys([*chosen, *sug["levers"]]))
        tips.append((t("sim.goal.try.levers", lang, names=names), {f"goal_inds.{gs.region}": inds}))
    return text, tips
