"""The Data & method page: the indicator table with provenance, and what an upload is compared with.

An upload is checked against the data every visitor gets (the built-in data, or the server's own
data set): :func:`check_upload` lists the regions and indicators it lacks, and -- when it holds the
same framework and regions drawn from the same list -- the cells whose values differ (the
comparison with the official baseline). :func:`keep_provenance` gives an unchanged cell back the
provenance and source of the value it repeats (a re-uploaded template keeps its estimates marked),
while a changed cell stays ``uploaded``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from iiscore_app import scenario as S
from iiscore_app.i18n import provenance_label, t, unit_label

from .common import NO_DATA, node_name, ranking_table, region_name, tier_label, top_line  # noqa: F401

#: Two values are the same when they agree to this relative tolerance (a CSV or xlsx round trip
#: of a float is exact; a value typed again with all its digits agrees to 1e-12).
SAME_RTOL = 1e-9
#: Background of a changed cell (light yellow), of an estimate (light orange), of a note row.
CHANGED_FILL = "FFF2A8"
ESTIMATE_FILL = "FCE4D6"
NOTE_FILL = "EDEDED"
#: The browse table's hidden column marking a changed cell.
CHANGED = "_changed"


@dataclass(frozen=True, eq=False)
class UploadCheck:
    """An uploaded data set against the reference data (the data every visitor gets).

    Attributes
    ----------
    ref_label : str
        The reference's label; ``ref_builtin`` whether it is the built-in CAICT data.
    comparable : bool
        The upload has the reference's framework (ids, parents, weights, directions), no region
        outside the reference and at least half of its regions, and a year in common: the
        reference is its official baseline. ``why`` says which condition failed
        (``"framework"``, ``"regions"``, ``"years"``) when it is not.
    missing_regions : tuple
        Regions of the reference absent from the upload (listed when the upload holds at least half
        of the reference's regions, i.e. looks like the same list with gaps).
    extra_regions : tuple
        Regions of the upload the reference does not have.
    empty : tuple of (year, indicator)
        Indicators with no value at all in a year (every region missing).
    missing_cells : int
        Missing values (region × indicator × year) of the upload.
    changed : DataFrame
        ``region, year, indicator, reference, uploaded`` for every cell of the common regions and
        years whose value differs (NaN on one side counts as a difference); empty when not
        comparable.
    compared : int
        Cells compared.
    """

    ref_label: str
    ref_builtin: bool
    comparable: bool
    why: str | None
    missing_regions: tuple
    extra_regions: tuple
    empty: tuple
    missing_cells: int
    changed: pd.DataFrame
    compared: int
    years: tuple

    @property
    def needs_confirmation(self) -> bool:
        """Whether the upload lacks regions or whole indicators: listed, and used only when asked."""
        return bool(self.missing_regions or self.empty)

    def changed_in(self, year) -> pd.DataFrame:
        return self.changed[self.changed["year"] == int(year)]


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise: equal to :data:`SAME_RTOL`, or both missing."""
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore"):
        close = np.isclose(a, b, rtol=SAME_RTOL, atol=0.0)
    return both_nan | close


def check_upload(ds, fw, ref_ds, ref_fw, ref_label: str = "", ref_builtin: bool = True) -> UploadCheck:
    """Compare an uploaded data set ``ds`` (framework ``fw``) with the reference ``ref_ds``."""
    same_fw = S.framework_fingerprint(fw) == S.framework_fingerprint(ref_fw) and fw.ids == ref_fw.ids
    ref_regions = list(ref_ds.regions)
    up = set(ds.regions)
    common = [r for r in ref_regions if r in up]
    looks_like = len(common) >= len(ref_regions) / 2
    missing = tuple(r for r in ref_regions if r not in up) if looks_like else ()
    extra = tuple(r for r in ds.regions if r not in set(ref_regions))
    years = tuple(y for y in ds.years if y in ref_ds.years)
    leaves = list(fw.leaves)
    empty, n_missing = [], 0
    for y in ds.years:
        m = ds.matrix(y, leaves)
        n_missing += int(m.isna().to_numpy().sum())
        empty += [(int(y), leaf) for leaf in leaves if m[leaf].isna().all()]
    comparable = same_fw and not extra and looks_like and bool(years)
    why = None if comparable else ("framework" if not same_fw else ("regions" if extra or not looks_like else "years"))
    rows, compared = [], 0
    if comparable:
        for y in years:
            a = ds.matrix(y, leaves).reindex(index=common).to_numpy(float)
            b = ref_ds.matrix(y, leaves).reindex(index=common).to_numpy(float)
            compared += a.size
            for i, j in zip(*np.nonzero(~_same(a, b))):
                rows.append((common[i], int(y), leaves[j], float(b[i, j]), float(a[i, j])))
    changed = pd.DataFrame(rows, columns=["region", "year", "indicator", "reference", "uploaded"])
    return UploadCheck(ref_label, bool(ref_builtin), comparable, why, missing, extra, tuple(empty), n_missing,
                       changed, compared, years)


def keep_provenance(ds, check: UploadCheck, ref_ds):
    """``ds`` with its unchanged cells labelled as the reference labels them.

    Only cells the file left unlabelled (provenance ``uploaded``, what the loader writes when the
    file has no ``provenance`` column) of a comparable upload are touched: a cell whose value is the
    reference's gets the reference's provenance and source; a changed cell stays ``uploaded``. The
    unit of every cell of an indicator comes from the reference when the file gives none. Values are
    never changed (the scores are those of the file, as the command line computes them).
    """
    from iiscore.data import Dataset

    if not check.comparable:
        return ds
    long = ds.long
    key = ["region", "year", "indicator"]
    ref = ref_ds.long
    cols = [c for c in ("provenance", "source", "unit") if c in ref.columns]
    ref = ref[key + ["value"] + cols].drop_duplicates(key).rename(columns={c: "_ref_" + c for c in ["value", *cols]})
    merged = long.merge(ref, on=key, how="left")
    same = _same(merged["value"].to_numpy(float), merged["_ref_value"].to_numpy(float)) & merged["_ref_value"].notna()
    relabel = same & (merged["provenance"] == "uploaded").to_numpy()
    if "_ref_provenance" in merged.columns:
        merged.loc[relabel, "provenance"] = merged.loc[relabel, "_ref_provenance"]
    if "_ref_source" in merged.columns:
        if "source" not in merged.columns:
            merged["source"] = np.nan
        merged["source"] = merged["source"].astype(object)
        merged.loc[relabel, "source"] = merged.loc[relabel, "_ref_source"]
    if "_ref_unit" in merged.columns and "unit" not in long.columns:
        units = ref_ds.long.dropna(subset=["unit"]).drop_duplicates("indicator").set_index("indicator")["unit"]
        merged["unit"] = merged["indicator"].map(units)
    merged = merged.drop(columns=[c for c in merged.columns if c.startswith("_ref_")])
    return Dataset(merged, ds.region_info, ds.name, ds.regions, _alias=ds._alias, name_map=ds.name_map,
                   notes=ds.notes)


# -- the browse table ----------------------------------------------------------------------------------
def _unit_of(fw, leaf):
    return fw.node(leaf).extra.get("unit", "") if leaf in fw.ids else ""


def indicator_table(ev, lang: str, year=None, only_estimates: bool = False, only_changed: bool = False,
                    indicator: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Raw values with unit, provenance (estimates marked) and source, for the data browser.

    For an upload compared with the reference, a column gives the reference's value of every cell
    whose value differs (the page highlights those rows); ``only_changed`` keeps those rows only.
    The unit comes from the data, else from the framework.
    """
    return browse_table(ev.edited_ds, ev.b.fw, lang, year, only_estimates, only_changed,
                        check=getattr(ev.b, "check", None), indicator=indicator, limit=limit)


#: Rows the data browser sends to the page at most (a year of the largest upload has 2.5 million,
#: about 150 MB of table for the browser): the rest is reached by choosing an indicator.
BROWSE_ROWS = 20_000


def _labels(values, fn) -> np.ndarray:
    """``fn`` of each value, computed once per distinct value (5,000 regions, not 2.5 million rows)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    return np.array([fn(u) for u in uniques], dtype=object)[codes] if len(codes) else np.array([], object)


def browse_table(ds, fw, lang: str, year=None, only_estimates: bool = False, only_changed: bool = False,
                 check: UploadCheck | None = None, indicator: str | None = None,
                 limit: int | None = None) -> pd.DataFrame:
    """:func:`indicator_table` from a data set and framework (also when the scenario cannot be computed).

    ``indicator`` keeps one indicator's rows; ``limit`` keeps the first rows of those (in the data's
    order). ``attrs["rows"]`` is the number of rows before the limit."""
    long = ds.long
    if year is not None:
        long = long[long["year"] == int(year)]
    if indicator is not None:
        long = long[long["indicator"] == indicator]
    if only_estimates and "provenance" in long.columns:
        long = long[long["provenance"] == "estimate"]
    ref_col = is_changed = None
    if check is not None and check.comparable:
        ch = check.changed.set_index(["region", "year", "indicator"])["reference"]
        keys = pd.MultiIndex.from_arrays([long["region"], long["year"], long["indicator"]])
        ref_col = ch.reindex(keys).to_numpy(float)
        is_changed = np.asarray(keys.isin(ch.index), bool)
        if only_changed:
            long, ref_col, is_changed = long[is_changed], ref_col[is_changed], is_changed[is_changed]
    rows = len(long)
    if limit is not None and rows > limit:
        long = long.iloc[:limit]
        if ref_col is not None:
            ref_col, is_changed = ref_col[:limit], is_changed[:limit]
    ind = long["indicator"].to_numpy(object)
    units = _labels(ind, lambda i: unit_label(_unit_of(fw, i), lang))  # the framework's, where the data give none
    if "unit" in long.columns:
        given = long["unit"].to_numpy(object)
        has = np.array([isinstance(u, str) and u != "" for u in given], bool)
        units = np.where(has, _labels(given, lambda u: unit_label(u, lang)), units)
    out = pd.DataFrame({
        t("col.region", lang): _labels(long["region"].to_numpy(object), lambda r: region_name(ds, r, lang)),
        t("col.year", lang): long["year"].to_numpy(),
        t("col.indicator", lang): _labels(ind, lambda i: fw.name(i, lang) if i in fw.ids else i),
        t("col.value", lang): long["value"].to_numpy(),
        t("col.unit", lang): units,
        t("col.provenance", lang): _labels(long["provenance"].to_numpy(object), lambda p: provenance_label(p, lang))
        if "provenance" in long.columns else provenance_label("uploaded", lang),
        t("col.source", lang): long["source"].fillna("").to_numpy() if "source" in long.columns else "",
    })
    if ref_col is not None:
        out.insert(4, t("d.col.ref_value", lang, ref=ref_word(check, lang)), ref_col)
        out[CHANGED] = is_changed  # hidden on the page; marks the rows it highlights
    out = out.reset_index(drop=True)
    out.attrs["rows"] = rows
    return out


def ref_word(check: UploadCheck | None, lang: str) -> str:
    """How the reference is called: the built-in data, or the server's data set."""
    if check is None or check.ref_builtin:
        return t("d.ref.builtin", lang)
    return t("d.ref.served", lang, name=check.ref_label)


# -- the comparison with the official baseline --------------------------------------------------------
def changed_table(check: UploadCheck, ds, fw, lang: str, year=None) -> pd.DataFrame:
    """Every changed cell: region, year, indicator, the reference's value, the upload's, change %, unit."""
    ch = check.changed if year is None else check.changed_in(year)
    ref = ref_word(check, lang)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(ch["reference"].to_numpy(float) != 0,
                       (ch["uploaded"].to_numpy(float) / ch["reference"].to_numpy(float) - 1) * 100, np.nan)
    return pd.DataFrame({
        t("col.region", lang): [region_name(ds, r, lang) for r in ch["region"]],
        t("col.year", lang): ch["year"].to_numpy(int),
        t("col.indicator", lang): [fw.name(i, lang) for i in ch["indicator"]],
        t("d.col.ref_value", lang, ref=ref): ch["reference"].to_numpy(float),
        t("d.col.up_value", lang): ch["uploaded"].to_numpy(float),
        t("col.change_pct", lang): np.round(pct, 2),
        t("col.unit", lang): [unit_label(_unit_of(fw, i), lang) for i in ch["indicator"]],
    })


def official_comparison(ev, ref_ev, lang: str) -> pd.DataFrame:
    """Each region's rank and tier on the reference (its official baseline) and on the upload.

    Both are computed with the same settings (the scenario's, without its edits), so that a
    difference comes from the data alone. Rank change = reference rank - upload rank (positive =
    the upload ranks the region higher). Ranks of an upload that lacks regions are among its own
    regions.
    """
    check = ev.b.check
    res, ref = ev.unedited, ref_ev.current
    root = res.spec.framework.root
    tu, tr = ev.tiers_unedited.assignment, ref_ev.tiers.assignment
    word = ref_word(check, lang)
    n_changed = check.changed_in(ev.scn.year)["region"].value_counts() if check is not None else pd.Series(dtype=int)
    regions = [r for r in res.scores.index if r in ref.scores.index]
    out = pd.DataFrame({
        t("col.region", lang): [region_name(ev.b.ds, r, lang) for r in regions],
        t("d.col.rank_ref", lang, ref=word): ref.ranks[root].reindex(regions).astype(int).to_numpy(),
        t("d.col.rank_up", lang): res.ranks[root].reindex(regions).astype(int).to_numpy(),
        t("d.col.score_ref", lang, ref=word): ref.composite.reindex(regions).round(2).to_numpy(),
        t("d.col.score_up", lang): res.composite.reindex(regions).round(2).to_numpy(),
        t("d.col.tier_ref", lang, ref=word): [tier_label(tr, r, lang) for r in regions],
        t("d.col.tier_up", lang): [tier_label(tu, r, lang) for r in regions],
        t("d.col.n_changed", lang): [int(n_changed.get(r, 0)) for r in regions],
    })
    out.insert(3, t("col.rank_change", lang),
               out[t("d.col.rank_ref", lang, ref=word)] - out[t("d.col.rank_up", lang)])
    return out.sort_values(t("d.col.rank_up", lang), kind="stable").reset_index(drop=True)


def name_map_text(ds, lang: str, limit: int = 12) -> str:
    """'12 names mapped: 北京市 → 北京, …' in ``lang``: the name as written, then the region's name
    (a name written exactly as the region's name in ``lang`` -- 'Beijing' in English -- is listed once)."""
    pairs = list(ds.name_map)
    if not pairs:
        return ""
    sep = "，" if lang == "zh" else ", "
    parts = []
    for a, b in pairs[:limit]:
        shown = region_name(ds, b, lang)
        parts.append(str(a) if str(a).casefold() == str(shown).casefold() else f"{a} → {shown}")
    text = sep.join(parts) + (" …" if len(pairs) > limit else "")
    return t("d.up.mapped", lang, n=len(pairs), pairs=text)


def empty_indicators_text(check: UploadCheck, fw, lang: str) -> str:
    """'2023: 网络建设、标识建设' for the indicators without any value."""
    by_year: dict = {}
    for y, leaf in check.empty:
        by_year.setdefault(y, []).append(fw.name(leaf, lang))
    sep, colon = ("、", "：") if lang == "zh" else (", ", ": ")
    return ("；" if lang == "zh" else "; ").join(f"{y}{colon}{sep.join(v)}" for y, v in sorted(by_year.items()))
