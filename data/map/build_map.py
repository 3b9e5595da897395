"""Rebuild ``data/map/china_map.geojson`` from its sources (not needed to run the app).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz      # Natural Earth 4.1.0, 1:10m admin-0
    npm install mapshaper@0.6.121                                      # simplification (not shipped)
    python data/map/build_map.py --world-atlas package/countries-10m.json --mapshaper node_modules/.bin/mapshaper

Inputs, all Natural Earth (public domain):

* ``data/china_provinces.geojson`` - the 31 provincial-level regions of the mainland (admin-1);
* ``countries-10m.json`` of the npm package world-atlas 2.0.2 (ISC; Natural Earth 4.1.0 admin-0 as
  TopoJSON) - Taiwan, Hong Kong, Macao, the Spratly Islands, Scarborough Reef and the Paracel
  Islands (parts of Natural Earth's "China" south of 17.2 N and east of 110.5 E);
* ``DASHES`` below - the nine dashes of ``ne_10m_admin_0_boundary_lines_maritime_indicator_chn``
  (Natural Earth 5.1, github.com/nvkelso/natural-earth-vector, geojson/), coordinates as published.

Steps: decode the TopoJSON, put all polygons in one layer, simplify them together with mapshaper
(Visvalingam weighted, ``keep-shapes`` so that no island disappears; shared borders stay shared),
round coordinates to 0.001 degree (about 100 m; coarser rounding collapses the smallest islands) and write
one FeatureCollection. Deterministic: the same inputs give the same bytes.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "china_map.geojson"
SIMPLIFY = "20%"  # of removable vertices kept (mainland provinces); the whole map stays near 100 KB
SIMPLIFY_SMALL = "50%"  # Taiwan, Hong Kong, Macao and the islands (few vertices to begin with)
PRECISION = 0.001  # degrees (about 100 m): small islands keep their rings

# ne_10m_admin_0_boundary_lines_maritime_indicator_chn.geojson, Natural Earth 5.1 (public domain):
# (NOTE, ne_id, coordinates) of the nine features "Chinese 9 dash line", unchanged.
DASHES = json.loads((HERE / "sources" / "ne_10m_maritime_indicator_chn_dashes.json").read_text(encoding="utf-8"))

EXTRA = [  # (admin-0 name in Natural Earth, properties)
    ("Taiwan", {"kind": "province", "adcode": 710000, "name_zh": "台湾省", "name_zh_short": "台湾",
                "name_en": "Taiwan", "iso_3166_2": "CN-TW"}),
    ("Hong Kong", {"kind": "province", "adcode": 810000, "name_zh": "香港特别行政区", "name_zh_short": "香港",
                   "name_en": "Hong Kong", "iso_3166_2": "CN-HK"}),
    ("Macao", {"kind": "province", "adcode": 820000, "name_zh": "澳门特别行政区", "name_zh_short": "澳门",
               "name_en": "Macao", "iso_3166_2": "CN-MO"}),
]
ISLANDS = {"kind": "islands", "adcode": 460000, "name_zh": "南海诸岛", "name_zh_short": "南海诸岛",
           "name_en": "South China Sea Islands", "iso_3166_2": "CN-HI"}
LABELS = [  # where the map writes the island name (a point in open sea, centre of the island groups)
    {"kind": "label", "name_zh": "南海诸岛", "name_en": "South China Sea Islands", "coordinates": [114.0, 12.6]},
]


def decode_topojson(path: Path) -> dict:
    """name -> list of polygons (each a list of rings of (lon, lat)) from a quantized TopoJSON."""
    t = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = t["transform"]["scale"], t["transform"]["translate"]
    arcs = []
    for a in t["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in a:  # delta-encoded integer positions
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(ids):
        pts = []
        for k, i in enumerate(ids):
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a if k == 0 else a[1:])
        return pts

    out = {}
    for g in t["objects"]["countries"]["geometries"]:
        parts = {"Polygon": [g.get("arcs", [])], "MultiPolygon": g.get("arcs", [])}.get(g["type"], [])
        out[g["properties"]["name"]] = [[ring(r) for r in p] for p in parts]
    return out


def polygons_of(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else list(geometry["coordinates"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world-atlas", type=Path, required=True, help="countries-10m.json of world-atlas 2.0.2")
    ap.add_argument("--mapshaper", default="mapshaper")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    prov = json.loads((ROOT / "data" / "china_provinces.geojson").read_text(encoding="utf-8"))
    feats = []
    for f in prov["features"]:
        feats.append({"type": "Feature", "properties": {"kind": "province", **f["properties"]}, "geometry": f["geometry"]})
    world = decode_topojson(args.world_atlas)
    for name, props in EXTRA:
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "MultiPolygon", "coordinates": world[name]}})
    paracels = [p for p in world["China"]
                if max(y for _, y in p[0]) < 17.2 and min(x for x, _ in p[0]) > 110.5]
    islands = paracels + world["Spratly Is."] + world["Scarborough Reef"]
    feats.append({"type": "Feature", "properties": ISLANDS, "geometry": {"type": "MultiPolygon", "coordinates": islands}})

    # one feature per part: mapshaper's keep-shapes keeps one ring per feature, so islands of a
    # multi-part region (Penghu, Kinmen, the Paracels, the Spratlys) would vanish otherwise.
    # The mainland provinces and the small regions (Taiwan, Hong Kong, Macao, islands) are
    # simplified separately: one threshold for both would reduce Hong Kong to a few points.
    simplified = []
    with tempfile.TemporaryDirectory() as tmp:
        for group, keep in (("mainland", SIMPLIFY), ("small", SIMPLIFY_SMALL)):
            parts = []
            for k, f in enumerate(feats):
                if (k < len(prov["features"])) != (group == "mainland"):
                    continue
                for poly in polygons_of(f["geometry"]):
                    parts.append({"type": "Feature", "properties": {"_f": k},
                                  "geometry": {"type": "Polygon", "coordinates": poly}})
            src, dst = Path(tmp) / f"{group}.json", Path(tmp) / f"{group}_out.json"
            src.write_text(json.dumps({"type": "FeatureCollection", "features": parts}), encoding="utf-8")
            subprocess.run([args.mapshaper, str(src), "-simplify", keep, "weighted", "keep-shapes",
                            "-o", f"precision={PRECISION}", "format=geojson", str(dst)], check=True)
            simplified += json.loads(dst.read_text(encoding="utf-8"))["features"]

    grouped: dict[int, list] = {}
    for f in simplified:
        if f["geometry"]:
            grouped.setdefault(f["properties"]["_f"], []).extend(polygons_of(f["geometry"]))
    out = []
    for k, f in enumerate(feats):
        polys = grouped[k]
        geom = {"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1 else \
            {"type": "MultiPolygon", "coordinates": polys}
        out.append({"type": "Feature", "properties": f["properties"], "geometry": geom})
    out.append({"type": "Feature",
                "properties": {"kind": "dashline", "name_zh": "南海断续线", "name_en": "dashed line (South China Sea)",
                               "source": "Natural Earth 5.1 ne_10m_admin_0_boundary_lines_maritime_indicator_chn"},
                "geometry": {"type": "MultiLineString",
                             "coordinates": [[[round(x, 3), round(y, 3)] for x, y in c] for _, _, c in DASHES]}})
    for lab in LABELS:
        props = {k: v for k, v in lab.items() if k != "coordinates"}
        out.append({"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": lab["coordinates"]}})
    text = json.dumps({"type": "FeatureCollection", "features": out}, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode('utf-8')):,} bytes, {len(out)} features)")


if __name__ == "__main__":
    main()
