"""iiscore_app/serving.py: the data set a server gives every visitor (IISCORE_DATA / IISCORE_FRAMEWORK,
or ``streamlit run app.py -- --data PATH --framework PATH``).

References: the hand-computed scores of the three-region framework of ``tests/conftest.py``
(r2 92.5, r3 37.5, r1 20.0, worked out in ``test_served_framework_scores_by_hand``); for the
31-province file, the region that leads (trails) every indicator scores 100 (0) under min-max
whatever the weights, and every other number must equal what ``iiscore`` computes for an
upload of the same file (``state._upload_bundle``), the app's other way of reading a file.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore_app import scenario as S
from iiscore.datasets import load_regions
from iiscore.errors import IIScoreError, SpecError
from iiscore_app import serving

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FW = iiscore.load_default_framework()
TOP, BOTTOM = "宁夏", "海南"

TINY_FW = """id,parent,weight,direction,name_zh,name_en
idx,,1,1,指数,Index
A,idx,60,1,甲,Pillar A
B,idx,40,1,乙,Pillar B
a1,A,1,1,甲一,a one
a2,A,3,-1,甲二,a two
b1,B,1,1,乙一,b one
"""
TINY_DATA = """region,year,a1,a2,b1
r1,2023,0,10,5
r2,2023,5,0,10
r3,2023,10,5,0
"""


def province_file() -> bytes:
    """31 provinces x 2 years, wide; provinces written by English or full Chinese name (the region
    table maps both); TOP leads and BOTTOM trails every indicator (all directions are +1)."""
    info = load_regions()
    rows = ["region,year," + ",".join(FW.leaves)]
    for year in (2022, 2023):
        for k, (r, row) in enumerate(info.iterrows()):
            name = row["name_en"] if k % 2 == 0 else row["name_zh"]
            if r == TOP:
                vals = [1000 + j + year - 2022 for j in range(len(FW.leaves))]
            elif r == BOTTOM:
                vals = [1] * len(FW.leaves)
            else:
                vals = [10 + ((k * 7 + j * 3 + year) % 31) for j in range(len(FW.leaves))]
            rows.append(f"{name},{year}," + ",".join(map(str, vals)))
    return ("\n".join(rows) + "\n").encode()


def chart_titles(at) -> list[str]:
    import json

    return [str(json.loads(c.proto.spec).get("title")) for c in at.get("vega_lite_chart")]


def national_shown(at) -> bool:
    from iiscore_app.i18n import t

    return any(title in (t("home.national", "zh"), t("home.contrib", "zh")) for title in chart_titles(at))


def ranking(at) -> "object":
    return next(e.value for e in at.dataframe if "排名变化" in e.value.columns or "Rank change" in e.value.columns)


def expected_ranking(data: bytes, name: str, scn_changes: dict | None = None):
    """The ranking an upload of the same file shows (state._upload_bundle, the defaults load_upload sets)."""
    from iiscore_app import state

    b = state._upload_bundle(state.upload_key(data), name, None, data, None)
    scn = b.context.defaults.replace(year=b.ds.years[-1], **(scn_changes or {}))
    res = S.result_for(scn, b.ds, b.fw)
    return b, res.composite.sort_values(ascending=False, kind="stable")


# -- the settings ----------------------------------------------------------------------------------
def test_command_line_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"IISCORE_DATA": "/srv/env.csv", "IISCORE_FRAMEWORK": "/srv/env_fw.csv"}
    assert serving.source([], {}).builtin
    assert serving.source(["app.py"], {"IISCORE_DATA": "", "IISCORE_FRAMEWORK": ""}).builtin  # empty = unset
    s = serving.source(["app.py"], env)
    assert (s.data, s.data_from, s.framework, s.framework_from) == (
        "/srv/env.csv", "IISCORE_DATA", "/srv/env_fw.csv", "IISCORE_FRAMEWORK")
    s = serving.source(["app.py", "--data", "cli.csv"], env)  # each setting: the command line first
    assert (s.data, s.data_from, s.framework, s.framework_from) == (
        str(tmp_path / "cli.csv"), "--data", "/srv/env_fw.csv", "IISCORE_FRAMEWORK")
    s = serving.source(["/x/app.py", "--framework=fw.csv", "--data=d.xlsx"], env)
    assert (s.data, s.framework) == (str(tmp_path / "d.xlsx"), str(tmp_path / "fw.csv"))
    # arguments of another program (pytest running AppTest) are not the app's
    s = serving.source(["/usr/bin/pytest", "--data", "x.csv", "-q"], {})
    assert s.builtin


@pytest.mark.parametrize("argv, env, parameter, needle", [
    (["app.py", "--dat", "x.csv"], {}, "--dat", "Unknown argument '--dat'"),
    (["app.py", "x.csv"], {}, "x.csv", "Unknown argument 'x.csv'"),
    (["app.py", "--data"], {}, "--data", "--data needs a file path"),
    (["app.py", "--data", "--framework", "f.csv"], {}, "--data", "--data needs a file path"),
    (["app.py", "--data", "a.csv", "--data", "b.csv"], {}, "--data", "given twice"),
    (["app.py"], {"IISCORE_FRAMEWORK": "/f.csv"}, "IISCORE_FRAMEWORK", "no data file is set"),
])
def test_bad_settings_are_named(argv, env, parameter, needle):
    with pytest.raises(SpecError) as e:
        serving.source(argv, env)
    assert e.value.parameter == parameter and needle in e.value.en and e.value.zh != e.value.en


def test_bad_files_name_the_path_and_the_setting(tmp_path):
    (tmp_path / "dir.csv").mkdir()
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    bad_fw = tmp_path / "fw.csv"
    bad_fw.write_text("id,parent\nx,\n", encoding="utf-8")
    cases = [
        (serving.Source(str(tmp_path / "none.csv"), None, "IISCORE_DATA"), "does not exist", "none.csv"),
        (serving.Source(str(tmp_path / "dir.csv"), None, "--data"), "not a file", "dir.csv"),
        (serving.Source(str(bad), None, "IISCORE_DATA"), "No 'region' column", "bad.csv"),
        (serving.Source(str(bad), str(bad_fw), "IISCORE_DATA", "IISCORE_FRAMEWORK"), "Missing column", "fw.csv"),
    ]
    for src, needle, fname in cases:
        with pytest.raises(IIScoreError) as e:
            serving.load(src)
        line = serving.failure_line(e.value)
        assert needle in line and str(tmp_path / fname) in line and " | " in line and "\n" not in line, line
        assert e.value.parameter in (src.data_from, src.framework_from)
        page = serving.failure_text(e.value, "zh", full_path=False)  # the page names the file, not the path
        assert fname in page and str(tmp_path) not in page


def test_served_data_reads_like_an_upload_of_the_same_file(tmp_path):
    """Same regions (names mapped by the region table), values, defaults (last year) and numbers as
    an upload of the file; the link context is the same in every process (ids and fingerprints)."""
    data = province_file()
    path = tmp_path / "provinces.csv"
    path.write_bytes(data)
    served = serving.load(serving.source(["app.py", "--data", str(path)], {}))
    again = serving.load(serving.source([], {"IISCORE_DATA": str(path)}))  # another process, the same file
    b, top = expected_ranking(data, path.name)
    assert not served.builtin and served.label == "provinces.csv" and served.context.dataset_id == "file:provinces.csv"
    assert served.ds.regions == b.ds.regions and set(served.ds.regions) == set(load_regions().index)
    assert served.ds.long[["region", "year", "indicator", "value"]].equals(b.ds.long[["region", "year", "indicator",
                                                                                       "value"]])
    assert served.context.defaults == b.context.defaults.replace(dataset="file:provinces.csv", year=2023)
    assert served.context == again.context and served.key == again.key
    res = S.result_for(served.context.defaults, served.ds, served.fw)
    assert res.composite[TOP] == pytest.approx(100.0) and res.composite[BOTTOM] == pytest.approx(0.0)
    assert res.composite.sort_values(ascending=False, kind="stable").round(10).equals(top.round(10))
    scn = served.context.defaults.replace(weights={"application": 5.0}, edits=[("贵州", "network", "pct", 50.0)])
    back, notes = S.decode(S.encode(scn, served.context), again.context)
    assert notes == [] and back == scn


# -- the app -------------------------------------------------------------------------------------------
def test_served_data_is_every_visitors_default(tmp_path, monkeypatch):
    data = province_file()
    path = tmp_path / "provinces.csv"
    path.write_bytes(data)
    monkeypatch.setenv("IISCORE_DATA", str(path))
    _, top = expected_ranking(data, path.name)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception and not at.error
    table = ranking(at)
    assert table["地区"].tolist() == [load_regions().at[r, "name_zh_short"] for r in top.index]
    assert (table.iloc[:, 2].to_numpy() == top.round(2).to_numpy()).all()
    assert table["地区"].iloc[0] == TOP and table.iloc[0, 2] == 100.0 and table.iloc[-1, 2] == 0.0
    assert any("本服务器提供的数据“provinces.csv”" in i.value for i in at.info)
    # the report's national series and tiers are the built-in data's: not shown for this one
    assert not national_shown(at) and chart_titles(at)  # the trajectory chart is drawn, the national ones not
    assert any("不适用于当前数据“provinces.csv”" in c.value for c in at.caption)
    at.switch_page("pages/3_Tiers.py").run()
    assert not at.exception and not any("一致比例" in m.value for m in at.markdown)  # the report comparison (t.ari)
    assert any("“provinces.csv”不与之比较" in c.value for c in at.caption)
    for page in ("pages/1_Weights.py", "pages/2_Simulator.py", "pages/4_Data.py"):
        at.switch_page(page).run()
        assert not at.exception, page

    # a link made for this data set opens with its numbers in a fresh session (any process)
    served = serving.load(serving.source([], {"IISCORE_DATA": str(path)}))
    scn = served.context.defaults.replace(lang="en", weights={"innovation": 40.0, "basic": 2.0})
    _, top2 = expected_ranking(data, path.name, {"weights": {"innovation": 40.0, "basic": 2.0}})
    at2 = AppTest.from_file(APP, default_timeout=60)
    at2.query_params["s"] = S.encode(scn, served.context)
    at2.run()
    assert not at2.exception and not [w for w in at2.warning if "data set" in w.value]
    table = ranking(at2)
    assert (table.iloc[:, 2].to_numpy() == top2.round(2).to_numpy()).all()
    assert not (top2.round(2).to_numpy() == top.round(2).to_numpy()).all()  # the weights changed something
    assert any("'provinces.csv', the data this server provides" in i.value for i in at2.info)


def test_command_line_data_in_the_app(tmp_path, monkeypatch):
    """``streamlit run app.py -- --data PATH`` sets sys.argv to [app.py, --data, PATH]; it wins over
    IISCORE_DATA."""
    data = province_file()
    path = tmp_path / "cli.csv"
    path.write_bytes(data)
    monkeypatch.setenv("IISCORE_DATA", str(tmp_path / "not_this_one.csv"))
    monkeypatch.setattr(sys, "argv", [str(ROOT / "app.py"), "--data", str(path)])
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception and not at.error
    assert ranking(at)["地区"].iloc[0] == TOP and any("“cli.csv”" in i.value for i in at.info)


def test_served_framework_scores_by_hand(tmp_path, monkeypatch):
    """Min-max by hand (no indicator is skewed enough to be log-treated with three regions):
    r1: a1 0 -> 0, a2 10 -> 0 (lower is better), b1 5 -> 50: A = (1*0 + 3*0)/4 = 0, B = 50, index 0.6*0 + 0.4*50 = 20;
    r2: 50, 100, 100: A = (50 + 300)/4 = 87.5, B = 100, index 52.5 + 40 = 92.5;
    r3: 100, 50, 0: A = (100 + 150)/4 = 62.5, B = 0, index 37.5."""
    (tmp_path / "fw.csv").write_text(TINY_FW, encoding="utf-8")
    (tmp_path / "tiny.csv").write_text(TINY_DATA, encoding="utf-8")
    monkeypatch.setenv("IISCORE_DATA", str(tmp_path / "tiny.csv"))
    monkeypatch.setenv("IISCORE_FRAMEWORK", str(tmp_path / "fw.csv"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    table = ranking(at)
    assert table["地区"].tolist() == ["r2", "r3", "r1"]
    assert table["指数"].tolist() == [92.5, 37.5, 20.0]
    assert table["甲"].tolist() == [87.5, 62.5, 0.0] and table["乙"].tolist() == [100.0, 0.0, 50.0]
    for page in ("pages/1_Weights.py", "pages/2_Simulator.py", "pages/3_Tiers.py", "pages/4_Data.py"):
        at.switch_page(page).run()
        assert not at.exception, page


def test_bad_data_stops_every_page_with_one_log_line(tmp_path, monkeypatch, capfd):
    missing = tmp_path / "gone.csv"
    monkeypatch.setenv("IISCORE_DATA", str(missing))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and not at.dataframe and not at.title  # the problem, nothing else
    msg = at.error[0].value
    assert "gone.csv" in msg and "does not exist" in msg and "不存在" in msg and str(tmp_path) not in msg
    at.run()
    at.switch_page("pages/4_Data.py").run()
    at2 = AppTest.from_file(APP, default_timeout=60)  # another visitor
    at2.run()
    assert not at.exception and not at2.exception and len(at2.error) == 1
    lines = [ln for ln in capfd.readouterr().err.splitlines() if ln.startswith("iiscore:")]
    assert len(lines) == 1 and str(missing) in lines[0] and " | " in lines[0], lines


def test_builtin_data_without_settings():
    served = serving.load(serving.Source())
    assert served.builtin and served.key == S.DEFAULT_DATASET and served.label == serving.BUILTIN_LABEL
    assert served.ds is iiscore.load_default() and served.context == S.make_context(served.ds, served.fw)


def test_check_command(tmp_path):
    """``python -m iiscore_app.serving --check``: what deploy/iiscore-run runs before Streamlit."""
    path = tmp_path / "provinces.csv"
    path.write_bytes(province_file())
    env = {"PATH": "/usr/bin:/bin", "IISCORE_DATA": str(path)}
    ok = subprocess.run([sys.executable, "-m", "iiscore_app.serving", "--check"], cwd=ROOT, capture_output=True,
                        text=True, env=env, timeout=120)
    assert ok.returncode == 0 and ok.stderr == "", ok.stderr
    assert ok.stdout.strip() == (f"iiscore: serving provinces.csv ({path}): 31 regions, years 2022-2023, "
                                 f"19 indicators, data set id file:provinces.csv")
    bad = subprocess.run([sys.executable, "-m", "iiscore_app.serving", "--check", "--framework", "x.csv"], cwd=ROOT,
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=120)
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1
    assert "no data file is set" in bad.stderr and "没有指定数据文件" in bad.stderr


def test_uploads_do_not_claim_the_reports_extras_either():
    """Bundle.builtin is False for an upload too: an uploaded 31-province file no longer shows the
    report's national series under its name, nor a comparison with the report's tiers."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert national_shown(at)  # the built-in data: shown
    at.switch_page("pages/4_Data.py").run()
    at.file_uploader(key="wk.d_upload").set_value(("mine.csv", province_file(), "text/csv")).run()
    assert not at.exception and any("mine.csv" in s.value for s in at.success)
    at.switch_page("app.py").run()
    assert not at.exception and ranking(at)["地区"].iloc[0] == TOP
    assert not national_shown(at) and chart_titles(at)
    assert any("不适用于当前数据“mine.csv”" in c.value for c in at.caption)
    assert any("上传的数据“mine.csv”" in i.value for i in at.info)  # the upload wording, not the server's
    at.switch_page("pages/3_Tiers.py").run()
    assert not at.exception and not any("一致比例" in m.value for m in at.markdown)  # the report comparison (t.ari)
