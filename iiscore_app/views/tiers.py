"""The Tiers page: members, movers, the shift view, silhouettes."""
from __future__ import annotations

import pandas as pd

from iiscore_app.i18n import t

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


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
