"""The planner's data workflow: the filled template, reading an upload (with its check against the
default data), the Excel export, and the Data page's rerun with an upload active.

    python benchmarks/bench_workflow.py [--repeat 7]

Prints median and best of ``repeat`` runs, in milliseconds. Uploads are read without the cache
(``_upload_bundle.clear()`` before each run): what the first user of a file waits for. The page is
driven with AppTest, keeping compiled scripts as the server does (see bench_app.py).
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)


def timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    from bench_app import keep_script_cache

    keep_script_cache()
    from streamlit.testing.v1 import AppTest

    import iiscore
    from iiscore import export
    from iiscore_app import presets as P
    from iiscore_app import state, views

    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    b = state.default_bundle()
    tpl = views.template_frame(ds, fw, "zh")
    row = (tpl["地区"] == "贵州") & (tpl["年份"] == 2023)
    tpl.loc[row, "网络建设"] = float(tpl.loc[row, "网络建设"].iloc[0]) * 3
    csv_bytes, xlsx_bytes = export.to_csv(tpl), views.template_xlsx(ds, fw, "zh")

    def read(data, name):
        # the loading itself, uncached (the app keeps the Bundle while a session holds it)
        state._load_upload(state.upload_key(data), name, None, data, None)

    ev = state.Eval(P.preset("west_infra", ds, fw, b.context.defaults).replace(weights={"innovation": 45.0}), b)
    mc = views.monte_carlo_for(ev)
    rows = [
        ("filled template, xlsx (4 years × 31 regions × 19)", lambda: views.template_xlsx(ds, fw, "zh")),
        ("filled template, CSV", lambda: views.template_csv(ds, fw, "zh")),
        ("read an upload: template CSV + check + provenance", lambda: read(csv_bytes, "t.csv")),
        ("read an upload: template xlsx + check + provenance", lambda: read(xlsx_bytes, "t.xlsx")),
        ("Excel export, 13 sheets (west preset, warm results)", lambda: views.export_workbook(ev, "zh", "", False, mc=mc)),
        ("Monte Carlo for the export, 500 draws", lambda: views.monte_carlo_for(ev)),
    ]
    print(f"{'benchmark':<56} {'median ms':>10} {'best ms':>8}")
    for name, fn in rows:
        fn()  # warm imports
        med, best = timed(fn, args.repeat)
        print(f"{name:<56} {med:>10.1f} {best:>8.1f}")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/4_Data.py").run()
    state._upload_bundle.clear()
    t0 = time.perf_counter()
    at.file_uploader(key="wk.d_upload").set_value(("t.csv", csv_bytes, "text/csv")).run()
    first = (time.perf_counter() - t0) * 1000
    assert not at.exception, at.exception
    med, best = timed(lambda: at.run(), args.repeat)
    print(f"{'Data page: the upload (read, check, rerun twice)':<56} {first:>10.1f} {'':>8}")
    print(f"{'Data page rerun with the upload active':<56} {med:>10.1f} {best:>8.1f}")
    at.button(key="wk.d_back").click().run()
    med, best = timed(lambda: at.run(), args.repeat)
    print(f"{'Data page rerun on the built-in data':<56} {med:>10.1f} {best:>8.1f}")


if __name__ == "__main__":
    main()
