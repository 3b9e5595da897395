"""Localised tables and charts built from iiscore results (no Streamlit here).

Pages call these and draw what they return; tests call them to compute what a page should show.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pydeck as pdk

from iiscore_app import scenario as S
from iiscore_app.i18n import opt, provenance_label, t, unit_label

from . import geo

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


def map_mode(colour_by: str) -> str:
    return "tier" if colour_by == "tier" else "score"


def map_data(ev, colour_by: str, lang: str) -> pd.DataFrame:
    """The plain input of :mod:`iiscore_app.geo` for the current scenario (one row per region)."""
    res = ev.current
    fw, ds = res.spec.framework, ev.b.ds
    node = colour_by if colour_by in res.scores.columns else fw.root
    tiers = ev.tiers.assignment
    share = S.estimate_share(res, ev.prov)
    labels = {int(row["tier"]): f"{int(row['tier'])} {row['tier_name_en' if lang == 'en' else 'tier_name_zh']}"
              for _, row in tiers.drop_duplicates("tier").iterrows()}
    names = {r: region_name(ds, r, lang) for r in res.regions}
    return geo.map_table(res.regions, names, res.scores[node].to_dict(),
                         short={r: geo.short_label(n, lang) for r, n in names.items()},
                         ranks=res.ranks[node if node in res.ranks.columns else fw.root].to_dict(),
                         tiers={r: int(v) for r, v in tiers["tier"].items()}, tier_labels=labels,
                         est={r: f"{share[r]:.0f}" for r in res.regions})


def map_features(ev, colour_by: str, lang: str, geojson: dict) -> dict:
    """The map's region features with fill colours and tooltip fields for the current scenario."""
    return geo.deck_features(geojson, map_data(ev, colour_by, lang), map_mode(colour_by), lang, ev.b.ds.region_info)


class PrebuiltDeck(pdk.Deck):
    """A Deck whose JSON was built once (pydeck's own serialiser takes ~0.7 s for the map)."""

    def __init__(self, json_text: str, tooltip: dict):
        super().__init__(layers=[], map_provider=None, tooltip=tooltip)
        self._json_text = json_text

    def to_json(self):
        return self._json_text


def map_tooltip(lang: str) -> str:
    return "<b>{name}</b><br/>" + t("map.tooltip", lang, score="{score}", rank="{rank}", tier="{tier}", est="{est}")


def map_json(ev, colour_by: str, lang: str, geojson: dict) -> tuple[str, dict]:
    """(deck JSON, tooltip) of the offline choropleth (no base map: ``map_provider=None``).

    Never pass ``map_style=None``: pydeck then drops ``mapStyle`` and Streamlit's frontend falls
    back to a CARTO base map fetched from the internet (tests/test_browser.py catches it)."""
    return geo.deck_json(geojson, map_data(ev, colour_by, lang), map_mode(colour_by), lang, ev.b.ds.region_info,
                         map_tooltip(lang))


def map_deck(ev, colour_by: str, lang: str, geojson: dict) -> pdk.Deck:
    """The choropleth as a pydeck Deck (its JSON prebuilt by :func:`map_json`)."""
    text, tip = map_json(ev, colour_by, lang, geojson)
    return PrebuiltDeck(text, tip)


def _map_what(ev, colour_by: str, lang: str) -> str:
    """What the map shows: the tier, the composite score or a pillar's score."""
    fw = ev.current.spec.framework
    if colour_by == "tier":
        return t("home.map.tier", lang)
    if colour_by not in ev.current.scores.columns or colour_by == fw.root:
        return t("map.what.composite", lang)
    return fw.name(colour_by, lang)


def _legend_title(ev, colour_by: str, lang: str) -> str:
    if colour_by == "tier":
        return t("map.legend.tier", lang)
    return t("map.legend.score", lang, what=_map_what(ev, colour_by, lang))


def legend(ev, colour_by: str, lang: str) -> str:
    """HTML legend: gradient bar with ticks (scores) or labelled tier swatches, and "no data"."""
    return geo.legend_html(map_data(ev, colour_by, lang), map_mode(colour_by), lang, _legend_title(ev, colour_by, lang))


def tile_chart(ev, lang: str, colour_by: str, height: int = 460) -> dict:
    """The tile-grid map (a Vega-Lite spec): one equal square per region in rough geographic
    position (Altair's schema validation is skipped: it took ~60 ms of the ~70)."""
    table = map_data(ev, colour_by, lang)
    cells = geo.tile_cells(table, map_mode(colour_by), ev.b.ds.region_info, lang=lang)
    titles = {"name": t("map.tile.name", lang), "score": t("col.score", lang), "rank": t("col.rank", lang),
              "tier": t("col.tier", lang)}
    return geo.tile_chart(cells, lang, height=height, titles=titles).to_dict(validate=False)


def map_png(ev, colour_by: str, lang: str, kind: str, geojson: dict) -> bytes:
    """The map (``kind`` "geo" or "tiles") as a PNG with title, legend, schematic-map note and source."""
    res, fw, b = ev.current, ev.current.spec.framework, ev.b
    what = _map_what(ev, colour_by, lang)
    title = t("map.png.title", lang, index=fw.name(fw.root, lang), year=res.year, what=what)
    note = t("map.note", lang) if kind == "geo" else t("map.note.tiles", lang)
    source = t("map.source.upload", lang, name=b.label) if getattr(b, "uploaded", False) else t("map.source.default", lang)
    return geo.render_png(kind, geojson, map_data(ev, colour_by, lang), map_mode(colour_by), lang, b.ds.region_info,
                          title=title, legend_title=_legend_title(ev, colour_by, lang), note=note, source=source)


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


def tier_shift_table(ev, lang: str) -> pd.DataFrame:
    """Every region's baseline tier and current tier (for the workshop view)."""
    a, b = ev.tiers_baseline.assignment, ev.tiers.assignment
    ds = ev.b.ds
    rows = []
    for r in b.index:
        rows.append({t("col.region", lang): region_name(ds, r, lang),
                     t("col.tier_base", lang): tier_label(a, r, lang),
                     t("col.tier", lang): tier_label(b, r, lang),
                     "_from": int(a.at[r, "tier"]), "_to": int(b.at[r, "tier"])})
    return pd.DataFrame(rows)


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


# -- tiers ----------------------------------------------------------------------------------------
def tier_members(ev, lang: str) -> pd.DataFrame:
    a = ev.tiers.sorted()
    ds = ev.b.ds
    rows = []
    for tier, grp in a.groupby("tier", sort=True):
        name = grp["tier_name_en" if lang == "en" else "tier_name_zh"].iloc[0]
        rows.append({t("col.tier", lang): f"{int(tier)} {name}", "n": len(grp),
                     t("col.region", lang): "、".join(region_name(ds, r, lang) for r in grp.index)
                     if lang == "zh" else ", ".join(region_name(ds, r, lang) for r in grp.index)})
    return pd.DataFrame(rows)


def movers_table(movers: pd.DataFrame, ds, lang: str) -> pd.DataFrame:
    if movers.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        t("col.region", lang): [region_name(ds, r, lang) for r in movers["region"]],
        t("col.tier_report", lang): movers["from"].to_numpy(),
        t("col.tier", lang): movers["to"].to_numpy(),
        t("col.direction", lang): [t(d, lang) for d in movers["direction"]],
    })


def shift_html(ev, lang: str, big: bool = True) -> str:
    """Tier shifts baseline → current as large cards (for a projector)."""
    import html

    tab = tier_shift_table(ev, lang)
    moved = tab[tab["_from"] != tab["_to"]]
    size = "2.2rem" if big else "1.1rem"
    head = (f"<div style='font-size:{size};font-weight:600;margin:0.3em 0'>"
            f"{html.escape(t('baseline', lang))} → {html.escape(t('current', lang))}</div>")
    if moved.empty:
        return head + f"<div style='font-size:{size}'>{html.escape(t('t.nomovers', lang))}</div>"
    cards = []
    for _, r in moved.iterrows():
        up = r["_to"] < r["_from"]
        colour = "#1a9850" if up else "#d73027"
        arrow = "▲" if up else "▼"
        cards.append(
            f"<div style='display:inline-block;margin:0.25em;padding:0.3em 0.6em;border-radius:0.4em;"
            f"border:3px solid {colour};font-size:{size};line-height:1.3'>"
            f"<b>{html.escape(str(r[t('col.region', lang)]))}</b> "
            f"<span style='color:{colour}'>{arrow}</span> "
            f"{html.escape(str(r[t('col.tier_base', lang)]))} → <b>{html.escape(str(r[t('col.tier', lang)]))}</b></div>")
    return head + "<div data-testid='tier-shifts'>" + "".join(cards) + "</div>"


def silhouette_table(ev, lang: str) -> pd.DataFrame:
    from iiscore import tiering

    res = ev.current
    fw = res.spec.framework
    scn = ev.scn
    # the silhouette needs 2 <= k <= n - 1: an upload of a few regions gets a shorter table
    ks = range(2, min(8, len(res.regions) - 1) + 1)
    if len(ks) == 0:
        return pd.DataFrame(columns=["silhouette", "inertia"])
    sil = tiering.silhouette_by_k(res.scores[[fw.root, *fw.pillars]], ks=ks, features=scn.tier_features,
                                  standardise=scn.tier_standardise, seed=scn.tier_seed, n_init=10)
    return sil.round(3)


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
