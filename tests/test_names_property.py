"""Names are never changed or merged silently (issue 13), as properties over random name sets.

The expected outcome of loading a table is derived here independently of ``iiscore.data``: from
``data/regions.csv`` read with pandas, a name maps to a known region only when it equals (up to case,
letter width and surrounding spaces, Unicode NFKC) that region's id, full or short Chinese name,
English name or one of its parenthesised parts, adcode or ISO code; any other name is kept exactly as
written. Loading must then (1) keep every other name as written, in the user's order, (2) list every
mapped name in ``name_map``, (3) refuse two spellings of one region and two names that only differ in
case, width or spaces, naming both rows, and (4) keep every value with its region. Also the
indicators: a framework whose names are prefixes of each other resolves each exactly.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iiscore
from iiscore.data import MISSING_TOKENS
from iiscore.datasets import load_regions
from iiscore.errors import DataError, FrameworkError

from iiscore.resources import data_file

REGIONS = pd.read_csv(data_file("regions.csv"), dtype=str)
INFO = load_regions()
FW = iiscore.load_default_framework()


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s).strip()).casefold()


def reference_aliases() -> dict:
    """Key -> region id from regions.csv (ids first: an id always means its own region)."""
    ref = {norm(r): r for r in REGIONS["region"]}
    for _, row in REGIONS.iterrows():
        for col in ("name_zh", "name_zh_short", "name_en", "adcode", "iso_3166_2"):
            v = row.get(col)
            if isinstance(v, str) and v.strip():
                ref.setdefault(norm(v), row["region"])
                if col == "name_en":
                    for part in re.split(r"[()]", v):
                        if part.strip():
                            ref.setdefault(norm(part), row["region"])
    return ref


REF = reference_aliases()
KNOWN = sorted({v for col in ("region", "name_zh", "name_zh_short", "name_en", "adcode")
                for v in REGIONS[col].dropna().astype(str)})
# pieces that make names colliding by prefix, suffix and case with the real ones
PIECES = ["山", "东", "西", "山东", "山西", "江", "苏", "省", "市", "自治区", "内蒙", "广", "A", "a", "R1", "R10",
          "Shan", "xi", "dong", " ", "１", "Ｂ", "b", "北京", "京", "-", "新"]


def table(names, values=None):
    values = values if values is not None else [float(i + 1) for i in range(len(names))]
    rows = [(n, 2023, leaf, v) for n, v in zip(names, values) for leaf in FW.leaves]
    return pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])


def expected(names):
    """(ids, name_map) or the two rows that must be refused, derived from the reference aliases."""
    ids, first, by_key = [], {}, {}
    for i, n in enumerate(names):
        written = unicodedata.normalize("NFKC", n).strip()
        rid = REF.get(norm(written), written)
        if rid in first and first[rid][1] != written:
            return "two spellings", (first[rid][0], i)
        first.setdefault(rid, (i, written))
        k = norm(rid)
        if k in by_key and by_key[k][1] != rid:
            return "indistinct", (by_key[k][0], i)
        by_key.setdefault(k, (i, rid))
        ids.append(rid)
    mapped = tuple((unicodedata.normalize("NFKC", n).strip(), r) for n, r in zip(names, ids)
                   if unicodedata.normalize("NFKC", n).strip() != r)
    return tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(mapped))


name = st.one_of(st.sampled_from(KNOWN),
                 st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join))


def usable(n: str) -> bool:
    s = unicodedata.normalize("NFKC", n).strip()
    return bool(s) and s.casefold() not in MISSING_TOKENS and not s.startswith("#")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(name.filter(usable), min_size=1, max_size=12, unique_by=lambda s: unicodedata.normalize("NFKC", s).strip()))
def test_names_are_kept_or_mapped_exactly(names):
    want = expected(names)
    if want[0] in ("two spellings", "indistinct"):
        with pytest.raises(DataError) as exc:
            iiscore.load_data(table(names), FW, region_info=INFO)
        i, j = want[1]
        # the message names both first rows (spreadsheet rows: header = 1, one row per indicator here)
        n = len(FW.leaves)
        assert exc.value.row == 2 + n * j
        assert f"row {2 + n * i})" in exc.value.en
        return
    ids, mapped = want
    ds = iiscore.load_data(table(names), FW, region_info=INFO)
    assert ds.regions == ids  # nothing merged, nothing renamed beyond the exact aliases, user order
    assert tuple(ds.name_map) == mapped
    m = ds.matrix(2023)
    for i, n in enumerate(names):  # every value stays with its region
        rid = REF.get(norm(unicodedata.normalize("NFKC", n)), unicodedata.normalize("NFKC", n).strip())
        assert m.at[rid, FW.leaves[0]] == float(i + 1)
        assert ds.resolve_region(n) == rid


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join).filter(usable),
                min_size=2, max_size=10, unique_by=norm))
def test_names_without_region_info_are_kept_as_written(names):
    """Without a region table no name is mapped: each is its own region, and each resolves to itself
    only (a prefix of another name is not that name)."""
    ds = iiscore.load_data(table(names), FW)
    assert ds.regions == tuple(unicodedata.normalize("NFKC", n).strip() for n in names)
    assert not ds.name_map
    for n in names:
        assert ds.resolve_region(n) == unicodedata.normalize("NFKC", n).strip()
    longest = max(ds.regions, key=len)
    prefix = longest[:-1].strip()
    if prefix and norm(prefix) not in {norm(r) for r in ds.regions}:
        with pytest.raises(DataError):
            ds.resolve_region(prefix)


def test_case_only_difference_is_refused_with_both_rows():
    with pytest.raises(DataError) as exc:
        iiscore.load_data(table(["Alpha", "beta", "ALPHA"]), FW)
    assert "'Alpha' (row 2)" in exc.value.en and f"'ALPHA' (row {2 + 2 * len(FW.leaves)})" in exc.value.en
    assert "大小写" in exc.value.zh


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["网络", "网络建设", "建设", "平台", "平台培育", "net", "Net2", "标识"]),
                         min_size=1, max_size=3).map("".join), min_size=2, max_size=6, unique_by=norm))
def test_indicator_names_that_are_prefixes_resolve_exactly(names):
    """A framework whose indicator names are prefixes of each other: each name resolves to its own
    indicator, and a prefix that is no name is refused with suggestions (never the nearest match)."""
    rows = [{"id": "root", "parent": "", "weight": 1, "direction": 1, "name_zh": "总", "name_en": "Total"}]
    rows += [{"id": f"i{k}", "parent": "root", "weight": 1, "direction": 1, "name_zh": n, "name_en": f"Ind {k}"}
             for k, n in enumerate(names)]
    fw = iiscore.load_framework(pd.DataFrame(rows))
    for k, n in enumerate(names):
        assert fw.resolve(n) == f"i{k}"
        assert fw.resolve(f"i{k}") == f"i{k}"
    longest = max(names, key=len)
    if len(longest) > 1 and norm(longest[:-1]) not in {norm(n) for n in names} | {"root", "总", "total"} \
            and not re.fullmatch(r"i\d+", longest[:-1]) and not longest[:-1].startswith("Ind"):
        with pytest.raises(FrameworkError):
            fw.resolve(longest[:-1])


def test_first_clash_in_the_file_is_reported():
    """Found by the property test above: 北京 written as 北京 and 110000, 陕西 as 陕西 and 610000 --
    the error names the clash whose second spelling comes first in the file (610000, row 40)."""
    names = ["北京", "陕西", "610000", "110000"]
    with pytest.raises(DataError) as exc:
        iiscore.load_data(table(names), FW, region_info=INFO)
    n = len(FW.leaves)
    assert exc.value.row == 2 + n * 2 and "'陕西' (row 21)" in exc.value.en and "'610000'" in exc.value.en
