"""The exports: the scenario sheet, the tables of the workbook, and the filled data template.

Every sheet is in the user's language only (labels, option names, yes/no, region and node names);
numbers are written as numbers (a change is a signed number in a "%" column, never a text such as
"+39.2%"), so that the only text cells that could look like a formula come from outside (an
upload's region or indicator names) and are escaped by :mod:`iiscore.export`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from iiscore import export
from iiscore_app import scenario as S
from iiscore_app.i18n import opt, provenance_label, t, unit_label

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401
from .data import (CHANGED_FILL, ESTIMATE_FILL, NOTE_FILL, changed_table, indicator_table,  # noqa: F401
                   official_comparison)
from .overview import contributions_table  # noqa: F401
from .simulator import levers_table  # noqa: F401
from .tiers import tier_members, tier_shift_table  # noqa: F401


def _yes_no(v, lang: str) -> str:
    return t("xp.yes" if v else "xp.no", lang)


def data_set_label(bundle, lang: str) -> str:
    """The data set in words: the built-in data's name, or the uploaded / served file's."""
    if bundle.builtin:
        return t("xp.dataset.builtin", lang)
    return t("xp.dataset.upload" if bundle.uploaded else "xp.dataset.served", lang, name=bundle.label)


def scenario_name(scn: S.Scenario, lang: str) -> str:
    """The scenario's name in ``lang``: a ready-made scenario's title (presets name the scenario by
    their id), the user's own name as given, or '(unnamed)'."""
    from iiscore_app.i18n import STRINGS

    if not scn.name:
        return t("xp.unnamed", lang)
    key = "preset." + scn.name
    return t(key, lang) if key in STRINGS else scn.name


def about_table(scn: S.Scenario, bundle, lang: str, link: str = "", *, known: bool = True, ev=None,
                mc=None, goal=None) -> pd.DataFrame:
    """The 'scenario' sheet: every setting (value and the data set's default), the data's
    provenance counts, what else the workbook holds, and the share link.

    Columns: setting, value, default. Values are numbers where they are numbers and words in the
    user's language otherwise; ``link`` is written only when ``known`` (an absolute link), else
    the sheet says that the app's address was unknown.
    """
    fw = bundle.fw
    d = bundle.context.defaults
    rows: list = [
        (t("xp.name", lang), scenario_name(scn, lang), ""),
        (t("xp.dataset", lang), data_set_label(bundle, lang), ""),
        (t("side.year", lang), int(scn.year) if scn.year is not None else "", int(d.year) if d.year else ""),
    ]
    for field, key, group in (("treat", "side.treat", "treat"), ("normalisation", "side.normalisation", "normalisation"),
                              ("goalposts", "side.goalposts", "goalposts"), ("missing", "side.missing", "missing"),
                              ("aggregation", "side.aggregation", "aggregation"), ("whatif", "side.whatif", "whatif")):
        rows.append((t(key, lang), opt(group, getattr(scn, field), lang), opt(group, getattr(d, field), lang)))
    rows += [(t("side.treat_fit", lang), opt("treat_fit", scn.treat_fit, lang), opt("treat_fit", d.treat_fit, lang)),
             (t("side.coverage", lang), float(scn.coverage), float(d.coverage)),
             (t("side.public_only", lang), _yes_no(scn.public_only, lang), _yes_no(d.public_only, lang))]
    rows.append((t("t.method", lang), opt("tier", scn.tier_method, lang), opt("tier", d.tier_method, lang)))
    if scn.tier_method == "sizes":
        rows.append((t("xp.sizes", lang), "、".join(map(str, scn.tier_sizes)) if lang == "zh" else
                     ", ".join(map(str, scn.tier_sizes)),
                     "、".join(map(str, d.tier_sizes)) if lang == "zh" else ", ".join(map(str, d.tier_sizes))))
    if scn.tier_method in ("kmeans", "jenks"):
        rows.append((t("t.k", lang), int(scn.tier_k), int(d.tier_k)))
    if scn.tier_method == "kmeans":
        rows += [(t("t.features", lang), opt("features", scn.tier_features, lang), opt("features", d.tier_features, lang)),
                 (t("t.standardise", lang), _yes_no(scn.tier_standardise, lang), _yes_no(d.tier_standardise, lang)),
                 (t("t.seed", lang), int(scn.tier_seed), int(d.tier_seed))]
    weights = scn.weight_map
    for node in fw.ids:
        if node != fw.root and node in weights:
            rows.append((t("xp.weight_of", lang, node=fw.name(node, lang)), float(weights[node]),
                         float(fw.node(node).weight)))
    rows.append((t("xp.n_edits", lang), len(scn.edits), 0))
    if ev is not None:
        counts = S.provenance_counts(ev.edited_ds, scn.year)
        rows.append((t("xp.values", lang, year=scn.year), int(counts.get("total", 0)), ""))
        for kind in ("public", "report", "estimate", "uploaded", "scenario", "unknown"):
            if counts.get(kind):
                rows.append((t("xp.values_of", lang, kind=provenance_label(kind, lang)), int(counts[kind]), ""))
        check = getattr(bundle, "check", None)
        if bundle.uploaded:
            rows.append((t("xp.upload.settings", lang), t("xp.upload.settings.text", lang), ""))
            if check is not None and check.comparable:
                rows.append((t("xp.upload.changed", lang, ref=_ref(check, lang)), int(len(check.changed)), ""))
            if check is not None and check.missing_regions:
                rows.append((t("xp.upload.missing", lang), _names(bundle.ds, check.missing_regions, lang), ""))
        cmp = report_tier_comparison(ev)
        if cmp is not None:
            rows += [(t("xp.ari", lang), round(float(cmp.ari), 4), ""),
                     (t("xp.agreement", lang), round(float(cmp.agreement) * 100, 1), "")]
    rows += [(t("w.mc.n", lang), int(scn.mc_n), int(d.mc_n)), (t("w.mc.spread", lang), float(scn.mc_spread),
                                                               float(d.mc_spread)),
             (t("w.mc.seed", lang), int(scn.mc_seed), int(d.mc_seed))]
    if goal is not None:
        rows.append((t("xp.goal", lang), t("xp.goal.sheet", lang, sheet=t("xp.sheet.goal", lang)), ""))
    if link and known:
        rows.append((t("side.link", lang), link, ""))
    else:
        rows.append((t("side.link", lang), t("xp.link.unknown", lang), ""))
    cols = [t("col.setting", lang), t("col.value", lang), t("xp.col.default", lang)]
    return pd.DataFrame(rows, columns=cols).astype(object)


def _ref(check, lang):
    from .data import ref_word

    return ref_word(check, lang)


def _names(ds, regions, lang):
    return ("、" if lang == "zh" else ", ").join(region_name(ds, r, lang) for r in regions)


# -- the tables -------------------------------------------------------------------------------------
def export_weights_table(ev, lang: str) -> pd.DataFrame:
    """Every node but the root: its weight in the scenario and by default, its share within its
    parent, and its global weight (the product of the shares on its path: for a pillar, the sum of
    its indicators' global weights)."""
    fw = ev.current.spec.framework
    base = ev.b.fw
    gw = fw.global_weights()
    rows = []
    for n in fw.ids:
        if n == fw.root:
            continue
        parent = fw.parent(n)
        local = float(fw.local_weights(parent)[n])
        glob = float(gw[list(fw.leaves_under(n))].sum()) if not fw.is_leaf(n) else float(gw[n])
        rows.append({t("col.node", lang): fw.name(n, lang),
                     t("xp.col.level", lang): t("xp.level.leaf" if fw.is_leaf(n) else "xp.level.aggregate", lang),
                     t("col.pillar", lang): fw.name(parent, lang),
                     t("col.weight", lang): float(fw.node(n).weight),
                     t("xp.col.weight_default", lang): float(base.node(n).weight) if n in base.ids else np.nan,
                     t("xp.col.local", lang): round(local * 100, 4),
                     t("col.weight_global", lang): round(glob * 100, 4)})
    return pd.DataFrame(rows)


def export_edits_table(ev, lang: str) -> pd.DataFrame:
    """The scenario's edits: region, indicator, how, change % (a number), original and new value, unit."""
    scn, ds, fw = ev.scn, ev.b.ds, ev.b.fw
    before = ds.matrix(scn.year)
    after = ev.edited_ds.matrix(scn.year)
    rows = []
    for e in scn.edits:
        try:
            r = ds.resolve_region(e.region)
        except Exception:  # noqa: BLE001 - an edit the data set cannot place is left out, as the engine does
            continue
        old = float(before.at[r, e.indicator]) if e.indicator in before.columns else np.nan
        new = float(after.at[r, e.indicator]) if e.indicator in after.columns else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = float(e.amount) if e.kind == "pct" else ((new / old - 1) * 100 if old else np.nan)
        rows.append({t("col.region", lang): region_name(ds, r, lang), t("col.indicator", lang): fw.name(e.indicator, lang),
                     t("xp.col.kind", lang): t("sim.mode.pct" if e.kind == "pct" else "sim.mode.abs", lang),
                     t("col.change_pct", lang): pct, t("col.base_value", lang): old, t("col.new_value", lang): new,
                     t("col.unit", lang): unit_label(fw.node(e.indicator).extra.get("unit", ""), lang)})
    return pd.DataFrame(rows, columns=[t("col.region", lang), t("col.indicator", lang), t("xp.col.kind", lang),
                                       t("col.change_pct", lang), t("col.base_value", lang), t("col.new_value", lang),
                                       t("col.unit", lang)])


def report_tier_comparison(ev):
    """``tiering.compare(report tiers, the scenario's tiers)`` for the built-in data, else None."""
    from iiscore import tiering

    b = ev.b
    if not b.builtin:
        return None
    rep = tiering.report_tiers()
    if set(rep.index) != set(b.ds.regions):
        return None
    return tiering.compare(rep.reindex(list(b.ds.regions)), ev.tiers.tier)


def export_report_tiers(ev, lang: str) -> pd.DataFrame | None:
    """Every region's tier in the report (Fig. 12, 2023) and in the scenario, and the direction."""
    from iiscore import tiering

    cmp = report_tier_comparison(ev)
    if cmp is None:
        return None
    rep = tiering.report_tiers()
    cur = ev.tiers.assignment
    names = cur.drop_duplicates("tier").set_index("tier")["tier_name_en" if lang == "en" else "tier_name_zh"]
    rows = []
    for r in ev.b.ds.regions:
        a, c = int(rep[r]), int(cur.at[r, "tier"])
        rows.append({t("col.region", lang): region_name(ev.b.ds, r, lang), t("col.tier_report", lang): a,
                     t("xp.col.tier_report_name", lang): str(names.get(a, a)), t("col.tier", lang): c,
                     t("xp.col.tier_name", lang): str(names.get(c, c)),
                     t("col.direction", lang): t("up", lang) if c < a else (t("down", lang) if c > a else t("xp.same", lang))})
    return pd.DataFrame(rows)


def national_tables(ev, lang: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The report's national index (2020 = 100) and each pillar's contribution to its growth
    (with the scenario's pillar weights), next to the report's published figure, as numbers."""
    from iiscore.national import composite_from_children, contributions, load_published

    if not ev.b.builtin:
        return None
    index, published = load_published()
    fw = ev.current.spec.framework
    nat = index.copy()
    nat.columns = [fw.name(c, lang) for c in nat.columns]
    nat = nat.reset_index().rename(columns={"year": t("col.year", lang)})
    idx = index.assign(**{fw.root: composite_from_children(index, fw)})
    years = list(idx.index)
    out = pd.DataFrame({f"{a}→{b}": contributions(idx, fw, start=a, end=b) for a, b in zip(years[:-1], years[1:])})
    pub = published[published["parent"] == fw.root] if len(published) else published
    out[t("xp.col.published", lang)] = [float(pub.loc[pub["node"] == p, "value"].iloc[0]) if (pub["node"] == p).any()
                                        else np.nan for p in out.index]
    out[t("xp.col.published_period", lang)] = [
        f"{int(pub.loc[pub['node'] == p, 'year'].iloc[0]) - 1}→{int(pub.loc[pub['node'] == p, 'year'].iloc[0])}"
        if (pub["node"] == p).any() else "" for p in out.index]
    out.index = [fw.name(p, lang) for p in out.index]
    out.index.name = t("col.pillar", lang)
    return nat, out.reset_index()


def mc_export_table(mc, ev, lang: str) -> pd.DataFrame:
    """Monte Carlo: base, median and 5 %/95 % ranks and the probability (%) of each tier, as numbers."""
    ds = ev.b.ds
    tab = mc.table
    out = pd.DataFrame({
        t("col.region", lang): [region_name(ds, r, lang) for r in tab.index],
        t("col.rank", lang): tab["base_rank"].astype(int).to_numpy(),
        t("w.mc.median", lang): tab["median_rank"].to_numpy(float),
        t("xp.col.p05", lang): tab["p05_rank"].to_numpy(float),
        t("xp.col.p95", lang): tab["p95_rank"].to_numpy(float),
    })
    names = ev.tiers.assignment.drop_duplicates("tier").set_index("tier")
    for c in [c for c in tab.columns if str(c).startswith("p_tier")]:
        k = int(str(c)[len("p_tier"):])
        label = names.at[k, "tier_name_en" if lang == "en" else "tier_name_zh"] if k in names.index else k
        out[t("xp.col.p_tier", lang, k=k, name=label)] = (tab[c].to_numpy(float) * 100).round(2)
    return out.sort_values(t("col.rank", lang), kind="stable").reset_index(drop=True)


def goal_export_table(gs, ev, lang: str) -> pd.DataFrame:
    """A goal-seek answer: the target, before and after, and the change of each indicator (numbers)."""
    fw, ds = ev.b.fw, ev.b.ds
    kind, _, n = str(gs.target).partition(" ")
    target = t("xp.goal.target." + ("tier" if kind == "tier" else "rank"), lang, n=n)
    rows = [(t("col.region", lang), region_name(ds, gs.region, lang)),
            (t("col.year", lang), int(gs.year)),
            (t("sim.goal.kind", lang), target),
            (t("sim.goal.strategy", lang), t("sim.goal.strategy." + gs.strategy, lang)
             if gs.strategy in ("uniform", "cheapest") else gs.strategy),
            (t("xp.goal.reached", lang), _yes_no(gs.reached, lang)),
            (t("xp.goal.score_before", lang), float(gs.score_before)),
            (t("xp.goal.score_after", lang), float(gs.score_after)),
            (t("xp.goal.rank_before", lang), int(gs.rank_before)),
            (t("xp.goal.rank_after", lang), int(gs.rank_after))]
    for key, v in (("xp.goal.tier_before", gs.tier_before), ("xp.goal.tier_after", gs.tier_after)):
        if v is not None and not pd.isna(v):
            rows.append((t(key, lang), int(v)))
    if gs.uniform_pct is not None:
        rows.append((t("xp.goal.uniform", lang), float(gs.uniform_pct)))
    if gs.cost is not None:
        rows.append((t("xp.goal.cost", lang), float(gs.cost)))
    for k, v in gs.changes.items():
        if v:
            rows.append((t("xp.goal.change", lang, ind=fw.name(k, lang)), float(v)))
    rows.append((t("xp.goal.message", lang), gs.message(lang)))
    return pd.DataFrame(rows, columns=[t("xp.col.item", lang), t("col.value", lang)]).astype(object)


def export_tables(ev, lang: str, *, mc=None, goal=None, ref_ev=None) -> dict:
    """Every table of the scenario, named for the Excel sheets (in ``lang``).

    Always: ranking, scores, raw values, provenance, weights, tiers (baseline and current); with
    edits, the edits; for the built-in data, the comparison with the report's tiers, the national
    index and the pillar contributions; with ``mc`` (a Monte Carlo result) and ``goal`` (a
    goal-seek answer), their sheets; for an upload with an official baseline (``ref_ev``, the
    default data with the same settings), the rank comparison and the changed cells.
    """
    res = ev.current
    fw = res.spec.framework
    ds = ev.b.ds
    names = {r: region_name(ds, r, lang) for r in res.scores.index}
    scores = res.scores.rename(index=names, columns=lambda c: fw.name(c, lang))
    scores.index.name = t("col.region", lang)
    raw = res.raw.rename(index=names, columns=lambda c: fw.name(c, lang))
    raw.index.name = t("col.region", lang)
    prov = ev.prov.rename(index=names, columns=lambda c: fw.name(c, lang)).map(lambda p: provenance_label(p, lang))
    prov.index.name = t("col.region", lang)
    shift = tier_shift_table(ev, lang).drop(columns=["_from", "_to"])
    out = {t("xp.sheet.ranking", lang): ranking_table(ev, lang)}
    if ev.scn.edits:
        out[t("xp.sheet.edits", lang)] = export_edits_table(ev, lang)
    out[t("xp.sheet.scores", lang)] = scores.reset_index()
    out[t("xp.sheet.values", lang)] = raw.reset_index()
    out[t("xp.sheet.provenance", lang)] = prov.reset_index()
    out[t("xp.sheet.weights", lang)] = export_weights_table(ev, lang)
    out[t("xp.sheet.tiers", lang)] = shift
    rep = export_report_tiers(ev, lang)
    if rep is not None:
        out[t("xp.sheet.report", lang)] = rep
    nat = national_tables(ev, lang)
    if nat is not None:
        out[t("xp.sheet.national", lang)], out[t("xp.sheet.contrib", lang)] = nat
    if mc is not None:
        out[t("xp.sheet.mc", lang)] = mc_export_table(mc, ev, lang)
    if goal is not None:
        out[t("xp.sheet.goal", lang)] = goal_export_table(goal, ev, lang)
    if ref_ev is not None:
        check = ev.b.check
        out[t("xp.sheet.compare", lang)] = official_comparison(ev, ref_ev, lang)
        out[t("xp.sheet.changed", lang)] = changed_table(check, ds, ev.b.fw, lang)
    return out


def monte_carlo_for(ev, stored=None):
    """The Monte Carlo of the scenario's settings (draws, spread, seed), as the Weights page runs it
    (``stored``: the page's result for the same key, reused). Deterministic: the same seed gives the
    same table."""
    from iiscore import sensitivity

    if stored is not None:
        return stored
    scn = ev.scn
    return sensitivity.monte_carlo(ev.edited_ds, ev.current.spec, samples=int(scn.mc_n), seed=int(scn.mc_seed),
                                   weight_noise=float(scn.mc_spread), tiers=ev.tiers,
                                   chunk_size=max(50, int(scn.mc_n) // 10))


def export_workbook(ev, lang: str, link: str, known: bool, *, mc=None, goal=None, ref_ev=None) -> bytes:
    """The Excel export: the scenario sheet, then every table (:func:`export_tables`)."""
    about = about_table(ev.scn, ev.b, lang, link, known=known, ev=ev, mc=mc, goal=goal)
    return export.to_excel(export_tables(ev, lang, mc=mc, goal=goal, ref_ev=ref_ev), about,
                           t("xp.sheet.scenario", lang))


# -- the filled data template -------------------------------------------------------------------------
def _unit_text(u) -> str:
    zh, en = unit_label(u, "zh"), unit_label(u, "en")
    return zh if zh == en else f"{zh} / {en}"


def template_frame(ds, fw, lang: str) -> pd.DataFrame:
    """The data set as the wide template (:func:`iiscore.export.data_template`), units in both languages."""
    units = export._units_of(fw, ds)
    return export.data_template(fw, dataset=ds, lang=lang, units={k: _unit_text(u) for k, u in units.items()})


def _template_provenance(ds, fw, frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, int]:
    """Provenance of the template's indicator cells (rows of ``frame``; the note rows empty) and the
    number of leading columns."""
    long = ds.long
    prov = long.set_index(["region", "year", "indicator"])["provenance"] if "provenance" in long.columns else None
    rows = []
    n_lead = len(frame.columns) - len(fw.leaves)
    for y in ds.years:
        for r in ds.regions:
            labels = [prov.get((r, y, leaf), "missing") if prov is not None else "uploaded" for leaf in fw.leaves]
            rows.append(labels)
    out = pd.DataFrame([[None] * len(fw.leaves)] * 3 + rows, columns=list(frame.columns[n_lead:]))
    return out, n_lead


def template_xlsx(ds, fw, lang: str, check=None) -> bytes:
    """The filled template as a workbook: the data sheet (estimates shaded orange, cells that
    differ from the default data yellow, note rows grey), every cell's provenance, and how to use it.
    The data sheet comes first, so that the workbook uploads as it is."""
    frame = template_frame(ds, fw, lang)
    prov, n_lead = _template_provenance(ds, fw, frame, lang)
    colours = pd.DataFrame("", index=frame.index, columns=frame.columns, dtype=object)
    colours.iloc[:3, :] = NOTE_FILL
    vals = prov.to_numpy(object)
    colours.iloc[:, n_lead:] = np.where(vals == "estimate", ESTIMATE_FILL, colours.iloc[:, n_lead:].to_numpy(object))
    if check is not None and check.comparable and len(check.changed):
        pos = {(r, y): 3 + i for i, (y, r) in enumerate((y, r) for y in ds.years for r in ds.regions)}
        col = {leaf: n_lead + j for j, leaf in enumerate(fw.leaves)}
        for r, y, leaf in check.changed[["region", "year", "indicator"]].itertuples(index=False):
            if (r, y) in pos:
                colours.iat[pos[(r, y)], col[leaf]] = CHANGED_FILL
    labels = prov.iloc[3:].map(lambda p: provenance_label(p, lang)).reset_index(drop=True)
    lead = frame.iloc[3:, :n_lead].reset_index(drop=True)
    prov_sheet = pd.concat([lead, labels], axis=1)
    readme = pd.DataFrame({t("xp.tpl.readme.col", lang): [t(f"xp.tpl.readme.{i}", lang) for i in range(1, 8)]})
    return export.to_excel({t("xp.tpl.sheet.data", lang): frame, t("xp.tpl.sheet.provenance", lang): prov_sheet,
                            t("xp.tpl.sheet.readme", lang): readme},
                           fills={t("xp.tpl.sheet.data", lang): colours})


def template_csv(ds, fw, lang: str) -> bytes:
    """The filled template as CSV (UTF-8 with BOM): the same header and note rows as the workbook."""
    return export.to_csv(template_frame(ds, fw, lang))
