"""AppTest: the Region profile page (地区画像) shows the engine's numbers for the scenario in force,
in both languages, for the built-in data and an uploaded framework that is not CAICT's; the brief
buttons are there; a goal-seek answer applies as in the simulator."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore import build, simulate, tiering
from iiscore.datasets import default_spec
from iiscore_app import scenario as S

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/5_Profile.py"
COINR = ROOT / "tests" / "fixtures" / "coinr"


def opened(query=None, region=None):
    at = AppTest.from_file(APP, default_timeout=90)
    if query:
        at.query_params.update(query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    if region:
        at.selectbox(key="wk.region").set_value(region).run()
        assert not at.exception, at.exception
    return at


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def table_with(at, column):
    return [d.value for d in at.dataframe if column in d.value.columns]


@pytest.fixture(scope="module")
def engine():
    ds = iiscore.load_default()
    res = build(ds, default_spec())
    t = tiering.tiers(res.scores[["iidei", *res.spec.framework.pillars]], method="sizes")
    return ds, res, t


def test_profile_of_guizhou_equals_the_engine(engine):
    """Score, rank, tier and the report's tier as build() and tiering compute them; the pillar and
    indicator tables carry build()'s scores; the region is the scenario's (in the link)."""
    ds, res, t = engine
    at = opened(region="贵州")
    m = metrics(at)
    assert m["综合得分"] == f"{res.composite['贵州']:.2f}"
    assert m["排名"] == f"第 {int(res.ranks.at['贵州', 'iidei'])} / 31 名"
    assert m["梯队"] == f"{int(t.tier['贵州'])} {t.assignment.at['贵州', 'tier_name_zh']}"
    assert m["报告梯队（2023 年）"] == f"{int(tiering.report_tiers()['贵州'])} 后发追赶"
    assert m["来自估算值的权重"] == "25.6%"
    pil = table_with(at, "梯队平均")[0]
    assert list(pil["得分"]) == [round(float(v), 2) for v in res.scores.loc["贵州", list(res.spec.framework.pillars)]]
    ind = table_with(at, "标准化得分")[0]
    assert len(ind) == 19 and list(ind["标准化得分"]) == [round(float(v), 2) for v in res.normalised.loc["贵州"]]
    assert set(ind["来源类型"]) == {"公开统计", "估算"}
    scn, _ = S.decode(at.query_params["s"], S.make_context(ds, iiscore.load_default_framework()))
    assert scn.region == "贵州" and scn.page == "profile"
    # the brief's two download buttons
    labels = [e.proto.label for e in at.get("download_button") if getattr(e, "proto", None) is not None]
    assert "下载简报（PDF）" in labels and "下载简报（Word）" in labels


def test_english_page(engine):
    ds, res, t = engine
    at = opened({"lang": "en"}, region="陕西")
    m = metrics(at)
    assert m["Composite score"] == f"{res.composite['陕西']:.2f}"
    assert m["Rank"] == f"{int(res.ranks.at['陕西', 'iidei'])} of 31"
    assert m["Tier"] == f"{int(t.tier['陕西'])} {t.assignment.at['陕西', 'tier_name_en']}"
    assert any("How robust" == s.value for s in at.subheader)
    labels = [e.proto.label for e in at.get("download_button") if getattr(e, "proto", None) is not None]
    assert "Download brief (PDF)" in labels


def test_a_shared_link_opens_the_profile_of_its_region(engine):
    ds, res, _ = engine
    ctx = S.make_context(ds, iiscore.load_default_framework())
    token = S.encode(ctx.defaults.replace(page="profile", region="西藏"), ctx)
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["s"] = token
    at.run()
    assert not at.exception
    if not at.metric:  # the home page switched to the link's page: AppTest runs it on the next run
        at.switch_page(PAGE).run()
    assert metrics(at)["综合得分"] == f"{res.composite['西藏']:.2f}"


def test_scenario_in_force_with_edits(engine):
    """A ready-made scenario with edits (west_infra): the profile shows result_for's composite and
    the tier every page shows (tiers_crossed)."""
    ds, _, _ = engine
    fw = iiscore.load_default_framework()
    at = opened({"preset": "west_infra"}, region="甘肃")
    scn, _ = S.decode(at.query_params["s"], S.make_context(ds, fw))
    assert scn.edits
    cur = S.result_for(scn, ds, fw)
    unedited = S.result_for(scn, ds, fw, edits=False)
    tiers = S.tiers_crossed(S.tiers_for(unedited, scn), unedited, cur, edited=S.edited_regions(scn, ds, fw))
    m = metrics(at)
    assert m["综合得分"] == f"{cur.composite['甘肃']:.2f}"
    assert m["梯队"].startswith(f"{int(tiers.tier['甘肃'])} ")
    ind = table_with(at, "标准化得分")[0]
    assert (ind["来源类型"] == "情景修改").sum() == sum(e.region == "甘肃" for e in scn.edits)


def test_compare_two_regions_side_by_side(engine):
    ds, res, _ = engine
    at = opened(region="贵州")
    at.selectbox(key="wk.pf_compare").set_value("云南").run()
    assert not at.exception
    assert any("并排对比：贵州 与 云南" in s.value for s in at.subheader)
    pil = [d.value for d in at.dataframe if "差值（贵州 − 云南）" in d.value.columns][0]
    want = (res.scores.loc["贵州"] - res.scores.loc["云南"])[list(res.spec.framework.pillars)].round(2)
    assert list(pil["差值（贵州 − 云南）"]) == list(want)


def test_apply_the_goal_answer_reaches_the_next_tier(engine):
    """'Apply this answer' stores the uniform answer's applied_edits (as the simulator does); the
    page then shows 贵州 in tier 2."""
    ds, _, _ = engine
    fw = iiscore.load_default_framework()
    at = opened(region="贵州")
    at.button(key="wk.pf_apply_uniform").click().run()
    assert not at.exception
    scn, _ = S.decode(at.query_params["s"], S.make_context(ds, fw))
    gs = simulate.goal_seek(ds, default_spec(), "贵州", target_tier=2, strategy="uniform")
    assert scn.edits == S._canon_edits(gs.applied_edits)
    assert metrics(at)["梯队"].startswith("2 ")


def test_an_uploaded_framework_that_is_not_caicts(tmp_path):
    """COINr's ASEM data and framework uploaded on the Data page: the profile page works, shows
    build()'s numbers and leaves the report's tier out."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/4_Data.py").run()
    data = (COINR / "asem_data.csv").read_bytes()
    frame = (COINR / "asem_framework.csv").read_bytes()
    at.file_uploader(key="wk.d_upload_fw").set_value(("asem_framework.csv", frame, "text/csv")).run()
    at.file_uploader(key="wk.d_upload").set_value(("asem_data.csv", data, "text/csv")).run()
    assert not at.exception
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.selectbox(key="wk.region").set_value("NZL").run()
    fw = iiscore.load_framework(COINR / "asem_framework.csv")
    ds = iiscore.load_data(COINR / "asem_data.csv", fw, region_info=iiscore.datasets.load_regions())
    res = build(ds, iiscore.Spec(framework=fw))
    m = metrics(at)
    assert m["综合得分"] == f"{res.composite['NZL']:.2f}"
    assert not any(k.startswith("报告梯队") for k in m)
    ind = table_with(at, "标准化得分")[0]
    assert len(ind) == 49


# --------------------------------------------------------------------------------------------
# in the browser: the brief downloads as it is made on the server
# --------------------------------------------------------------------------------------------
@pytest.mark.browser
def test_brief_downloads_in_chromium(tmp_path):
    """In Debian's Chromium against a real server: the profile page of a shared link draws, the
    PDF button downloads a brief made on demand (its text, read back with pdftotext, has the
    region's score and rank as build() computes them, every font embedded), and the page asks no
    host but its own server."""
    import shutil
    import subprocess

    from tests._server import CHROMIUM, skip_without_browser, start_server, stop_server

    skip_without_browser()
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) missing: apt-get install poppler-utils (.ci/run does)")
    from playwright.sync_api import sync_playwright

    ds = iiscore.load_default()
    res = build(ds, default_spec())
    ctx = S.make_context(ds, iiscore.load_default_framework())
    token = S.encode(ctx.defaults.replace(page="profile", region="贵州"), ctx)
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    proc, url = start_server()
    outside = []
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=args)
            page = b.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True).new_page()
            page.on("request", lambda r: outside.append(r.url)
                    if not r.url.startswith(url) and not r.url.startswith(("data:", "blob:")) else None)
            page.goto(f"{url}/Profile?s={token}")
            page.get_by_text("蒙特卡洛").first.wait_for(timeout=120_000)
            with page.expect_download(timeout=120_000) as dl:
                page.get_by_role("button", name="下载简报（PDF）").click()
            path = tmp_path / dl.value.suggested_filename
            dl.value.save_as(path)
            b.close()
    finally:
        stop_server(proc)
    assert path.name == "brief_Guizhou_2023_zh.pdf"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{res.composite['贵州']:.2f}" in text and f"第 {int(res.ranks.at['贵州', 'iidei'])} / 31 名" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in f for f in fonts)
    assert not outside, outside[:5]
