"""Issue 17: nothing from a link or an upload is rendered as Markdown or HTML.

Streamlit renders Markdown in alerts, captions, titles, widget labels, radio options, tab and
expander labels and progress texts (images included: a link parameter named ``![](http://host/t.png)``
made the visitor's browser fetch it), and HTML in ``unsafe_allow_html`` Markdown and deck.gl
tooltips. These tests put hostile text (``tests/_hostile.py::HOSTILE``: images, links, bold
"Session expired", ``<img onerror>``, ``<script>``, code, strikethrough, ``:red[]``, formulas, bare
URLs, e-mail autolinks, entities, headings, list markers, very long names) in every place a link
or an upload puts text, open every page, and check every string the app sends to the browser.

The oracle is independent of the app: markdown-it-py, a CommonMark renderer with GFM's autolinks
and strikethrough (the syntax Streamlit's renderer follows), renders each Markdown field; the
result may hold no image, script, frame or event handler, no link to the hostile host, and no
emphasis, code or strikethrough around hostile text, and the hostile text must still be shown
(as plain text, cut short). HTML fields are parsed with ``html.parser`` with the same rules.
The browser test (``test_no_request_leaves_for_another_host``) checks the same in Chromium: no
request to any host but the app's server.
"""
from __future__ import annotations

import html as htmlmod
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iiscore_app import safe
from tests import _hostile as H

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["app.py", "pages/1_Weights.py", "pages/2_Simulator.py", "pages/3_Tiers.py", "pages/4_Data.py",
         "pages/5_Profile.py", "pages/6_Audit.py"]
DANGEROUS_TAGS = {"img", "script", "iframe", "object", "embed", "style", "link", "meta", "video", "audio", "source",
                  "svg", "form", "input", "base"}
# markup hostile text must not end up in (the app's own lists of notices are its own <ul>/<li>)
MARKUP_TAGS = {"strong", "em", "code", "del", "s", "b", "i", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "table",
               "blockquote", "pre"}


def renderer():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"linkify": True, "html": True}).enable(["linkify", "strikethrough", "table"])
    md.linkify.set({"fuzzy_link": False})  # GFM links www. and scheme:// only, as Streamlit's renderer
    return md


MD = renderer()


class Tags(HTMLParser):
    """Every tag with its attributes, and the text inside each markup tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.stack, self.inside, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "hr", "img", "input", "meta", "link"):
            self.stack.append([tag, ""])

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                t, inner = self.stack.pop(i)
                self.inside.append((t, inner))
                break

    def handle_data(self, data):
        self.text.append(data)
        for entry in self.stack:
            entry[1] += data


def problems_in_html(rendered: str, where: str) -> list:
    p = Tags()
    p.feed(rendered)
    p.close()
    out = []
    for tag, attrs in p.tags:
        if tag in DANGEROUS_TAGS:
            out.append(f"{where}: <{tag}> rendered")
        for k, v in attrs.items():
            if k.startswith("on"):
                out.append(f"{where}: event handler {k}")
            if k in ("href", "src", "action", "formaction", "srcset", "style") and v and H.EVIL_HOST in v:
                out.append(f"{where}: {k} to {v}")
    for tag, inner in p.inside:
        if tag in MARKUP_TAGS and H.MARK in inner:
            out.append(f"{where}: hostile text inside <{tag}>")
        if tag == "a" and H.MARK in inner:
            out.append(f"{where}: hostile text as a link")
    return out


def problems_in_markdown(body: str, where: str) -> list:
    return problems_in_html(MD.render(body), where)


def visible_text(body: str, html_allowed: bool = False) -> str:
    p = Tags()
    p.feed(body if html_allowed else MD.render(body))
    return htmlmod.unescape("".join(p.text)).replace(safe.ZWSP, "")


# ------------------------------------------------------------------------------------------------
# the helpers themselves
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", H.HOSTILE + ["a.csv 2020-2023 +20% tier_k R&D", "\u202eevil\u200b", "x\n\n# y\n- z"])
def test_md_shows_the_text_exactly_and_renders_nothing(text):
    """Rendered by an independent CommonMark renderer, the escaped text is one paragraph holding
    exactly the text as written (control characters removed, white space made one space)."""
    out = MD.render(safe.md(text)).strip()
    assert out.startswith("<p>") and out.endswith("</p>") and "<" not in out[3:-4], out
    assert htmlmod.unescape(out[3:-4]).replace(safe.ZWSP, "") == safe.plain(text)
    assert not problems_in_markdown(safe.md(text), text)
    # no bare URL or e-mail address is left for GFM's autolinks (they act on the parsed text)
    assert not re.search(r"://|www\.|@", MD.render(safe.md(text)).replace(safe.ZWSP + "://", "").replace(
        "www" + safe.ZWSP + ".", "").replace(safe.ZWSP + "@", ""))
    # Streamlit's own syntax on top of CommonMark: colours, icons and formulas need [ ] or $
    assert not re.search(r"(?<!\\)[\[\]$]", safe.md(text))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_md_round_trips_any_text(text):
    """Any text, escaped and rendered, reads back as itself (hypothesis)."""
    out = MD.render(safe.md(text)).strip()
    if not safe.plain(text):
        assert out == ""
        return
    assert out.startswith("<p>") and out.endswith("</p>") and "<" not in out[3:-4], (text, out)
    assert htmlmod.unescape(out[3:-4]).replace(safe.ZWSP, "") == safe.plain(text)


@pytest.mark.parametrize("text", H.HOSTILE)
def test_html_escapes(text):
    out = safe.html(text)
    assert "<" not in out and ">" not in out and htmlmod.unescape(out) == safe.plain(text)


def test_long_text_is_cut():
    assert len(safe.plain("x" * 60_000, 80)) == 80 and safe.plain("x" * 60_000, 80).endswith("…")
    assert len(safe.md("[" * 60_000, 80)) <= 2 * 80
    assert safe.t("d.upload.active", "en", name=H.IMAGE) == "Using the uploaded data '" + safe.md(H.IMAGE) + "'."


# ------------------------------------------------------------------------------------------------
# what the app sends to the browser
# ------------------------------------------------------------------------------------------------
def proto_strings(msg, path=""):
    """(message type, field name, text) of every string field of a protobuf message, recursively."""
    from google.protobuf.descriptor import FieldDescriptor as F

    for fd, val in msg.ListFields():
        vals = val if fd.is_repeated else [val]
        for v in vals:
            if fd.type == F.TYPE_STRING:
                yield type(msg).__name__, fd.name, v, msg
            elif fd.type == F.TYPE_MESSAGE:
                yield from proto_strings(v, path + "." + fd.name)


def tree_nodes(node):
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from tree_nodes(child)


# fields Streamlit renders as Markdown; selectbox and multiselect options are plain text (checked
# in Chromium), code, values and chart specs are not Markdown
MARKDOWN_FIELDS = {"label", "help", "body", "text", "caption", "captions"}
PLAIN_TYPES = {"Selectbox", "MultiSelect", "TextInput", "TextArea", "Code", "NumberInput", "DateInput"}


def audit_page(at, where: str) -> tuple[list, str]:
    """Problems in every Markdown or HTML field of the page, and all the text it shows."""
    problems, shown = [], []
    for node in tree_nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        for mtype, field, text, msg in proto_strings(proto):
            if mtype == "Markdown" and field == "body" and getattr(msg, "allow_html", False):
                problems += problems_in_html(text, f"{where} html")
                shown.append(visible_text(text, html_allowed=True))
            elif field in MARKDOWN_FIELDS or (field == "options" and mtype in ("Radio", "ButtonGroup")):
                if mtype in PLAIN_TYPES and field != "label" and field != "help":
                    continue
                problems += problems_in_markdown(text, f"{where} {mtype}.{field}")
                shown.append(visible_text(text))
            elif mtype == "DeckGlJsonChart" and field == "json":
                deck = json.loads(text)
                for layer in deck.get("layers", []):
                    for f in (layer.get("data") or {}).get("features", []) if isinstance(layer.get("data"), dict) else []:
                        for k, v in f.get("properties", {}).items():
                            if isinstance(v, str) and ("<" in v or ">" in v):
                                problems.append(f"{where} deck property {k}={v[:80]}")
    return problems, " ".join(shown)


def fresh(params: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    return at


LONG_NAME = "A" * 5000 + H.IMAGE


@pytest.mark.parametrize("params", [
    {H.IMAGE: "1"},
    {H.LINK: "1", H.IMG_TAG: "2", H.SCRIPT: "3"},
    {LONG_NAME: "1"},
    {"preset": H.IMAGE},
    {"lang": H.LINK},
    {"s": H.IMG_TAG},
    {"s": "1." + "A" * 30_000},
], ids=["image", "link-img-script", "long-name", "preset", "lang", "s-garbage", "s-long"])
def test_hostile_link_notices_are_plain_text(params):
    """A link's unknown parameter names and values are shown in the notice as plain text, cut
    short: no image is fetched, no link or bold text appears inside the app's own warning."""
    at = fresh(params)
    assert not at.exception
    problems, shown = audit_page(at, "link")
    assert not problems, problems
    notice = " ".join(w.value for w in at.warning)
    assert notice, "the link's problems are reported"
    assert len(notice) < 6000  # a 5,000-character parameter name is cut, not shown at full length
    if LONG_NAME in params:
        assert "A" * 200 not in visible_text(notice)
    if H.IMAGE in params:
        assert safe.plain(H.IMAGE) in visible_text(notice)  # shown as written, not dropped


def test_hostile_scenario_token_fields():
    """A valid scenario token whose unknown keys, weights and edits name hostile things: every
    notice about them is plain text."""
    import base64
    import zlib

    payload = {"v": 1, H.IMAGE: 1, "w": {H.LINK: 3}, "e": [[H.IMG_TAG, "network", "p", 5], ["北京", H.SCRIPT, "p", 5]],
               "n": H.LINK}
    token = "1." + base64.urlsafe_b64encode(zlib.compress(json.dumps(payload).encode())).rstrip(b"=").decode()
    at = fresh({"s": token})
    assert not at.exception
    problems, shown = audit_page(at, "token")
    assert not problems, problems
    assert H.MARK in visible_text(" ".join(w.value for w in at.warning))


# -- uploads ---------------------------------------------------------------------------------------
def hostile_framework() -> pd.DataFrame:
    return H.framework_frame([
        ("root", "", 1, 1, H.LINK, H.IMAGE),
        ("p1", "root", 2, 1, H.IMG_TAG, H.SCRIPT),
        ("p2", "root", 1, 1, f"# {H.MARK}", f":red[{H.MARK}]"),
        ("x1", "p1", 1, 1, f"`{H.MARK}`", f"~~{H.MARK}~~"),
        ("x2", "p1", 2, -1, f"${H.MARK}^2$", f"www.{H.EVIL_HOST}/{H.MARK}"),
        ("x3", "p2", 1, 1, f"{H.MARK}@{H.EVIL_HOST}", f"1. {H.MARK}"),
        ("x4", "p2", 1, 1, "B" * 400 + H.IMAGE, "C" * 400 + H.LINK),
    ])


HOSTILE_REGIONS = [H.IMAGE, H.LINK, H.IMG_TAG, H.SCRIPT, f"`{H.MARK}`", f"~~{H.MARK}~~", f":red[{H.MARK}]",
                   f"${H.MARK}^2$", f"www.{H.EVIL_HOST}/{H.MARK}", f"{H.MARK}@{H.EVIL_HOST}", "D" * 300 + H.IMAGE,
                   "北京", "贵州", "海南"]


def hostile_data() -> pd.DataFrame:
    d = H.wide_data(["x1", "x2", "x3", "x4"], len(HOSTILE_REGIONS), years=(2022, 2023), seed=5,
                    regions=HOSTILE_REGIONS)
    d["unit"] = H.LINK
    d["source"] = H.IMG_TAG
    return d


UPLOAD_NAME = f"{H.IMAGE}.csv"


@pytest.fixture(scope="module")
def uploaded_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/4_Data.py").run()
    at.file_uploader(key="wk.d_upload").set_value((UPLOAD_NAME, H.csv_bytes(hostile_data()), "text/csv"))
    at.file_uploader(key="wk.d_upload_fw").set_value(("fw.csv", H.csv_bytes(hostile_framework()), "text/csv"))
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_hostile_upload_every_page(uploaded_app, page, lang):
    """Region names, indicator and pillar names, units, sources and the file name of an upload
    are shown as plain text on every page, in both languages (the map legend's HTML and the
    map's tooltip fields are escaped too)."""
    at = uploaded_app
    if (lang == "en") != bool(at.toggle(key="wk.lang_en").value):
        at.toggle(key="wk.lang_en").set_value(lang == "en").run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    problems, shown = audit_page(at, f"{page} {lang}")
    assert not problems, problems
    if page == "app.py":
        assert H.MARK in shown  # the names are shown (as text), not dropped


def test_hostile_upload_tier_views(uploaded_app):
    """The tier map's legend and the projector cards (HTML) with k-means and natural breaks."""
    at = uploaded_app
    at.switch_page("pages/3_Tiers.py").run()
    for method in ("kmeans", "jenks", "average"):
        at.selectbox(key="wk.tier_method").set_value(method).run()
        assert not at.exception
        problems, _ = audit_page(at, f"tiers {method}")
        assert not problems, problems


def test_hostile_upload_simulator_and_goal_seek(uploaded_app):
    """The simulator on a region named with an image and a link: the table's title, the notes
    and the goal-seek answer are plain text."""
    at = uploaded_app
    at.switch_page("pages/2_Simulator.py").run()
    at.selectbox(key="wk.region").set_value(H.LINK).run()
    assert not at.exception
    at.multiselect(key=f"wk.goal_inds.{H.LINK}").set_value(["x1", "x3"])
    from iiscore_app.i18n import t

    labels = [b.label for b in at.button]
    lang = "en" if at.toggle(key="wk.lang_en").value else "zh"
    at.button[labels.index(t("sim.goal.run", lang))].click().run()
    assert not at.exception
    problems, shown = audit_page(at, "simulator")
    assert not problems, problems
    assert H.MARK in shown


def test_hostile_cell_in_upload_error(uploaded_app):
    """A cell that is not a number is quoted in the error: as plain text."""
    from streamlit.testing.v1 import AppTest

    d = hostile_data().astype(object)
    d.loc[2, "x1"] = H.IMAGE
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/4_Data.py").run()
    at.file_uploader(key="wk.d_upload").set_value((H.LINK + ".csv", H.csv_bytes(d), "text/csv"))
    at.file_uploader(key="wk.d_upload_fw").set_value(("fw.csv", H.csv_bytes(hostile_framework()), "text/csv"))
    at.run()
    assert not at.exception and at.error
    problems, _ = audit_page(at, "upload error")
    assert not problems, problems
    assert H.MARK in visible_text(" ".join(e.value for e in at.error))


def test_served_file_error_is_plain_text(tmp_path, monkeypatch):
    """The server's own data file, when the loaders refuse it, is quoted on every page: as plain text."""
    from streamlit.testing.v1 import AppTest

    d = hostile_data().astype(object)
    d.loc[1, "x2"] = H.LINK
    p = tmp_path / "served.csv"
    p.write_bytes(H.csv_bytes(d))
    f = tmp_path / "fw.csv"
    f.write_bytes(H.csv_bytes(hostile_framework()))
    monkeypatch.setenv("IISCORE_DATA", str(p))
    monkeypatch.setenv("IISCORE_FRAMEWORK", str(f))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception and at.error
    problems, _ = audit_page(at, "served error")
    assert not problems, problems


# ------------------------------------------------------------------------------------------------
# the browser: no request leaves for another host
# ------------------------------------------------------------------------------------------------
@pytest.mark.browser
def test_no_request_leaves_for_another_host(tmp_path):
    """Chromium: hostile links on every page, then a hostile upload (data and framework) visited
    on every page. Every request the pages make is recorded: none goes to any host but the app's
    server, no image or link to the hostile host is in the page, no script ran (no dialog), and
    the hostile names are shown as text. The server's log holds no traceback."""
    from urllib.parse import quote, unquote, urlparse

    from iiscore_app.i18n import t
    from tests._server import CHROMIUM, skip_without_browser, start_server, stop_server

    skip_without_browser()
    from playwright.sync_api import sync_playwright

    log = tmp_path / "server.log"
    proc, url = start_server(log=log)
    own = urlparse(url).netloc
    data, fw = tmp_path / f"{H.MARK}.csv", tmp_path / "fw.csv"
    data.write_bytes(H.csv_bytes(hostile_data()))
    fw.write_bytes(H.csv_bytes(hostile_framework()))
    outside, dialogs, evil_in_dom = [], [], []
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                                  "--disable-quic", "--no-first-run",
                                                                  "--disable-background-networking",
                                                                  "--disable-component-update", "--disable-sync"])
            ctx = b.new_context(viewport={"width": 1400, "height": 1000})

            def route(r):
                host = urlparse(r.request.url).netloc
                if r.request.url.startswith(("data:", "blob:")) or host == own:
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            ctx.route("**/*", route)
            page = ctx.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            def settle():
                page.wait_for_selector("[data-testid=stApp]", timeout=60000)
                page.wait_for_timeout(1500)
                page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                                       timeout=90000)
                html = page.content()
                for m in re.finditer(r"<(img|a|script|iframe)\b[^>]*>", html, re.I):
                    if H.EVIL_HOST in m.group(0):
                        evil_in_dom.append(m.group(0)[:200])

            links = [f"/?{quote(H.IMAGE)}=1", f"/?{quote(H.LINK)}=1&{quote(H.IMG_TAG)}=2",
                     f"/?preset={quote(H.SCRIPT)}", f"/Weights?{quote(H.IMAGE)}=1", f"/Tiers?lang={quote(H.LINK)}"]
            for link in links:
                page.goto(url + link)
                page.get_by_text(t("notice.link", "zh"), exact=False).first.wait_for(timeout=90000)
                settle()
                if H.IMAGE in unquote(link):  # shown as written, as text
                    assert safe.plain(H.IMAGE) in page.inner_text("body").replace(safe.ZWSP, "")
            page.goto(url + "/Data")
            settle()
            def uploader(label_key):
                return page.locator("[data-testid=stFileUploader]").filter(has_text=t(label_key, "zh")).locator(
                    "[data-testid=stFileUploaderDropzoneInput]")

            uploader("d.upload.fw").set_input_files(str(fw))
            page.wait_for_timeout(2000)
            uploader("d.upload.data").set_input_files(str(data))
            page.get_by_text(t("d.upload.ok", "zh", name="x", regions=0, years=0, inds=0)[:3], exact=False
                             ).first.wait_for(timeout=90000)
            settle()
            text = ""
            for key in ("home", "weights", "simulator", "tiers", "data"):  # in the same session: the sidebar
                page.locator("[data-testid=stSidebar]").get_by_text(t("page." + key, "zh"), exact=True).first.click()
                page.get_by_text(t("prov.banner.upload", "zh", name="x", year=0, total=0, parts="",
                                   diff="")[:8], exact=False).first.wait_for(timeout=90000) if key in (
                    "home", "data") else page.wait_for_timeout(3000)
                settle()
                text += page.inner_text("body")
            b.close()
    finally:
        stop_server(proc)
    assert not outside, f"requests to other hosts: {outside[:10]}"
    assert not dialogs, dialogs
    assert not evil_in_dom, evil_in_dom
    assert H.MARK in text
    assert "Traceback" not in log.read_text(errors="replace")
