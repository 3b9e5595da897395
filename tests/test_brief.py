"""Tests of iiscore.brief and ``python -m iiscore brief``: the brief's text read back from the PDF
(poppler's pdftotext) carries the engine's numbers; every font is embedded (pdffonts); charts are
vector (pdfimages finds no picture); the Word brief reads back (python-docx); the shipped font draws
every character the app and its data use."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from iiscore import Spec, build, default_spec, load_data, load_default, load_default_framework, load_framework
from iiscore import tiering
from iiscore.brief import brief, document, file_name
from iiscore.brief import fonts as F
from iiscore.cli import main
from iiscore.profile import Profiler, profile
from iiscore_app import scenario as S

COINR = Path(__file__).parent / "fixtures" / "coinr"
CJK = re.compile(r"[\u3400-\u9fff]")
POPPLER = all(shutil.which(x) for x in ("pdftotext", "pdffonts", "pdfinfo", "pdfimages"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) missing: "
                                                       "apt-get install poppler-utils (.ci/run does)")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(path: Path) -> list:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line for line in out[2:] if line.strip()]


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture(scope="module")
def ds():
    return load_default()


@pytest.fixture(scope="module")
def prof(ds):
    return Profiler(ds, default_spec(), report_tiers=tiering.report_tiers())


@pytest.fixture(scope="module")
def briefs(tmp_path_factory, prof):
    """贵州 in Chinese and 陕西 in English, as the issue asks, written to files."""
    out = {}
    d = tmp_path_factory.mktemp("briefs")
    for region, lang in (("贵州", "zh"), ("陕西", "en")):
        p = prof.profile(region)
        path = d / f"{region}_{lang}.pdf"
        path.write_bytes(brief(p, lang, link="http://127.0.0.1:8501/Profile?s=1.x", date="2026-12-01"))
        out[(region, lang)] = (p, path)
    return out


# --------------------------------------------------------------------------------------------
# the PDF
# --------------------------------------------------------------------------------------------
@needs_poppler
@pytest.mark.parametrize("region,lang", [("贵州", "zh"), ("陕西", "en")])
def test_pdf_text_carries_the_engines_numbers(ds, briefs, region, lang):
    """pdftotext of the brief has the region, and its score, rank and tier as build() and
    tiering.tiers(method='sizes') compute them (not as the profile copied them)."""
    _, path = briefs[(region, lang)]
    text = pdf_text(path)
    res = build(ds, default_spec())
    t = tiering.tiers(res.scores[["iidei", *res.spec.framework.pillars]], method="sizes")
    name = ds.region_name(region, lang)
    score = f"{res.composite[region]:.2f}"
    rank = int(res.ranks.at[region, "iidei"])
    tier = int(t.tier[region])
    tname = t.assignment.at[region, "tier_name_en" if lang == "en" else "tier_name_zh"]
    assert name in text and score in text
    if lang == "zh":
        assert f"第 {rank} / 31 名" in text and f"第 {tier} 梯队 {tname}" in text
    else:
        assert f"{rank} of 31" in text and f"{tier} {tname}" in text
    # the indicator table: every indicator with its normalised score to one decimal
    fw = res.spec.framework
    for j in fw.leaves:
        assert fw.name(j, lang) in text
    assert f"{res.normalised.at[region, 'network']:.1f}" in text
    assert "2026-12-01" in text and "http://127.0.0.1:8501/Profile?s=1.x" in text


@needs_poppler
@pytest.mark.parametrize("region,lang", [("贵州", "zh"), ("陕西", "en")])
def test_every_font_is_embedded(briefs, region, lang):
    """pdffonts lists only the shipped WenQuanYi Micro Hei, embedded as a subset with a ToUnicode
    map (so that the text reads back) -- no standard, unembedded font anywhere."""
    _, path = briefs[(region, lang)]
    rows = pdf_fonts(path)
    assert rows
    for row in rows:
        cols = row.split()
        assert "WenQuanYiMicroHei" in cols[0], row
        assert cols[-5:-2] == ["yes", "yes", "yes"], row  # emb, sub, uni


@needs_poppler
def test_two_to_four_a4_pages_and_vector_charts(briefs):
    for _, path in briefs.values():
        assert 2 <= pdf_pages(path) <= 4
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert "595.276 x 841.89" in info  # A4 in points
        images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
        assert len(images.strip().splitlines()) == 2  # the header lines only: no raster image in the file


def test_same_profile_same_bytes(prof):
    """The PDF is reproducible: no creation time or random id (reportlab's invariant mode)."""
    p = prof.profile("贵州")
    a = brief(p, "zh", date="2026-12-01")
    b = brief(p, "zh", date="2026-12-01")
    assert a == b and a.startswith(b"%PDF-")


@needs_poppler
def test_edited_scenario_brief_states_its_edits_and_numbers(tmp_path, ds):
    """A brief of a scenario with edits prints the edited composite (whatif's) and the edits."""
    fw = load_default_framework()
    scn = S.make_context(ds, fw).defaults.replace(edits=[S.Edit("贵州", "network", "pct", 80.0)])
    cur = S.result_for(scn, ds, fw)
    unedited = S.result_for(scn, ds, fw, edits=False)
    p = Profiler(ds, unedited.spec, edits=scn.edits, tiers=S.tiers_for(unedited, scn), mc_samples=100).profile("贵州")
    path = tmp_path / "b.pdf"
    path.write_bytes(brief(p, "zh", date="2026-12-01"))
    text = pdf_text(path)
    assert f"{cur.composite['贵州']:.2f}" in text and "网络建设 +80.00%" in text and "情景修改" in text


# --------------------------------------------------------------------------------------------
# the document model (both formats)
# --------------------------------------------------------------------------------------------
def _texts(doc):
    out = [doc.title, doc.subtitle, doc.footer]
    for b in doc.blocks:
        for attr in ("text", "label"):
            if isinstance(getattr(b, attr, None), str):
                out.append((type(b).__name__, getattr(b, "style", ""), getattr(b, attr)))
        for attr in ("header", "items", "categories"):
            for x in getattr(b, attr, ()) or ():
                out.append((type(b).__name__, "", str(x)))
        for row in getattr(b, "rows", ()) or ():
            out += [(type(b).__name__, "", str(c)) for c in row]
        for s in getattr(b, "series", ()) or ():
            out.append((type(b).__name__, "", s[0]))
    return [x if isinstance(x, tuple) else ("", "", x) for x in out]


def test_english_brief_has_no_chinese_outside_quoted_sources(prof):
    """In English only the quoted titles (《...》) and the sources line (tiny print: the statistical
    tables' own names) may be Chinese; units and provenance are translated."""
    doc = document(prof.profile("陕西"), "en", date="2026-12-01")
    bad = []
    for kind, style, text in _texts(doc):
        if style == "tiny":
            continue
        shown = re.sub(r"《[^》]*》", "", text)
        if CJK.search(shown):
            bad.append(text)
    assert not bad, bad[:5]


def test_the_rule_and_caveats_are_stated(prof):
    p = prof.profile("贵州")
    doc = document(p, "zh", date="2026-12-01")
    texts = " ".join(t for _, _, t in _texts(doc))
    assert p.rule("zh") in texts
    for en, zh in p.caveats:
        assert zh in texts
    assert "估算" in texts and "代理" in texts


def test_docx_reads_back_with_the_same_numbers(prof, ds):
    """The Word brief (python-docx read-back): the same title, score, rank, tier and tables."""
    import io

    import docx

    p = prof.profile("陕西")
    d = docx.Document(io.BytesIO(brief(p, "en", "docx", date="2026-12-01")))
    text = "\n".join(par.text for par in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "Shaanxi · Region profile" in text
    assert f"{build(ds, default_spec()).composite['陕西']:.2f}" in cells
    assert f"{p.rank} of 31" in cells and f"{p.tier} {p.tier_name[1]}" in cells
    assert len(d.inline_shapes) == 2  # the pillar chart and the trajectory
    assert d.core_properties.title == "Shaanxi · Region profile"


def test_a_framework_that_is_not_caicts_gets_a_brief(tmp_path):
    """COINr's ASEM index: the brief builds, names the data it was given, and leaves out the
    report's tier and the CAICT data statement."""
    fw = load_framework(COINR / "asem_framework.csv")
    ds = load_data(COINR / "asem_data.csv", fw)
    p = profile(ds, Spec(framework=fw), "NZL", mc_samples=100)
    doc = document(p, "en", source="Data: asem_data.csv", date="2026-12-01")
    texts = " ".join(t for _, _, t in _texts(doc))
    assert "Report's tier" not in texts and "CAICT" not in texts and "asem_data.csv" in texts
    assert f"{p.composite:.2f}" in texts
    pdf = brief(p, "zh", date="2026-12-01")
    assert pdf.startswith(b"%PDF-")
    if POPPLER:
        path = tmp_path / "asem.pdf"
        path.write_bytes(pdf)
        assert 2 <= pdf_pages(path) <= 4 and f"{p.composite:.2f}" in pdf_text(path)


def test_file_name_is_ascii():
    assert file_name("Inner Mongolia", 2023, "zh", "pdf") == "brief_Inner_Mongolia_2023_zh.pdf"
    assert file_name("西藏", 2023, "en", "docx") == "brief_region_2023_en.docx"


def test_bad_language_or_format_is_named(prof):
    from iiscore import IIScoreError

    p = prof.profile("贵州")
    with pytest.raises(IIScoreError) as exc:
        brief(p, "fr")
    assert exc.value.parameter == "lang"
    with pytest.raises(IIScoreError) as exc:
        brief(p, "zh", "odt")
    assert exc.value.parameter == "fmt"


# --------------------------------------------------------------------------------------------
# the font
# --------------------------------------------------------------------------------------------
def test_the_shipped_font_draws_every_character_we_use(ds):
    """Every character of the app's strings (both languages), of the region and indicator names
    and all 6,763 hanzi of GB2312 (levels 1 and 2, decoded with Python's gb2312 codec) are in
    the shipped font; its licence ships beside it."""
    from iiscore.brief.text import OPTIONS, TEXT
    from iiscore_app.i18n import STRINGS

    text = "".join(z + e for z, e in STRINGS.values()) + "".join(z + e for z, e in TEXT.values())
    text += "".join(z + e for grp in OPTIONS.values() for z, e in grp.values())
    info = ds.region_info
    text += "".join(str(v) for c in ("name_zh", "name_zh_short", "name_en") for v in info[c])
    fw = load_default_framework()
    text += "".join(fw.name(n, "zh") + fw.name(n, "en") for n in fw.ids)
    gb = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                gb.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(gb) == 6763
    missing = F.has_glyphs(text + "".join(gb))
    assert not missing, sorted(missing)[:20]
    assert F.licence_path().is_file() and "Apache License" in F.licence_path().read_text()
    assert (F.font_path().parent / "README.md").read_text().count("Apache") >= 1


def test_the_map_draws_with_the_shipped_font():
    from iiscore_app import geo

    assert geo.cjk_font_path() == F.font_path() and geo.cjk_font_path().is_file()


# --------------------------------------------------------------------------------------------
# the command
# --------------------------------------------------------------------------------------------
@needs_poppler
def test_cli_brief_from_an_app_scenario_file(tmp_path, ds, capsys):
    """`python -m iiscore brief --scenario FILE.json`: the scenario as the app exports it (to_json,
    with weights, edits and the fixed what-if mode) gives the app's numbers (result_for) in the PDF,
    and the link opens the same scenario on the profile page."""
    fw = load_default_framework()
    ctx = S.make_context(ds, fw)
    scn = ctx.defaults.replace(weights={"application": 40.0}, whatif="fixed", treat="none",
                               edits=[S.Edit("陕西", "adoption", "pct", 30.0)])
    f = tmp_path / "s.json"
    f.write_text(S.to_json(scn, ctx), encoding="utf-8")
    out = tmp_path / "b.pdf"
    rc = main(["brief", "--region", "Shaanxi", "--lang", "en", "--scenario", str(f), "--out", str(out),
               "--app-url", "http://plan.example:8501", "--samples", "100", "--date", "2026-12-01"])
    err = capsys.readouterr().err
    assert rc == 0, err
    cur = S.result_for(scn, ds, fw)
    text = pdf_text(out)
    assert f"{cur.composite['陕西']:.2f}" in text and "fixed baseline goalposts" in text
    assert f"score {cur.composite['陕西']:.2f}" in err
    # the link is a live annotation (the printed text may wrap a long token over lines)
    link = re.search(rb"/URI \(http://plan\.example:8501/Profile\?s=([^)]+)\)", out.read_bytes())
    assert link and "http://plan.example:8501/Profile?s=" in text
    back, notes = S.decode(link.group(1).decode(), ctx)
    assert not notes
    assert back.compute_key() == scn.compute_key() and back.region == "陕西" and back.page == "profile"


def test_cli_brief_word_and_options(tmp_path, capsys):
    out = tmp_path / "b.docx"
    assert main(["--lang", "zh", "brief", "--region", "贵州", "--samples", "50", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert out.read_bytes()[:2] == b"PK" and "已写入" in err and "第 21 名" in err


@pytest.mark.parametrize("args,needle,param", [
    (["--out", "x.txt"], ".pdf or .docx", "--out"),
    (["--scenario", "missing.json", "--out", "x.pdf"], "no such file", "--scenario"),
    (["--date", "1st of May", "--out", "x.pdf"], "YYYY-MM-DD", "--date"),
    (["--year", "1999", "--out", "x.pdf"], "1999", "--year"),
    (["--samples", "0", "--out", "x.pdf"], "--samples", "--samples"),
    (["--tier-sizes", "6,11,x", "--out", "x.pdf"], "6,11,10,4", "sizes"),
])
def test_cli_brief_bad_input_is_one_clear_line(tmp_path, monkeypatch, capsys, args, needle, param):
    monkeypatch.chdir(tmp_path)
    rc = main(["brief", "--region", "贵州", *args])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_brief_rejects_a_file_that_is_not_a_scenario(tmp_path, capsys):
    bad = tmp_path / "s.json"
    bad.write_text("not json", encoding="utf-8")
    rc = main(["--lang", "zh", "brief", "--region", "贵州", "--scenario", str(bad), "--out", str(tmp_path / "b.pdf")])
    err = capsys.readouterr().err
    assert rc == 2 and "不是情景 JSON 文件" in err
    bad.write_text(json.dumps([1, 2]), encoding="utf-8")
    assert main(["brief", "--region", "贵州", "--scenario", str(bad), "--out", str(tmp_path / "b.pdf")]) == 2


@needs_poppler
def test_cli_brief_for_a_users_data_and_framework(tmp_path, capsys):
    """`--data --framework` (COINr's ASEM): the brief names the file, prints build()'s score, no
    report tier, and says that user data cannot travel in a link."""
    out = tmp_path / "asem.pdf"
    rc = main(["brief", "--region", "NZL", "--lang", "en", "--data", str(COINR / "asem_data.csv"), "--framework",
               str(COINR / "asem_framework.csv"), "--samples", "50", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    fw = load_framework(COINR / "asem_framework.csv")
    res = build(load_data(COINR / "asem_data.csv", fw), Spec(framework=fw))
    text = pdf_text(out)
    assert "asem_data.csv" in text and f"{res.composite['NZL']:.2f}" in text
    assert "Report's tier" not in text and "User data cannot travel in a link" in text
