"""AppTest: the planner's data workflow on the Data page -- the filled template uploaded back with a
few changes, what an upload lacks listed before it is used, uploads keyed on content, the decimal
comma, names mapped, the settings in force, and every broken state with a way out without a reload.

Expected numbers come from direct engine calls on the same file (``iiscore.load_data`` +
``iiscore.build`` with the engine's default settings, and the command line ``python -m iiscore
score``), never from the app's own views.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iiscore_app import presets as P
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore import export
from iiscore.datasets import load_regions
from iiscore.spec import Spec
from iiscore_app import scenario as S
from iiscore_app import views

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DS, FW = iiscore.load_default(), iiscore.load_default_framework()
CHANGES = [("贵州", 2023, "network", 3.0), ("西藏", 2023, "rd_input", 2.0), ("北京", 2022, "talent", 0.5)]


@pytest.fixture
def at():
    a = AppTest.from_file(APP, default_timeout=60)
    a.run()
    a.switch_page("pages/4_Data.py").run()
    assert not a.exception
    return a


def changed_template(changes=CHANGES, lang="zh") -> pd.DataFrame:
    """The filled template with cells multiplied by a factor (as a planner edits three cells)."""
    tpl = views.template_frame(DS, FW, lang)
    rcol, ycol = export.TEMPLATE_HEADERS[lang]
    for region, year, leaf, factor in changes:
        row = (tpl[rcol] == DS.region_name(region, lang)) & (tpl[ycol] == year)
        assert row.sum() == 1
        col = FW.name(leaf, lang)
        tpl.loc[row, col] = float(tpl.loc[row, col].iloc[0]) * factor
    return tpl


def upload(at, name: str, raw: bytes, mime="text/csv"):
    at.file_uploader(key="wk.d_upload").set_value((name, raw, mime)).run()
    assert not at.exception
    return at


def table_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def engine_result(raw: bytes, name: str, year: int = 2023, **settings):
    """The file read and scored by the engine directly (the command line's settings by default)."""
    f = io.BytesIO(raw)
    f.name = name
    ds = iiscore.load_data(f, FW, region_info=load_regions(), name=name, decimal=settings.pop("decimal", "."))
    return ds, iiscore.build(ds, Spec(framework=FW, year=year, **settings))


def pending(at) -> list:
    """The warnings that an upload waits for confirmation."""
    return [w.value for w in at.warning if "确认后才会使用" in w.value or "used only when you confirm" in w.value]


def texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
                    + [c.value for c in at.caption] + [s.value for s in at.success] + [e.value for e in at.error])


def test_template_with_three_changes_shows_them_and_the_rank_changes(at, tmp_path):
    """The filled template, three cells changed, uploaded: the three cells are listed with the
    built-in and the uploaded value (hand-derived: value × factor), highlighted in the browse table,
    labelled 'uploaded' while the rest keep their provenance, and each region's rank is compared
    with the built-in data under the same settings (independent: two ``iiscore.build`` calls, and
    the command line on the same file)."""
    raw = export.to_csv(changed_template())
    upload(at, "mine.csv", raw)
    assert any("mine.csv" in s.value for s in at.success) and not pending(at)
    changed = table_with(at, "上传数值")
    assert len(changed) == 3
    for region, year, leaf, factor in CHANGES:
        row = changed[(changed["地区"] == region) & (changed["年份"] == year) & (changed["指标"] == FW.name(leaf, "zh"))]
        before = float(DS.matrix(year).at[region, leaf])
        assert len(row) == 1
        assert row["内置数据数值"].iloc[0] == before and row["上传数值"].iloc[0] == pytest.approx(before * factor, rel=1e-12)
        assert row["变化 %"].iloc[0] == pytest.approx((factor - 1) * 100, abs=0.01)
    # the browse table (2023) highlights the two 2023 cells and labels them 'uploaded'
    browse = table_with(at, "内置数据数值")
    browse = browse[browse["年份"] == 2023] if "年份" in browse else browse
    marked = browse[browse["_changed"]]
    assert len(marked) == 2 and set(marked["来源类型"]) == {"上传数据"}
    est = (DS.long["year"] == 2023) & (DS.long["provenance"] == "estimate")
    assert (browse["来源类型"] == "估算").sum() == int(est.sum())  # unchanged estimates stay estimates
    banner = " ".join(i.value for i in at.info)
    assert "上传数值 2 个" in banner and f"估算 {int(est.sum())} 个" in banner and "本年有 2 个数值不同" in banner

    # ranks against the built-in data, both with the upload's settings (the engine's defaults)
    cmp = table_with(at, "上传数据排名")
    _, up = engine_result(raw, "mine.csv")
    base = iiscore.build(DS, Spec(framework=FW, year=2023))
    root = FW.root
    got = cmp.set_index("地区")
    for r in DS.regions:
        assert got.at[r, "上传数据排名"] == up.ranks.at[r, root]
        assert got.at[r, "内置数据排名"] == base.ranks.at[r, root]
        assert got.at[r, "排名变化"] == base.ranks.at[r, root] - up.ranks.at[r, root]
        assert got.at[r, "不同的数值（个）"] == {"贵州": 1, "西藏": 1}.get(r, 0)
    assert got.at["贵州", "排名变化"] > 0  # tripling its network moves it up
    # the command line scores the same file to the same composite
    from iiscore.cli import main

    path = tmp_path / "mine.csv"
    path.write_bytes(raw)
    out = tmp_path / "scores.csv"
    assert main(["score", "--data", str(path), "--out", str(out)]) == 0
    cli = pd.read_csv(out, encoding="utf-8-sig").set_index("region")[root]
    for r in DS.regions:
        assert got.at[r, "上传数据得分"] == round(float(cli[r]), 2)


def test_overview_ranks_an_upload_against_the_builtin_data(at):
    """The Overview's ranking of an upload says where each region stood on the built-in data (same
    settings) and by how much it moved: the issue's 'rank change 0' after an upload. Independent:
    two ``iiscore.build`` calls."""
    raw = export.to_csv(changed_template())
    upload(at, "mine.csv", raw)
    at.switch_page("app.py").run()
    assert not at.exception
    got = table_with(at, "较默认数据").set_index("地区")
    _, up = engine_result(raw, "mine.csv")
    base = iiscore.build(DS, Spec(framework=FW, year=2023))
    root = FW.root
    for r in DS.regions:
        assert got.at[r, "默认数据排名"] == base.ranks.at[r, root]
        assert got.at[r, "较默认数据"] == base.ranks.at[r, root] - up.ranks.at[r, root]
        assert got.at[r, "排名变化"] == 0  # no edits: the scenario's own baseline is the upload
    assert got.at["贵州", "较默认数据"] > 0
    # the built-in data itself has no such column
    at.switch_page("pages/4_Data.py").run()
    at.button(key="wk.d_back").click().run()
    at.switch_page("app.py").run()
    assert not any("较默认数据" in d.value.columns for d in at.dataframe)


def test_template_as_xlsx_reuploads_unchanged(at):
    """The Excel template uploaded as it is: no cell differs, no rank moves, every provenance kept."""
    raw = views.template_xlsx(DS, FW, "zh")
    upload(at, "iiscore_data_template.xlsx", raw,
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert any("iiscore_data_template.xlsx" in s.value for s in at.success)
    assert not any(d for d in at.dataframe if "上传数值" in d.value.columns)
    cmp = table_with(at, "上传数据排名")
    assert (cmp["排名变化"] == 0).all() and (cmp["不同的数值（个）"] == 0).all()
    assert "共比较 2356 个数值，其中 0 个与内置数据不同" in texts(at)
    browse = table_with(at, "来源类型")
    y = DS.long[DS.long["year"] == 2023]
    for kind, label in (("public", "公开统计"), ("estimate", "估算"), ("report", "报告数字")):
        assert (browse["来源类型"] == label).sum() == int((y["provenance"] == kind).sum())


def test_missing_region_is_listed_and_waits_for_confirmation(at):
    """A file without 西藏: listed before use, the data in use unchanged until 'use anyway'."""
    tpl = views.template_frame(DS, FW, "zh")
    tpl = tpl[tpl["地区"] != "西藏"]
    upload(at, "no_tibet.csv", export.to_csv(tpl))
    assert not at.success
    assert "no_tibet.csv" in " ".join(pending(at))
    assert "缺少内置数据中的 1 个地区：西藏" in texts(at)
    assert any("数据来源：2023 年共 589 个指标值" in i.value for i in at.info)  # still the built-in data
    at.button(key="wk.d_pending_use").click().run()
    assert not at.exception and any("no_tibet.csv" in s.value for s in at.success)
    at.switch_page("app.py").run()
    ranking = table_with(at, "排名变化")
    assert len(ranking) == 30 and "西藏" not in set(ranking["地区"])


def test_many_missing_regions_are_counted_and_the_list_is_cut(at):
    """14 of the 31 regions left out (17 kept: still compared with the built-in data): all 14
    counted, the first 12 named in the reference's order, then an ellipsis (a served data set of
    3,000 counties must not print 3,000 names into one notice)."""
    tpl = views.template_frame(DS, FW, "zh")
    names = [DS.region_name(r, "zh") for r in DS.regions]
    gone = names[17:]
    upload(at, "seventeen.csv", export.to_csv(tpl[~tpl["地区"].isin(gone)]))
    line = next(s for s in texts(at).split("\n") if "缺少内置数据中的" in s)
    assert f"缺少内置数据中的 {len(gone)} 个地区：" + "、".join(gone[:12]) + "…" in line
    assert gone[12] not in line


def test_discarded_upload_is_not_used(at):
    tpl = views.template_frame(DS, FW, "zh")
    tpl = tpl[~tpl["地区"].isin(["西藏", "青海"])]
    upload(at, "few.csv", export.to_csv(tpl))
    assert "西藏、青海" in texts(at)
    at.button(key="wk.d_pending_cancel").click().run()
    assert not at.exception and not pending(at)
    at.switch_page("app.py").run()
    assert len(table_with(at, "排名变化")) == 31


def test_empty_indicator_is_listed_before_use(at):
    tpl = views.template_frame(DS, FW, "zh")
    tpl.loc[tpl["年份"] == 2023, "网络建设"] = np.nan
    upload(at, "no_network.csv", export.to_csv(tpl))
    assert not at.success and "1 项指标在某些年份没有任何数值：2023：网络建设" in texts(at)


def test_same_name_and_size_new_content_is_read(at):
    """A corrected file of the same name and the same size replaces the first (keyed on content)."""
    a = changed_template([("贵州", 2023, "network", 3.0)])
    b = a.copy()
    col = FW.name("network", "zh")
    row = (b["地区"] == "贵州") & (b["年份"] == 2023)
    v = float(a.loc[row, col].iloc[0])
    text = repr(v)
    swapped = text[:-1] + ("1" if text[-1] != "1" else "2")  # one digit changed: same length
    b.loc[row, col] = float(swapped)
    raw_a, raw_b = export.to_csv(a), export.to_csv(b)
    assert len(raw_a) == len(raw_b) and raw_a != raw_b
    upload(at, "same.csv", raw_a)
    first = table_with(at, "上传数值")["上传数值"].iloc[0]
    upload(at, "same.csv", raw_b)
    second = table_with(at, "上传数值")["上传数值"].iloc[0]
    assert first == v and second == float(swapped)


def test_decimal_comma_only_when_chosen(at):
    """1234,5 is read as 1234.5 only with the decimal-comma choice (never guessed)."""
    m = DS.matrix(2023)
    head = "region;year;" + ";".join(FW.leaves)
    rows = [f"{r};2023;" + ";".join(repr(float(m.at[r, leaf])).replace(".", ",") for leaf in FW.leaves)
            for r in DS.regions]
    raw = ("\n".join([head, *rows]) + "\n").encode("utf-8")
    upload(at, "komma.csv", raw)
    assert at.error and "小数逗号" in at.error[0].value and "komma.csv" in at.error[0].value
    at.radio(key="wk.d_decimal").set_value(",").run()
    assert not at.exception and not at.error and any("komma.csv" in s.value for s in at.success)
    assert "小数点：逗号" in texts(at)
    ds, res = engine_result(raw, "komma.csv", decimal=",")
    assert np.array_equal(ds.matrix(2023).to_numpy(), m.to_numpy(), equal_nan=True)
    cmp = table_with(at, "上传数据排名")
    assert (cmp["排名变化"] == 0).all()  # the same numbers as the built-in data


def test_mapped_names_are_listed(at):
    """12 regions written with their full names: the summary lists '北京市 → 北京', …"""
    tpl = views.template_frame(DS, FW, "zh")
    info = load_regions()
    full = list(DS.regions[:12])
    for r in full:
        tpl.loc[tpl["地区"] == r, "地区"] = info.at[r, "name_zh"]
    upload(at, "full_names.csv", export.to_csv(tpl))
    text = texts(at)
    assert "12 个地区名已对应到内置地区名单：北京市 → 北京，天津市 → 天津" in text


def test_settings_in_force_and_the_documented_ones(at):
    """The page says which settings apply to the upload (the engine's defaults, as the CLI); one
    click gives the built-in data's documented settings, and the comparison's built-in ranks are
    then the official ranking (``build(load_default(), default_spec())``)."""
    upload(at, "mine.csv", export.to_csv(changed_template()))
    text = texts(at)
    assert "上传数据当前使用的计算设置" in text and "偏态处理 = 不处理（报告方法）" in text
    assert "python -m iiscore score --data mine.csv" in text
    at.button(key="wk.d_set_doc").click().run()
    assert not at.exception and "偏态处理 = 对数变换" in texts(at)
    official = iiscore.build(DS, iiscore.default_spec())
    cmp = table_with(at, "上传数据排名").set_index("地区")
    for r in DS.regions:
        assert cmp.at[r, "内置数据排名"] == official.ranks.at[r, FW.root]
    at.button(key="wk.d_set_engine").click().run()
    assert "偏态处理 = 不处理（报告方法）" in texts(at)


def broken_file() -> bytes:
    """31 regions with values for the first five indicators only (20% of the weight, below the 50%
    coverage every composite needs): it loads, but every region is withheld, so nothing is ranked."""
    tpl = views.template_frame(DS, FW, "zh")
    tpl[[FW.name(leaf, "zh") for leaf in FW.leaves[5:]]] = np.nan
    return export.to_csv(tpl)


def test_upload_that_cannot_be_computed_keeps_the_way_out(at):
    """The uploader and the 'back' button stay; the other pages offer the way back too."""
    upload(at, "broken.csv", broken_file())
    at.button(key="wk.d_pending_use").click().run()  # it lacks 14 indicators: used only when confirmed
    assert at.error and "北京：20%" in at.error[0].value and "最低数据覆盖率" in at.error[0].value
    assert at.file_uploader(key="wk.d_upload") is not None and at.button(key="wk.d_back") is not None
    at.switch_page("app.py").run()
    assert not at.exception and at.error
    at.button(key="wk.error_back").click().run()
    assert not at.exception and not at.error
    assert len(table_with(at, "排名变化")) == 31
    # and from the Data page itself
    at.switch_page("pages/4_Data.py").run()
    at.file_uploader(key="wk.d_upload").set_value(None).run()
    upload(at, "broken.csv", broken_file())
    at.button(key="wk.d_pending_use").click().run()
    assert at.error
    at.button(key="wk.d_back").click().run()
    assert not at.exception and not at.error


def six_regions(edit_free=True) -> bytes:
    few = ["北京", "上海", "贵州", "西藏", "甘肃", "广东"]
    m = DS.matrix(2023).loc[few]
    m.index = [(r, 2023) for r in m.index]
    return export.data_template(FW, few, [2023], m).to_csv(index=False).encode()


def test_saved_scenario_of_the_builtin_data_loaded_during_an_upload(at):
    """A scenario saved on the built-in data (edits on 云南), loaded while an upload without 云南 is
    active: the pages say what is wrong and offer the way back, which restores the saved scenario."""
    at.button(key="wk.preset.west_infra").click().run()
    at.text_input(key="wk.save_name").input("west").run()
    at.button(key="wk.save").click().run()
    saved = S.decode(at.query_params["s"], S.make_context(DS, FW))[0]
    assert any(e.region == "云南" for e in saved.edits)
    upload(at, "six.csv", six_regions())
    at.selectbox(key="wk.named_pick").set_value("west").run()
    at.button(key="wk.load").click().run()
    assert not at.exception and at.error
    at.switch_page("app.py").run()
    assert not at.exception and at.error
    at.button(key="wk.error_back").click().run()
    assert not at.exception and not at.error
    back, _ = S.decode(at.query_params["s"], S.make_context(DS, FW))
    assert back.edits == saved.edits and back.dataset == S.DEFAULT_DATASET


def test_link_made_on_uploaded_data_applies_nothing(at):
    """The receiver is told that the data did not travel; no weight, setting or edit is applied."""
    upload(at, "six.csv", six_regions())
    at.button(key="wk.preset.west_infra").click().run()
    at.button(key="wk.preset.application_focus").click().run()
    token = at.query_params["s"]
    other = AppTest.from_file(APP, default_timeout=60)
    other.query_params["s"] = token
    other.run()
    assert not other.exception
    warn = " ".join(w.value for w in other.warning)
    assert "上传的数据无法随链接传递" in warn and "均未采用" in warn
    ctx = S.make_context(DS, FW)
    got, _ = S.decode(other.query_params["s"], ctx)
    assert got.compute_key() == ctx.defaults.compute_key()
    assert got.page == "data"  # the page the link was made on (not about the data)
    other.switch_page("app.py").run()
    official = iiscore.build(DS, iiscore.default_spec())
    ranking = table_with(other, "排名变化")
    assert ranking["地区"].tolist()[:6] == [DS.region_name(r, "zh") for r in
                                          official.composite.sort_values(ascending=False).index[:6]]


def test_single_year_upload_draws_no_trajectory(at):
    upload(at, "six.csv", six_regions())
    at.switch_page("app.py").run()
    assert not at.exception
    assert not any("traj_regions" in (m.key or "") for m in at.multiselect)  # no trajectory to pick regions for
    assert any("数据只有 2023 一年" in c.value for c in at.caption)


def test_edits_on_an_upload_without_provenance_are_scenario_values(at):
    """An upload with no provenance column (six regions: no official baseline) and the west preset:
    the banner, the ranking and the Excel provenance sheet count the edited values as 'scenario'."""
    import openpyxl

    from iiscore_app import state

    data = six_regions()
    upload(at, "six.csv", data)
    assert "没有可比较的官方基线" in texts(at)
    at.button(key="wk.preset.west_infra").click().run()
    scn = at.session_state["_iis_scenario"]
    n_edits = len(scn.edits)
    assert n_edits == 3 * 5  # 贵州, 西藏, 甘肃 × the five basic indicators
    banner = " ".join(i.value for i in at.info)
    assert f"情景修改 {n_edits} 个" in banner and f"上传数值 {114 - n_edits} 个" in banner
    at.switch_page("app.py").run()
    ranking = table_with(at, "情景修改 %").set_index("地区")
    w = FW.global_weights()
    assert ranking.at["贵州", "情景修改 %"] == round(sum(w[k] for k in P.BASIC) * 100, 1)
    b = state._upload_bundle(state.upload_key(data), "six.csv", None, data, None)
    wb = openpyxl.load_workbook(io.BytesIO(views.export_workbook(state.Eval(scn, b), "zh", "", False)))
    cells = [c.value for row in wb["来源类型"].iter_rows(min_row=2) for c in row[1:]]
    assert cells.count("情景修改") == n_edits and cells.count("上传数据") == 114 - n_edits


def test_english_upload_summary_has_no_chinese():
    """The upload summary and comparison in English: the English template (regions by English name)."""
    import re

    cjk = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
    a = AppTest.from_file(APP, default_timeout=60)
    a.query_params["lang"] = "en"
    a.run()
    a.switch_page("pages/4_Data.py").run()
    upload(a, "mine.csv", export.to_csv(changed_template(lang="en")))
    assert any("mine.csv" in s.value for s in a.success)
    text = texts(a)
    assert "31 region names mapped onto the built-in list: Beijing, Tianjin" in text
    assert "Settings in force for the uploaded data" in text
    assert not cjk.search(text), cjk.findall(text)[:10]
    for d in a.dataframe:
        cols = [c for c in d.value.columns if c != "Source"]
        assert not any(cjk.search(str(c)) for c in cols)
        for c in cols:
            assert not any(isinstance(v, str) and cjk.search(v) for v in d.value[c]), c
