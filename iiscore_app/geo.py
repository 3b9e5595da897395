"""The China map: geometry, colours, the pydeck choropleth, the tile grid, the legend and the PNG.

Pure Python (never imports Streamlit). Every function takes plain inputs so that pages and other
front ends can re-wire it:

* a **map table** (:func:`map_table`): a DataFrame indexed by region id with the columns
  ``name`` (display name), ``short`` (label of a tile), ``value`` (score, NaN = no data),
  ``rank``, ``tier`` (1 = best), ``tier_label`` and ``est`` (text for the tooltip);
* the data set's **region table** (``Dataset.region_info``: adcode, name_zh, name_zh_short,
  name_en, ... indexed by region id) or ``None`` for data without one;
* ``mode``: ``"score"`` (sequential colours) or ``"tier"`` (one colour per tier);
* ``lang``: ``"zh"`` or ``"en"``.

Colour rule, for scores and tiers alike: **darkest = best**. Both read one ColorBrewer ramp
(YlGnBu, 9 classes; colour-blind safe, lightness falls monotonically): a score ``v`` of the
range ``[lo, hi]`` gets ``ramp(T0 + (1 - T0)(v - lo)/(hi - lo))``, tier ``i`` of ``k`` gets
``ramp(1 - (1 - T0)(i - 1)/(k - 1))``; no data is grey (:data:`NO_DATA`).

The geometry (``data/map/china_map.geojson``, see ``data/map/README.md``) has every
provincial-level region of China, Taiwan, Hong Kong and Macao included, the South China Sea
Islands and the dashed line; regions that the data do not have are drawn grey with "no data".
"""
from __future__ import annotations

import functools
import html as _html
import io
import json
import math
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from iiscore.errors import DataError, SpecError, check_choice
from iiscore.resources import data_file

# inside the package when installed (iiscore._data), the checkout's data/ otherwise
MAP_FILE = data_file("map/china_map.geojson")
TILE_FILE = data_file("map/tile_grid.csv")
MODES = ("score", "tier")
KINDS = ("geo", "tiles")

# ColorBrewer YlGnBu, 9 classes (Cynthia Brewer, colorbrewer2.org; the same values as matplotlib's
# "YlGnBu"), light -> dark.
YLGNBU = ((255, 255, 217), (237, 248, 177), (199, 233, 180), (127, 205, 187), (65, 182, 196),
          (29, 145, 192), (34, 94, 168), (37, 52, 148), (8, 29, 88))
T0 = 0.12            # the lowest score / lowest tier: a pale colour, never the page's white
NO_DATA = (200, 200, 200)
BORDER = (130, 130, 130)   # province borders: grey keeps pale provinces visible on white
ISLAND_LINE = (70, 70, 70)
DASH_LINE = (70, 70, 70)
# Fits the whole map (mainland, Taiwan, the islands and the dashed line) into the narrowest map
# container of the app: 356 px wide (Overview right column at 1280 px; 358 px on a 390 px phone).
FIT_WIDTH, FIT_HEIGHT = 340, 440
FONT_STACK = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif'


def cjk_font_path() -> Path:
    """The font file used for Chinese text in PNG exports: the one the project ships
    (``iiscore/_fonts/WenQuanYiMicroHei.ttf``, WenQuanYi Micro Hei, Apache-2.0), as the brief."""
    from iiscore.brief.fonts import font_path

    return font_path()


# -- data files ------------------------------------------------------------------------------------
def load_geometry(path: str | Path = MAP_FILE) -> dict:
    """The map's GeoJSON FeatureCollection (features with ``properties.kind`` = ``province``,
    ``islands``, ``dashline`` or ``label``)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"The map file {path} is missing: restore data/map/china_map.geojson from the repository.",
                        f"地图文件 {path} 不存在：请从仓库恢复 data/map/china_map.geojson。", file=path)
    return json.loads(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=4)
def _layout_rows(path: str) -> tuple:
    lay = pd.read_csv(path, dtype={"region": str})
    return tuple(lay.columns), tuple(map(tuple, lay.itertuples(index=False)))


def load_tile_layout(path: str | Path = TILE_FILE) -> pd.DataFrame:
    """The tile-grid layout of China's 34 provincial-level regions: region, adcode, name_en, col, row
    (a new DataFrame each call; the file is read once)."""
    cols, rows = _layout_rows(str(path))
    lay = pd.DataFrame(list(rows), columns=list(cols))
    if lay[["col", "row"]].duplicated().any():
        raise DataError(f"{path}: two regions share one tile (col, row).", f"{path}：两个地区占了同一格 (col, row)。",
                        file=path, column="col,row")
    return lay


# -- colours -----------------------------------------------------------------------------------------
def ramp(x: float) -> tuple[int, int, int]:
    """YlGnBu at ``x`` in [0, 1] (0 lightest, 1 darkest), linear between the 9 classes; NaN -> grey."""
    if x is None or not np.isfinite(x):
        return NO_DATA
    x = min(max(float(x), 0.0), 1.0) * (len(YLGNBU) - 1)
    i = min(int(x), len(YLGNBU) - 2)
    f = x - i
    a, b = YLGNBU[i], YLGNBU[i + 1]
    return tuple(int(round(a[k] + (b[k] - a[k]) * f)) for k in range(3))


def score_colour(v: float, lo: float, hi: float) -> tuple[int, int, int]:
    """Colour of score ``v`` on the range [lo, hi]: darker is better; a flat range is mid-ramp."""
    if v is None or not np.isfinite(v):
        return NO_DATA
    s = (float(v) - lo) / (hi - lo) if hi > lo else 0.5
    return ramp(T0 + (1 - T0) * s)


def tier_colour(tier: int, k: int) -> tuple[int, int, int]:
    """Colour of tier ``tier`` (1 = best) of ``k`` tiers: tier 1 darkest, tier k palest."""
    if tier is None or not np.isfinite(tier) or k < 1:
        return NO_DATA
    if k == 1:
        return ramp(1.0)
    return ramp(1 - (1 - T0) * (int(tier) - 1) / (k - 1))


def luminance(rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 black - 1 white)."""
    def lin(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour(rgb) -> tuple[int, int, int]:
    """Black or white, whichever contrasts more with ``rgb`` (labels inside tiles)."""
    lum = luminance(rgb)
    return (0, 0, 0) if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else (255, 255, 255)


def hexcolour(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def fills(table: pd.DataFrame, mode: str) -> dict:
    """region id -> fill colour (RGB) by the one rule (darkest = best); no data -> grey."""
    check_choice("mode", mode, MODES)
    if mode == "tier":
        tiers = pd.to_numeric(table["tier"], errors="coerce")
        k = int(tiers.max()) if tiers.notna().any() else 0
        return {r: tier_colour(v, k) if pd.notna(v) else NO_DATA for r, v in zip(table.index, tiers.tolist())}
    vals = pd.to_numeric(table["value"], errors="coerce")
    lo, hi = (float(vals.min()), float(vals.max())) if vals.notna().any() else (0.0, 0.0)
    return {r: score_colour(v, lo, hi) for r, v in zip(table.index, vals.tolist())}


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values inside [lo, hi]: steps of 1, 2, 2.5 or 5 x 10^k, at most ``n + 1`` ticks."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return [float(lo)] if np.isfinite(lo) else []
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw - 1e-12)
    first = math.ceil(lo / step - 1e-9) * step
    out = []
    v = first
    while v <= hi + 1e-9 * step:
        out.append(round(v, 10))
        v += step
    return out


# -- joining the data to the map ---------------------------------------------------------------------
def _keys(region, rec: dict | None) -> set:
    keys = {str(region).strip().casefold()}
    for col in ("name_zh", "name_zh_short", "name_en"):
        v = (rec or {}).get(col)
        if v is not None and not (isinstance(v, float) and np.isnan(v)):
            keys.add(str(v).strip().casefold())
    return keys


def match_regions(features: list, regions, info: pd.DataFrame | None) -> dict:
    """Feature index -> region id, for province and island features.

    A feature matches a region by adcode (when the region table has one), else by any of its names
    (name_zh, name_zh_short, name_en; case-insensitive) against the region id and the region's
    names. The South China Sea Islands (adcode 460000) take Hainan's region. Unmatched features
    are drawn as "no data"."""
    by_code, by_name = {}, {}
    regions = list(regions)
    wanted = set(regions)
    recs = {r: rec for r, rec in info.to_dict("index").items() if r in wanted} if info is not None else {}
    for r, rec in recs.items():
        a = rec.get("adcode")
        if a is not None and pd.notna(a):
            try:
                by_code[int(a)] = r
            except (TypeError, ValueError):
                pass
    for r in regions:
        for k in _keys(r, recs.get(r)):
            by_name.setdefault(k, r)
    out = {}
    for i, f in enumerate(features):
        p = f.get("properties", {})
        if p.get("kind") not in ("province", "islands"):
            continue
        r = None
        if p.get("adcode") is not None:
            r = by_code.get(int(p["adcode"]))
        if r is None:
            names = [p.get("name_zh"), p.get("name_zh_short"), p.get("name_en")]
            if p.get("kind") == "islands":  # the islands belong to Hainan
                names = ["海南省", "海南", "hainan"]
            r = next((by_name[str(n).casefold()] for n in names if n and str(n).casefold() in by_name), None)
        if r is not None:
            out[i] = r
    return out


def map_table(regions, names: Mapping, values: Mapping, ranks: Mapping | None = None, tiers: Mapping | None = None,
              tier_labels: Mapping | None = None, short: Mapping | None = None, est: Mapping | None = None) -> pd.DataFrame:
    """The plain input of every map function, from mappings region id -> name / value / rank / tier.

    ``value`` may be NaN (no data); ``tier_labels`` maps a tier number to its label ("1 示范引领")."""
    regions = list(regions)
    t = pd.DataFrame(index=pd.Index(regions, name="region"))
    t["name"] = [str(names.get(r, r)) for r in regions]
    t["short"] = [str(short.get(r, names.get(r, r))) if short else str(names.get(r, r)) for r in regions]
    t["value"] = [float(values[r]) if r in values and values[r] is not None else np.nan for r in regions]
    t["rank"] = [ranks.get(r) if ranks else None for r in regions]
    t["tier"] = [tiers.get(r) if tiers else None for r in regions]
    t["tier_label"] = [str((tier_labels or {}).get(tiers.get(r), tiers.get(r))) if tiers and r in tiers else ""
                       for r in regions]
    t["est"] = [str(est.get(r, "")) if est else "" for r in regions]
    return t


def short_label(name: str, lang: str) -> str:
    """A tile label: Chinese short names as they are; English without a parenthesis, long names
    on two lines ("Inner\\nMongolia")."""
    name = str(name)
    if lang != "en":
        return name
    name = name.split(" (")[0].strip()
    if len(name) > 9 and " " in name:
        mid = len(name) / 2
        cut = min((i for i, ch in enumerate(name) if ch == " "), key=lambda i: abs(i - mid))
        return name[:cut] + "\n" + name[cut + 1:]
    if len(name) >= 8 and " " not in name:
        # a long pinyin word: break between syllables, before an initial that follows a vowel or a
        # final n/g (n and g themselves are not taken as initials: they end syllables too)
        low = name.lower()
        cuts = [i for i in range(2, len(name) - 2)
                if low[i] in "bcdfhjklmpqrstwxyz" and low[i - 1] in "aeiouvng"]
        if cuts:
            cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
            return name[:cut] + "-\n" + name[cut:]
    return name


def label_em(text: str) -> float:
    """Approximate width of ``text`` in em: a CJK character 1, a Latin letter or digit 0.58."""
    return max(1.0, sum(1.0 if ord(ch) > 0x2E7F else 0.58 for ch in str(text)))


def _no_data(lang: str) -> str:
    return "no data" if lang == "en" else "无数据"


def _feature_name(p: dict, lang: str) -> str:
    return str(p.get("name_en" if lang == "en" else "name_zh", ""))


def _fmt_rank(x) -> str:
    return "–" if x is None or (isinstance(x, float) and not np.isfinite(x)) or pd.isna(x) else str(int(x))


def tooltip_fields(table: pd.DataFrame, region, lang: str) -> dict:
    """score, rank, tier and est texts of one region for the tooltips (no data -> "无数据"/"no data")."""
    row = table.loc[region].to_dict() if region is not None and region in table.index else None
    return _tips(row, lang)


def _tips(row: dict | None, lang: str) -> dict:
    if row is None or not np.isfinite(row["value"]):
        return {"score": _no_data(lang), "rank": "–", "tier": "–", "est": ""}
    est = row["est"]
    if est:
        est = ("estimated share " if lang == "en" else "估算占比 ") + f"{est}%"
    # deck.gl puts these into its tooltip's HTML as they are: escaped here
    return {"score": f"{float(row['value']):.1f}", "rank": _fmt_rank(row["rank"]),
            "tier": _html.escape(str(row["tier_label"])) if row["tier_label"] else "–", "est": est}


def deck_features(geo: dict, table: pd.DataFrame, mode: str, lang: str, info: pd.DataFrame | None) -> dict:
    """The region and island features with fill, line colour and tooltip fields (a new dict;
    ``geo`` is not changed). Regions of the data that the map does not have are not drawn here:
    the tile grid shows every region."""
    check_choice("lang", lang, ("zh", "en"))
    feats = geo["features"]
    match = match_regions(feats, table.index, info)
    fill = fills(table, mode)
    rows = table.to_dict("index")
    out = []
    for i, f in enumerate(feats):
        p = f["properties"]
        if p.get("kind") not in ("province", "islands"):
            continue
        r = match.get(i)
        has = r is not None and np.isfinite(rows[r]["value"])
        name = _feature_name(p, lang)
        if p.get("kind") == "islands" and r is not None:
            name = f"{name} ({rows[r]['name']})" if lang == "en" else f"{name}（{rows[r]['name']}）"
        props = {"name": _html.escape(str(name)), **_tips(rows[r] if has else None, lang),
                 "fill": list(fill[r] if has else NO_DATA) + [230],
                 "line": list(ISLAND_LINE if p.get("kind") == "islands" else BORDER) + [255]}
        out.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
    return {"type": "FeatureCollection", "features": out}


def _kind(geo: dict, kind: str) -> list:
    return [f for f in geo["features"] if f["properties"].get("kind") == kind]


# -- view ----------------------------------------------------------------------------------------------
def _merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _inv_merc_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def bounds(geo: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of every drawn feature (regions, islands, dashed line)."""
    xs, ys = [], []

    def walk(c):
        if isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for x in c:
                walk(x)
    for f in geo["features"]:
        if f["properties"].get("kind") != "label":
            walk(f["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def fit_view(bbox, width: float = FIT_WIDTH, height: float = FIT_HEIGHT) -> dict:
    """Centre and zoom of a Web-Mercator view that shows ``bbox`` whole in ``width`` x ``height`` px.

    deck.gl draws the world 512 px wide at zoom 0, so at zoom ``z`` a box spanning ``dx`` degrees
    of longitude and ``dy`` of Mercator y (radians) is ``512 * 2^z * dx/360`` by
    ``512 * 2^z * dy/(2 pi)`` px; ``z`` is the largest zoom at which both fit."""
    w, s, e, n = bbox
    dx = (e - w) / 360
    dy = (_merc_y(n) - _merc_y(s)) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * dx), height / (512 * dy)))
    lat = _inv_merc_y((_merc_y(n) + _merc_y(s)) / 2)
    return {"latitude": round(lat, 4), "longitude": round((w + e) / 2, 4), "zoom": math.floor(zoom * 100) / 100}


def deck_json(geo: dict, table: pd.DataFrame, mode: str, lang: str, info: pd.DataFrame | None,
              tooltip_html: str) -> tuple[str, dict]:
    """(deck.gl JSON, tooltip) of the choropleth, for ``st.pydeck_chart`` through a prebuilt Deck.

    No base map (``mapProvider`` null): nothing is fetched from outside. Never set
    ``map_style=None`` in pydeck: Streamlit then falls back to a CARTO base map from the internet.
    Layers: ``provinces`` (regions and islands, pickable), ``dashline``, ``labels``."""
    import pydeck as pdk

    data = deck_features(geo, table, mode, lang, info)
    dash = {"type": "FeatureCollection", "features": _kind(geo, "dashline")}
    labels = [{"text": short_label(_feature_name(f["properties"], lang), lang), "position": f["geometry"]["coordinates"]}
              for f in _kind(geo, "label")]  # long English names on two lines
    layers = [
        pdk.Layer("GeoJsonLayer", [], id="provinces", pickable=True, stroked=True, filled=True,
                  get_fill_color="properties.fill", get_line_color="properties.line", line_width_min_pixels=1,
                  auto_highlight=True),
        pdk.Layer("GeoJsonLayer", [], id="dashline", pickable=False, stroked=True, filled=False,
                  get_line_color=list(DASH_LINE), line_width_min_pixels=1.6),
        pdk.Layer("TextLayer", [], id="labels", get_text="text", get_position="position", get_size=12,
                  get_color=list(DASH_LINE), pickable=False),
    ]
    view = pdk.ViewState(**fit_view(bounds(geo)), min_zoom=1, max_zoom=7)
    tip = {"html": tooltip_html, "style": {"fontSize": "14px"}}
    deck = pdk.Deck(layers=layers, initial_view_state=view, map_provider=None, tooltip=tip)
    spec = json.loads(deck.to_json())  # pydeck's serialiser is slow on big data: add the data after
    for layer, d in zip(spec["layers"], (data, dash, labels)):
        layer["data"] = d
    # set here, not through pydeck, which would turn these strings into "@@=" expressions:
    # Chinese glyphs need the "auto" character set; the fonts are the visitor's own (offline)
    spec["layers"][2]["characterSet"] = "auto"
    spec["layers"][2]["fontFamily"] = FONT_STACK
    return json.dumps(spec, separators=(",", ":"), ensure_ascii=False), deck._tooltip


# -- tile grid ---------------------------------------------------------------------------------------
def generic_layout(regions) -> pd.DataFrame:
    """A near-square grid in data order: ``ceil(sqrt(n))`` columns, one cell per region."""
    regions = list(regions)
    n = len(regions)
    cols = max(1, math.ceil(math.sqrt(n)))
    return pd.DataFrame({"region": regions, "col": [i % cols for i in range(n)], "row": [i // cols for i in range(n)]})


def tile_cells(table: pd.DataFrame, mode: str, info: pd.DataFrame | None, layout: pd.DataFrame | None = None,
               lang: str = "zh") -> pd.DataFrame:
    """One cell per region of the data (plus grey cells for China's regions the data lack).

    When every region of the data matches a different cell of the China layout (by adcode or name,
    as the map does), the China layout is used and its unmatched cells (Taiwan, Hong Kong, Macao
    in the built-in data) are drawn grey with "no data"; otherwise a near-square grid in data
    order (:func:`generic_layout`). Columns: region (None for a no-data cell), col, row, label,
    name, fill (hex), text (hex), score, rank, tier, layout ("china" or "generic")."""
    check_choice("mode", mode, MODES)
    layout = load_tile_layout() if layout is None else layout
    cells_geo = [{"properties": {"kind": "province", "adcode": int(a) if pd.notna(a) else None, "name_zh_short": r,
                                 "name_zh": r, "name_en": e}}
                 for r, a, e in zip(layout["region"], layout.get("adcode", [None] * len(layout)),
                                    layout.get("name_en", [None] * len(layout)))]
    match = match_regions(cells_geo, table.index, info)
    matched = set(match.values())
    china = len(matched) == len(table.index) and len(match) == len(matched)
    fill = fills(table, mode)
    recs = table.to_dict("index")
    rows = []
    if china:
        for i, cell in enumerate(layout.to_dict("records")):
            r = match.get(i)
            has = r is not None and np.isfinite(recs[r]["value"])
            name = recs[r]["name"] if r is not None else (cell.get("name_en") if lang == "en" else cell["region"])
            label = recs[r]["short"] if r is not None else short_label(name, lang)
            rows.append((r, int(cell["col"]), int(cell["row"]), str(label), str(name), fill[r] if has else NO_DATA,
                         _tips(recs[r] if has else None, lang)))
    else:
        for cell in generic_layout(table.index).to_dict("records"):
            r = cell["region"]
            has = np.isfinite(recs[r]["value"])
            rows.append((r, int(cell["col"]), int(cell["row"]), str(recs[r]["short"]), str(recs[r]["name"]),
                         fill[r] if has else NO_DATA, _tips(recs[r] if has else None, lang)))
    out = pd.DataFrame([{"region": r, "col": c, "row": w, "label": lab, "name": nm, "fill": hexcolour(f),
                         "text": hexcolour(text_colour(f)), **tips} for r, c, w, lab, nm, f, tips in rows])
    out["layout"] = "china" if china else "generic"
    return out


def tile_chart(cells: pd.DataFrame, lang: str, height: int = 460, titles: Mapping | None = None):
    """Altair tile-grid map: equal squares at (col, row), labels inside, tooltip with score/rank/tier.

    The square size is ``min(width / cols, height / rows)`` computed by Vega from the chart's
    width (the container's) and height, so the grid keeps square cells and fits at any width."""
    import altair as alt

    titles = titles or {}
    ncols, nrows = int(cells["col"].max()) + 1, int(cells["row"].max()) + 1
    df = cells.assign(x0=cells["col"] - 0.47, x1=cells["col"] + 0.47, y0=cells["row"] - 0.47, y1=cells["row"] + 0.47)
    df = df.drop(columns=["region"]).assign(region=cells["region"].fillna("").astype(str))
    df["em"] = [max(label_em(x) for x in str(lab).split("\n")) for lab in df["label"]]
    cell = alt.param(name="cell", expr=f"max(6, min(width / {ncols}, height / {nrows}))")
    xs = alt.Scale(domain=[-0.5, ncols - 0.5], range=[{"expr": f"width / 2 - cell * {ncols / 2}"},
                                                       {"expr": f"width / 2 + cell * {ncols / 2}"}], nice=False, zero=False)
    ys = alt.Scale(domain=[-0.5, nrows - 0.5], range=[{"expr": f"height / 2 - cell * {nrows / 2}"},
                                                       {"expr": f"height / 2 + cell * {nrows / 2}"}], nice=False, zero=False)
    tips = [alt.Tooltip("name:N", title=titles.get("name", "name")),
            alt.Tooltip("score:N", title=titles.get("score", "score")),
            alt.Tooltip("rank:N", title=titles.get("rank", "rank")),
            alt.Tooltip("tier:N", title=titles.get("tier", "tier"))]
    base = alt.Chart(df)
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("x0:Q", scale=xs, axis=None), x2="x1:Q", y=alt.Y("y0:Q", scale=ys, axis=None), y2="y1:Q",
        color=alt.Color("fill:N", scale=None), tooltip=tips)
    # each label's font fills ~90 % of its cell at most: widths in em of the longest line
    cap = 0.21 if lang == "en" else 0.28
    text = base.mark_text(fontSize={"expr": f"max(6, min(16, cell * {cap}, cell * 0.9 / datum.em))"},
                          limit={"expr": "cell * 0.96"},
                          lineBreak="\n",
                          font=FONT_STACK).encode(x=alt.X("col:Q", scale=xs), y=alt.Y("row:Q", scale=ys), text="label:N",
                                   color=alt.Color("text:N", scale=None), tooltip=tips)
    return alt.layer(rects, text).add_params(cell).properties(width="container", height=height).configure_view(strokeWidth=0)


# -- legend ----------------------------------------------------------------------------------------------
def legend_html(table: pd.DataFrame, mode: str, lang: str, title: str = "", any_no_data: bool = True) -> str:
    """A readable legend: a gradient bar with round ticks (scores) or labelled swatches (tiers),
    and the grey "no data" swatch."""
    check_choice("mode", mode, MODES)
    nd = _no_data(lang)
    sw = "display:inline-block;width:18px;height:14px;vertical-align:-2px;margin-right:4px;border:1px solid #999"
    # the title names a node of the framework, which may be an upload's: escaped (it is HTML)
    head = f"<div style='font-size:0.85rem;margin-bottom:2px'>{_html.escape(str(title))}</div>" if title else ""
    nodata = (f"<span style='margin-left:12px;white-space:nowrap'><span style='{sw};background:{hexcolour(NO_DATA)}'>"
              f"</span>{nd}</span>") if any_no_data else ""
    if mode == "tier":
        tiers = pd.to_numeric(table["tier"], errors="coerce")
        k = int(tiers.max()) if tiers.notna().any() else 0
        labels = dict(zip(tiers, table["tier_label"]))
        counts = tiers.value_counts()
        parts = []
        for i in range(1, k + 1):
            lab = _html.escape(str(labels.get(i, str(i))))
            parts.append(f"<span style='margin-right:12px;white-space:nowrap'><span style='{sw};"
                         f"background:{hexcolour(tier_colour(i, k))}'></span>{lab} ({int(counts.get(i, 0))})</span>")
        return f"<div style='font-size:0.9rem;line-height:1.9'>{head}{''.join(parts)}{nodata}</div>"
    vals = pd.to_numeric(table["value"], errors="coerce")
    if not vals.notna().any():
        return f"<div style='font-size:0.9rem'>{head}{nodata}</div>"
    lo, hi = float(vals.min()), float(vals.max())
    stops = ", ".join(f"{hexcolour(ramp(T0 + (1 - T0) * s))} {s * 100:.0f}%" for s in np.linspace(0, 1, 9))
    ticks = []
    for v in nice_ticks(lo, hi, 5):
        pos = (v - lo) / (hi - lo) * 100 if hi > lo else 50
        ticks.append(f"<span style='position:absolute;left:{pos:.1f}%;transform:translateX(-50%);top:0'>"
                     f"<span style='display:block;margin:0 auto;width:1px;height:5px;background:#444'></span>{v:g}</span>")
    ends = (f"<div style='display:flex;justify-content:space-between;font-size:0.75rem;color:#555'>"
            f"<span>{lo:.1f}</span><span>{hi:.1f}</span></div>")
    bar = (f"<div style='height:14px;border:1px solid #999;background:linear-gradient(to right, {stops})'></div>"
           f"<div style='position:relative;height:22px;font-size:0.8rem'>{''.join(ticks)}</div>")
    return (f"<div style='font-size:0.9rem;display:flex;align-items:flex-start;gap:8px'>"
            f"<div style='flex:1;max-width:360px'>{head}{bar}{ends}</div><div style='padding-top:18px'>{nodata}</div></div>")


# -- PNG ---------------------------------------------------------------------------------------------------
def _font(size: float):
    from matplotlib.font_manager import FontProperties

    path = cjk_font_path()
    if not Path(path).exists():
        raise DataError(f"The font {path} for Chinese text in map images is missing: reinstall iiscore (the font "
                        "ships in iiscore/_fonts/) or make it from Debian's fonts-wqy-microhei with "
                        "iiscore/_fonts/make_font.py.",
                        f"地图图片所需的中文字体 {path} 不存在：请重新安装 iiscore（字体随 iiscore/_fonts/ 发布），"
                        f"或用 iiscore/_fonts/make_font.py 从 Debian 的 fonts-wqy-microhei 生成。",
                        file=path, parameter="cjk_font_path")
    return FontProperties(fname=str(path), size=size)


def _rings(geometry: dict) -> list:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return polys


def render_png(kind: str, geo: dict, table: pd.DataFrame, mode: str, lang: str, info: pd.DataFrame | None, *,
               title: str, legend_title: str, note: str, source: str, layout: pd.DataFrame | None = None,
               width_px: int = 1200, height_px: int = 1400, dpi: int = 150) -> bytes:
    """The map as a PNG (``width_px`` x ``height_px``): title, map (``kind`` = ``"geo"`` or
    ``"tiles"``), legend, the schematic-map note and the data-source line. Deterministic: the same
    inputs give the same bytes (no timestamp or software version in the file)."""
    check_choice("kind", kind, KINDS)
    check_choice("mode", mode, MODES)
    if width_px < 300 or height_px < 300:
        raise SpecError(f"The PNG must be at least 300 x 300 px; got {width_px} x {height_px}.",
                        f"PNG 至少 300 x 300 像素，收到 {width_px} x {height_px}。", parameter="width_px")
    # a bare Figure draws with Agg and never touches pyplot's global backend or state
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    fig.text(0.04, 0.975, title, fontproperties=_font(15), va="top", ha="left")
    ax = fig.add_axes((0.03, 0.2, 0.94, 0.72))
    ax.set_axis_off()
    fill = fills(table, mode)
    if kind == "geo":
        feats = deck_features(geo, table, mode, lang, info)["features"]
        polys, faces, edges, widths = [], [], [], []
        for f in feats:
            p = f["properties"]
            for poly in _rings(f["geometry"]):
                ring = np.asarray(poly[0], dtype=float)
                polys.append(np.column_stack([ring[:, 0], [_merc_y(y) * 180 / math.pi for y in ring[:, 1]]]))
                faces.append(tuple(c / 255 for c in p["fill"][:3]))
                edges.append(tuple(c / 255 for c in p["line"][:3]))
                widths.append(0.4)
        ax.add_collection(PolyCollection(polys, facecolors=faces, edgecolors=edges, linewidths=widths))
        for f in _kind(geo, "dashline"):
            for line in f["geometry"]["coordinates"]:
                a = np.asarray(line, dtype=float)
                ax.plot(a[:, 0], [_merc_y(y) * 180 / math.pi for y in a[:, 1]], color=hexcolour(DASH_LINE), lw=1.4,
                        solid_capstyle="butt")
        for f in _kind(geo, "label"):
            x, y = f["geometry"]["coordinates"]
            ax.text(x, _merc_y(y) * 180 / math.pi, short_label(_feature_name(f["properties"], lang), lang),
                    fontproperties=_font(8),
                    color=hexcolour(DASH_LINE), ha="center", va="center")
        w, s, e, n = bounds(geo)
        ax.set_xlim(w - 0.5, e + 0.5)
        ax.set_ylim(_merc_y(s) * 180 / math.pi - 0.5, _merc_y(n) * 180 / math.pi + 0.5)
        ax.set_aspect("equal")
    else:
        cells = tile_cells(table, mode, info, layout, lang)
        for _, c in cells.iterrows():
            ax.add_patch(Rectangle((c["col"] - 0.47, -c["row"] - 0.47), 0.94, 0.94, facecolor=c["fill"],
                                   edgecolor="white", lw=1))
            em = max(label_em(x) for x in str(c["label"]).split("\n"))
            size = (10 if cells["col"].max() < 10 else 5) * min(1.0, 6.5 / em)
            ax.text(c["col"], -c["row"], c["label"], fontproperties=_font(size), color=c["text"], ha="center",
                    va="center", linespacing=1.0)
        ax.set_xlim(-0.6, cells["col"].max() + 0.6)
        ax.set_ylim(-cells["row"].max() - 0.6, 0.6)
        ax.set_aspect("equal")
    # legend
    fig.text(0.04, 0.185, legend_title, fontproperties=_font(10), va="top")
    if mode == "tier":
        tiers = pd.to_numeric(table["tier"], errors="coerce")
        k = int(tiers.max()) if tiers.notna().any() else 0
        labels = dict(zip(tiers, table["tier_label"]))
        items = [(hexcolour(tier_colour(i, k)), str(labels.get(i, i))) for i in range(1, k + 1)]
        items.append((hexcolour(NO_DATA), _no_data(lang)))
        per_row = 4
        for j, (col, lab) in enumerate(items):
            x0, y0 = 0.04 + (j % per_row) * 0.23, 0.15 - (j // per_row) * 0.035
            fig.patches.append(Rectangle((x0, y0), 0.025, 0.02, transform=fig.transFigure, facecolor=col,
                                         edgecolor="#999999", lw=0.5))
            fig.text(x0 + 0.032, y0 + 0.01, lab, fontproperties=_font(9), va="center")
    else:
        vals = pd.to_numeric(table["value"], errors="coerce")
        lo, hi = (float(vals.min()), float(vals.max())) if vals.notna().any() else (0.0, 1.0)
        lax = fig.add_axes((0.04, 0.135, 0.55, 0.022))
        grad = np.linspace(0, 1, 256)
        lax.imshow([[ramp(T0 + (1 - T0) * g) for g in grad]], aspect="auto", extent=(lo, hi if hi > lo else lo + 1, 0, 1))
        lax.set_yticks([])
        ticks = nice_ticks(lo, hi, 5)
        lax.set_xticks(ticks, [f"{v:g}" for v in ticks])
        for lab in lax.get_xticklabels():
            lab.set_fontproperties(_font(8))
        x0 = 0.65
        fig.patches.append(Rectangle((x0, 0.135), 0.025, 0.022, transform=fig.transFigure,
                                     facecolor=hexcolour(NO_DATA), edgecolor="#999999", lw=0.5))
        fig.text(x0 + 0.032, 0.146, _no_data(lang), fontproperties=_font(9), va="center")
    fig.text(0.04, 0.065, note, fontproperties=_font(9), va="top", wrap=True)
    fig.text(0.04, 0.03, source, fontproperties=_font(8), va="top", color="#555555", wrap=True)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
