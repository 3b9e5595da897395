"""The maps (geographic and tile grid), their legends and PNG downloads, over iiscore_app.geo."""
from __future__ import annotations

import pandas as pd
import pydeck as pdk

from iiscore_app import scenario as S
from iiscore_app.i18n import t

from .. import geo
from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401


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
