"""The map: payload sent to the browser and time to build it, per rerun; PNG export time.

    python benchmarks/bench_map.py [--repeat 20]

Measures, on the default data and scenario: the deck.gl JSON of the geographic map (bytes and
build time, composite and tier colouring), the tile grid's Vega-Lite spec, the legend, and the
PNG export (geographic and tile grid; made only when the user clicks download). The "before"
row rebuilds the old payload (31 provinces from data/china_provinces.geojson at 1e-4 degree,
no Taiwan, Hong Kong, Macao or islands) for comparison. Target: the map JSON well under 400 KB
and a few tens of ms.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)

from benchmarks._timing import timeit  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    from iiscore_app import geo, state, views

    b = state.default_bundle()
    ev = state.Eval(b.context.defaults, b)
    g = geo.load_geometry()
    old = json.loads((ROOT / "data" / "china_provinces.geojson").read_text(encoding="utf-8"))
    old = {"type": "FeatureCollection",
           "features": [{**f, "properties": {"kind": "province", **f["properties"]}} for f in old["features"]]}
    print(f"{'what':<46} {'bytes':>9} {'median ms':>10} {'best ms':>8}")

    def row(name, fn, size=None):
        med, best = timeit(fn, args.repeat)
        out = fn()
        n = size(out) if size else len(out if isinstance(out, bytes) else str(out).encode("utf-8"))
        print(f"{name:<46} {n:>9,} {med * 1000:>10.1f} {best * 1000:>8.1f}")

    row("deck JSON, before (31 provinces, old file)", lambda: views.map_json(ev, "iidei", "zh", old)[0])
    row("deck JSON, composite (34 regions + islands)", lambda: views.map_json(ev, "iidei", "zh", g)[0])
    row("deck JSON, tiers", lambda: views.map_json(ev, "tier", "en", g)[0])
    row("tile grid Vega-Lite spec", lambda: json.dumps(views.tile_chart(ev, "zh", "iidei"), ensure_ascii=False))
    row("legend HTML (score)", lambda: views.legend(ev, "iidei", "zh"))
    row("PNG, geographic, 1200 x 1400", lambda: views.map_png(ev, "iidei", "zh", "geo", g))
    row("PNG, tile grid, 1200 x 1400", lambda: views.map_png(ev, "tier", "en", "tiles", g))
    print(f"\ngeometry file data/map/china_map.geojson: {(ROOT / 'data' / 'map' / 'china_map.geojson').stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
