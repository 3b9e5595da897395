"""The Tiers page: members, movers, the shift view, silhouettes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from iiscore_app.i18n import opt, t

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


def tiering_label(scn, lang: str, n_regions: int | None = None) -> str:
    """The tiering in force in words: "报告的各梯队数量（6/11/10/4）", "k-means on composite and pillars (k = 4)"."""
    from iiscore.tiering import report_sizes

    m = scn.tier_method
    if m == "sizes":
        sizes = scn.tier_sizes if n_regions is None or sum(scn.tier_sizes) == n_regions else report_sizes(n_regions)
        return t("t.label.sizes", lang, sizes="/".join(map(str, sizes)))
    if m == "kmeans":
        return t("t.label.kmeans", lang, features=opt("features", scn.tier_features, lang), k=scn.tier_k)
    if m == "jenks":
        return t("t.label.jenks", lang, k=scn.tier_k)
    return t("t.label.average", lang)


def tier_shift_table(ev, lang: str, base_tiers: pd.Series | None = None) -> pd.DataFrame:
    """Every region's baseline tier and current tier (for the workshop view); the baseline is the data
    set's defaults unless ``base_tiers`` (region -> tier) is given."""
    b = ev.tiers.assignment
    if base_tiers is None:
        base_tiers = ev.tiers_baseline.tier
    names = dict(zip(b["tier"], zip(b["tier_name_zh"], b["tier_name_en"])))
    ds = ev.b.ds
    rows = []
    for r in b.index:
        bt = base_tiers.get(r)
        if bt is None or pd.isna(bt):
            continue
        bt = int(bt)
        nm = names.get(bt)
        base_label = f"{bt} {nm[1] if lang == 'en' else nm[0]}" if nm else str(bt)
        rows.append({t("col.region", lang): region_name(ds, r, lang),
                     t("col.tier_base", lang): base_label,
                     t("col.tier_now", lang): tier_label(b, r, lang),
                     "_from": bt, "_to": int(b.at[r, "tier"])})
    return pd.DataFrame(rows, columns=[t("col.region", lang), t("col.tier_base", lang), t("col.tier_now", lang),
                                       "_from", "_to"])


def three_tierings(ev, lang: str) -> tuple[pd.DataFrame, dict]:
    """The report's 2023 tiers (built-in data only), the default (the report's sizes down the ranking) and
    the regenerated k-means tiers (composite and pillars), region by region, and the agreement (ARI) of
    each pair. Rows where the three differ come first."""
    from iiscore import tiering

    res = ev.current
    fw, ds = res.spec.framework, ev.b.ds
    table = res.scores[[fw.root, *fw.pillars]]
    table = table[table.notna().all(axis=1)]
    cols = {}
    if ev.b.builtin and set(tiering.report_tiers().index) >= set(table.index):
        cols["report"] = tiering.report_tiers().reindex(table.index)
    cols["sizes"] = tiering.tiers(table[[fw.root]], method="sizes").tier
    if len(table) >= 5:
        cols["kmeans"] = tiering.tiers(table, method="kmeans", k=4, seed=0).tier
    label = {"report": t("t.three.report", lang), "sizes": t("t.three.sizes", lang),
             "kmeans": t("t.three.kmeans", lang)}
    out = pd.DataFrame({t("col.region", lang): [region_name(ds, r, lang) for r in table.index],
                        t("col.rank", lang): res.ranks[fw.root].reindex(table.index).astype(int).to_numpy()})
    for k, v in cols.items():
        out[label[k]] = v.to_numpy().astype(int)
    vals = out[[label[k] for k in cols]].to_numpy()
    differ = (vals != vals[:, :1]).any(axis=1)
    out[t("t.three.differ", lang)] = [t("yes", lang) if d else "" for d in differ]
    out = out.iloc[np.lexsort((out[t("col.rank", lang)].to_numpy(), ~differ))].reset_index(drop=True)
    ari = {}
    keys = list(cols)
    for i, a in enumerate(keys):
        for bkey in keys[i + 1:]:
            ari[(label[a], label[bkey])] = tiering.compare(cols[a], cols[bkey]).ari
    return out, ari


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
        t("col.tier_now", lang): movers["to"].to_numpy(),
        t("col.direction", lang): [t(d, lang) for d in movers["direction"]],
    })


def shift_html(ev, lang: str, big: bool = True, base_tiers: pd.Series | None = None, base_label: str = "",
               current_label: str = "") -> str:
    """Tier shifts baseline → current as large cards (for a projector): a heading naming both sides and
    their tierings, a count of the moves, one card per region that moves (up first)."""
    import html

    tab = tier_shift_table(ev, lang, base_tiers)
    moved = tab[tab["_from"] != tab["_to"]]
    moved = moved.iloc[np.lexsort(((moved["_to"] - moved["_from"]).to_numpy(),))] if len(moved) else moved
    size = "2.2rem" if big else "1.1rem"
    small = "1.3rem" if big else "0.95rem"
    left = base_label or t("baseline", lang)
    right = current_label or t("current", lang)
    head = (f"<div style='font-size:{small};font-weight:600;margin:0.3em 0'>"
            f"{html.escape(left)} → {html.escape(right)}</div>")
    if moved.empty:
        return head + f"<div style='font-size:{size}'>{html.escape(t('t.nomovers', lang))}</div>"
    n_up = int((moved["_to"] < moved["_from"]).sum())
    head += (f"<div style='font-size:{small};margin:0.2em 0 0.4em'>"
             f"{html.escape(t('t.shift.count', lang, n=len(moved), up=n_up, down=len(moved) - n_up))}</div>")
    cards = []
    for _, r in moved.iterrows():
        up = r["_to"] < r["_from"]
        colour = "#1a9850" if up else "#d73027"
        arrow = "▲" if up else "▼"
        cards.append(
            f"<div style='display:inline-block;margin:0.25em;padding:0.3em 0.6em;border-radius:0.4em;"
            f"border:3px solid {colour};font-size:{size};line-height:1.3'>"
            f"<span style='font-weight:700'>{html.escape(str(r[t('col.region', lang)]))}</span> "
            f"<span style='color:{colour}'>{arrow}</span> "
            f"{html.escape(str(r[t('col.tier_base', lang)]))} → <span style='font-weight:700'>{html.escape(str(r[t('col.tier_now', lang)]))}</span></div>")
    return head + "<div data-testid='tier-shifts'>" + "".join(cards) + "</div>"


def untiered(ev) -> tuple[list, list]:
    """The regions the tiering in force leaves out: (without a composite, missing a pillar's score)."""
    res, tiered = ev.current, set(ev.tiers.tier.index)
    root = res.spec.framework.root
    out = [r for r in res.regions if r not in tiered]
    no_comp = [r for r in out if not np.isfinite(res.scores.at[r, root])]
    return no_comp, [r for r in out if r not in no_comp]


def untiered_text(ev, lang: str) -> list:
    """Warnings naming the regions that are in no tier, why, and the fix (none when every region is tiered)."""
    from iiscore_app import safe

    from .common import region_list

    _, no_pillar = untiered(ev)
    # the regions without a composite are named on every page (views.common.no_composite_text)
    return [safe.t("t.untiered.pillar", lang, n=len(no_pillar), limit=safe.MAX_TEXT,
                   names=region_list(ev.b.ds, no_pillar, lang))] if no_pillar else []


def silhouette_table(ev, lang: str) -> pd.DataFrame:
    from iiscore import tiering

    res = ev.current
    fw = res.spec.framework
    scn = ev.scn
    # the regions the tiering places: those with every score it reads (as scenario.tiers_for)
    cols = [fw.root, *fw.pillars] if scn.tier_features == "composite+pillars" else [fw.root]
    table = res.scores[cols]
    table = table[np.isfinite(table.to_numpy(float)).all(axis=1)]
    # the silhouette needs 2 <= k <= n - 1: an upload of a few regions gets a shorter table
    ks = range(2, min(8, len(table) - 1) + 1)
    if len(ks) == 0:
        return pd.DataFrame(columns=["silhouette", "inertia"])
    sil = tiering.silhouette_by_k(table, ks=ks, features=scn.tier_features,
                                  standardise=scn.tier_standardise, seed=scn.tier_seed, n_init=10)
    return sil.round(3)


def confusion_table(cmp, lang: str) -> pd.DataFrame:
    """The comparison's confusion table with headers in the user's language."""
    c = cmp.confusion.copy()
    c.index = [f"{t('col.tier_report', lang)} {i}" for i in c.index]
    c.columns = [f"{t('col.tier_now', lang)} {j}" for j in c.columns]
    return c
