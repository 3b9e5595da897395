"""The shipped default data set (data/indicators.csv, data/regions.csv) and its measured validation.

Reference figures are the CAICT report's (《中国工业互联网发展成效评估报告（2024年）》): the four
tiers (Fig. 12) and the 产业发展 / 应用推广 top-10 lists (Fig. 6, Fig. 9), as transcribed in
data/sources/report_anchors.csv. The measured figures asserted here are the ones stated in
data/README.md ("Validation"); if the data or the engine change, update both together.
"""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iiscore import Spec, build, load_data, load_framework
from iiscore.datasets import build as dbuild
from iiscore.datasets import load_default
from iiscore.treat import skew_kurt

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
YEARS = (2020, 2021, 2022, 2023)
ESTIMATED = {"platform", "security", "data_mgmt", "identifier", "benchmark", "policy"}
TIER_ORDERED = ("security", "data_mgmt", "policy")

# report facts (Fig. 6, Fig. 9), also in data/sources/report_anchors.csv / published_facts.csv
TOP10_INDUSTRY = ["广东", "北京", "江苏", "山东", "浙江", "上海", "四川", "安徽", "湖北", "福建"]
TOP10_APPLICATION = ["江苏", "山东", "广东", "浙江", "北京", "江西", "安徽", "河北", "四川", "湖北"]

# measured figures stated in data/README.md (section "Validation")
README = {
    "default": {"agree": 27, "differ": {"天津": (2, 3), "陕西": (3, 2), "海南": (4, 3), "宁夏": (3, 4)},
                "industry": (9, 0.479), "application": (7, 0.612)},
    "public": {"agree": 27, "differ": {"辽宁": (2, 3), "陕西": (3, 2), "海南": (4, 3), "宁夏": (3, 4)},
               "industry": (9, 0.479), "application": (4, 0.406)},
    "no_tier_info": {"agree": 27, "differ": {"天津": (2, 3), "陕西": (3, 2), "海南": (4, 3), "宁夏": (3, 4)}},
    "by_treat": {"none": 25, "log": 27, "winsor": 25},
    # every documented alternative: 研发投入 proxy (R&D spending | R&D intensity, both in the shared
    # table), 产业结构 (high-tech revenue | revenue / GDP, the ratio the proxy dictionary suggests),
    # treatment, aggregation -> tier agreement (arithmetic = the report's weighted mean)
    "grid": {("expenditure", "revenue", "arithmetic"): {"none": 25, "log": 27, "winsor": 25},
             ("expenditure", "revenue", "geometric"): {"none": 27, "log": 27, "winsor": 27},
             ("expenditure", "ratio", "arithmetic"): {"none": 25, "log": 27, "winsor": 25},
             ("expenditure", "ratio", "geometric"): {"none": 29, "log": 29, "winsor": 29},
             ("intensity", "revenue", "arithmetic"): {"none": 27, "log": 27, "winsor": 25},
             ("intensity", "revenue", "geometric"): {"none": 27, "log": 27, "winsor": 27},
             ("intensity", "ratio", "arithmetic"): {"none": 25, "log": 27, "winsor": 25},
             ("intensity", "ratio", "geometric"): {"none": 29, "log": 29, "winsor": 29}},
    "skewed_2023": {"platform", "identifier", "innovation_output", "innovation_carrier", "industry_structure",
                    "industry_quality", "application_level", "funding", "talent"},
}


# ------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def fw():
    return load_framework(DATA / "framework.csv")


@pytest.fixture(scope="module")
def ds():
    return load_default()


@pytest.fixture(scope="module")
def regions():
    return pd.read_csv(DATA / "regions.csv", dtype={"adcode": int})


@pytest.fixture(scope="module")
def table():
    return pd.read_csv(DATA / "indicators.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def defaults():
    return json.loads((DATA / "defaults.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tiers(regions):
    return regions.set_index("region")["report_tier"]


def _spec(fw, defaults, **kw):
    s = dict(treat=defaults["treat"], normalisation=defaults["normalisation"], missing=defaults["missing"],
             aggregation=defaults["aggregation"], year=defaults["year"])
    s.update(kw)
    return Spec(framework=fw, **s)


def _cut(composite: pd.Series) -> pd.Series:
    """Tiers by cutting the composite ranking at the report's tier sizes 6/11/10/4."""
    order = composite.sort_values(ascending=False, kind="stable").index
    out, k = {}, 0
    for t, size in enumerate((6, 11, 10, 4), start=1):
        for r in order[k:k + size]:
            out[r] = t
        k += size
    return pd.Series(out)


def _differ(res, tiers) -> dict:
    return _differ_of(res.composite, tiers)


def _differ_of(composite: pd.Series, tiers) -> dict:
    """Regions whose tier (ranking cut at 6/11/10/4) is not the report's: region -> (report, ours)."""
    cut = _cut(composite)
    return {r: (int(tiers[r]), int(cut[r])) for r in tiers.index if tiers[r] != cut[r]}


def _top10(res, pillar, report):
    ours = list(res.scores[pillar].sort_values(ascending=False, kind="stable").index[:10])
    overlap = len(set(ours) & set(report))
    # Spearman between the report's order (1..10) and our rank (of 31) of the same ten regions
    ranks = res.scores[pillar].rank(ascending=False, method="min")
    rho = pd.Series(range(1, 11), dtype=float).corr(pd.Series([ranks[r] for r in report]), method="spearman")
    return overlap, round(float(rho), 3)


def _public_only(ds, fw, regions):
    long = ds.long.copy()
    long.loc[long["provenance"] != "public", "value"] = np.nan
    return load_data(long[["region", "year", "indicator", "value"]], fw,
                     region_info=regions.set_index("region"))


def _dataset_from_table(df, fw, regions):
    d = df.copy()
    d["value"] = pd.to_numeric(d["value"].replace("", np.nan))
    return load_data(d[["region", "year", "indicator", "value"]], fw, region_info=regions.set_index("region"))


# ------------------------------------------------------------------------------------------
# regions.csv


def test_regions_table(regions):
    assert list(regions.columns) == ["region", "adcode", "name_zh", "name_zh_short", "name_en", "iso_3166_2",
                                     "macro_region", "macro_region_en", "report_tier", "report_tier_name_zh",
                                     "report_tier_name_en"]
    assert len(regions) == 31
    assert list(regions["adcode"]) == sorted(regions["adcode"])
    assert (regions["region"] == regions["name_zh_short"]).all()
    assert {"北京", "内蒙古", "广西", "西藏", "新疆", "宁夏", "黑龙江"} <= set(regions["region"])
    assert regions["macro_region"].value_counts().to_dict() == {"西部": 12, "东部": 10, "中部": 6, "东北": 3}
    assert regions.groupby("report_tier").size().to_dict() == {1: 6, 2: 11, 3: 10, 4: 4}
    names = regions.groupby("report_tier")["report_tier_name_en"].first().to_dict()
    assert names == {1: "Leading", 2: "Rapidly rising", 3: "Catching up", 4: "Nascent"}


def test_region_tiers_match_report_anchors(tiers):
    anchors = pd.read_csv(DATA / "sources" / "report_anchors.csv", dtype=str, keep_default_na=False)
    anchors = anchors.set_index("anchor_id")
    for t in (1, 2, 3, 4):
        members = anchors.loc[f"tier{t}", "region"].split(";")
        assert sorted(members) == sorted(tiers[tiers == t].index)


# ------------------------------------------------------------------------------------------
# indicators.csv: shape, order, provenance, sources


def test_indicator_table_shape_and_order(table, fw, regions):
    assert list(table.columns) == ["region", "year", "indicator", "value", "unit", "provenance", "source", "method"]
    assert len(table) == 31 * 19 * 4
    key = table.assign(i=table["indicator"].map({k: n for n, k in enumerate(fw.leaves)}),
                       y=table["year"].astype(int),
                       r=table["region"].map({k: n for n, k in enumerate(regions["region"])}))
    assert key[["i", "y", "r"]].notna().all().all()
    assert key.equals(key.sort_values(["i", "y", "r"], kind="stable"))
    assert not table.duplicated(["region", "year", "indicator"]).any()
    assert set(table["year"].astype(int)) == set(YEARS)


def test_every_value_has_source_and_provenance(table):
    assert set(table["provenance"]) == {"public", "report", "estimate"}
    assert (table["source"].str.strip() != "").all()
    est = table["provenance"] == "estimate"
    assert (table.loc[est, "method"].str.strip() != "").all()
    assert (table.loc[~est, "method"] == "").all()


def test_no_estimate_presented_as_public(table, fw):
    proxy = {leaf: fw.node(leaf).extra.get("proxy", "") for leaf in fw.leaves}
    for ind, rows in table.groupby("indicator"):
        if ind in ESTIMATED:
            assert proxy[ind] == "estimate"
            assert set(rows["provenance"]) <= {"estimate", "report"}, ind
        else:
            assert set(rows["provenance"]) == {"public"}, ind


def test_public_values_are_the_shared_proxies_unchanged(table, fw, regions):
    prox = pd.read_csv(DATA / "sources" / "provincial_proxies.csv", dtype=str, keep_default_na=False)
    short = dict(zip(regions["name_zh"], regions["region"]))
    prox["region"] = prox["region_zh"].map(short)
    pub = table[table["provenance"] == "public"]
    n = 0
    for leaf in fw.leaves:
        p = fw.node(leaf).extra.get("proxy", "")
        if p == "estimate":
            continue
        src = prox[prox["proxy_id"] == p].set_index(["region", "year"])
        for _, row in pub[pub["indicator"] == leaf].iterrows():
            k = (row["region"], row["year"])
            if row["value"] == "":
                assert k not in src.index
                assert row["source"].startswith("not published")
                continue
            assert row["value"] == src.loc[k, "value"].strip()
            assert row["source"] == src.loc[k, "source"]
            n += 1
    assert n == 13 * 124 - 2


def test_only_the_xizang_gaps_are_missing(table):
    empty = table[table["value"] == ""]
    assert sorted(map(tuple, empty[["region", "year", "indicator"]].to_numpy())) == [
        ("西藏", "2020", "innovation_carrier"), ("西藏", "2021", "innovation_carrier")]
    assert (empty["provenance"] == "public").all()


def test_report_cells_are_the_quoted_figures(table):
    anchors = pd.read_csv(DATA / "sources" / "report_anchors.csv", dtype=str, keep_default_na=False)
    rep = table[table["provenance"] == "report"]
    assert len(rep) == 8
    for _, row in rep.iterrows():
        a = anchors[(anchors["region"] == row["region"]) & (anchors["indicator"] == row["indicator"])
                    & anchors["use"].str.contains("override")]
        a = a[a["year_used"] == row["year"]]
        assert len(a) == 1, (row["region"], row["indicator"])
        assert float(a["value"].iloc[0]) == float(row["value"])
        assert a["quote"].iloc[0] in row["source"]


def test_tier_ordered_estimates_respect_the_report_tiers(table, tiers):
    for ind in TIER_ORDERED:
        for y in YEARS:
            v = table[(table["indicator"] == ind) & (table["year"] == str(y))].set_index("region")["value"]
            v = v.astype(float)
            for t in (1, 2, 3):
                assert v[tiers[tiers == t].index].min() >= v[tiers[tiers == t + 1].index].max()


def test_estimates_meet_their_calibration_targets(table, tiers):
    y23 = table[table["year"] == "2023"]
    ident = y23[y23["indicator"] == "identifier"].set_index("region")["value"].astype(float)
    assert ident.sum() == pytest.approx(330, abs=0.05)
    assert ident[tiers[tiers == 1].index].sum() / ident.sum() == pytest.approx(0.70, abs=1e-3)
    assert ident.min() >= 1 and ident["新疆"] >= 2
    bench = y23[y23["indicator"] == "benchmark"].set_index("region")["value"].astype(float)
    assert bench.sum() == pytest.approx(421, abs=0.05)
    assert bench["江苏"] == 32
    # not imposed: the tier-2 share of the estimate is near the report's "> 40 %" of 5G+II projects
    assert round(bench[tiers[tiers == 2].index].sum() / bench.sum() * 100, 1) == 39.8


# ------------------------------------------------------------------------------------------
# reproducibility


def test_build_reproduces_the_files_byte_for_byte(tmp_path):
    paths = dbuild.main(tmp_path)
    assert paths["indicators"].read_bytes() == (DATA / "indicators.csv").read_bytes()
    assert paths["regions"].read_bytes() == (DATA / "regions.csv").read_bytes()


def test_build_reads_only_repository_data(tmp_path):
    """A copy of the repository's data/ inputs alone is enough (nothing from ../shared)."""
    src = tmp_path / "data"
    (src / "sources").mkdir(parents=True)
    for f in ("framework.csv", "national_published.csv", "china_provinces.geojson"):
        shutil.copy(DATA / f, src / f)
    for f in ("provincial_proxies.csv", "report_anchors.csv"):
        shutil.copy(DATA / "sources" / f, src / "sources" / f)
    out = tmp_path / "out"
    paths = dbuild.main(out, data_dir=src)
    assert paths["indicators"].read_bytes() == (DATA / "indicators.csv").read_bytes()


def test_sources_folder_is_complete():
    for f in ("provincial_proxies.csv", "provincial_proxies_dictionary.csv", "README_sources.md",
              "report_anchors.csv"):
        assert (DATA / "sources" / f).is_file(), f
    with open(DATA / "sources" / "report_anchors.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["section"] and r["quote"] and r["use"] for r in rows)


# ------------------------------------------------------------------------------------------
# default settings and measured validation (the figures stated in data/README.md)


def test_default_settings_file(defaults):
    assert defaults == {"treat": "log", "normalisation": "minmax", "missing": "reweight",
                        "aggregation": "arithmetic", "year": 2023}


def test_skewed_indicators_2023(ds, fw):
    X = ds.matrix(2023, list(fw.leaves))
    s, k = skew_kurt(X.to_numpy(float))
    flagged = {c for c, a, b in zip(X.columns, s, k) if abs(a) > 2 and b > 3.5}
    assert flagged == README["skewed_2023"]


def test_default_top6_is_the_report_tier1(ds, fw, defaults, tiers):
    res = build(ds, _spec(fw, defaults))
    top6 = set(res.composite.sort_values(ascending=False, kind="stable").index[:6])
    assert top6 == {"江苏", "广东", "北京", "山东", "浙江", "上海"} == set(tiers[tiers == 1].index)


@pytest.mark.parametrize("treat", ["none", "log", "winsor"])
def test_top6_is_tier1_under_every_treatment(ds, fw, defaults, tiers, treat):
    res = build(ds, _spec(fw, defaults, treat=treat))
    assert set(res.composite.nlargest(6).index) == set(tiers[tiers == 1].index)


def test_default_tier_agreement_as_stated(ds, fw, defaults, tiers):
    res = build(ds, _spec(fw, defaults))
    differ = _differ(res, tiers)
    assert 31 - len(differ) == README["default"]["agree"]
    assert differ == README["default"]["differ"]


def test_default_tier_agreement_guard(ds, fw, defaults, tiers):
    """The honest ceiling of this data is 27 of 31 in their report tier (the 28 target is retired:
    reaching it needs the benchmark indicator replaced by the report's tier label; data/README.md,
    'Validation'). A guard on the measured figure, by the engine's own default tiering (the ranking
    cut at report_sizes(31) = 6/11/10/4, what the app and the CLI show): a change of the estimates
    or the method that moves it must be documented, never tuned towards the report."""
    from iiscore.tiering import DEFAULT_METHOD, report_sizes, tiers as make_tiers

    res = build(ds, _spec(fw, defaults))
    assert DEFAULT_METHOD == "sizes" and report_sizes(31) == (6, 11, 10, 4)
    ours = make_tiers(res.scores[[fw.root]]).assignment["tier"]
    same = int((ours.reindex(tiers.index) == tiers).sum())
    assert same == 27
    assert {r for r in tiers.index if ours[r] != tiers[r]} == {"天津", "陕西", "海南", "宁夏"}


@pytest.mark.parametrize("treat", ["none", "log", "winsor"])
def test_tier_agreement_by_treatment_as_stated(ds, fw, defaults, tiers, treat):
    res = build(ds, _spec(fw, defaults, treat=treat))
    assert 31 - len(_differ(res, tiers)) == README["by_treat"][treat]


def test_default_top10_lists_as_stated(ds, fw, defaults):
    res = build(ds, _spec(fw, defaults))
    assert _top10(res, "industry", TOP10_INDUSTRY) == README["default"]["industry"]
    assert _top10(res, "application", TOP10_APPLICATION) == README["default"]["application"]


def test_public_indicators_only_as_stated(ds, fw, defaults, regions, tiers):
    """The 13 public proxies alone (the six estimated indicators left out and re-weighted within their
    pillars: the coverage rule is off, since leaving them out is deliberate -- 基础能力 keeps 1 of 5)."""
    res = build(_public_only(ds, fw, regions), _spec(fw, defaults, coverage=0.0))
    differ = _differ(res, tiers)
    assert 31 - len(differ) == README["public"]["agree"]
    assert differ == README["public"]["differ"]
    assert set(res.composite.nlargest(6).index) == set(tiers[tiers == 1].index)
    assert _top10(res, "industry", TOP10_INDUSTRY) == README["public"]["industry"]
    assert _top10(res, "application", TOP10_APPLICATION) == README["public"]["application"]


def test_estimates_without_tier_information_as_stated(fw, defaults, regions, tiers):
    inp = dbuild.read_inputs(DATA)
    reg = dbuild.region_table(inp["geo"], inp["anchors"])
    variant = _dataset_from_table(dbuild.indicator_table(inp, reg, use_tiers=False), fw, regions)
    res = build(variant, _spec(fw, defaults))
    differ = _differ(res, tiers)
    assert 31 - len(differ) == README["no_tier_info"]["agree"]
    assert differ == README["no_tier_info"]["differ"]


def _alternative(ds, fw, regions, rd: str, structure: str):
    """The shipped data with the documented alternative proxies swapped in, read straight from
    data/sources/provincial_proxies.csv (so the swap is independent of the build script)."""
    prox = pd.read_csv(DATA / "sources" / "provincial_proxies.csv")
    prox["region"] = prox["region_zh"].map(dict(zip(regions["name_zh"], regions["region"])))
    value = prox.set_index(["proxy_id", "region", "year"])["value"].astype(float)
    long = ds.long[["region", "year", "indicator", "value"]].copy()
    long["value"] = long["value"].astype(float)
    keys = list(zip(long["region"], long["year"]))
    if rd == "intensity":
        m = (long["indicator"] == "rd_input").to_numpy()
        long.loc[m, "value"] = [value.get(("rd_intensity", *k), np.nan) for k, mm in zip(keys, m) if mm]
    if structure == "ratio":
        m = (long["indicator"] == "industry_structure").to_numpy()
        long.loc[m, "value"] = [value[("hightech_revenue", *k)] / value[("gdp_reference", *k)]
                                for k, mm in zip(keys, m) if mm]
    return load_data(long, fw, region_info=regions.set_index("region"))


def test_every_documented_alternative_as_stated(ds, fw, defaults, regions, tiers):
    """No documented choice that keeps the report's weighted mean reaches 28 of 31 (data/README.md,
    'Every documented alternative')."""
    found = {}
    for (rd, structure, agg), by_treat in README["grid"].items():
        variant = _alternative(ds, fw, regions, rd, structure)
        for treat in by_treat:
            res = build(variant, _spec(fw, defaults, treat=treat, aggregation=agg))
            found.setdefault((rd, structure, agg), {})[treat] = 31 - len(_differ(res, tiers))
    assert found == README["grid"]
    assert max(v for (_, _, agg), d in found.items() if agg == "arithmetic" for v in d.values()) == 27
    # the alternative swaps really change the data (else the grid would prove nothing)
    alt = _alternative(ds, fw, regions, "intensity", "ratio").matrix(2023)
    assert alt.loc["北京", "rd_input"] == pytest.approx(6.73) and alt["industry_structure"].max() < 2


def test_every_pillar_weighting_the_report_allows_gives_27(ds, fw, defaults, tiers):
    """The published national series (rounded) leaves the pillar weights in a polytope
    (iiscore.weights.infer). Any weights in it -- 2,000 random convex combinations of the vectors
    that attain its bounds, plus those vectors -- put the same 4 regions in another tier."""
    from iiscore.weights.infer import infer_weights

    iw = infer_weights()
    res = build(ds, _spec(fw, defaults))
    pillars = list(fw.pillars)
    P = res.scores[pillars].to_numpy()
    E = iw.extremes[pillars].to_numpy()
    assert np.ptp(E[:, 1]) > 0.3  # innovation's weight ranges over 0-0.33: the set is wide
    rng = np.random.default_rng(0)
    W = np.vstack([E, rng.dirichlet(np.full(len(E), 0.5), size=2000) @ E])
    seen = set()
    for w in W:
        differ = _differ_of(pd.Series(P @ w / w.sum(), index=res.composite.index), tiers)
        seen.add(tuple(sorted(differ.items())))
    assert seen == {tuple(sorted(README["default"]["differ"].items()))}


@pytest.mark.parametrize("year", YEARS)
def test_every_year_scores(ds, fw, defaults, year):
    res = build(ds, _spec(fw, defaults, year=year))
    assert res.composite.notna().all() and len(res.composite) == 31
