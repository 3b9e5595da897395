"""iiscore_app/geo.py: the map's geometry, colours, tile grid, legend, view and PNG.

References: Natural Earth (public domain) for the geometry - admin-0 4.1.0 via the npm package
world-atlas 2.0.2 and ``ne_10m_admin_0_boundary_lines_maritime_indicator_chn`` (5.1) for the
dashed line; ColorBrewer's YlGnBu (as shipped in matplotlib); the WCAG 2 relative-luminance
definition; the Web-Mercator projection as deck.gl uses it (512 px world at zoom 0); the PNG
specification (signature and IHDR chunk).
"""
from __future__ import annotations

import io
import json
import math
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.path import Path as MplPath

import iiscore
from iiscore.errors import DataError, SpecError
from iiscore_app import geo

ROOT = Path(__file__).resolve().parent.parent
GEO = geo.load_geometry()
DS = iiscore.load_default()


def features(kind):
    return [f for f in GEO["features"] if f["properties"].get("kind") == kind]


def by_adcode(code):
    hits = [f for f in features("province") if f["properties"].get("adcode") == code]
    assert len(hits) == 1, code
    return hits[0]


def polygons(f):
    g = f["geometry"]
    return [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]


def inside(f, lon, lat) -> bool:
    """Point-in-polygon with matplotlib's Path (an independent implementation)."""
    return any(MplPath(np.asarray(p[0])).contains_point((lon, lat)) for p in polygons(f))


def default_table(values=None, tiers=None):
    regions = list(DS.regions)
    names = {r: DS.region_name(r, "zh") for r in regions}
    values = values if values is not None else {r: float(i) for i, r in enumerate(regions)}
    return geo.map_table(regions, names, values, ranks={r: i + 1 for i, r in enumerate(regions)}, tiers=tiers)


# -- the geometry --------------------------------------------------------------------------------
@pytest.mark.parametrize("code, name, lon, lat", [
    (710000, "台湾省", 121.56, 25.04),          # Taipei
    (810000, "香港特别行政区", 114.17, 22.32),    # Kowloon
    (820000, "澳门特别行政区", 113.55, 22.19),    # Macao peninsula
])
def test_map_includes_taiwan_hong_kong_and_macao(code, name, lon, lat):
    """Taiwan, Hong Kong and Macao are provincial-level features of the map, with their GB/T 2260
    adcodes; a known city of each lies inside its polygon (coordinates: the cities' published
    latitude/longitude)."""
    f = by_adcode(code)
    assert f["properties"]["name_zh"] == name
    assert inside(f, lon, lat)


def test_map_includes_the_south_china_sea_islands_and_the_dashed_line():
    """The islands feature has parts in the Paracel Islands (西沙, 15.7-17.1 N), the Spratly
    Islands (南沙, 9.6-11.2 N) and Scarborough Reef (黄岩岛, 15.15 N 117.75 E), as in Natural
    Earth admin-0; the dashed line is Natural Earth's nine dashes, unchanged: its southernmost
    point is 3.401132 N (ne_10m_admin_0_boundary_lines_maritime_indicator_chn, ne_id 1746705579)."""
    isl = features("islands")
    assert len(isl) == 1
    centres = [np.asarray(p[0]).mean(axis=0) for p in polygons(isl[0])]
    paracels = [c for c in centres if 15.7 <= c[1] <= 17.1 and 111 <= c[0] <= 113]
    spratlys = [c for c in centres if 9.6 <= c[1] <= 11.2 and 114 <= c[0] <= 116]
    scarborough = [c for c in centres if abs(c[1] - 15.15) < 0.05 and abs(c[0] - 117.75) < 0.05]
    assert len(paracels) >= 5 and len(spratlys) >= 10 and len(scarborough) == 1
    assert isl[0]["properties"]["adcode"] == 460000  # 三沙 belongs to Hainan
    dash = features("dashline")
    assert len(dash) == 1 and dash[0]["geometry"]["type"] == "MultiLineString"
    lines = dash[0]["geometry"]["coordinates"]
    assert len(lines) == 9
    assert min(y for line in lines for _, y in line) == pytest.approx(3.401, abs=1e-3)
    src = json.loads((ROOT / "data" / "map" / "sources" / "ne_10m_maritime_indicator_chn_dashes.json").read_text())
    assert [line[0] for line in lines] == [[round(x, 3), round(y, 3)] for x, y in (c[0] for _, _, c in src)]
    # the first dash of the source file, between Taiwan and Luzon, copied from the published file
    assert src[0][2][0] == [121.838288, 21.724709] and src[0][2][-1] == [121.081825, 20.878339]


def test_every_region_of_the_builtin_data_is_on_the_map_and_only_tw_hk_mo_have_no_data():
    """Each of the 31 regions matches exactly one province feature by adcode; the islands take
    Hainan's data; Taiwan, Hong Kong and Macao (not in the data) are grey with "无数据"."""
    table = default_table()
    fc = geo.deck_features(GEO, table, "score", "zh", DS.region_info)
    match = geo.match_regions(GEO["features"], table.index, DS.region_info)
    provinces = [i for i, f in enumerate(GEO["features"]) if f["properties"]["kind"] == "province"]
    matched = [match[i] for i in provinces if i in match]
    assert sorted(matched) == sorted(DS.regions)
    no_data = [f for f in fc["features"] if f["properties"]["score"] == "无数据"]
    assert sorted(f["properties"]["name"] for f in no_data) == sorted(["台湾省", "香港特别行政区", "澳门特别行政区"])
    assert all(f["properties"]["fill"][:3] == list(geo.NO_DATA) for f in no_data)
    islands = [f for f in fc["features"] if f["properties"]["name"].startswith("南海诸岛")]
    hainan = [f for f in fc["features"] if f["properties"]["name"] == "海南省"]
    assert islands[0]["properties"]["fill"] == hainan[0]["properties"]["fill"]
    assert islands[0]["properties"]["score"] == f"{table.at['海南', 'value']:.1f}"


def test_regions_matched_by_name_without_a_region_table():
    """An upload without adcodes matches by full, short or English name; a Taiwan row is drawn
    with its score (grey is only for missing data)."""
    regions = ["广东省", "Taiwan", "北京"]
    table = geo.map_table(regions, {r: r for r in regions}, {"广东省": 10.0, "Taiwan": 50.0, "北京": 90.0})
    fc = geo.deck_features(GEO, table, "score", "en", None)
    scores = {f["properties"]["name"]: f["properties"]["score"] for f in fc["features"]}
    assert scores["Guangdong"] == "10.0" and scores["Taiwan"] == "50.0" and scores["Beijing"] == "90.0"
    assert scores["Hong Kong"] == "no data" and scores["Sichuan"] == "no data"


def test_the_geometry_is_not_changed_by_drawing():
    before = json.dumps(GEO, sort_keys=True)
    geo.deck_json(GEO, default_table(), "score", "zh", DS.region_info, "{name}")
    assert json.dumps(GEO, sort_keys=True) == before


# -- the tile grid -------------------------------------------------------------------------------
def test_tile_grid_has_one_cell_per_region_of_the_builtin_data():
    """China layout: 31 cells for the 31 regions (each once) plus grey Taiwan, Hong Kong and
    Macao cells; no two cells share a position."""
    cells = geo.tile_cells(default_table(), "score", DS.region_info)
    assert (cells["layout"] == "china").all()
    data_cells = cells[cells["region"].notna()]
    assert len(data_cells) == 31 and sorted(data_cells["region"]) == sorted(DS.regions)
    extra = cells[cells["region"].isna()]
    assert sorted(extra["label"]) == sorted(["台湾", "香港", "澳门"])
    assert (extra["fill"] == geo.hexcolour(geo.NO_DATA)).all() and (extra["score"] == "无数据").all()
    assert not cells[["col", "row"]].duplicated().any()
    # 北京, 天津 and 上海 get a cell as large as 新疆's: every cell is one unit square
    pos = cells.set_index("label")[["col", "row"]]
    assert (pos.loc["北京"] - pos.loc["天津"]).abs().sum() == 2  # neighbours on the diagonal


@pytest.mark.parametrize("n, cols, rows", [(7, 3, 3), (200, 15, 14), (1, 1, 1)])
def test_tile_grid_for_arbitrary_regions_is_a_near_square_grid_in_data_order(n, cols, rows):
    """Regions that are not China's provinces: ceil(sqrt(n)) columns, data order, one cell each
    (7 -> 3 x 3, 200 -> 15 x 14, counted by hand)."""
    names = [f"Region {i:03d}" for i in range(n)]
    table = geo.map_table(names, {r: r for r in names}, {r: float(i) for i, r in enumerate(names)})
    cells = geo.tile_cells(table, "score", None)
    assert (cells["layout"] == "generic").all()
    assert list(cells["region"]) == names
    assert cells["col"].max() + 1 == cols and cells["row"].max() + 1 == rows
    assert not cells[["col", "row"]].duplicated().any()


def test_a_subset_of_provinces_plus_an_unknown_region_falls_back_to_the_generic_grid():
    names = ["北京", "上海", "Atlantis"]
    table = geo.map_table(names, {r: r for r in names}, {r: 1.0 for r in names})
    cells = geo.tile_cells(table, "score", None)
    assert (cells["layout"] == "generic").all() and sorted(cells["region"]) == sorted(names)


def test_tile_chart_spec_keeps_square_cells():
    """The Vega-Lite spec sizes cells by min(width/cols, height/rows) and has one rect per cell."""
    cells = geo.tile_cells(default_table(), "tier", DS.region_info)
    spec = geo.tile_chart(cells, "zh").to_dict()
    assert spec["params"][0]["name"] == "cell" and "min(width / 7, height / 8)" in spec["params"][0]["expr"]
    data = next(iter(spec["datasets"].values()))
    assert len(data) == 34


# -- colours -------------------------------------------------------------------------------------
def wcag_luminance(rgb):
    """WCAG 2.x relative luminance, written out from the definition."""
    c = [v / 255 for v in rgb]
    c = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def test_ramp_is_colorbrewer_ylgnbu():
    """The 9 classes equal matplotlib's YlGnBu data (ColorBrewer) to the nearest 8-bit value."""
    import matplotlib._cm as mcm

    assert [tuple(round(v * 255) for v in c) for c in mcm._YlGnBu_data] == list(geo.YLGNBU)


def test_higher_score_is_darker():
    """Luminance falls strictly with the score over the whole range; NaN is grey."""
    vals = np.linspace(6.6, 84.4, 60)
    lum = [wcag_luminance(geo.score_colour(v, 6.6, 84.4)) for v in vals]
    assert all(a > b for a, b in zip(lum, lum[1:]))
    assert geo.score_colour(float("nan"), 0, 1) == geo.NO_DATA


@pytest.mark.parametrize("k", range(2, 9))
def test_tier_one_is_darkest_and_tiers_follow_the_score_rule(k):
    """Tier 1 darkest, each lower tier lighter; tier 1 has the colour of the best score and tier k
    the colour of the lowest (one rule for both)."""
    lum = [wcag_luminance(geo.tier_colour(i, k)) for i in range(1, k + 1)]
    assert all(a < b for a, b in zip(lum, lum[1:]))
    assert geo.tier_colour(1, k) == geo.score_colour(1.0, 0.0, 1.0)
    assert geo.tier_colour(k, k) == geo.score_colour(0.0, 0.0, 1.0)


def test_fills_follow_the_data():
    regions = list(DS.regions)
    table = default_table(tiers={r: 1 + i % 4 for i, r in enumerate(regions)})
    f = geo.fills(table, "tier")
    assert f[regions[0]] == geo.tier_colour(1, 4) and f[regions[3]] == geo.tier_colour(4, 4)
    f = geo.fills(table, "score")
    assert f[regions[-1]] == geo.ramp(1.0) and f[regions[0]] == geo.ramp(geo.T0)


def test_bad_mode_names_the_parameter():
    with pytest.raises(SpecError, match="'mode'") as exc:
        geo.fills(default_table(), "rainbow")
    assert exc.value.parameter == "mode" and "mode" in exc.value.zh


# -- legend, view, payload -------------------------------------------------------------------------
def test_nice_ticks_by_hand():
    """Step = the first of 1, 2, 2.5, 5, 10 x 10^k at least (hi - lo)/5: (6.6, 84.4): 15.56 -> 20;
    (0, 1): 0.2; (41, 44): 0.6 -> 1; (0, 7): 1.4 -> 2; (0, 12): 2.4 -> 2.5."""
    assert geo.nice_ticks(6.6, 84.4) == [20, 40, 60, 80]
    assert geo.nice_ticks(0, 1) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert geo.nice_ticks(41, 44) == [41, 42, 43, 44]
    assert geo.nice_ticks(0, 7) == [0, 2, 4, 6]
    assert geo.nice_ticks(0, 12) == [0, 2.5, 5, 7.5, 10]
    assert geo.nice_ticks(5, 5) == [5]


def test_legends_are_readable():
    """Score legend: a gradient bar with the round ticks and a grey "no data" swatch; tier legend:
    one labelled swatch per tier, tier 1 first and darkest."""
    table = default_table(values={r: 6.6 + (84.4 - 6.6) * i / 30 for i, r in enumerate(DS.regions)})
    html = geo.legend_html(table, "score", "zh", "综合得分")
    assert "linear-gradient" in html and all(f">{v}</span>" in html for v in ("20", "40", "60", "80"))
    assert "无数据" in html and geo.hexcolour(geo.NO_DATA) in html
    tiers = {r: 1 + i % 4 for i, r in enumerate(DS.regions)}
    table = default_table(tiers=tiers)
    table["tier_label"] = [f"{t} T{t}" for t in table["tier"]]
    html = geo.legend_html(table, "tier", "en")
    pos = [html.index(geo.hexcolour(geo.tier_colour(i, 4))) for i in range(1, 5)]
    assert pos == sorted(pos) and "1 T1 (8)" in html and "no data" in html


def mercator_px(lon, lat, zoom):
    """deck.gl's Web-Mercator world pixels: the world is 512 * 2^zoom px wide."""
    size = 512 * 2 ** zoom
    return size * (lon + 180) / 360, size * (math.pi - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) / (2 * math.pi)


@pytest.mark.parametrize("width, height", [(356, 460), (358, 460), (427, 460), (484, 460), (580, 460)])
def test_initial_view_shows_the_whole_map_in_every_map_container(width, height):
    """The fixed view (fitted to 340 x 440 px) keeps every drawn point, from Xinjiang's west to
    Heilongjiang's east and the southernmost dash, inside the map containers measured in Chromium
    (Overview right column 356 px at 1280, 427 at 1440; 358 on a 390 px phone; Tiers 484/580)."""
    view = geo.fit_view(geo.bounds(GEO))
    cx, cy = mercator_px(view["longitude"], view["latitude"], view["zoom"])
    w, s, e, n = geo.bounds(GEO)
    for lon, lat in ((w, s), (w, n), (e, s), (e, n)):
        x, y = mercator_px(lon, lat, view["zoom"])
        assert abs(x - cx) <= width / 2 and abs(y - cy) <= height / 2, (lon, lat)
    assert w < 74 and e > 134.7 and s < 3.5 and n > 53.5  # Xinjiang, Heilongjiang, the dashes


def test_view_is_tight():
    """A 10 % larger zoom would no longer fit 340 px: the map is as large as the narrowest allows."""
    view = geo.fit_view(geo.bounds(GEO), 340, 440)
    w, s, e, n = geo.bounds(GEO)
    z = view["zoom"] + math.log2(1.1)
    assert mercator_px(e, n, z)[0] - mercator_px(w, n, z)[0] > 340


def test_deck_payload_is_small_and_offline():
    """The JSON sent to the browser on every rerun: well under 400 KB (412 KB before Taiwan, Hong
    Kong, Macao and the islands were added; measured 104 KB); no base map."""
    text, tip = geo.deck_json(GEO, default_table(), "score", "zh", DS.region_info, "<b>{name}</b>")
    assert len(text.encode("utf-8")) < 200_000
    spec = json.loads(text)
    assert spec.get("mapProvider") is None
    assert [layer["id"] for layer in spec["layers"]] == ["provinces", "dashline", "labels"]
    labels = spec["layers"][2]
    assert labels["characterSet"] == "auto" and not labels["fontFamily"].startswith("@@")  # literal, not expressions
    assert labels["data"] == [{"text": "南海诸岛", "position": [114.0, 12.6]}]
    assert tip["html"] == "<b>{name}</b>"
    assert (ROOT / "data" / "map" / "china_map.geojson").stat().st_size < 150_000


# -- PNG ---------------------------------------------------------------------------------------------
def png_size(data: bytes):
    """Width and height from the IHDR chunk (PNG specification, section 11.2.2)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("kind, mode, lang", [("geo", "score", "zh"), ("tiles", "tier", "en")])
def test_png_is_a_valid_deterministic_png_of_the_expected_size(kind, mode, lang):
    from PIL import Image

    tiers = {r: 1 + i % 4 for i, r in enumerate(DS.regions)}
    table = default_table(tiers=tiers)
    kw = dict(title="工业互联网 2023", legend_title="得分", note="示意图，非标准地图", source="数据来源：测试")
    a = geo.render_png(kind, GEO, table, mode, lang, DS.region_info, **kw)
    b = geo.render_png(kind, GEO, table, mode, lang, DS.region_info, **kw)
    assert a == b
    assert png_size(a) == (1200, 1400)
    img = np.asarray(Image.open(io.BytesIO(a)).convert("RGB")).astype(int)
    darkest = geo.tier_colour(1, 4) if mode == "tier" else geo.ramp(1.0)
    assert (np.abs(img - np.array(darkest)).sum(axis=2) < 6).sum() > 500  # the best region is drawn


def test_png_without_the_cjk_font_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(geo, "cjk_font_path", lambda: tmp_path / "missing.ttc")
    with pytest.raises(DataError, match="fonts-wqy-microhei") as exc:
        geo.render_png("geo", GEO, default_table(), "score", "zh", DS.region_info, title="t", legend_title="l",
                       note="n", source="s")
    assert "字体" in exc.value.zh


def test_missing_map_file_names_the_file(tmp_path):
    with pytest.raises(DataError, match="china_map.geojson"):
        geo.load_geometry(tmp_path / "none.geojson")


def test_tile_layout_file_has_34_distinct_cells_with_the_data_adcodes():
    lay = geo.load_tile_layout()
    regions = pd.read_csv(ROOT / "data" / "regions.csv")
    assert len(lay) == 34 and not lay[["col", "row"]].duplicated().any()
    assert set(regions["adcode"]) | {710000, 810000, 820000} == set(lay["adcode"])


# -- the pages ---------------------------------------------------------------------------------------
def test_overview_offers_the_tile_grid_the_note_and_a_png_download():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("示意图，非标准地图" in c.value for c in at.caption)
    assert any(getattr(e, "proto", None) is not None and "下载地图" in e.proto.label for e in at.get("download_button"))
    at.radio(key="wk.home_map_kind").set_value("tiles").run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    tiles = [s for s in specs if any(p.get("name") == "cell" for p in s.get("params", []))]
    assert len(tiles) == 1 and not at.get("deck_gl_json_chart")
